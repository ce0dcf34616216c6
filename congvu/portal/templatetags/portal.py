"""Template tags of the portal: the footer's visitor figures, the newsroom link, percentages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from congvu.portal import workflow
from congvu.portal.visitors import VisitorStats, visitor_stats_cached

register = template.Library()


@register.simple_tag
def visitor_figures() -> VisitorStats | None:
    """The four footer figures as the last flush of visits left them; None before the first."""
    return visitor_stats_cached()


@register.filter
def is_newsroom(user: Any) -> bool:
    return workflow.is_newsroom_member(user)


@register.filter
def is_official(user: Any) -> bool:
    """Whether the user holds an official's profile: the scores and evaluations are theirs."""
    from congvu.organizations.selectors import official_of

    return bool(getattr(user, "is_authenticated", False)) and official_of(user) is not None


@register.filter
def percent(value: Decimal | float | None) -> str:
    """ "92,5 %" in Vietnamese, "92.5 %" in English; "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"


@register.filter
def bar_width(value: Decimal | float | None, scale: int = 100) -> str:
    """The length of a bar of `scale` units for a percentage, for SVG charts."""
    if value is None:
        return "0"
    return f"{max(0.0, min(100.0, float(value))) * scale / 100:.1f}"
