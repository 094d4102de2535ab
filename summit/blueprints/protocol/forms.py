"""Forms for protocol pages: shape only (the services check the rules)."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.services.protocol.precedence import ATTENDANCE_LABELS, MAX_TEXT, RANK_LABELS
from summit.services.protocol.seating import CONVENTION_LABELS, MAX_ROWS, MAX_SEATS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class EntryForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    name_native = StringField(_l("Name in Tibetan or another script"),
                              validators=[Optional(), Length(max=MAX_TEXT)])
    rank = SelectField(_l("Rank"), choices=_choices(RANK_LABELS), default="none")
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=MAX_TEXT)])
    title = StringField(_p("person", "Title"), validators=[Optional(), Length(max=MAX_TEXT)])


class ActionForm(BaseForm):
    """A button: CSRF only."""


class OrderForm(BaseForm):
    order = HiddenField(validators=[DataRequired()])


class AttendanceForm(BaseForm):
    status = SelectField(_l("Attendance"), choices=_choices(ATTENDANCE_LABELS))
    deputy_name = StringField(_l("Deputy's name"), validators=[Optional(), Length(max=MAX_TEXT)])


class PodiumForm(BaseForm):
    rows = IntegerField(_l("Rows"), validators=[InputRequired(), NumberRange(1, MAX_ROWS)],
                        default=1)
    seats_per_row = IntegerField(_l("Seats per row"),
                                 validators=[InputRequired(), NumberRange(1, MAX_SEATS)],
                                 default=7)
    convention = SelectField(_l("Convention"), choices=_choices(CONVENTION_LABELS),
                             default="government")


class PlaceForm(BaseForm):
    entry_id = SelectField(_l("Leader"), choices=[])
    row = IntegerField(_l("Row"), validators=[InputRequired(), NumberRange(1, MAX_ROWS)])
    seat = IntegerField(_l("Seat (from the left, seen from the stage)"),
                        validators=[InputRequired(), NumberRange(1, MAX_SEATS)])
