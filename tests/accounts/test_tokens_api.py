"""POST /api/v1/tokens and bearer authentication (GET /api/v1/me)."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from summit.extensions import db
from summit.models import ApiToken, AuditEntry, Role
from summit.services.accounts import tokens as api_tokens
from tests.support import factories
from tests.support.api import assert_json_error, bearer

EMAIL = "zhao@example.com"
AUTH_HEADER = 'Bearer realm="summit"'


@pytest.fixture
def user(app):
    return factories.make_user(EMAIL)


def post_token(client, email=EMAIL, password=factories.PASSWORD):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def token_count() -> int:
    return db.session.scalar(db.select(db.func.count(ApiToken.id)))


# --- issuing ----------------------------------------------------------------------------

def test_right_credentials_give_201_with_a_token(client, user):
    response = post_token(client)

    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"token", "id", "prefix", "expires_at"}
    assert body["token"].startswith("smt_") and len(body["token"]) >= 40
    assert body["prefix"] == body["token"][:8]
    token = db.session.get(ApiToken, body["id"])
    assert token.prefix == body["prefix"]
    # Tokens expire (API_TOKEN_LIFETIME, 90 days by default).
    assert token.expires_at - token.created_at == timedelta(days=90)
    assert body["expires_at"] == token.expires_at.isoformat()


def test_the_database_stores_only_a_sha256_of_the_token(client, user):
    raw = post_token(client).get_json()["token"]

    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.user_id == user.id
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert token.revoked_at is None
    # The raw token is in no column of api_tokens, nor in the audit log.
    for row in db.session.execute(text("SELECT * FROM api_tokens")):
        assert all(raw not in str(value) for value in row)
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "api_token.issue")).all()
    assert [(e.actor_id, e.object_type, e.after) for e in entries] == [
        (user.id, "api_tokens", {"prefix": raw[:8]})]
    assert raw not in json.dumps([e.after for e in entries])


def test_the_token_authenticates_on_me(client, user, summit):
    factories.grant(user, summit, Role.OFFICIAL)
    raw = post_token(client).get_json()["token"]

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id, "email": EMAIL, "name": "赵波", "is_admin": False,
        "roles": [{"summit": "kangding-test", "role": "official"}]}
    db.session.expire_all()
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at is not None


def test_email_is_matched_case_insensitively(client, user):
    response = post_token(client, email="  Zhao@EXAMPLE.com ")

    assert response.status_code == 201
    me = client.get("/api/v1/me", headers=bearer(response.get_json()["token"]))
    assert me.get_json()["email"] == EMAIL


def test_each_request_issues_a_new_token_and_all_work(client, user):
    first = post_token(client).get_json()["token"]
    second = post_token(client).get_json()["token"]

    assert first != second
    assert token_count() == 2
    for raw in (first, second):
        assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200


# --- refusing credentials -----------------------------------------------------------------

@pytest.mark.parametrize("email, password", [
    (EMAIL, "wrong-password-1"),
    ("nobody@example.com", factories.PASSWORD),
])
def test_wrong_credentials_are_401_without_saying_which(client, user, email, password):
    response = post_token(client, email, password)

    assert_json_error(response, 401, "invalid_credentials", fields=set(),
                      message="Wrong email or password.")
    assert token_count() == 0


def test_unverified_account_is_refused_with_a_message(client):
    factories.make_user(EMAIL, verified=False)

    response = post_token(client)

    error = assert_json_error(response, 400, fields=set())
    assert error["message"].startswith("Please confirm your email address first")
    assert token_count() == 0


def test_disabled_account_is_403(client, user):
    user.active = False
    db.session.commit()

    assert_json_error(post_token(client), 403, "forbidden",
                      message="This account has been disabled.")
    assert token_count() == 0


def test_too_many_failures_for_an_account_are_429_even_with_the_right_password(client, user):
    for _ in range(5):  # LOGIN_MAX_FAILURES_PER_ACCOUNT
        assert_json_error(post_token(client, password="wrong-password-1"), 401)

    response = post_token(client)

    error = assert_json_error(response, 429, "too_many_attempts", fields=set())
    assert error["message"] == ("Too many failed attempts for this account. Try again in 15 "
                                "minutes or reset your password.")
    assert token_count() == 0


def test_too_many_failures_from_one_address_are_429(configured_app, request):
    configured_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    client = request.getfixturevalue("client")
    factories.make_user(EMAIL)
    for number in range(3):
        assert_json_error(post_token(client, f"probe{number}@example.com", "wrong-password-1"),
                          401)

    error = assert_json_error(post_token(client), 429, "too_many_attempts")
    assert error["message"] == ("Too many failed attempts from your network. Try again in 15 "
                                "minutes.")


# --- refusing bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"data": {"email": EMAIL, "password": factories.PASSWORD}},  # a form post
    {"data": json.dumps({"email": EMAIL}), "content_type": "text/plain"},
    {},  # no body at all
], ids=["form", "text-plain", "empty"])
def test_a_body_that_is_not_json_is_415(client, user, kwargs):
    response = client.post("/api/v1/tokens", **kwargs)

    assert_json_error(response, 415, "unsupported_media_type", fields=set(),
                      message="Send the body as JSON (Content-Type: application/json).")


@pytest.mark.parametrize("payload", [[EMAIL, factories.PASSWORD], "text", 42, None, True])
def test_json_that_is_not_an_object_is_400(client, user, payload):
    response = client.post("/api/v1/tokens", data=json.dumps(payload),
                           content_type="application/json")

    assert_json_error(response, 400, "bad_request", fields=set(),
                      message="The body must be a JSON object.")


@pytest.mark.parametrize("raw", [b"", b"{", b"{'email': 'x'}", b"\xff\xfe",
                                 b'{"email": "\xff"}', b"[" * 50_000 + b"]" * 50_000])
def test_a_body_that_is_not_json_text_is_400(client, user, raw):
    response = client.post("/api/v1/tokens", data=raw, content_type="application/json")

    assert_json_error(response, 400, "bad_request", fields=set(),
                      message="The body is not valid JSON in UTF-8.")


@pytest.mark.parametrize("value", [12345, 1.5, None, True, ["a@example.com"],
                                   {"address": EMAIL}])
def test_a_field_of_the_wrong_type_is_422_naming_it(client, user, value):
    response = client.post("/api/v1/tokens",
                           json={"email": value, "password": factories.PASSWORD})

    error = assert_json_error(response, 422, "validation_failed", fields={"email"},
                              message="Some values have the wrong type.")
    assert error["fields"] == {"email": "Must be a string."}
    assert token_count() == 0


def test_every_field_of_the_wrong_type_is_named(client, user):
    response = client.post("/api/v1/tokens", json={"email": 1, "password": [1]})

    error = assert_json_error(response, 422, fields={"email", "password"})
    assert set(error["fields"].values()) == {"Must be a string."}


@pytest.mark.parametrize("payload, missing", [
    ({}, {"email", "password"}),
    ({"email": EMAIL}, {"password"}),
    ({"password": factories.PASSWORD}, {"email"}),
    ({"email": "   ", "password": ""}, {"email", "password"}),
])
def test_missing_fields_are_422_naming_each(client, user, payload, missing):
    response = client.post("/api/v1/tokens", json=payload)

    error = assert_json_error(response, 422, "validation_failed", fields=missing,
                              message="Some values are not valid.")
    assert all("This field is required." in text for text in error["fields"].values())


@pytest.mark.parametrize("payload, field, text", [
    ({"email": "not-an-email", "password": "x"}, "email", "Invalid email address."),
    ({"email": "a" * 10_000 + "@example.com", "password": "x"}, "email",
     "Field cannot be longer than 254 characters."),
    ({"email": EMAIL, "password": "p" * 10_000}, "password",
     "Field cannot be longer than 128 characters."),
    ({"email": EMAIL, "password": "pass\x00word"}, "password",
     "Remove control characters or line breaks from this field."),
    ({"email": EMAIL, "password": "pass\x1bword"}, "password",
     "Remove control characters or line breaks from this field."),
])
def test_invalid_values_are_422_naming_the_field(client, user, payload, field, text):
    response = client.post("/api/v1/tokens", json=payload)

    error = assert_json_error(response, 422, "validation_failed", fields={field})
    assert text in error["fields"][field]
    assert token_count() == 0


# --- bearer authentication ----------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer bogus"},
    {"Authorization": "Bearer smt_" + "A" * 43},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer " + "x" * 10_000},
    {"Authorization": "Basic emhhb0BleGFtcGxlLmNvbTpjb3JyZWN0LWhvcnNlLTk="},
], ids=["none", "bogus", "well-formed-unknown", "empty", "huge", "basic"])
def test_missing_or_bogus_bearer_is_401_with_www_authenticate(client, user, headers):
    response = client.get("/api/v1/me", headers=headers)

    assert_json_error(response, 401, "unauthorized", fields=set(),
                      message="Send a valid token: Authorization: Bearer <token>.")
    assert response.headers["WWW-Authenticate"] == AUTH_HEADER


def test_the_bearer_scheme_is_case_insensitive(client, user):
    raw = post_token(client).get_json()["token"]

    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"})

    assert response.status_code == 200
    assert response.get_json()["email"] == EMAIL


def test_a_revoked_token_is_401(client, user):
    raw = post_token(client).get_json()["token"]
    api_tokens.revoke_token(user, db.session.scalars(db.select(ApiToken)).one())

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert_json_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == AUTH_HEADER


def test_the_token_of_a_disabled_account_is_401(client, user):
    raw = post_token(client).get_json()["token"]
    user.active = False
    db.session.commit()

    assert_json_error(client.get("/api/v1/me", headers=bearer(raw)), 401, "unauthorized")


def test_a_session_cookie_is_not_an_api_credential(client, login, user):
    login(EMAIL)  # the HTML login sets a session cookie on this client

    response = client.get("/api/v1/me")

    assert_json_error(response, 401, "unauthorized")
