"""Sign-up, email confirmation, login, logout and password reset through the HTML views."""
from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from summit.extensions import db
from summit.models import AuditEntry, LoginThrottle, User
from summit.services.accounts import users as accounts
from tests.support import factories
from tests.support.pages import field_errors, flashes, link_in, location, text, translate

NEW_PASSWORD = "a-new-password-42"


def cookie(response, name: str) -> dict[str, str | bool]:
    """The attributes of the Set-Cookie header for ``name`` (lower-case keys)."""
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        if name in parsed:
            morsel = parsed[name]
            attributes = {key: morsel[key] for key in morsel.keys() if morsel[key]}
            attributes["value"] = morsel.value
            return attributes
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def user_by_email(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


# --- sign-up and confirmation -------------------------------------------------------------

def test_signing_up_creates_an_account_and_emails_a_confirmation_link(client, mailbox):
    response = client.post("/auth/signup", data={
        "name": "泽仁卓玛", "email": "Zeren@Example.com", "password": "yak-butter-tea-1",
        "confirm": "yak-butter-tea-1", "consent": "y"})

    assert response.status_code == 302
    assert location(response) == "/auth/login"
    user = user_by_email("zeren@example.com")
    assert user.name == "泽仁卓玛"
    assert user.email_verified_at is None
    assert user.locale == "en"  # the language the form was shown in
    assert flashes(text(client.get("/auth/login"))) == [
        ("success", "Thank you. We have emailed zeren@example.com: follow the link in the "
                    "message to go on.")]

    [message] = mailbox.wait_for(1)
    assert message["To"] == "zeren@example.com"
    assert message["Subject"] == "Confirm your email address for Summit"
    body = mailbox.body(message)
    assert "Hello 泽仁卓玛," in body

    confirm = client.get(link_in(body, "/auth/verify/"))

    assert confirm.status_code == 302
    assert location(confirm) == "/auth/login"
    assert user_by_email("zeren@example.com").email_verified_at is not None
    assert flashes(text(client.get("/auth/login"))) == [
        ("success", "Thank you, your email address is confirmed. You can log in now.")]
    login = client.post("/auth/login", data={"email": "zeren@example.com",
                                             "password": "yak-butter-tea-1"})
    assert login.status_code == 302
    assert location(login) == "/"


def test_sign_up_errors_are_shown_next_to_their_fields(client, mailbox):
    mismatch = client.post("/auth/signup", data={
        "name": "卓玛", "email": "new@example.com", "password": "long-enough-1",
        "confirm": "something-else", "consent": "y"})

    assert mismatch.status_code == 200
    assert field_errors(text(mismatch)) == {"confirm": ["The passwords do not match."]}
    assert user_by_email("new@example.com") is None
    assert mailbox.messages == []


def test_sign_up_answers_a_taken_address_as_a_new_one_and_tells_only_its_mailbox(client,
                                                                                  mailbox):
    factories.make_user("taken@example.com", name="白玛", locale="en")
    form = {"name": "卓玛", "password": "long-enough-1", "confirm": "long-enough-1",
            "consent": "y"}

    new = client.post("/auth/signup", data={**form, "email": "new@example.com"})
    new_page = text(client.get("/auth/login"))
    taken = client.post("/auth/signup", data={**form, "email": "taken@example.com"})
    taken_page = text(client.get("/auth/login"))

    assert (new.status_code, location(new)) == (taken.status_code, location(taken))
    assert flashes(taken_page) == [
        ("success", "Thank you. We have emailed taken@example.com: follow the link in the "
                    "message to go on.")]
    assert flashes(new_page) == [(category, message.replace("taken@", "new@"))
                                 for category, message in flashes(taken_page)]
    assert user_by_email("taken@example.com").name == "白玛"
    confirmation, notice = sorted(mailbox.wait_for(2), key=lambda m: m["To"])
    assert (confirmation["To"], notice["To"]) == ("new@example.com", "taken@example.com")
    assert notice["Subject"] == "You already have a Summit account"
    reset_path = link_in(mailbox.body(notice), "/auth/reset/")
    assert client.get(reset_path).status_code == 200


def test_a_tampered_confirmation_link_is_refused(client):
    user = factories.make_user("zhuoma@example.com", verified=False)
    token = accounts.verification_token(user)

    response = client.get(f"/auth/verify/{token[:-2]}xx")

    assert response.status_code == 302
    assert location(response) == "/auth/verify"
    assert flashes(text(client.get("/auth/verify"))) == [("error", "This link is not valid.")]
    assert user_by_email("zhuoma@example.com").email_verified_at is None


# --- login --------------------------------------------------------------------------------

def test_a_wrong_password_shows_the_error_and_keeps_the_visitor_out(client):
    factories.make_user("dawa@example.com")

    response = client.post("/auth/login", data={"email": "dawa@example.com",
                                                "password": "not-the-password"})

    assert response.status_code == 200
    assert flashes(text(response)) == [("error", "Wrong email or password.")]
    assert client.get("/auth/account").status_code == 302
    assert db.session.get(LoginThrottle, "account:dawa@example.com").failures == 1


def test_an_unconfirmed_account_cannot_log_in(client):
    factories.make_user("unconfirmed@example.com", verified=False)

    response = client.post("/auth/login", data={"email": "unconfirmed@example.com",
                                                "password": factories.PASSWORD})

    assert response.status_code == 200
    assert flashes(text(response)) == [(
        "error", "Please confirm your email address first: follow the link we emailed you, "
                 "or ask for a new one.")]
    assert client.get("/auth/account").status_code == 302


def test_a_disabled_account_cannot_log_in(client):
    user = factories.make_user("disabled@example.com")
    user.active = False
    db.session.commit()

    response = client.post("/auth/login", data={"email": "disabled@example.com",
                                                "password": factories.PASSWORD})

    assert response.status_code == 200
    assert flashes(text(response)) == [("error", "This account has been disabled.")]


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    factories.make_user("pema@example.com")

    response = client.post("/auth/login", data={"email": "pema@example.com",
                                                "password": factories.PASSWORD})

    session = cookie(response, "session")
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert "secure" not in session  # plain HTTP here; see test_shell for HTTPS
    assert not any(header.startswith("remember_token=")
                   for header in response.headers.getlist("Set-Cookie"))
    assert client.get("/auth/account").status_code == 200
    client.delete_cookie("session")
    assert location(client.get("/auth/account")) == "/auth/login?next=%2Fauth%2Faccount"


def test_remember_me_sets_a_long_lived_http_only_cookie(client):
    factories.make_user("pema@example.com")

    response = client.post("/auth/login", data={"email": "pema@example.com",
                                                "password": factories.PASSWORD,
                                                "remember": "y"})

    remember = cookie(response, "remember_token")
    assert remember["value"]
    assert remember["httponly"] is True
    assert remember["samesite"] == "Lax"
    assert remember["expires"]
    # The cookie alone logs the browser back in once the session is gone.
    client.delete_cookie("session")
    assert client.get("/auth/account").status_code == 200


def test_logout_is_post_only(client, login):
    factories.make_user("pema@example.com")
    login("pema@example.com")

    refused = client.get("/auth/logout")

    assert refused.status_code == 405
    assert client.get("/auth/account").status_code == 200  # still logged in

    response = client.post("/auth/logout")

    assert response.status_code == 302
    assert location(response) == "/"
    assert flashes(text(client.get("/"))) == [("success", "You have logged out.")]
    assert location(client.get("/auth/account")) == "/auth/login?next=%2Fauth%2Faccount"


@pytest.mark.parametrize("target, expected", [
    ("/summits/kangding-test", "/summits/kangding-test"),
    ("/auth/account?tab=roles", "/auth/account?tab=roles"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
    ("http://localhost/auth/account", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_follows_next_only_to_paths_on_this_site(client, target, expected):
    factories.make_user("pema@example.com")

    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": "pema@example.com", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_a_page_behind_login_comes_back_after_logging_in(client):
    factories.make_user("pema@example.com")

    first = client.get("/auth/account")
    assert location(first) == "/auth/login?next=%2Fauth%2Faccount"
    form_page = text(client.get(location(first)))
    # The form posts back to the same address, so the target survives the round trip.
    assert 'action="/auth/login?next=%2Fauth%2Faccount"' in form_page

    response = client.post(location(first), data={"email": "pema@example.com",
                                                  "password": factories.PASSWORD})

    assert response.headers["Location"] == "/auth/account"


def test_too_many_failures_are_throttled_even_with_the_right_password(client, app):
    factories.make_user("pema@example.com")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        wrong = client.post("/auth/login", data={"email": "pema@example.com",
                                                 "password": "guess-guess"})
        assert flashes(text(wrong)) == [("error", "Wrong email or password.")]

    response = client.post("/auth/login", data={"email": "pema@example.com",
                                                "password": factories.PASSWORD})

    assert response.status_code == 200
    assert flashes(text(response)) == [(
        "error", "Too many failed attempts for this account. Try again in 15 minutes or "
                 "reset your password.")]
    assert client.get("/auth/account").status_code == 302


# --- password reset -----------------------------------------------------------------------

def test_forgot_password_emails_a_link_that_sets_a_new_password_once(client, mailbox):
    factories.make_user("tenzin@example.com", name="丹增")

    asked = client.post("/auth/forgot", data={"email": "tenzin@example.com"})

    assert location(asked) == "/auth/login"
    assert flashes(text(client.get("/auth/login"))) == [(
        "success", "If an account uses this address, we have emailed it a link to set a new "
                   "password.")]
    [message] = mailbox.wait_for(1)
    # In the account's language; this one never chose, so the default, zh_Hans.
    assert message["Subject"] == translate("zh_Hans", "Set a new password for Summit")
    assert message["Subject"] != "Set a new password for Summit"
    reset_path = link_in(mailbox.body(message), "/auth/reset/")

    form = client.get(reset_path)
    assert form.status_code == 200
    assert "Set new password" in text(form)

    too_short = client.post(reset_path, data={"password": "short", "confirm": "short"})
    assert too_short.status_code == 200
    assert field_errors(text(too_short)) == {
        "password": ["Field must be between 8 and 128 characters long."]}

    done = client.post(reset_path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert location(done) == "/auth/login"
    assert flashes(text(client.get("/auth/login"))) == [
        ("success", "Your password has been changed. Log in with the new one.")]
    old = client.post("/auth/login", data={"email": "tenzin@example.com",
                                           "password": factories.PASSWORD})
    assert flashes(text(old)) == [("error", "Wrong email or password.")]
    new = client.post("/auth/login", data={"email": "tenzin@example.com",
                                           "password": NEW_PASSWORD})
    assert location(new) == "/"
    client.post("/auth/logout")

    reused = client.get(reset_path)

    assert location(reused) == "/auth/forgot"
    assert flashes(text(client.get("/auth/forgot"))) == [
        ("success", "Welcome, 丹增."), ("success", "You have logged out."),
        ("error", "This link has already been used or is not valid.")]


def test_forgot_password_says_the_same_for_unknown_addresses(client, mailbox):
    response = client.post("/auth/forgot", data={"email": "nobody@example.com"})

    assert location(response) == "/auth/login"
    assert flashes(text(client.get("/auth/login"))) == [(
        "success", "If an account uses this address, we have emailed it a link to set a new "
                   "password.")]
    assert mailbox.messages == []


def test_resending_the_confirmation_link_works_for_unconfirmed_accounts(client, mailbox):
    factories.make_user("later@example.com", verified=False)

    response = client.post("/auth/verify", data={"email": "later@example.com"})

    assert location(response) == "/auth/login"
    [message] = mailbox.wait_for(1)
    assert client.get(link_in(mailbox.body(message), "/auth/verify/")).status_code == 302
    assert user_by_email("later@example.com").email_verified_at is not None


# --- the account page ---------------------------------------------------------------------

def test_the_account_page_saves_name_and_language(client, login):
    user = factories.make_user("pema@example.com", name="白玛")
    login("pema@example.com")

    response = client.post("/auth/account", data={"name": "白玛央宗", "locale": "zh_Hant"})

    assert location(response) == "/auth/account"
    saved = user_by_email("pema@example.com")
    assert (saved.name, saved.locale) == ("白玛央宗", "zh_Hant")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("users", str(user.id),
                                                                    user.id)
    assert entry.after == {"name": "白玛央宗", "locale": "zh_Hant"}
    assert '<html lang="zh-Hant">' in text(client.get("/auth/account"))
