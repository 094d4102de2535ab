from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import MealKind, TravelMode, TripDirection, VehicleKind
from summit.services.reception import meals, transport, trips


class TripForm(BaseForm):
    direction = SelectField(_l("Arrival or departure"), choices=[
        SelectChoice(d.value, label) for d, label in trips.DIRECTION_LABELS.items()])
    mode = SelectField(_l("By"), choices=[SelectChoice(m.value, label)
                                          for m, label in trips.MODE_LABELS.items()])
    number = StringField(_l("Flight or train number"), validators=[Length(max=20)])
    place = StringField(_l("Airport or station"), validators=[DataRequired(),
                                                             Length(max=100)])
    at = DateTimeLocalField(_l("Date and time (Beijing time)"), format="%Y-%m-%dT%H:%M",
                            validators=[InputRequired()])
    submit = SubmitField(_l("Save"))

    def details(self) -> trips.TripDetails:
        return trips.TripDetails(direction=TripDirection(self.direction.data),
                                 mode=TravelMode(self.mode.data), number=self.number.data or "",
                                 place=self.place.data, at=self.at.data)


class VehicleForm(BaseForm):
    plate = StringField(_l("Plate"), validators=[DataRequired(), Length(max=16)])
    seats = IntegerField(_l("Passenger seats"), validators=[InputRequired(),
                                                            NumberRange(min=1, max=100)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label)
                                            for k, label in transport.KIND_LABELS.items()])
    driver_name = StringField(_l("Driver"), validators=[DataRequired(), Length(max=100)])
    driver_phone = StringField(_l("Driver's phone"), validators=[DataRequired(),
                                                                 Length(max=32)])
    submit = SubmitField(_l("Save the vehicle"))

    def details(self) -> transport.VehicleDetails:
        return transport.VehicleDetails(plate=self.plate.data, seats=self.seats.data,
                                        kind=VehicleKind(self.kind.data),
                                        driver_name=self.driver_name.data,
                                        driver_phone=self.driver_phone.data)


class ProposeForm(BaseForm):
    direction = SelectField(_l("Pick-ups or drop-offs"), choices=[
        SelectChoice(d.value, label) for d, label in transport.DIRECTION_LABELS.items()])
    window = IntegerField(_l("Group people arriving within (minutes)"), default=45,
                          validators=[InputRequired(), NumberRange(min=5, max=240)])
    submit = SubmitField(_l("Propose trips"))


class TransferForm(BaseForm):
    direction = SelectField(_l("Pick-up or drop-off"), choices=[
        SelectChoice(d.value, label) for d, label in transport.DIRECTION_LABELS.items()])
    place = StringField(_l("Airport or station"), validators=[DataRequired(),
                                                             Length(max=100)])
    at = DateTimeLocalField(_l("Leaves at (Beijing time)"), format="%Y-%m-%dT%H:%M",
                            validators=[InputRequired()])
    vehicle = SelectField(_l("Vehicle"), choices=[], validators=[Optional()])
    minutes = IntegerField(_l("Minutes the vehicle is busy"), default=90,
                           validators=[InputRequired(), NumberRange(min=10, max=600)])
    submit = SubmitField(_l("Add the trip"))


class PassengerForm(BaseForm):
    person = StringField(_l("Registration number"), validators=[DataRequired(),
                                                               Length(max=12)])
    submit = SubmitField(_l("Add"))


class ChangeVehicleForm(BaseForm):
    vehicle = SelectField(_l("Vehicle"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Change"))


class UploadForm(BaseForm):
    file = FileField(_l("Excel or CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(BaseForm):
    token = HiddenField()
    submit = SubmitField(_l("Import"))


class MealForm(BaseForm):
    kind = SelectField(_l("Meal"), choices=[SelectChoice(k.value, label)
                                            for k, label in meals.KIND_LABELS.items()])
    title = StringField(_p("meal", "Title"), validators=[DataRequired(), Length(max=100)])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=100)])
    starts_at = DateTimeLocalField(_l("Starts at (Beijing time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    capacity = IntegerField(_l("Places"), validators=[InputRequired(),
                                                      NumberRange(min=1, max=100_000)])
    seated = BooleanField(_l("Seated (tables), not a buffet"))
    categories = StringField(_l("Only these categories (codes, space separated)"),
                             validators=[Length(max=500)],
                             description=_l("Empty: everyone approved."))
    submit = SubmitField(_l("Save the meal"))

    def details(self) -> meals.MealDetails:
        return meals.MealDetails(kind=MealKind(self.kind.data), title=self.title.data,
                                 venue=self.venue.data, starts_at=self.starts_at.data,
                                 capacity=self.capacity.data, seated=self.seated.data,
                                 categories=tuple((self.categories.data or "").split()))


class RoomWishForm(BaseForm):
    gender = SelectField(_l("Gender (for rooming)"), choices=[
        SelectChoice("", "—"), SelectChoice("female", _l("Female")),
        SelectChoice("male", _l("Male"))])
    room_wish = SelectField(_p("hotel room", "Room"), choices=[
        SelectChoice("", "—"), SelectChoice("single", _l("A single room")),
        SelectChoice("shared", _l("Happy to share a room"))])
    submit = SubmitField(_l("Save"))
