from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from summit.forms import BaseForm
from summit.services.bookings.booking import MAX_CAPACITY, MAX_CLAIM_WINDOW_HOURS


class SeatSettingsForm(BaseForm):
    bookable = BooleanField(_l("Delegates book seats for this item"))
    capacity = IntegerField(_l("Seats"), validators=[Optional(),
                                                    NumberRange(0, MAX_CAPACITY)],
                            description=_l("Raising it offers the new seats to the waiting "
                                           "list."))
    claim_window_hours = IntegerField(
        _l("Claim window (hours)"), default=12,
        validators=[InputRequired(), NumberRange(1, MAX_CLAIM_WINDOW_HOURS)],
        description=_l("How long a freed seat is held for the next person on the waiting "
                       "list."))
    submit = SubmitField(_l("Save seat settings"))


class BookForForm(BaseForm):
    registration_id = HiddenField(validators=[DataRequired()])
