"""Fixtures and helpers shared by the press tests (part of the tests' plugin): a summit
accrediting media and its media officer."""
from __future__ import annotations

import pytest

from summit.models import Role, Summit, User
from tests.support import factories, press_factories


@pytest.fixture
def press_event(app) -> Summit:
    """A summit accrediting media (kangding-press), not the test summit: zones MAIN, PRESS and
    VIP and a ``press`` category."""
    return press_factories.press_summit()


@pytest.fixture
def press_officer(press_event) -> User:
    """The media officer of the press summit (officer@example.com)."""
    return factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
