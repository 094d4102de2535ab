"""Fixtures and helpers shared by the checkin tests (part of the tests' plugin): an approved
holder, the gate's API token, and scanning over the API."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import Registration, Summit, User
from summit.services.badges import issuing as badges
from tests.support import factories


def enrol(summit: Summit, name: str, email: str, approve_as: User | None = None
          ) -> Registration:
    return factories.make_registration(summit, name, email, approve_as=approve_as)


def token_of(registration: Registration) -> str:
    """The QR token of the registration's badge (made and committed when there is none)."""
    badge = badges.ensure_badge(registration)
    db.session.commit()
    return badges.token_for(badge)


def post(client, auth: dict, summit: Summit, **body):
    """A scan sent to the summit's check-in API."""
    return client.post(f"/api/v1/summits/{summit.slug}/checkins", json=body, headers=auth)


@pytest.fixture
def holder(event, organiser) -> Registration:
    """赵波 (zhaobo@example.com), a delegate the organiser approved."""
    return enrol(event, "赵波", "zhaobo@example.com", organiser)


@pytest.fixture
def auth(client, staff) -> dict:
    """The check-in staff's API token, as a header."""
    response = client.post("/api/v1/tokens",
                           json={"email": staff.email, "password": factories.PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
