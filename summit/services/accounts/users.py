"""Accounts: sign-up, email verification, login with throttling, password reset."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from summit.database import utcnow
from summit.extensions import db
from summit.models import Summit, User
from summit.services.accounts import logins, throttle
from summit.services.core import audit, mail
from summit.services.core.errors import (
    Conflict,
    DomainError,
    InvalidCredentials,
    NotAllowed,
    ValidationFailed,
)
from summit.services.privacy import notices

VERIFY_SALT = "summit.verify-email"
RESET_SALT = "summit.reset-password"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked when the email is unknown, so timing does not reveal which accounts exist.
    Made on first use, not at import: hashing is deliberately slow."""
    return generate_password_hash("not-a-real-password", method=method)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


# An account made for someone who has not chosen a password yet (a registrant, an erased
# person) stores this prefix and random text: no password matches it, and nothing is spent
# hashing a password nobody will type (a quarter of a second a registration).
UNUSABLE = "!"


def unusable_password() -> str:
    return UNUSABLE + secrets.token_urlsafe(32)


def has_password(user: User) -> bool:
    return not user.password_hash.startswith(UNUSABLE)


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            _l("The password must have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH), field
        )


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, name: str, password: str | None, *, locale: str | None = None,
    verified: bool = False, is_admin: bool = False, actor: User | None = None,
    now: datetime | None = None,
) -> User:
    """Add a user to the session (no commit): shared by sign-up, the CLI and the demo.
    ``password`` None: the owner sets one later (through a reset link)."""
    now = now or utcnow()
    email = normalise_email(email)
    if password is not None:
        check_password_rules(password)
    if find_user(email) is not None:
        raise Conflict(_l("An account with this email already exists."), "email")
    user = User(
        email=email, name=name.strip(), locale=locale,
        password_hash=hash_password(password) if password is not None else unusable_password(),
        is_admin=is_admin, email_verified_at=now if verified else None, created_at=now,
    )
    db.session.add(user)
    audit.record(actor or user, "user.create", user, now=now,
                 after=audit.snapshot(user, ("email", "name", "is_admin")))
    return user


def sign_up(email: str, name: str, password: str, locale: str | None,
            now: datetime | None = None, *, consent: bool | None = None,
            summit: Summit | None = None) -> User | None:
    """A new account, its owner emailed a confirmation link. Whether the address already
    has an account shows nowhere but in that mailbox: its owner is emailed a reset link
    instead, the same checks run and the same time is spent hashing. None then.

    ``consent``: the personal-data notice shown (``summit``'s, or the installation's), which
    must be agreed to; its version and the time are kept on the account (None: not asked)."""
    if consent is False:
        raise ValidationFailed(_l("Agree to the personal-data notice to create an account."),
                               "consent")
    existing = find_user(email)
    if existing is None:
        try:
            user = create_user(email, name, password, locale=locale, now=now)
            if consent:
                user.consent_notice_id = notices.current_for_consent(summit).id
                user.consented_at = now or utcnow()
            db.session.commit()
        except IntegrityError:  # the same address signed up at the same moment
            db.session.rollback()
            existing = find_user(email)
        else:
            send_verification(user)
            return user
    check_password_rules(password)
    hash_password(password)
    if existing is not None and existing.active:
        mail.send_template(existing.email, existing.locale, "account_exists", user=existing,
                           login_link=mail.external_url("auth.login"),
                           link=mail.external_url("auth.reset_password",
                                                  token=reset_token(existing)))
    return None


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def verification_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"uid": user.id, "email": user.email})


def send_verification(user: User) -> None:
    link = mail.external_url("auth.verify_email", token=verification_token(user))
    mail.send_template(user.email, user.locale, "verify_email", user=user, link=link)


def resend_verification(email: str) -> None:
    """Send the link again; silent for unknown or verified addresses (no account probing)."""
    user = find_user(email)
    if user is not None and not user.email_verified:
        send_verification(user)


def _load(token: str, salt: str, max_age: timedelta) -> dict:
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise DomainError(_l("This link has expired. Ask for a new one."), "token") from None
    except BadSignature:
        raise DomainError(_l("This link is not valid."), "token") from None
    if not isinstance(payload, dict):
        raise DomainError(_l("This link is not valid."), "token")
    return payload


def verify_email(token: str, now: datetime | None = None) -> User:
    payload = _load(token, VERIFY_SALT, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise DomainError(_l("This link is not valid."), "token")
    if not user.email_verified:
        user.email_verified_at = now or utcnow()
        audit.record(user, "user.verify_email", user, now=now,
                     after={"email_verified_at": user.email_verified_at.isoformat()})
        db.session.commit()
    return user


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> User:
    """The user with these credentials, or an error. Each guess is counted for throttling
    before its password is checked (``throttle``); a right password takes it back."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    address = (address or "unknown")[:64]
    throttle.count_guess(email, address, now)
    user = find_user(email)
    # An unknown address, or an account without a password yet, costs the same hashing.
    usable = user is not None and has_password(user)
    valid = check_password_hash(user.password_hash if usable else _dummy_hash(
        current_app.config["PASSWORD_HASH_METHOD"]), password) and usable
    if user is None or not valid:
        raise InvalidCredentials(_l("Wrong email or password."))
    throttle.forget_guess(email, address)
    if user.active and user.email_verified:
        user.last_login_at = now
    db.session.commit()
    if not user.active:
        raise NotAllowed(_l("This account has been disabled."))
    if not user.email_verified:
        raise DomainError(_l("Please confirm your email address first: follow the link we "
                             "emailed you, or ask for a new one."))
    return user


def reset_token(user: User) -> str:
    # The hash fragment makes the link single-use: it dies once the password changes.
    return _serializer(RESET_SALT).dumps({"uid": user.id, "ph": user.password_hash[-16:]})


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = mail.external_url("auth.reset_password", token=reset_token(user))
    mail.send_template(user.email, user.locale, "reset_password", user=user, link=link)


def user_for_reset_token(token: str) -> User:
    payload = _load(token, RESET_SALT, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.password_hash[-16:] != payload.get("ph"):
        raise DomainError(_l("This link has already been used or is not valid."), "token")
    return user


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    user = user_for_reset_token(token)
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    if not user.email_verified:
        # The link reached the mailbox, which proves the address.
        user.email_verified_at = now or utcnow()
    throttle.clear_account(user.email)
    # Whoever knew the old password may hold a session, a remember-me cookie or a token.
    audit.record(user, "user.reset_password", user, now=now,
                 after=logins.end_everything(user, now or utcnow()))
    db.session.commit()
    return user


def update_profile(user: User, name: str, locale: str | None) -> User:
    before = audit.snapshot(user, ("name", "locale"))
    user.name = name.strip()
    user.locale = locale
    audit.record(user, "user.update", user, before=before,
                 after=audit.snapshot(user, ("name", "locale")))
    db.session.commit()
    return user


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        before = {"locale": user.locale}
        user.locale = locale
        audit.record(user, "user.set_locale", user, before=before, after={"locale": locale})
        db.session.commit()
