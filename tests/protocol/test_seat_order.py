"""The seat order of both conventions, against a table written by hand.

Each row lists, seat by seat from the left *as seen from the stage facing the audience*, the
precedence number of who sits there."""
import pytest

from summit.models import Convention
from summit.services.protocol.seating import seat_order

GOVERNMENT = {
    1: [1],
    2: [1, 2],
    3: [2, 1, 3],
    4: [3, 1, 2, 4],
    5: [4, 2, 1, 3, 5],
    6: [5, 3, 1, 2, 4, 6],
    7: [6, 4, 2, 1, 3, 5, 7],
    8: [7, 5, 3, 1, 2, 4, 6, 8],
    9: [8, 6, 4, 2, 1, 3, 5, 7, 9],
    10: [9, 7, 5, 3, 1, 2, 4, 6, 8, 10],
    11: [10, 8, 6, 4, 2, 1, 3, 5, 7, 9, 11],
    12: [11, 9, 7, 5, 3, 1, 2, 4, 6, 8, 10, 12],
}
# 国际/商务: right is senior, the mirror image.
INTERNATIONAL = {
    1: [1],
    2: [2, 1],
    3: [3, 1, 2],
    4: [4, 2, 1, 3],
    5: [5, 3, 1, 2, 4],
    6: [6, 4, 2, 1, 3, 5],
    7: [7, 5, 3, 1, 2, 4, 6],
    8: [8, 6, 4, 2, 1, 3, 5, 7],
    9: [9, 7, 5, 3, 1, 2, 4, 6, 8],
    10: [10, 8, 6, 4, 2, 1, 3, 5, 7, 9],
    11: [11, 9, 7, 5, 3, 1, 2, 4, 6, 8, 10],
    12: [12, 10, 8, 6, 4, 2, 1, 3, 5, 7, 9, 11],
}


def layout(seats: int, convention: Convention) -> list[int]:
    row = [0] * seats
    for number, seat in enumerate(seat_order(seats, convention), start=1):
        row[seat] = number
    return row


@pytest.mark.parametrize("seats", range(1, 13))
def test_government_convention_puts_no_2_on_no_1s_left(seats):
    assert layout(seats, Convention.GOVERNMENT) == GOVERNMENT[seats]


@pytest.mark.parametrize("seats", range(1, 13))
def test_international_convention_is_the_mirror(seats):
    assert layout(seats, Convention.INTERNATIONAL) == INTERNATIONAL[seats]


def test_no_seats_no_order():
    assert seat_order(0) == []
