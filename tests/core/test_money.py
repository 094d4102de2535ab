"""Amounts: read exactly from what people type, shown in 万元 / 亿元."""
from decimal import Decimal

import pytest

from summit.services.core.errors import ValidationFailed
from summit.services.core.money import format_amount, parse_amount, yuan_text

# Formatting and file checks: no database is involved, so no PostgreSQL run.
pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.sqlite_only]


@pytest.mark.parametrize("typed, yuan", [
    ("50000000", "50000000.00"), ("1,234.5", "1234.50"), ("0.01", "0.01"), ("0", "0.00"),
    ("5000万", "50000000.00"), ("0.5亿", "50000000.00"), ("1.2345万元", "12345.00"),
    ("9999999999999999.99", "9999999999999999.99"), (Decimal("12.30"), "12.30"), (7, "7.00"),
])
def test_amounts_are_read_exactly(typed, yuan):
    assert parse_amount(typed) == Decimal(yuan)
    assert str(parse_amount(typed)) == yuan


@pytest.mark.parametrize("typed, message", [
    ("-1", "cannot be negative"), ("-0.01", "cannot be negative"),
    ("abc", "as a number"), ("", "as a number"), ("1e", "as a number"), ("NaN", "as a number"),
    ("Infinity", "as a number"), ("12.345", "at most two decimals"),
    ("0.001", "at most two decimals"), ("1.2345678万", "at most two decimals"),
    ("10000000000000000", "too large"), ("1E30", "too large"), (1.5, "as a number"),
    (True, "as a number"),
    (None, "as a number"), ("1 2.3.4", "as a number"),
])
def test_bad_amounts_say_what_is_wrong(app, typed, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(typed)
    assert message in str(caught.value)
    assert caught.value.field == "amount"


@pytest.mark.parametrize("value, zh, en", [
    ("50000000.00", "5,000.00万元", "¥50.00 million"),
    ("120000000", "1.20亿元", "¥120.00 million"),
    ("268000000", "2.68亿元", "¥268.00 million"),
    ("9999.99", "9,999.99元", "¥9,999.99"),
    ("10000", "1.00万元", "¥10,000.00"),
    ("12345.67", "1.23万元", "¥12,345.67"),
    ("0", "0.00元", "¥0.00"),
])
def test_amounts_are_shown_in_wan_or_yi(value, zh, en):
    assert format_amount(Decimal(value), "zh") == zh
    assert format_amount(Decimal(value), "en") == en


def test_the_exact_text_keeps_every_fen():
    assert yuan_text(Decimal("9999999999999999.99")) == "9,999,999,999,999,999.99"
    assert format_amount(None) == "—"
