from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from summit.forms import BaseForm

LOCALE_CHOICES = [SelectChoice("zh_Hans", "简体中文"), SelectChoice("zh_Hant", "繁體中文"),
                  SelectChoice("en", "English")]


def email_field() -> EmailField:
    return EmailField(_l("Email"), validators=[
        DataRequired(), Length(max=254), Email(check_deliverability=False)])


def new_password_field(label=None) -> PasswordField:
    return PasswordField(label or _l("Password"),
                         validators=[DataRequired(), Length(min=8, max=128)])


class SignUpForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = email_field()
    password = new_password_field()
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    consent = BooleanField(_l("I have read the personal-data notice and agree to it."))
    submit = SubmitField(_l("Create account"))


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


class EmailForm(BaseForm):
    email = email_field()
    submit = SubmitField(_l("Send link"))


class ResetPasswordForm(BaseForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Set new password"))


class AccountForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    submit = SubmitField(_l("Save"))
