from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from summit.forms import BaseForm


class GateForm(BaseForm):
    name = StringField(_l("Gate"), validators=[DataRequired(), Length(max=64)],
                       description=_l("As staff and signs call it, e.g. 东门 or 沙龙厅入口."))
