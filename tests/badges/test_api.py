"""GET /api/v1/registrations/<id>/badge.pdf: the holder's badge once approved, any badge for
organisers; errors in the API's JSON shape."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import Badge, Registration, Role, Summit, User
from summit.services.badges import issuing as badges
from tests.support import factories
from tests.support.api import assert_json_error, assert_no_internals, bearer

SLUG = "kangding-test"


def token_for(client, user: User) -> str:
    response = client.post("/api/v1/tokens",
                           json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def enrol(summit: Summit, name: str, email: str, approve_as: User | None = None
          ) -> Registration:
    return factories.make_registration(summit, name, email, approve_as=approve_as)


def url(registration_id: int, size: str | None = None) -> str:
    query = f"?size={size}" if size is not None else ""
    return f"/api/v1/registrations/{registration_id}/badge.pdf{query}"


@pytest.fixture
def zhaobo(event) -> User:
    """赵波's account, with a password to ask for API tokens."""
    return factories.make_user("zhaobo@example.com")


@pytest.fixture
def approved_zhaobo(event, organiser, zhaobo) -> Registration:
    """赵波's registration under his account's email, approved by the organiser."""
    return enrol(event, "赵波", zhaobo.email, approve_as=organiser)


def assert_pdf(response) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_the_holder_gets_their_approved_badge(client, zhaobo, approved_zhaobo):
    response = client.get(url(approved_zhaobo.id), headers=bearer(token_for(client, zhaobo)))

    assert_pdf(response)
    assert f"badge-{approved_zhaobo.id}-a6.pdf" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("size", ["a6", "cr80", "a4_sheet"])
def test_every_size_is_a_pdf(client, organiser, approved_zhaobo, size):
    response = client.get(url(approved_zhaobo.id, size),
                          headers=bearer(token_for(client, organiser)))

    assert_pdf(response)
    assert f"-{size}.pdf" in response.headers["Content-Disposition"]


def test_someone_else_is_refused_with_a_json_403(client, event, approved_zhaobo):
    other = factories.make_user("lina@example.com")

    response = client.get(url(approved_zhaobo.id), headers=bearer(token_for(client, other)))

    assert_json_error(response, 403, "forbidden", fields=set(),
                      message="You do not have permission to do this.")
    assert badges.badge_of(approved_zhaobo) is None


def test_an_organiser_of_another_summit_is_refused(client, approved_zhaobo):
    other = factories.make_summit("litang-2028")
    user = factories.make_user("elsewhere@example.com")
    factories.grant(user, other, Role.ORGANISER)

    response = client.get(url(approved_zhaobo.id), headers=bearer(token_for(client, user)))

    assert_json_error(response, 403, "forbidden")


def test_a_pending_registration_is_a_409(client, event, zhaobo):
    pending = enrol(event, "赵波", zhaobo.email)

    response = client.get(url(pending.id), headers=bearer(token_for(client, zhaobo)))

    assert_json_error(response, 409, "conflict", fields={"status"}, message=(
        "Badges are printed for approved registrations only; this one is Pending review."))
    assert badges.badge_of(pending) is None


def test_a_revoked_badge_is_a_409(client, organiser, zhaobo, approved_zhaobo):
    badges.revoke(organiser, approved_zhaobo, "证件遗失")

    response = client.get(url(approved_zhaobo.id), headers=bearer(token_for(client, zhaobo)))

    assert_json_error(response, 409, "conflict", message="This badge is revoked: 证件遗失")


@pytest.mark.parametrize("size", ["a5", "A6", "a6%20", "x" * 300])
def test_an_unknown_size_is_a_422_naming_the_size(client, zhaobo, approved_zhaobo, size):
    response = client.get(url(approved_zhaobo.id, size), headers=bearer(token_for(client, zhaobo)))

    error = assert_json_error(response, 422, "validation_failed", fields={"size"},
                              message="Unknown badge size.")
    assert error["fields"]["size"] == "One of: a6, cr80, a4_sheet."


def test_an_empty_size_means_a6(client, zhaobo, approved_zhaobo):
    response = client.get(url(approved_zhaobo.id, ""), headers=bearer(token_for(client, zhaobo)))

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_a_nul_in_the_size_is_a_json_400(client, zhaobo, approved_zhaobo):
    response = client.get(url(approved_zhaobo.id, "a6%00"),
                          headers=bearer(token_for(client, zhaobo)))

    assert_json_error(response, 400, "bad_request", message="NUL character")


def test_no_token_is_a_401(client, approved_zhaobo):
    response = client.get(url(approved_zhaobo.id))

    assert_json_error(response, 401, "unauthorized", fields=set())
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="summit"'


def test_a_bad_token_is_a_401(client, approved_zhaobo):
    response = client.get(url(approved_zhaobo.id), headers=bearer("not-a-token"))

    assert_json_error(response, 401, "unauthorized")


def test_the_session_cookie_does_not_count(client, zhaobo, approved_zhaobo):
    client.post("/auth/login", data={"email": zhaobo.email, "password": factories.PASSWORD})

    assert_json_error(client.get(url(approved_zhaobo.id)), 401, "unauthorized")


def test_an_unknown_registration_is_a_json_404(client, organiser):
    response = client.get(url(999_999), headers=bearer(token_for(client, organiser)))

    error = assert_json_error(response, 404, "not_found", fields=set())
    assert_no_internals(error["message"])


def test_downloading_creates_the_badge_once(client, zhaobo, approved_zhaobo):
    auth = bearer(token_for(client, zhaobo))

    assert_pdf(client.get(url(approved_zhaobo.id), headers=auth))
    assert_pdf(client.get(url(approved_zhaobo.id), headers=auth))

    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 1
    assert badges.badge_of(approved_zhaobo).version == 1
