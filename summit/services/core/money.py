"""Amounts of yuan: read exactly from what people type, shown in 万元 or 亿元 as fits.

Amounts are ``Decimal`` everywhere (never float). ``format_amount`` is the one way pages,
exports and the printed report show them.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from summit.services.core.errors import ValidationFailed

CENT = Decimal("0.01")
WAN = Decimal("10000")
YI = Decimal("100000000")
# NUMERIC(18, 2): sixteen digits before the point.
MAXIMUM = Decimal("9999999999999999.99")
_UNITS = {"万": WAN, "萬": WAN, "亿": YI, "億": YI}


def parse_amount(raw: object, field: str = "amount", *, allow_zero: bool = True) -> Decimal:
    """An exact, non-negative amount in yuan with at most two decimals.

    Accepts "1234.5", "1,234.50", and a 万/亿 suffix ("3500万", "1.2亿元") as officers write.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise ValidationFailed(_l("Write the amount as a number in yuan, e.g. 35000000.00."),
                               field)
    text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    text = text.removesuffix("元")
    unit = Decimal(1)
    if text[-1:] in _UNITS:
        unit, text = _UNITS[text[-1]], text[:-1]
    if not text or len(text) > 40:
        raise ValidationFailed(_l("Write the amount as a number in yuan, e.g. 35000000.00."),
                               field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(_l("Write the amount as a number in yuan, e.g. 35000000.00."),
                               field) from None
    if not number.is_finite():
        raise ValidationFailed(_l("Write the amount as a number in yuan, e.g. 35000000.00."),
                               field)
    amount = number * unit
    if amount < 0:
        raise ValidationFailed(_l("The amount cannot be negative."), field)
    if amount > MAXIMUM:
        raise ValidationFailed(_l("This amount is too large."), field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationFailed(_l("An amount has at most two decimals (fen)."), field)
    if not allow_zero and amount == 0:
        raise ValidationFailed(_l("Enter an amount above zero."), field)
    return amount.quantize(CENT)


def yuan_text(value: Decimal | None) -> str:
    """The exact amount with thousands separators: 35,000,000.00."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(CENT):,.2f}"


def format_amount(value: Decimal | None, language: str = "zh") -> str:
    """亿元 from one hundred million, 万元 from ten thousand, else 元 (two decimals, rounded
    half up for display; the exact value is in ``yuan_text``). English: million / thousand."""
    if value is None:
        return "—"
    value = Decimal(value)
    size = abs(value)
    if language == "en":
        if size >= Decimal(1_000_000):
            return f"¥{(value / Decimal(1_000_000)).quantize(CENT, ROUND_HALF_UP):,.2f} million"
        return f"¥{value.quantize(CENT, ROUND_HALF_UP):,.2f}"
    if size >= YI:
        return f"{(value / YI).quantize(CENT, ROUND_HALF_UP):,.2f}亿元"
    if size >= WAN:
        return f"{(value / WAN).quantize(CENT, ROUND_HALF_UP):,.2f}万元"
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}元"


def format_rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"
