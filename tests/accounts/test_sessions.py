"""Sessions and tokens can be ended: a new password or "log out everywhere" ends every
browser's session and remember-me cookie and every token; remember-me cookies change at each
login and die at logout; users see and revoke their tokens; a scanner's device token checks
people in at one summit only, and expires."""
from __future__ import annotations

from datetime import timedelta

import pytest

from summit.extensions import db
from summit.models import ApiToken, AuditEntry, Login, Role, TokenScope
from summit.services.accounts import roles, tokens as api_tokens, users as accounts
from tests.support import factories
from tests.support.api import assert_json_error, bearer
from tests.support.pages import flashes, is_login_redirect, location, text
from tests.support.plugin import english_client_for

EMAIL = "pema@example.com"
NEW_PASSWORD = "a-new-password-42"


def log_in(client, remember: bool = False) -> None:
    data = {"email": EMAIL, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, text(response)[:300]


def cookie_value(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def logged_in(client) -> bool:
    return client.get("/auth/account").status_code == 200


def api_token(client) -> str:
    response = client.post("/api/v1/tokens",
                           json={"email": EMAIL, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def remembered_only(app, value: str):
    """A new browser holding nothing but this remember-me cookie."""
    browser = english_client_for(app)
    browser.set_cookie("remember_token", value)
    return browser


@pytest.fixture
def pema(app):
    return factories.make_user(EMAIL, locale="en")


# --- a new password ends everything -------------------------------------------------------

def test_a_new_password_ends_every_session_remember_cookie_and_token(app, client, other_client,
                                                                     pema):
    log_in(client)
    log_in(other_client, remember=True)
    remember = cookie_value(other_client, "remember_token")
    token = api_token(client)
    assert logged_in(client) and logged_in(other_client)
    assert logged_in(remembered_only(app, remember))

    accounts.reset_password(accounts.reset_token(pema), NEW_PASSWORD)

    assert not logged_in(client)
    assert not logged_in(other_client)
    assert not logged_in(remembered_only(app, remember))
    assert_json_error(client.get("/api/v1/me", headers=bearer(token)), 401)
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "user.reset_password"))
    assert entry.after == {"logins_ended": 2, "tokens_revoked": 1}
    # The new password works as usual.
    assert client.post("/auth/login", data={"email": EMAIL, "password": NEW_PASSWORD}
                       ).status_code == 302
    assert logged_in(client)


def test_a_session_cookie_of_the_old_kind_no_longer_logs_in(client, pema):
    # Before logins had keys, the session held the user's id, the same for ever.
    with client.session_transaction() as session:
        session["_user_id"] = str(pema.id)
        session["_fresh"] = True

    assert not logged_in(client)


# --- remember-me and logout ---------------------------------------------------------------

def test_remember_me_changes_at_every_login_and_dies_at_logout(app, client, pema):
    log_in(client, remember=True)
    first = cookie_value(client, "remember_token")
    client.post("/auth/logout")
    log_in(client, remember=True)
    second = cookie_value(client, "remember_token")

    assert first and second and first != second
    assert not logged_in(remembered_only(app, first))  # ended at logout, copies too
    assert logged_in(remembered_only(app, second))


def test_a_copied_session_cookie_dies_at_logout(app, client, pema):
    log_in(client)
    copy = english_client_for(app)
    copy.set_cookie("session", cookie_value(client, "session"))
    assert logged_in(copy)

    client.post("/auth/logout")

    assert not logged_in(copy)


def test_a_login_without_remember_me_ends_with_the_session_lifetime(app, client, pema):
    log_in(client)
    login = db.session.scalars(db.select(Login)).one()

    assert login.expires_at - login.created_at == app.config["PERMANENT_SESSION_LIFETIME"]
    login.expires_at = login.created_at  # as if twelve hours had passed
    db.session.commit()
    assert not logged_in(client)


def test_a_disabled_account_is_logged_out_at_once(client, pema, admin):
    log_in(client)

    roles.set_active(admin, pema, False)

    assert not logged_in(client)


# --- log out everywhere -------------------------------------------------------------------

def test_logging_out_everywhere_ends_every_browser_and_token(app, client, other_client, pema,
                                                             summit):
    factories.grant(pema, summit, Role.CHECKIN_STAFF)
    log_in(client)
    log_in(other_client, remember=True)
    remember = cookie_value(other_client, "remember_token")
    token = api_token(client)
    device = client.post(f"/summits/{summit.slug}/checkin/device-token").get_json()["token"]
    page = text(client.get("/auth/account"))
    assert "Log out everywhere" in page and "/auth/tokens" in page

    response = client.post("/auth/logout-everywhere")

    assert location(response) == "/"
    assert flashes(text(client.get("/"))) == [(
        "success", "You have logged out on every device, and every API and scanner token you "
                   "held has been revoked.")]
    assert not logged_in(client) and not logged_in(other_client)
    assert not logged_in(remembered_only(app, remember))
    for raw in (token, device):
        assert_json_error(client.get(f"/api/v1/summits/{summit.slug}/checkins/manifest",
                                     headers=bearer(raw)), 401)
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "user.logout_everywhere"))
    assert (entry.actor_id, entry.after) == (pema.id, {"logins_ended": 2, "tokens_revoked": 2})


def test_logging_out_everywhere_is_post_only_and_needs_a_login(client, pema):
    assert client.get("/auth/logout-everywhere").status_code == 405
    assert is_login_redirect(client.post("/auth/logout-everywhere"))


# --- seeing and revoking tokens -----------------------------------------------------------

def test_the_tokens_page_lists_working_tokens_and_revokes_one(client, pema, summit):
    factories.grant(pema, summit, Role.CHECKIN_STAFF)
    keep, drop = api_token(client), api_token(client)
    old = api_token(client)
    api_tokens.revoke_token(pema, db.session.scalar(
        db.select(ApiToken).where(ApiToken.prefix == old[:8])))
    log_in(client)
    client.post(f"/summits/{summit.slug}/checkin/device-token")

    page = text(client.get("/auth/tokens"))

    assert keep[:8] in page and drop[:8] in page and old[:8] not in page
    assert "Check people in at Test Summit" in page
    assert page.count("Everything your account may do") == 2
    target = db.session.scalar(db.select(ApiToken).where(ApiToken.prefix == drop[:8]))
    response = client.post(f"/auth/tokens/{target.id}/revoke")
    assert location(response) == "/auth/tokens"
    assert flashes(text(client.get("/auth/tokens"))) == [
        ("success", f"The token {drop[:8]}… no longer works.")]
    assert_json_error(client.get("/api/v1/me", headers=bearer(drop)), 401)
    assert client.get("/api/v1/me", headers=bearer(keep)).status_code == 200


def test_nobody_revokes_someone_elses_token(client, pema):
    theirs = factories.make_user("other@example.com")
    raw, token = api_tokens.issue_token_for(theirs)
    log_in(client)

    assert client.post(f"/auth/tokens/{token.id}/revoke").status_code == 404

    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200


def test_the_api_lists_and_revokes_the_callers_tokens(client, pema):
    first, second = api_token(client), api_token(client)
    theirs_raw, theirs = api_tokens.issue_token_for(factories.make_user("other@example.com"))

    listed = client.get("/api/v1/tokens", headers=bearer(first))

    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2
    assert {item["prefix"] for item in body["items"]} == {first[:8], second[:8]}
    assert {item["scope"] for item in body["items"]} == {"full"}
    assert all(item["expires_at"] for item in body["items"])
    second_id = next(i["id"] for i in body["items"] if i["prefix"] == second[:8])

    revoked = client.delete(f"/api/v1/tokens/{second_id}", headers=bearer(first))
    assert revoked.status_code == 200
    assert (revoked.get_json()["prefix"], bool(revoked.get_json()["revoked_at"])) == (
        second[:8], True)
    assert_json_error(client.get("/api/v1/me", headers=bearer(second)), 401)
    assert_json_error(client.delete(f"/api/v1/tokens/{theirs.id}", headers=bearer(first)),
                      404)
    assert client.get("/api/v1/me", headers=bearer(theirs_raw)).status_code == 200
    first_id = next(i["id"] for i in body["items"] if i["prefix"] == first[:8])
    # A client logs itself out by revoking the token it uses.
    assert client.delete(f"/api/v1/tokens/{first_id}", headers=bearer(first)
                         ).status_code == 200
    assert_json_error(client.get("/api/v1/tokens", headers=bearer(first)), 401)


def test_an_expired_api_token_no_longer_works(client, pema):
    raw = api_token(client)
    token = db.session.scalars(db.select(ApiToken)).one()

    assert api_tokens.token_for(raw, now=token.expires_at - timedelta(seconds=1)) is not None
    assert api_tokens.token_for(raw, now=token.expires_at + timedelta(seconds=1)) is None


# --- device tokens ------------------------------------------------------------------------

@pytest.fixture
def device_token(client, organiser, summit, sign_in) -> str:
    """The scanner page's device token, issued to the summit's organiser."""
    sign_in(organiser.email)
    response = client.post(f"/summits/{summit.slug}/checkin/device-token")
    assert response.status_code == 200
    return response.get_json()["token"]


def test_a_device_token_checks_people_in_at_its_summit_only(client, event, device_token,
                                                            organiser):
    other = factories.make_summit("litang-test", organiser=organiser)
    url = f"/api/v1/summits/{event.slug}"

    assert client.get(f"{url}/checkins/manifest", headers=bearer(device_token)
                      ).status_code == 200
    assert client.get(f"{url}/checkins/lookup?q=zhao", headers=bearer(device_token)
                      ).status_code == 200
    # Not the organiser's other rights: not their lists, their account, another summit.
    for method, path in [("GET", f"{url}/registrations"), ("GET", "/api/v1/me"),
                         ("GET", "/api/v1/tokens"), ("GET", f"{url}/attendance"),
                         ("GET", f"/api/v1/summits/{other.slug}/checkins/manifest")]:
        response = client.open(path, method=method, headers=bearer(device_token))
        error = assert_json_error(response, 403, "forbidden")
        assert error["message"] == f"This token only checks people in at {event.slug}."
    # Nor lend them to a public form: an organiser may register people in closed categories.
    closed = client.post(f"{url}/registrations", headers=bearer(device_token), json={
        "name": "赵波", "organization": "甘孜州商务局", "position": "科长", "category": "guest",
        "email": "zhaobo@example.com", "phone": "13812345678"})
    assert_json_error(closed, 403)


def test_a_device_token_expires_and_says_what_it_may_do(app, event, device_token, organiser):
    token = db.session.scalars(db.select(ApiToken)).one()

    assert (token.scope, token.summit_id, token.user_id) == (TokenScope.CHECKIN, event.id,
                                                             organiser.id)
    assert token.expires_at - token.created_at == app.config["DEVICE_TOKEN_LIFETIME"]
    assert api_tokens.token_for(device_token, now=token.expires_at + timedelta(seconds=1)
                                ) is None
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "api_token.issue"))
    assert entry.after == {"prefix": token.prefix, "scope": "checkin", "summit": event.slug,
                           "purpose": f"scanner:{event.slug}"}


def test_a_device_token_is_only_for_those_who_may_scan(client, summit, sign_in):
    factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    sign_in("official@example.com")

    assert client.post(f"/summits/{summit.slug}/checkin/device-token").status_code == 403
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
