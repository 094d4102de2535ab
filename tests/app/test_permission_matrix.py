"""The role × URL matrix: every route of the app, tried by every role.

``ROUTES`` (tests/app/matrix.py) lists each (endpoint, method) of ``app.url_map`` with the
roles allowed to use it. A route added without a row there fails
``test_the_table_lists_every_route``. For each role the test logs in once and walks the
whole table:

* allowed: not 401/403, not sent to the login page, and an ordinary answer (200/201/302);
* refused: anonymous visitors are sent to the login page (HTML) or get a JSON 401 (API);
  logged-in users get 403.

Allowed POSTs send data that really performs the action (or an empty form where the action
would get in the way of the rest of the walk), each on its own object, so the order of the
rows does not matter.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from summit.models import Role
from summit.services.accounts import tokens as api_tokens
from summit.services.core import jobs
from tests.app.matrix import (
    ANONYMOUS,
    EVERYONE,
    ORGANISER,
    ROLES,
    ROUTES,
    Route,
    World,
    build_world,
)
from tests.support import factories
from tests.support.pages import is_login_redirect

ALLOWED_STATUSES = {200, 201, 302}


# --- checking one request -----------------------------------------------------------------

def request(client, route: Route, world: World, token: str | None):
    kwargs: dict[str, Any] = {}
    data = route.data(world) if route.data else None
    if route.is_api:
        if token:
            kwargs["headers"] = {"Authorization": f"Bearer {token}"}
        if data is not None and route.multipart:
            kwargs["data"] = data
        elif data is not None:
            kwargs["json"] = data
    elif data is not None:
        kwargs["data"] = data
    return client.open(route.url(world), method=route.method, **kwargs)


def problem(route: Route, role: str | None, response) -> str | None:
    """What is wrong with the answer to ``role`` on ``route``; None when it is right."""
    status = response.status_code
    where = f"{route} as {role}: {status} {response.headers.get('Location', '')}"
    if role in route.allowed:
        if status not in ALLOWED_STATUSES or is_login_redirect(response):
            return f"{where} (should be allowed)"
        return None
    if role is ANONYMOUS:
        if route.is_api:
            ok = status == 401 and (response.get_json() or {}).get(
                "error", {}).get("code") == "unauthorized"
        else:
            ok = is_login_redirect(response)
    else:
        ok = status == 403
    return None if ok else f"{where} (should be refused)"


# --- the tests ----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _background_jobs_finish(app):
    """Batches started or run again in a walk print on a job thread: let them end before the
    database is wiped."""
    yield
    jobs.wait_idle(app)


def test_the_table_lists_every_route(app, summit):
    world = build_world(summit)
    in_app = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    in_table = [(route.endpoint, route.method) for route in ROUTES]

    assert len(in_table) == len(set(in_table)), "a route is listed twice"
    assert set(in_table) - in_app == set(), "rows for routes the app does not have"
    assert in_app - set(in_table) == set(), "routes without a row in ROUTES"
    adapter = app.url_map.bind("localhost")
    for route in ROUTES:
        path = route.url(world).partition("?")[0]
        assert adapter.match(path, method=route.method)[0] == route.endpoint, route
        assert route.allowed <= EVERYONE and "admin" in route.allowed, route


# Who may reach a page is decided by the roles, the same on either database (each service's
# rules run on both): the walk of every route runs on SQLite.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_each_role_reaches_exactly_its_routes(client, as_role, login, summit, role):
    world = build_world(summit)
    user = world.user = as_role(role)
    token = api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0] \
        if user is not None else None

    problems = []
    for route in ROUTES:
        response = request(client, route, world, token)
        found = problem(route, role, response)
        response.close()  # a file response (the favicon) closes its file now, not at GC
        if found:
            problems.append(found)
        if route.logs_out and user is not None:
            login(user.email)
            # Logging out everywhere revokes the user's tokens too.
            token = api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0]

    assert problems == []


def test_the_api_ignores_the_session_cookie(client, as_role):
    as_role("admin")

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_role_at_another_summit_opens_nothing_here(client, login, summit):
    """Roles are per summit: the organiser of another summit is refused at this one."""
    world = build_world(summit)
    other = factories.make_summit("chengdu-2028", starts_on=date(2028, 5, 1),
                                  ends_on=date(2028, 5, 2))
    user = factories.make_user("elsewhere@example.com")
    factories.grant(user, other, Role.ORGANISER)
    login(user.email)
    world.user = user
    token = api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0]

    organiser_routes = [route for route in ROUTES
                        if route.allowed == ORGANISER and route.endpoint != "summits.create"]
    statuses = {str(route): request(client, route, world, token).status_code
                for route in organiser_routes}

    assert {"GET summits.edit", "GET registrations.moderate", "POST summits.revoke_role",
            "GET api.list_registrations"} <= set(statuses)
    assert set(statuses.values()) == {403}, statuses
    assert client.get(f"/summits/{other.slug}/edit").status_code == 200
