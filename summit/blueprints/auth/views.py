from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from summit.blueprints.auth.blueprint import bp
from summit.blueprints.auth.forms import (
    AccountForm,
    EmailForm,
    LoginForm,
    ResetPasswordForm,
    SignUpForm,
)
from summit.blueprints.common import safe_next
from summit.forms import apply_domain_error
from summit.i18n import select_locale
from summit.services.accounts import logins, tokens as api_tokens, users as accounts
from summit.services.console import figures as console_figures
from summit.services.core.errors import DomainError
from summit.services.privacy import notices
from summit.services.summits import settings as summit_settings


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignUpForm()
    # Signing up on the way to a summit's page (?next=/summits/<slug>/...): that summit's
    # notice, otherwise the installation's (docs/privacy.md).
    summit = summit_settings.summit_of_path(request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            accounts.sign_up(form.email.data, form.name.data, form.password.data,
                             locale=select_locale(), consent=bool(form.consent.data),
                             summit=summit)
        except DomainError as error:
            if not apply_domain_error(form, error):
                flash(str(error), "error")
        else:
            # The same words whether or not the address had an account: the mailbox says.
            flash(_("Thank you. We have emailed %(email)s: follow the link in the message "
                    "to go on.", email=accounts.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.login"))
    notice_version, notice_text = notices.text_of(summit, select_locale())
    return render_template("auth/signup.html", form=form, summit=summit,
                           notice_version=notice_version, notice_text=notice_text)

@bp.get("/verify/<token>")
def verify_email(token: str):
    try:
        accounts.verify_email(token[:500])
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.resend_verification"))
    flash(_("Thank you, your email address is confirmed. You can log in now."), "success")
    return redirect(url_for("auth.login"))

@bp.route("/verify", methods=["GET", "POST"])
def resend_verification():
    form = EmailForm()
    if form.validate_on_submit():
        accounts.resend_verification(form.email.data)
        flash(_("If this address has an unconfirmed account, a new link is on its way."),
              "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/email_form.html", form=form,
                           title=_("Send the confirmation link again"))

@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "unknown")
        except DomainError as error:
            flash(str(error), "error")
        else:
            logins.start_login(user, remember=bool(form.remember.data))
            login_user(user, remember=bool(form.remember.data))
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            # Staff land on the console of their summit; everyone else on the home page.
            console = console_figures.landing_summit(user)
            home = (url_for("console.index", slug=console) if console
                    else url_for("main.index"))
            return redirect(safe_next(request.args.get("next"), home))
    return render_template("auth/login.html", form=form)

@bp.post("/logout")
def logout():
    # Ends the login itself, so a copied session or remember-me cookie dies with it.
    logins.end_login(session.get("_user_id"))
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("main.index"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    logins.log_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out on every device, and every API and scanner token you held "
            "has been revoked."), "success")
    return redirect(url_for("main.index"))


@bp.get("/tokens")
@login_required
def tokens():
    return render_template("auth/tokens.html",
                           tokens=api_tokens.live_tokens(current_user._get_current_object()))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    user = current_user._get_current_object()
    try:
        token = api_tokens.own_token(user, token_id)
    except DomainError:
        abort(404)
    api_tokens.revoke_token(user, token)
    flash(_("The token %(prefix)s… no longer works.", prefix=token.prefix), "success")
    return redirect(url_for("auth.tokens"))

@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(_("If an account uses this address, we have emailed it a link to set a new "
                "password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/email_form.html", form=form, title=_("Forgot your password?"))

@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    token = token[:500]
    try:
        accounts.user_for_reset_token(token)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as error:
            if not apply_domain_error(form, error):
                flash(str(error), "error")
        else:
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    if request.method == "GET" and not current_user.locale:
        form.locale.data = select_locale()
    if form.validate_on_submit():
        # The service audits the user row: hand it the model, not the proxy.
        accounts.update_profile(current_user._get_current_object(), form.name.data,
                                form.locale.data)

        session["lang"] = form.locale.data
        flash(_("Your account has been saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
