"""Forms of the signing ceremony page: shape only (the services check the rules)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from summit.forms import BaseForm
from summit.services.protocol.ceremony import ORDER_LABELS
from summit.services.protocol.script import MAX_SCRIPT
from summit.services.protocol.seating import CONVENTION_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class CeremonyForm(BaseForm):
    order_by = SelectField(_l("Order of signings"), choices=_choices(ORDER_LABELS),
                           default="amount")
    convention = SelectField(_l("Convention at the signing table"),
                             choices=_choices(CONVENTION_LABELS), default="government")


class WitnessForm(BaseForm):
    witnesses = SelectMultipleField(_l("Witnessing leaders"), choices=[],
                                    widget=widgets.ListWidget(prefix_label=False),
                                    option_widget=widgets.CheckboxInput())
    default = BooleanField(_l("Use the default (the most senior attending leaders)"))


class ScriptForm(BaseForm):
    text = TextAreaField(_l("The host's script (主持词)"),
                         validators=[DataRequired(), Length(max=MAX_SCRIPT)],
                         render_kw={"rows": 24})
