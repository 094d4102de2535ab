from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import Diet
from summit.services.registration.submission import DIET_LABELS, ID_LABELS


def optional_text(label, max_length: int, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


class RegistrationForm(BaseForm):
    name = StringField(_l("Name as on ID"), validators=[DataRequired(), Length(max=100)])
    name_native = optional_text(_l("Name in native script (e.g. Tibetan)"), 200)
    name_pinyin = optional_text(_l("Name in pinyin"), 100,
                                description=_l("Filled in for you (e.g. ZHAO Bo); change it "
                                               "only if it is wrong."))
    organisation_name = StringField(_l("Organisation"),
                                    validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[DataRequired(), Length(max=100)])
    category = SelectField(_l("Category"), choices=[])
    invitation_code = optional_text(_l("Invitation code"), 32)
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254),
                                                Email(check_deliverability=False)])
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), Length(max=32)],
                        description=_l("Chinese mobile (11 digits) or +country code."))
    id_type = SelectField(_l("ID document"), choices=[SelectChoice("", _l("None given"))] + [
        SelectChoice(t.value, label) for t, label in ID_LABELS.items()], validators=[Optional()])
    id_number = optional_text(_l("ID document number"), 32)
    diet = SelectField(_l("Diet"), choices=[SelectChoice(d.value, label)
                                            for d, label in DIET_LABELS.items()],
                       default=Diet.NONE.value)
    diet_note = optional_text(_l("Diet details"), 200)
    accessibility = TextAreaField(_l("Accessibility needs"),
                                  validators=[Optional(), Length(max=500)])
    arrival_date = DateField(_l("Arrival date"), validators=[Optional()])
    arrival_time = TimeField(_l("Arrival time"), validators=[Optional()])
    arrival_transport = optional_text(_l("Arrival flight or train number"), 20)
    arrival_pickup = BooleanField(_l("Pick-up wanted on arrival"))
    departure_date = DateField(_l("Departure date"), validators=[Optional()])
    departure_time = TimeField(_l("Departure time"), validators=[Optional()])
    departure_transport = optional_text(_l("Departure flight or train number"), 20)
    departure_pickup = BooleanField(_l("Transport wanted on departure"))
    hotel = optional_text(_l("Hotel"), 100)
    room_sharing = optional_text(_l("Share a room with"), 100)
    consent = BooleanField(_l("I have read the personal-data notice and agree to it."))
    sensitive_consent = BooleanField(_l(
        "I separately agree that my ID document number and photo are processed for "
        "admission and security."))
    submit = SubmitField(_l("Register"))


class RejectForm(BaseForm):
    reason = TextAreaField(_l("Reason (sent to the registrant)"),
                           validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Reject"))


class BulkForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                    SelectChoice("reject", _l("Reject"))])
    reason = optional_text(_l("Reason for rejection"), 500)
    submit = SubmitField(_l("Apply to selected"))


class DelegationForm(BaseForm):
    name = StringField(_l("Delegation name"), validators=[DataRequired(), Length(max=100)])
    county = optional_text(_l("County"), 100)
    quota = IntegerField(_l("Quota"), default=10, validators=[DataRequired(),
                                                              NumberRange(min=1, max=10000)])
    registrar_email = EmailField(_l("Registrar's email"), validators=[
        Optional(), Length(max=254), Email(check_deliverability=False)])
    submit = SubmitField(_l("Save delegation"))


class InvitationForm(BaseForm):
    category = SelectField(_l("Category"), choices=[])
    delegation = SelectField(_l("Delegation"), choices=[], coerce=str)
    max_uses = IntegerField(_l("Number of uses"), default=1,
                            validators=[DataRequired(), NumberRange(min=1, max=10000)])
    expires_on = DateField(_l("Valid until"), validators=[Optional()])
    note = optional_text(_l("Note"), 200)
    submit = SubmitField(_l("Create invitation code"))
