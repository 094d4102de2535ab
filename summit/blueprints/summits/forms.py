from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from summit.forms import BaseForm
from summit.models import Role
from summit.permissions import ROLE_LABELS
from summit.services.summits.settings import timezone_choices

# The browser's datetime-local value first (it is also how the field is written back).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SummitForm(BaseForm):
    slug = StringField(_l("Web address (slug)"), validators=[
        DataRequired(), Length(max=64),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and hyphens only."))],
        description=_l("Used in links, e.g. kangding-2017."))
    title_zh = StringField(_l("Title (Chinese)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    theme_zh = StringField(_l("Theme (Chinese)"), validators=[Optional(), Length(max=200)])
    theme_en = StringField(_l("Theme (English)"), validators=[Optional(), Length(max=200)])
    description_zh = TextAreaField(_l("Description (Chinese)"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Optional(), Length(max=5000)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    # InputRequired, not DataRequired: a date in the wrong format must say so, not claim
    # that the field is empty.
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    timezone = SelectField(_l("Time zone"), default="Asia/Shanghai")
    hosts = TextAreaField(_l("Host organisations"), validators=[Optional(), Length(max=2000)],
                          description=_l("One per line."))
    organisers = TextAreaField(_l("Organising organisations"),
                               validators=[Optional(), Length(max=2000)],
                               description=_l("One per line."))
    supporters = TextAreaField(_l("Supporting organisations"),
                               validators=[Optional(), Length(max=2000)],
                               description=_l("One per line."))
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), validators=[Optional()], format=LOCAL_FORMATS,
        description=_l("Local time at the summit. Empty: open now."))
    registration_closes_at = DateTimeLocalField(_l("Registration closes"),
                                                validators=[Optional()], format=LOCAL_FORMATS)
    edit_deadline = DateTimeLocalField(
        _l("Delegates may change their registration until"), validators=[Optional()],
        format=LOCAL_FORMATS)
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1,
                                                                                max=1_000_000)],
                            description=_l("Places for the whole summit. Empty: no limit; "
                                           "beyond it registrations go on the waiting list."))
    press_enabled = BooleanField(_l("Accredit media (press applications open)"))
    press_deadline = DateTimeLocalField(
        _l("Press applications close"), validators=[Optional()], format=LOCAL_FORMATS,
        description=_l("Local time at the summit. Empty: until the summit."))
    press_category_code = SelectField(_l("Category of press badges"), choices=[],
                                      validate_choice=False, default="press")
    submit = SubmitField(_l("Save summit"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()
        self.press_category_code.choices = [SelectChoice(c.code, f"{c.code} · {c.label_zh}")
                                            for c in categories] or [
            SelectChoice("press", "press")]

    def organisation_lists(self) -> dict[str, list[str]]:
        return {name: [line[:200] for line in lines(getattr(self, name).data)]
                for name in ("hosts", "organisers", "supporters")}


class ZoneForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)],
                       description=_l("Printed on badges, e.g. MAIN."))
    label_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    label_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Add zone"))


class CategoryForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("Lower-case, e.g. delegate."))
    label_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    label_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=100)])
    colour = StringField(_l("Colour"), default="#1f6feb", validators=[
        DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Give the colour as #RRGGBB."))],
        render_kw={"type": "color"})
    public = BooleanField(_l("Open to public registration"), default=True)
    zones = SelectMultipleField(_l("Access zones"), choices=[],
                                option_widget=widgets.CheckboxInput(),
                                widget=widgets.ListWidget(prefix_label=False))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1,
                                                                                max=1_000_000)],
                            description=_l("Empty: no limit."))
    id_required = BooleanField(_l("Needs an ID number"))
    id_reason = StringField(_l("Why it needs an ID number"),
                            validators=[Optional(), Length(max=300)],
                            description=_l("Shown beside the separate consent box, e.g. "
                                           "security checks it at the gate."))
    submit = SubmitField(_l("Save category"))


class GrantRoleForm(BaseForm):
    email = StringField(_l("Email of the account"), validators=[
        DataRequired(), Length(max=254), Email(check_deliverability=False)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    submit = SubmitField(_l("Grant role"))
