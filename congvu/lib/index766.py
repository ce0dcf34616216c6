"""The arithmetic of the service-quality index of Quyết định 766/QĐ-TTg (domain.md §9).

Six groups with statutory maxima (18/20/12/10/18/22 points, 100 in all) hold indicators; each
indicator is a share (numerator over denominator) that earns its points in full at or above a
threshold and pro rata below it. Which indicators a group holds, and how many of the group's
points each carries, is configuration with a yearly version (the defaults below are marked
"verify" where domain.md marks them); this module only does the sums, with no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class GroupSpec:
    code: str
    max_points: Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: its group, default points and the share at which the points are full.

    `source` is "computed" (counted from the dossiers, the catalogue or the feedback) or
    "manual" (entered with evidence by the responsible unit). An indicator with `scored` False
    is shown for information and carries no points (the average processing time).
    """

    code: str
    group: str
    points: Decimal
    full_at: Decimal = HUNDRED
    source: str = "computed"
    scored: bool = True


# QĐ 766/QĐ-TTg: the six groups and their maxima (domain.md §9).
GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("publicity", Decimal(18)),
    GroupSpec("timeliness", Decimal(20)),
    GroupSpec("online", Decimal(12)),
    GroupSpec("payment", Decimal(10)),
    GroupSpec("satisfaction", Decimal(18)),
    GroupSpec("digitisation", Decimal(22)),
)
GROUP_MAX: dict[str, Decimal] = {g.code: g.max_points for g in GROUPS}

# The points inside each group are not fixed by the decision as domain.md quotes it (verify):
# these are the defaults of the first configuration version, which the provincial office
# changes year by year. The thresholds (full at 80 %, 50 %, 90 %) are those domain.md §9 gives.
INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("published_on_time", "publicity", Decimal(10), source="manual"),
    IndicatorSpec("synchronised", "publicity", Decimal(8), source="manual"),
    IndicatorSpec("on_time", "timeliness", Decimal(20)),
    IndicatorSpec("processing_hours", "timeliness", Decimal(0), scored=False),
    IndicatorSpec("procedures_online", "online", Decimal(4), full_at=Decimal(80)),
    IndicatorSpec("online_services_used", "online", Decimal(4)),
    IndicatorSpec("dossiers_online", "online", Decimal(4), full_at=Decimal(50)),
    IndicatorSpec("procedures_payable_online", "payment", Decimal(5), full_at=Decimal(80)),
    IndicatorSpec("dossiers_paid_online", "payment", Decimal(5)),
    IndicatorSpec("satisfaction", "satisfaction", Decimal(12), full_at=Decimal(90)),
    IndicatorSpec("feedback_in_time", "satisfaction", Decimal(6)),
    IndicatorSpec("result_electronic", "digitisation", Decimal(6)),
    IndicatorSpec("digitised", "digitisation", Decimal(8), full_at=Decimal(80)),
    IndicatorSpec("data_reused", "digitisation", Decimal(8), full_at=Decimal(80), source="manual"),
)
INDICATOR_BY_CODE: dict[str, IndicatorSpec] = {i.code: i for i in INDICATORS}


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator as a percentage (two decimals), None when the denominator is 0."""
    if not denominator:
        return None
    return quantize(Decimal(numerator) * HUNDRED / Decimal(denominator))


def share_points(
    numerator: int | Decimal,
    denominator: int | Decimal,
    *,
    points: Decimal,
    full_at: Decimal = HUNDRED,
) -> Decimal | None:
    """Points earned by a share: all of `points` at or above `full_at` per cent, pro rata
    below (QĐ 766/QĐ-TTg, e.g. "full points at ≥ 80 %, pro-rata below"). None when there is
    nothing to measure (denominator 0). The share is never taken above 100 % nor below 0."""
    return share_scored(numerator, denominator, points=points, full_at=full_at)[1]


def share_scored(
    numerator: int | Decimal,
    denominator: int | Decimal,
    *,
    points: Decimal,
    full_at: Decimal = HUNDRED,
) -> tuple[Decimal | None, Decimal | None]:
    """(`percent`, `share_points`) of one share, dividing once: what a ranking of many units
    computes for each of their indicators."""
    if not denominator:
        return None, None
    share = Decimal(numerator) * HUNDRED / Decimal(denominator)
    value = share.quantize(CENT, rounding=ROUND_HALF_UP)
    share = min(max(share, ZERO), HUNDRED)
    if full_at <= 0 or share >= full_at:
        return value, points.quantize(CENT, rounding=ROUND_HALF_UP)
    return value, (points * share / full_at).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scored:
    """An indicator's points (None: not applicable) and its maximum."""

    points: Decimal | None
    max_points: Decimal


def total_points(indicators: Iterable[Scored]) -> tuple[Decimal, Decimal, Decimal]:
    """(earned, applicable maximum, total on 100).

    An indicator with nothing to measure (no dossier, no fee-bearing procedure) is left out,
    and the total is the earned points scaled to 100 over the maxima of the indicators that
    apply, so a commune without fee-bearing procedures is not ranked below one with them
    (verify: the decision's own rule for indicators that do not apply).
    """
    earned = Decimal(0)
    applicable = Decimal(0)
    for item in indicators:
        if item.points is None:
            continue
        earned += item.points
        applicable += item.max_points
    if not applicable:
        return quantize(earned), applicable, Decimal(0).quantize(CENT)
    return quantize(earned), quantize(applicable), quantize(earned * HUNDRED / applicable)


def weights_errors(points: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The groups whose indicators' points do not add up to the group's statutory maximum,
    with the sum found; empty when the weights are consistent."""
    sums: dict[str, Decimal] = dict.fromkeys(GROUP_MAX, Decimal(0))
    for code, value in points.items():
        spec = INDICATOR_BY_CODE.get(code)
        if spec is not None and spec.scored:
            sums[spec.group] += Decimal(value)
    return {group: found for group, found in sums.items() if found != GROUP_MAX[group]}


def rank(values: Iterable[tuple[object, Decimal]]) -> list[tuple[object, Decimal, int]]:
    """Competition ranking ("1224"): equal totals share a rank, the next rank skips."""
    ordered = sorted(values, key=lambda item: item[1], reverse=True)
    ranked: list[tuple[object, Decimal, int]] = []
    previous: Decimal | None = None
    current = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            current = position
            previous = value
        ranked.append((key, value, current))
    return ranked
