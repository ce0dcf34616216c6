from __future__ import annotations

from decimal import Decimal

from django import template

from congvu.lib.money import vnd as vnd_format

register = template.Library()


@register.filter
def vnd(amount: Decimal | int | None) -> str:
    """An amount in đồng: {{ fee.amount|vnd }} → 8.000 đ."""
    return vnd_format(amount)
