from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from summit.forms import BaseForm


class GateForm(BaseForm):
    name = StringField(_l("Gate"), validators=[DataRequired(), Length(max=64)],
                       description=_l("As staff and signs call it, e.g. 东门 or 沙龙厅入口."))
    salon = SelectField(_l("Salon door"), choices=[], validators=[Optional()],
                        description=_l("Scans at a salon's door record attendance against its "
                                       "seat bookings."))
