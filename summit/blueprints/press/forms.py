"""Press forms: shape only (lengths, choices); rules live in services.press."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import MediaType, PressRole, QuotaKind, ReasonCode
from summit.services.press.applications import MAX_CREW
from summit.services.press.labels import MEDIA_LABELS, REASON_LABELS, ROLE_LABELS

CREW_ROWS = 4
EQUIPMENT_ROWS = 5
ROLE_CHOICES = [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]


def text(label, limit: int, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=limit)], **kwargs)


class CrewForm(Form):
    name = text(_l("Name as on ID"), 100)
    name_native = text(_l("Name in native script (e.g. Tibetan)"), 200)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=PressRole.CAMERA.value)
    photo = FileField(_l("Photo (JPEG or PNG, at most 2 MB)"),
                      render_kw={"accept": "image/jpeg,image/png", "data-max-bytes": 2097152})
    photo_token = HiddenField()


class EquipmentForm(Form):
    item = text(_p("equipment", "Item"), 100)
    serial_number = text(_l("Serial number"), 64)


class PressApplicationForm(BaseForm):
    outlet_name = text(_l("Outlet"), 200, description=_l("e.g. 四川电视台"))
    media_type = SelectField(_l("Media type"), choices=[
        SelectChoice(m.value, label) for m, label in MEDIA_LABELS.items()],
        default=MediaType.TV.value)
    region = text(_l("Region"), 100)
    website = text(_l("Website"), 200, description=_l("https://…"))
    name = text(_l("Your name as on ID"), 100)
    name_native = text(_l("Name in native script (e.g. Tibetan)"), 200)
    role = SelectField(_l("Your role"), choices=ROLE_CHOICES, default=PressRole.REPORTER.value)
    press_card_number = text(_l("National press card number"), 32,
                             description=_l("15 digits, as printed on the card."))
    photo = FileField(_l("Your photo (JPEG or PNG, at most 2 MB)"),
                      render_kw={"accept": "image/jpeg,image/png", "data-max-bytes": 2097152})
    photo_token = HiddenField()
    letter = FileField(_l("Assignment letter (PDF, at most 5 MB)"),
                       render_kw={"accept": "application/pdf", "data-max-bytes": 5242880})
    letter_token = HiddenField()
    crew = FieldList(FormField(CrewForm), min_entries=CREW_ROWS, max_entries=MAX_CREW)
    equipment = FieldList(FormField(EquipmentForm), min_entries=EQUIPMENT_ROWS,
                          max_entries=20)
    zones = SelectMultipleField(_l("Zones you need"), choices=[],
                                option_widget=widgets.CheckboxInput(),
                                widget=widgets.ListWidget(prefix_label=False))
    vehicle_plate = text(_l("Vehicle plate (optional)"), 16)
    consent = BooleanField(_l("I have read the personal-data notice and agree to it."))
    sensitive_consent = BooleanField(_l(
        "I separately agree that the press card number and the photos are processed for "
        "the badges and the security check."))
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit application"))


class DecisionForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=[])
    reason_code = SelectField(_l("Reason"), choices=[SelectChoice("", _l("None"))] + [
        SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
        validators=[Optional()])
    message = TextAreaField(_l("Message to the applicant"),
                            validators=[Optional(), Length(max=2000)])
    internal_note = TextAreaField(_l("Internal note (never shown to the applicant)"),
                                  validators=[Optional(), Length(max=2000)])
    zones = SelectMultipleField(_l("Approved zones"), choices=[],
                                option_widget=widgets.CheckboxInput(),
                                widget=widgets.ListWidget(prefix_label=False))
    rejected_people = SelectMultipleField(_l("Do not accredit"), choices=[], coerce=int,
                                          option_widget=widgets.CheckboxInput(),
                                          widget=widgets.ListWidget(prefix_label=False))
    submit = SubmitField(_l("Record decision"))


class QuotaForm(BaseForm):
    kind = SelectField(_l("Quota for"), choices=[
        SelectChoice(QuotaKind.OUTLET.value, _l("An outlet")),
        SelectChoice(QuotaKind.MEDIA_TYPE.value, _l("A media type"))])
    name = StringField(_l("Outlet or media type"), validators=[DataRequired(), Length(max=200)],
                       description=_l("The outlet's name, or one of: print, photo, tv, online, "
                                      "new_media."))
    limit = IntegerField(_l("People at most"), validators=[DataRequired(),
                                                           NumberRange(min=0, max=10000)])
    submit = SubmitField(_l("Save quota"))


class ReleaseForm(BaseForm):
    title = StringField(_p("press release", "Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50_000)])
    source = text(_l("Source"), 300)
    images = FileField(_l("Images (JPEG or PNG, at most 5 MB each)"),
                       render_kw={"accept": "image/jpeg,image/png", "multiple": True})
    attachments = FileField(_l("Attachments (PDF, at most 10 MB each)"),
                            render_kw={"accept": "application/pdf", "multiple": True})
    submit = SubmitField(_l("Publish release"))


REASON_CODES = [r.value for r in ReasonCode]
