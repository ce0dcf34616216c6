"""Amounts of money as Vietnamese documents write them."""

from __future__ import annotations

from decimal import Decimal


def vnd(amount: Decimal | int | None) -> str:
    """`amount` in đồng, thousands separated by dots as in Vietnamese: 8000 → "8.000 đ".
    The đồng has no subunit in use, so the amount is rounded to a whole number."""
    if amount is None:
        return ""
    whole = int(Decimal(amount).quantize(Decimal(1)))
    sign = "-" if whole < 0 else ""
    return f"{sign}{abs(whole):,} đ".replace(",", ".")
