"""Fixtures and helpers shared by the bookings tests (part of the tests' plugin)."""
from __future__ import annotations

import pytest

from summit.models import AgendaItem, Summit
from tests.support.agenda_factories import make_agenda_item, make_room


@pytest.fixture
def salon(summit: Summit) -> AgendaItem:
    """A bookable salon with two seats, in the salon hall."""
    return make_agenda_item(summit, room=make_room(summit), capacity=2)


@pytest.fixture
def one_seat_salon(summit: Summit) -> AgendaItem:
    """A bookable salon with a single seat, in the salon hall: the second to book waits."""
    return make_agenda_item(summit, room=make_room(summit), capacity=1)
