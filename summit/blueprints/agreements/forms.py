"""Forms for agreements: shape only (the service checks amounts, parties and transitions)."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from summit.blueprints.summits.forms import LOCAL_FORMATS
from summit.forms import BaseForm
from summit.models import AgreementKind, AgreementStatus, AmountKind, MilestoneState, UpdateKind
from summit.services.agreements.signing import (
    AMOUNT_KIND_LABELS,
    KIND_LABELS,
    MAX_COUNT,
    MILESTONE_LABELS,
    STATUS_LABELS,
    UPDATE_KIND_LABELS,
)


def _choices(labels: dict, blank: object | None = None) -> list[SelectChoice]:
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(member.value, label) for member, label in labels.items()]


def _text(label, limit: int, required: bool = False, **kwargs) -> StringField:
    checks = [DataRequired() if required else Optional(), Length(max=limit)]
    return StringField(label, validators=checks, **kwargs)


def _count(label) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)])


class AgreementForm(BaseForm):
    title = _text(_p("agreement", "Title"), 200, True)
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS),
                       default=AgreementKind.STRATEGIC.value)
    county = _text(_l("County"), 100, True, description=_l("e.g. 康定市, 理塘县"))
    sector = _text(_l("Sector"), 100, True, description=_l("e.g. 农村电商, 冷链物流, 文旅"))
    amount = _text(_l("Amount (yuan)"), 40, True,
                   description=_l("Exact yuan with at most two decimals, e.g. 50000000 or "
                                  "5000万 or 0.5亿."))
    amount_kind = SelectField(_l("The amount is"), choices=_choices(AMOUNT_KIND_LABELS),
                              default=AmountKind.AGREEMENT.value)
    # Optional here: with a ceremony chosen, the service takes the ceremony's start.
    signed_at = DateTimeLocalField(_l("Signed at"), format=LOCAL_FORMATS,
                                   validators=[Optional()],
                                   description=_l("Leave empty to use the start of the chosen "
                                                  "signing ceremony."))
    ceremony_item_id = SelectField(_l("Signing ceremony"), choices=[],
                                   validators=[Optional()])
    on_stage = BooleanField(_l("Signed on stage at the ceremony"))
    party_a = _text(_l("Side A: organisation"), 200, True)
    party_a_signatory = _text(_l("Side A: signatory"), 100)
    party_a_title = _text(_l("Side A: signatory's title"), 100)
    party_b = _text(_l("Side B: organisation"), 200, True)
    party_b_signatory = _text(_l("Side B: signatory"), 100)
    party_b_title = _text(_l("Side B: signatory's title"), 100)
    witnesses = TextAreaField(_l("Witnessing leaders (one per line)"),
                              validators=[Optional(), Length(max=2000)])
    expected_jobs = _count(_l("Expected jobs"))
    households_helped = _count(_l("Households helped"))
    predecessor_id = SelectField(_l("Upgrades an earlier agreement"), choices=[],
                                 validators=[Optional()],
                                 description=_l("The earlier agreement is then counted once, "
                                                "as this one."))
    scan = FileField(_l("Signed copy (PDF)"))
    submit = SubmitField(_l("Record the agreement"))


class UpdateForm(BaseForm):
    kind = SelectField(_l("What to record"), choices=_choices(UPDATE_KIND_LABELS),
                       default=UpdateKind.STATUS.value)
    happened_on = DateField(_l("Date it happened"), validators=[InputRequired()])
    status_to = SelectField(_l("New status"), choices=_choices(STATUS_LABELS, _l("—")),
                            validators=[Optional()])
    correction = BooleanField(_l("This corrects an earlier mistake (may go back a stage)"))
    reason = _text(_l("Reason (required for termination or a correction)"), 500)
    milestone_title = _text(_l("Milestone"), 200)
    milestone_due_on = DateField(_l("Due date"), validators=[Optional()])
    milestone_met_on = DateField(_l("Date met"), validators=[Optional()])
    milestone_state = SelectField(_l("Milestone state"),
                                  choices=_choices(MILESTONE_LABELS, _l("—")),
                                  validators=[Optional()])
    funds_in_place = _text(_l("Funds in place so far (yuan, cumulative)"), 40)
    confirm = BooleanField(_l("Confirm: the funds in place are above the agreement amount"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    attachment = FileField(_l("Attachment (PDF or photo)"))
    submit = SubmitField(_l("Add to the history"))


class ImportForm(BaseForm):
    file = FileField(_l("Excel ledger (.xlsx)"))
    submit = SubmitField(_l("Check and import"))


STATUS_VALUES = [status.value for status in AgreementStatus]
MILESTONE_VALUES = [state.value for state in MilestoneState]
