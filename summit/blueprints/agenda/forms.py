from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import AgendaItemKind, ParticipantRole
from summit.services.agenda.draft import KIND_LABELS, MAX_CAPACITY, ROLE_LABELS

KIND_CHOICES = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in AgendaItemKind]
ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in ParticipantRole]
CONFIRM_LABEL = _l("Save anyway: I have checked the clashes listed above")


class RoomForm(BaseForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=100)])
    capacity = IntegerField(_l("Seats"), default=0, validators=[
        Optional(), NumberRange(min=0, max=MAX_CAPACITY)])
    position = IntegerField(_l("Order"), default=0, validators=[
        Optional(), NumberRange(min=0, max=1000)],
        description=_l("Columns in the editor and the printed programme go in this order."))
    submit = SubmitField(_l("Save room"))


class ItemForm(BaseForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("Starts"), validators=[InputRequired()])
    end = TimeField(_l("Ends"), validators=[InputRequired()])
    room = SelectField(_l("Room"), choices=[], validate_choice=True)
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    description_zh = TextAreaField(_l("Description (Chinese)"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Optional(), Length(max=5000)])
    bookable = BooleanField(_l("Seats are booked in advance"))
    capacity = IntegerField(_l("Bookable seats"), validators=[
        Optional(), NumberRange(min=0, max=MAX_CAPACITY)],
        description=_l("Only for bookable items, such as a salon."))
    confirm = BooleanField(CONFIRM_LABEL)
    submit = SubmitField(_l("Save item"))


class MoveForm(BaseForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("Starts"), validators=[InputRequired()])
    room = SelectField(_l("Room"), choices=[])
    confirm = BooleanField(CONFIRM_LABEL)
    submit = SubmitField(_l("Move"))


class ParticipantForm(BaseForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    registration_id = HiddenField()
    guest_name = StringField(_l("Guest's name"), validators=[Optional(), Length(max=200)])
    guest_title = StringField(_l("Guest's title"), validators=[Optional(), Length(max=200)])
    guest_organisation = StringField(_l("Guest's organisation"),
                                     validators=[Optional(), Length(max=200)])
    confirm = BooleanField(CONFIRM_LABEL)
    submit = SubmitField(_l("Add"))


class PublishForm(BaseForm):
    note = StringField(_l("Note for this version"), validators=[Optional(), Length(max=500)],
                       description=_l("For instance why the programme changed."))
    confirm = BooleanField(_l("Publish anyway: I have checked the warnings listed above"))
    submit = SubmitField(_l("Publish"))
