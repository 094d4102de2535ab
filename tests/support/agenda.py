"""Fixtures and helpers shared by the agenda tests (part of the tests' plugin)."""
from __future__ import annotations

import pytest

from summit.models import Room, Summit, User
from summit.services.accounts import tokens as api_tokens
from tests.support import factories
from tests.support.api import bearer


def token_for(user: User) -> dict[str, str]:
    """A fresh API token of ``user``'s, as a header."""
    return bearer(api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0])


@pytest.fixture
def organiser_headers(organiser: User) -> dict[str, str]:
    """The organiser's API token, as a header."""
    return token_for(organiser)


@pytest.fixture
def hall(summit: Summit) -> Room:
    """The test summit's main hall (300 seats)."""
    return factories.make_room(summit)
