"""Every /api/ path answers errors as {"error": {"code", "message", "fields"}}; pages elsewhere
stay HTML."""
from __future__ import annotations

import logging

import pytest

from summit.blueprints.api import press as api_press
from summit.extensions import db
from summit.models import User
from summit.services.agreements import files as agreement_files
from summit.services.core import spreadsheets
from summit.services.press import files as press_files, room as press_room
from tests.support import factories
from tests.support.api import assert_json_error, assert_no_internals

INTERNAL = "Something went wrong on our side. The error has been logged."


def explode():
    raise RuntimeError("secret detail: password=hunter2")


@pytest.mark.parametrize("path", ["/api/v1/whatever", "/api/v1/summits/kangding-test/nothing",
                                  "/api/v2/summits", "/api/", "/api/v1/"])
def test_an_unknown_api_path_is_a_json_404(client, app, path):
    response = client.get(path)

    assert_json_error(response, 404, "not_found", fields=set(),
                      message="This page does not exist.")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_wrong_method_is_a_json_405_with_allow(client, app):
    response = client.put("/api/v1/tokens")

    assert_json_error(response, 405, "method_not_allowed", fields=set(),
                      message="This action is not allowed here.")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_a_wrong_method_on_a_read_only_resource_lists_the_allowed_ones(client, summit):
    response = client.delete("/api/v1/summits/kangding-test")

    assert_json_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.own_app
def test_an_unexpected_exception_is_a_json_500_without_internals(configured_app, caplog):
    app = configured_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/api/v1/_explode", "explode", explode)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/api/v1/_explode")

    assert_json_error(response, 500, "internal_error", fields=set(), message=INTERNAL)
    text = response.get_data(as_text=True)
    assert "secret detail" not in text and "hunter2" not in text
    assert_no_internals(text)
    # The details go to the log instead.
    assert any("Unhandled error on GET /api/v1/_explode" in r.getMessage()
               and r.exc_info and "secret detail" in str(r.exc_info[1])
               for r in caplog.records)


@pytest.mark.own_app
def test_an_unexpected_exception_on_a_page_is_an_html_500(configured_app, caplog):
    app = configured_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/_explode", "explode", explode)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/_explode")

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert INTERNAL in text
    assert "secret detail" not in text and "Traceback" not in text


@pytest.mark.own_app
def test_the_500_handler_rolls_back_the_session(configured_app):
    app = configured_app(PROPAGATE_EXCEPTIONS=False)

    def half_done():
        db.session.add(User(email="half@example.com", name="x", password_hash="x"))
        db.session.flush()
        raise RuntimeError("after a write")

    app.add_url_rule("/api/v1/_half", "half", half_done)

    response = app.test_client().get("/api/v1/_half")

    assert_json_error(response, 500, "internal_error")
    db.session.expire_all()
    assert db.session.scalar(db.select(User).where(User.email == "half@example.com")) is None


def test_a_body_over_max_content_length_is_a_json_413(configured_app, request):
    configured_app(MAX_CONTENT_LENGTH=1024)
    client = request.getfixturevalue("client")
    factories.make_user("zhao@example.com")

    too_big = client.post("/api/v1/tokens", json={"email": "zhao@example.com",
                                                  "password": "x" * 2000})
    small = client.post("/api/v1/tokens", json={"email": "zhao@example.com",
                                                "password": factories.PASSWORD})

    assert_json_error(too_big, 413, "too_large", fields=set(),
                      message="What you sent is too large.")
    assert small.status_code == 201


def test_a_form_over_max_content_length_is_an_html_413(configured_app, request):
    configured_app(MAX_CONTENT_LENGTH=1024)
    client = request.getfixturevalue("client")

    response = client.post("/auth/login", data={"email": "zhao@example.com",
                                                "password": "x" * 2000})

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "What you sent is too large." in response.get_data(as_text=True)


def test_every_file_limit_fits_in_the_request_limit(app):
    """A file just under its own limit is refused by its check with a clear message, never by
    the request limit first (a 413 page that names no field)."""
    form_room = 1024 * 1024
    limits = {"press photo": press_files.MAX_PHOTO, "press letter": press_files.MAX_LETTER,
              "release image": press_room.MAX_IMAGE, "release file": press_room.MAX_ATTACHMENT,
              "agreement file": agreement_files.MAX_BYTES, "workbook": spreadsheets.MAX_BYTES}

    assert {name: limit + form_room <= app.config["MAX_CONTENT_LENGTH"]
            for name, limit in limits.items()} == dict.fromkeys(limits, True)
    assert api_press.MAX_UPLOAD_BYTES > max(press_files.MAX_PHOTO, press_files.MAX_LETTER)


def test_a_nul_in_the_query_string_is_a_json_400(client, app):
    response = client.get("/api/v1/summits?q=%00")

    assert_json_error(response, 400, "bad_request", fields=set(),
                      message="The address contains a NUL character.")


def test_domain_errors_keep_their_status_and_code(client, summit):
    assert_json_error(client.get("/api/v1/summits/not-there"), 404, "not_found",
                      message="There is no summit at this address.")


# --- outside /api/ errors stay HTML --------------------------------------------------------

def test_an_unknown_page_is_an_html_404(client, app):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Page not found" in text and "This page does not exist." in text
    assert '"error"' not in text


def test_a_wrong_method_on_a_page_is_an_html_405(client, app):
    response = client.get("/auth/logout")

    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "This action is not allowed here." in response.get_data(as_text=True)


def test_a_page_needing_login_redirects_instead_of_401(client, app):
    response = client.get("/auth/account")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_an_api_path_needing_a_token_is_401_not_a_redirect(client, app):
    response = client.get("/api/v1/me")

    assert_json_error(response, 401, "unauthorized")
    assert "Location" not in response.headers


def test_a_path_that_only_starts_like_the_api_is_a_page(client, app):
    response = client.get("/apiary")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
