from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import BadgeSize, PrintReason
from summit.services.desk import aides, printers as desk_printers, printing


class PoolForm(BaseForm):
    name = StringField(_l("Desk"), validators=[DataRequired(), Length(max=80)],
                       description=_l("As staff call it, e.g. 报到处 A or 自助机 1."))
    kiosk = BooleanField(_l("Self-service kiosk"))
    walk_in_categories = SelectMultipleField(_l("Walk-ins may be registered in"),
                                             choices=[], coerce=int, validators=[Optional()])
    walk_in_approve = BooleanField(_l("Desk staff approve walk-ins themselves"))


class PrinterForm(BaseForm):
    name = StringField(_l("Printer"), validators=[DataRequired(), Length(max=80)])
    uri = StringField(_l("IPP address"), validators=[DataRequired(), Length(max=300)],
                      description=_l("ipp://192.168.1.20:631/ipp/print"))
    paper = SelectField(_l("Paper"), choices=[SelectChoice(size.value, label) for size, label
                                             in desk_printers.PAPER_LABELS.items()],
                        default=BadgeSize.A6.value)


class PrintForm(BaseForm):
    reason = SelectField(_l("Why again"), validators=[Optional()],
                         choices=[SelectChoice("", "—")] + [
        SelectChoice(reason.value, printing.REASON_LABELS[reason])
        for reason in printing.REPRINT_REASONS])

    @property
    def chosen_reason(self) -> PrintReason | None:
        return PrintReason(self.reason.data) if self.reason.data else None


class ResendForm(BaseForm):
    printer = SelectField(_l("Printer"), choices=[], validators=[Optional()])


class KioskStartForm(BaseForm):
    start = HiddenField(validators=[DataRequired()])


class KioskForm(BaseForm):
    code = StringField(_l("Entry code"), validators=[DataRequired(), Length(max=2000)])


class KioskExitForm(BaseForm):
    email = StringField(_l("Staff email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Leave kiosk mode"))


class WalkInForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=32)])


class SubstituteForm(BaseForm):
    name = StringField(_l("Substitute's name"), validators=[DataRequired(), Length(max=100)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)],
                               description=_l("Empty: the same as the person replaced."))
    position = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=32)])


class AideLimitsForm(BaseForm):
    per_principal = IntegerField(_l("Aides a delegation's registrar may add per person"),
                                 default=0, validators=[InputRequired(),
                                                        NumberRange(min=0, max=10)],
                                 description=_l("0: only staff add accompanying persons."))
    category = SelectField(_l("Their category (zones on the badge)"), choices=[],
                           validators=[Optional()])
    submit = SubmitField(_l("Save the limits"))


class AideForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Comes as"), choices=[SelectChoice(key, label) for key, label
                                                in aides.ROLE_LABELS.items()])
    category = SelectField(_l("Category (zones on the badge)"), choices=[],
                           validators=[DataRequired()])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=32)])
