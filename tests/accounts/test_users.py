"""Accounts: sign-up, email verification, login throttling and password reset."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner
from werkzeug.security import check_password_hash

from summit.extensions import db
from summit.models import AuditEntry, LoginThrottle, User
from summit.services.accounts import users as accounts
from summit.services.core.errors import (
    DomainError,
    InvalidCredentials,
    NotAllowed,
    TooManyAttempts,
    ValidationFailed,
)
from tests.support import factories

NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
ADDRESS = "203.0.113.7"
VERIFY_LINK = re.compile(r"http://localhost/auth/verify/(\S+)")
RESET_LINK = re.compile(r"http://localhost/auth/reset/(\S+)")


pytestmark = pytest.mark.usefixtures("english")


def signed_ago(age: timedelta, make_token: Callable[[], str]) -> str:
    """A token made by ``make_token`` as if ``age`` ago (itsdangerous reads the real clock)."""
    stamp = int(time.time() - age.total_seconds())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: stamp)
        return make_token()


def audit_actions(user: User) -> list[str]:
    return list(db.session.scalars(
        db.select(AuditEntry.action)
        .where(AuditEntry.object_type == "users", AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.id)))


def counted() -> dict[str, int]:
    """The throttle's failure counts by key (account:<email>, address:<ip>), zeros left out."""
    db.session.expire_all()
    return {row.key: row.failures for row in db.session.scalars(db.select(LoginThrottle))
            if row.failures}


def user_count() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)))


def link_in(mailbox, message, pattern: re.Pattern) -> str:
    match = pattern.search(mailbox.body(message))
    assert match, mailbox.body(message)
    return match.group(1)


# --- sign-up ------------------------------------------------------------------------------

def test_sign_up_stores_the_user_with_a_scrypt_hash(app, mailbox):
    user = accounts.sign_up(" Zhao.Bo@Example.COM ", " 赵波 ", "correct-horse-9", "en", now=NOW)

    stored = db.session.scalar(db.select(User).where(User.id == user.id))
    assert stored.email == "zhao.bo@example.com"
    assert stored.name == "赵波"
    assert stored.locale == "en"
    assert stored.created_at == NOW
    assert stored.email_verified_at is None
    assert stored.is_admin is False
    assert stored.active is True
    assert "correct-horse-9" not in stored.password_hash
    assert stored.password_hash.startswith("scrypt:")
    assert check_password_hash(stored.password_hash, "correct-horse-9")
    assert not check_password_hash(stored.password_hash, "correct-horse-8")


def test_sign_up_sends_a_verification_link_that_verifies_the_account(app, client, mailbox):
    user = accounts.sign_up("zhao@example.com", "赵波", "correct-horse-9", "en", now=NOW)

    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert message["Subject"] == "Confirm your email address for Summit"
    assert "Hello 赵波," in mailbox.body(message)
    token = link_in(mailbox, message, VERIFY_LINK)

    response = client.get(f"/auth/verify/{token}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert accounts.authenticate("zhao@example.com", "correct-horse-9", ADDRESS).id == user.id


def test_sign_up_writes_an_audit_entry(app, mailbox):
    user = accounts.sign_up("zhao@example.com", "赵波", "correct-horse-9", None, now=NOW)

    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry.actor_id == user.id
    assert entry.object_type == "users"
    assert entry.object_id == str(user.id)
    assert entry.summit_id is None
    assert entry.at == NOW
    assert entry.before is None
    assert entry.after == {"email": "zhao@example.com", "name": "赵波", "is_admin": False}


def test_sign_up_with_a_taken_email_says_nothing_and_mails_the_owner_a_reset_link(app,
                                                                                 mailbox):
    user = factories.make_user("zhao@example.com", name="赵波", locale="en")

    assert accounts.sign_up("ZHAO@example.com", "Another", "correct-horse-9", None) is None

    assert user_count() == 1
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert message["Subject"] == "You already have a Summit account"
    body = mailbox.body(message)
    assert "Hello 赵波," in body
    assert "http://localhost/auth/login" in body
    token = link_in(mailbox, message, RESET_LINK)
    assert accounts.user_for_reset_token(token).id == user.id
    assert db.session.get(User, user.id).name == "赵波"  # nothing of the attempt is kept


def test_sign_up_with_the_address_of_a_disabled_account_sends_nothing(app, mailbox):
    user = factories.make_user("zhao@example.com")
    user.active = False
    db.session.commit()

    assert accounts.sign_up("zhao@example.com", "Another", "correct-horse-9", None) is None

    assert user_count() == 1
    assert mailbox.messages == []


@pytest.mark.parametrize("taken", [False, True])
def test_sign_up_checks_the_password_whether_or_not_the_address_is_taken(app, mailbox, taken):
    if taken:
        factories.make_user("zhao@example.com")

    with pytest.raises(ValidationFailed) as error:
        accounts.sign_up("zhao@example.com", "赵波", "short-7", None)

    assert error.value.field == "password"
    assert mailbox.messages == []


@pytest.mark.parametrize("password", ["short-7", "x" * 129])
def test_sign_up_refuses_passwords_of_the_wrong_length(app, mailbox, password):
    with pytest.raises(ValidationFailed) as error:
        accounts.sign_up("zhao@example.com", "赵波", password, None)

    assert error.value.field == "password"
    db.session.rollback()
    assert user_count() == 0
    assert mailbox.messages == []


def test_passwords_of_exactly_the_minimum_and_maximum_length_are_accepted(app, mailbox):
    accounts.sign_up("short@example.com", "A", "x" * accounts.MIN_PASSWORD_LENGTH, None)
    accounts.sign_up("long@example.com", "B", "y" * accounts.MAX_PASSWORD_LENGTH, None)

    assert user_count() == 2


# --- email verification -------------------------------------------------------------------

def test_verify_email_marks_the_account_once_and_audits_it(app):
    user = factories.make_user("zhao@example.com", verified=False)
    token = accounts.verification_token(user)

    assert accounts.verify_email(token, now=NOW).id == user.id
    assert user.email_verified_at == NOW
    later = NOW + timedelta(days=1)
    accounts.verify_email(token, now=later)  # following the link again changes nothing

    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at == NOW
    entries = list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.verify_email")))
    assert len(entries) == 1
    assert entries[0].actor_id == user.id
    assert entries[0].object_id == str(user.id)
    assert entries[0].after == {"email_verified_at": "2027-07-01T09:00:00+00:00"}


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJ1aWQiOjF9.AAAA.BBBB"])
def test_verify_email_refuses_garbage(app, token):
    with pytest.raises(DomainError) as error:
        accounts.verify_email(token)

    assert error.value.field == "token"
    assert str(error.value) == "This link is not valid."


def test_verify_email_refuses_a_tampered_or_foreign_token(app):
    user = factories.make_user("zhao@example.com", verified=False)
    token = accounts.verification_token(user)

    assert token.startswith("eyJ")
    for bad in ("x" + token[1:], accounts.reset_token(user)):  # right secret, wrong purpose
        with pytest.raises(DomainError) as error:
            accounts.verify_email(bad)
        assert str(error.value) == "This link is not valid."

    assert db.session.get(User, user.id).email_verified_at is None


def test_verify_email_refuses_a_token_for_an_address_that_changed(app):
    user = factories.make_user("zhao@example.com", verified=False)
    token = accounts.verification_token(user)
    user.email = "zhao.bo@example.com"
    db.session.commit()

    with pytest.raises(DomainError) as error:
        accounts.verify_email(token)

    assert str(error.value) == "This link is not valid."
    assert user.email_verified_at is None


def test_verify_email_refuses_an_expired_token(app):
    user = factories.make_user("zhao@example.com", verified=False)
    max_age = app.config["EMAIL_TOKEN_MAX_AGE"]
    expired = signed_ago(max_age + timedelta(minutes=1),
                         lambda: accounts.verification_token(user))
    still_valid = signed_ago(max_age - timedelta(minutes=1),
                             lambda: accounts.verification_token(user))

    with pytest.raises(DomainError) as error:
        accounts.verify_email(expired)
    assert error.value.field == "token"
    assert str(error.value) == "This link has expired. Ask for a new one."
    assert user.email_verified_at is None

    assert accounts.verify_email(still_valid, now=NOW).email_verified_at == NOW


def test_verify_email_follows_the_configured_max_age(app, monkeypatch):
    user = factories.make_user("zhao@example.com", verified=False)
    token = accounts.verification_token(user)
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", timedelta(seconds=-1))

    with pytest.raises(DomainError, match="expired"):
        accounts.verify_email(token)


def test_resend_verification_only_mails_unverified_accounts(app, mailbox):
    factories.make_user("done@example.com", verified=True)
    factories.make_user("todo@example.com", verified=False, locale="en")

    accounts.resend_verification("done@example.com")
    accounts.resend_verification("nobody@example.com")
    assert mailbox.messages == []

    accounts.resend_verification("Todo@Example.COM")  # matched case-insensitively
    [message] = mailbox.wait_for(1)
    assert message["To"] == "todo@example.com"
    assert VERIFY_LINK.search(mailbox.body(message))


# --- authentication -----------------------------------------------------------------------

def test_authenticate_returns_the_user_and_records_the_login(app):
    user = factories.make_user("zhao@example.com")

    assert accounts.authenticate(" ZHAO@example.com ", factories.PASSWORD, ADDRESS,
                                 now=NOW).id == user.id

    assert db.session.get(User, user.id).last_login_at == NOW
    assert counted() == {}


def test_wrong_password_is_refused_and_recorded(app):
    user = factories.make_user("zhao@example.com")

    with pytest.raises(InvalidCredentials) as error:
        accounts.authenticate("zhao@example.com", "wrong-password", ADDRESS, now=NOW)

    assert str(error.value) == "Wrong email or password."
    assert counted() == {"account:zhao@example.com": 1, f"address:{ADDRESS}": 1}
    assert {row.window_started_at for row in db.session.scalars(db.select(LoginThrottle))} \
        == {NOW}
    assert db.session.get(User, user.id).last_login_at is None


def test_unknown_email_is_refused_like_a_wrong_password(app):
    with pytest.raises(InvalidCredentials) as error:
        accounts.authenticate("nobody@example.com", factories.PASSWORD, ADDRESS, now=NOW)

    assert str(error.value) == "Wrong email or password."
    assert counted() == {"account:nobody@example.com": 1, f"address:{ADDRESS}": 1}


def test_unverified_account_cannot_log_in_with_the_right_password(app):
    factories.make_user("zhao@example.com", verified=False)

    with pytest.raises(DomainError) as error:
        accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS, now=NOW)

    assert error.type is DomainError
    assert "confirm your email address" in str(error.value)
    assert counted() == {}  # the password was right: nothing to throttle
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("zhao@example.com", "wrong-password", ADDRESS, now=NOW)


def test_disabled_account_cannot_log_in(app):
    user = factories.make_user("zhao@example.com")
    user.active = False
    db.session.commit()

    with pytest.raises(NotAllowed) as error:
        accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS, now=NOW)

    assert str(error.value) == "This account has been disabled."
    assert db.session.get(User, user.id).last_login_at is None
    with pytest.raises(InvalidCredentials):  # a wrong password says nothing about the state
        accounts.authenticate("zhao@example.com", "wrong-password", ADDRESS, now=NOW)


def fail(email: str, times: int, address: str = ADDRESS, now: datetime = NOW) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(email, "wrong-password", address, now=now)


def test_too_many_failures_lock_the_account_even_with_the_right_password(app):
    factories.make_user("zhao@example.com")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    fail("zhao@example.com", limit)

    for address in (ADDRESS, "198.51.100.1"):  # per account: a new network does not help
        with pytest.raises(TooManyAttempts) as error:
            accounts.authenticate("zhao@example.com", factories.PASSWORD, address,
                                  now=NOW + timedelta(minutes=1))
        assert "for this account" in str(error.value)
    # Refused attempts are not recorded, so they do not extend the lock.
    assert counted()["account:zhao@example.com"] == limit


def test_one_failure_less_than_the_limit_still_lets_the_user_in(app):
    user = factories.make_user("zhao@example.com")
    fail("zhao@example.com", app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1)

    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS,
                                 now=NOW).id == user.id


def test_the_lock_ends_with_the_failure_window(app):
    user = factories.make_user("zhao@example.com")
    window = app.config["LOGIN_FAILURE_WINDOW"]
    fail("zhao@example.com", app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])

    with pytest.raises(TooManyAttempts):
        accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS,
                              now=NOW + window - timedelta(seconds=1))

    later = NOW + window + timedelta(seconds=1)
    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS,
                                 now=later).id == user.id
    assert db.session.get(User, user.id).last_login_at == later


def test_a_successful_login_clears_the_account_failures(app):
    user = factories.make_user("zhao@example.com")
    factories.make_user("other@example.com")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    fail("zhao@example.com", limit - 1)
    fail("other@example.com", 1)

    accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS, now=NOW)

    assert "account:zhao@example.com" not in counted()
    assert counted()["account:other@example.com"] == 1
    # Without the reset these would add up to more than the limit within the window.
    fail("zhao@example.com", limit - 1)
    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS,
                                 now=NOW).id == user.id


def test_too_many_failures_from_one_address_lock_out_other_accounts(app):
    per_account = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    per_address = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    targets = -(-per_address // per_account)  # enough accounts to reach the address limit
    for n in range(targets):
        factories.make_user(f"target{n}@example.com")
        fail(f"target{n}@example.com", min(per_account, per_address - n * per_account))
    assert counted()[f"address:{ADDRESS}"] == per_address
    victim = factories.make_user("zhao@example.com")

    with pytest.raises(TooManyAttempts) as error:
        accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS, now=NOW)
    assert "from your network" in str(error.value)

    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, "198.51.100.1",
                                 now=NOW).id == victim.id
    later = NOW + app.config["LOGIN_FAILURE_WINDOW"] + timedelta(seconds=1)
    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS,
                                 now=later).id == victim.id


# --- password reset -----------------------------------------------------------------------

def test_request_password_reset_emails_a_working_link(app, mailbox):
    user = factories.make_user("zhao@example.com", locale="en")

    accounts.request_password_reset(" Zhao@Example.com")

    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhao@example.com"
    assert message["Subject"] == "Set a new password for Summit"
    token = link_in(mailbox, message, RESET_LINK)
    assert accounts.user_for_reset_token(token).id == user.id


def test_request_password_reset_sends_nothing_for_unknown_or_disabled_accounts(app, mailbox):
    user = factories.make_user("zhao@example.com")
    user.active = False
    db.session.commit()

    accounts.request_password_reset("nobody@example.com")
    accounts.request_password_reset("zhao@example.com")

    # Sending is synchronous: a message would already have been accepted by the server.
    assert mailbox.messages == []


def test_reset_password_sets_the_new_password_and_the_link_works_once(app, mailbox):
    user = factories.make_user("zhao@example.com", locale="en")
    fail("zhao@example.com", app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
    accounts.request_password_reset("zhao@example.com")
    token = link_in(mailbox, mailbox.wait_for(1)[0], RESET_LINK)

    assert accounts.reset_password(token, "new-secret-42", now=NOW).id == user.id

    with pytest.raises(DomainError) as error:
        accounts.reset_password(token, "another-secret-43")
    assert error.value.field == "token"
    assert str(error.value) == "This link has already been used or is not valid."
    # The reset also lifts the lock the failures had put on the account.
    assert "account:zhao@example.com" not in counted()
    assert accounts.authenticate("zhao@example.com", "new-secret-42", ADDRESS).id == user.id
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("zhao@example.com", factories.PASSWORD, ADDRESS)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("zhao@example.com", "another-secret-43", ADDRESS)


def test_reset_password_is_audited_without_the_password(app):
    user = factories.make_user("zhao@example.com")

    accounts.reset_password(accounts.reset_token(user), "new-secret-42", now=NOW)

    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "user.reset_password"))
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.at) == (
        user.id, "users", str(user.id), NOW)
    assert entry.before is None
    assert entry.after == {"logins_ended": 0, "tokens_revoked": 0}
    assert audit_actions(user) == ["user.create", "user.reset_password"]


def test_reset_password_verifies_an_unverified_address(app):
    user = factories.make_user("zhao@example.com", verified=False)

    accounts.reset_password(accounts.reset_token(user), "new-secret-42", now=NOW)

    assert db.session.get(User, user.id).email_verified_at == NOW
    assert accounts.authenticate("zhao@example.com", "new-secret-42", ADDRESS).id == user.id


def test_reset_password_with_a_short_password_keeps_the_link_usable(app):
    user = factories.make_user("zhao@example.com")
    token = accounts.reset_token(user)

    with pytest.raises(ValidationFailed) as error:
        accounts.reset_password(token, "short")
    assert error.value.field == "password"
    db.session.rollback()

    assert check_password_hash(db.session.get(User, user.id).password_hash, factories.PASSWORD)
    accounts.reset_password(token, "long-enough-1")
    assert accounts.authenticate("zhao@example.com", "long-enough-1", ADDRESS).id == user.id


def test_reset_password_refuses_an_expired_or_foreign_token(app):
    user = factories.make_user("zhao@example.com")
    expired = signed_ago(app.config["PASSWORD_RESET_MAX_AGE"] + timedelta(minutes=1),
                         lambda: accounts.reset_token(user))

    with pytest.raises(DomainError, match="expired"):
        accounts.reset_password(expired, "new-secret-42")
    with pytest.raises(DomainError, match="not valid"):
        accounts.reset_password(accounts.verification_token(user), "new-secret-42")

    assert check_password_hash(db.session.get(User, user.id).password_hash, factories.PASSWORD)
    assert audit_actions(user) == ["user.create"]


def test_sign_up_verify_and_reset_each_leave_one_audit_entry(app, mailbox):
    user = accounts.sign_up("zhao@example.com", "赵波", "correct-horse-9", "en", now=NOW)
    accounts.verify_email(link_in(mailbox, mailbox.wait_for(1)[0], VERIFY_LINK), now=NOW)
    accounts.request_password_reset("zhao@example.com")
    accounts.reset_password(link_in(mailbox, mailbox.wait_for(2)[1], RESET_LINK),
                            "new-secret-42", now=NOW)

    assert audit_actions(user) == ["user.create", "user.verify_email", "user.reset_password"]


def test_an_account_made_without_a_password_takes_none_until_its_owner_sets_one(app):
    """A registrant's account: nothing is hashed, no password opens it, the link sets one."""
    user = accounts.create_user("cairen@example.com", "次仁", None, verified=True)
    db.session.commit()
    assert not accounts.has_password(user) and not user.password_hash.startswith("scrypt")
    for guess in ("", user.password_hash, user.password_hash[1:], factories.PASSWORD):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(user.email, guess, "127.0.0.1")

    accounts.reset_password(accounts.reset_token(user), factories.PASSWORD)
    assert accounts.has_password(user)
    assert accounts.authenticate(user.email, factories.PASSWORD, "127.0.0.1") == user
