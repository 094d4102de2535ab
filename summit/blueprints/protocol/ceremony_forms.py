"""Forms of the signing ceremony page: shape only (the services check the rules)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, widgets

from summit.blueprints.protocol.forms import _choices
from summit.forms import BaseForm
from summit.services.protocol.ceremony import ORDER_LABELS
from summit.services.protocol.seating import CONVENTION_LABELS


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
