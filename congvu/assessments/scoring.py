"""The arithmetic of an index, free of Django: a unit's index from its scored leaves, the
points an automatic figure earns, the grade of an index and the ranking of units.

PAR (QĐ 876/QĐ-BNV and the province's own decision): a unit's result is the sum of its points
over the sum of the maximum points of the criteria that apply to it, shown as an index out of
100 so that departments and communes, scored on trees of different sizes, read alike. DDCI:
each component index is weighed by its weight; with every weight equal to the component's
maximum the two formulas coincide, so one formula serves both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# The province's grading bands when its decision says nothing else (configurable per round;
# verify against the province's decision).
DEFAULT_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "Tốt"),
    (Decimal(80), "Khá"),
    (Decimal(65), "Trung bình"),
    (Decimal(50), "Yếu"),
    (Decimal(0), "Kém"),
)


def q2(value: Decimal) -> Decimal:
    """`value` rounded half-up to two decimals, the precision results are published in."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Leaf:
    """One scored criterion of a unit: its maximum, its weight (None: the maximum), and the
    points the unit has on it (None counts as no points)."""

    max_points: Decimal
    points: Decimal | None
    weight: Decimal | None = None


def totals(leaves: Iterable[Leaf]) -> tuple[Decimal, Decimal, Decimal]:
    """(points, maximum points, index out of 100) of a unit."""
    points = Decimal(0)
    maximum = Decimal(0)
    weighed = Decimal(0)
    weights = Decimal(0)
    for leaf in leaves:
        got = leaf.points or Decimal(0)
        points += got
        maximum += leaf.max_points
        weight = leaf.max_points if leaf.weight is None else leaf.weight
        if leaf.max_points > 0 and weight > 0:
            weighed += weight * min(got, leaf.max_points) / leaf.max_points
            weights += weight
    index = q2(HUNDRED * weighed / weights) if weights else Decimal("0.00")
    return q2(points), q2(maximum), index


def measure_points(
    figure: Decimal,
    *,
    max_points: Decimal,
    rule: str,
    zero_at: Decimal,
    full_at: Decimal,
) -> Decimal:
    """The points a figure earns on a criterion of `max_points`.

    "linear": none at or below `zero_at`, full marks at or above `full_at`, pro-rata between
    (QĐ 766/QĐ-TTg scores its shares that way, e.g. full marks at 80 % of procedures online).
    "threshold": full marks at or above `full_at`, none below.
    """
    if rule == "threshold" or full_at <= zero_at:
        return q2(max_points) if figure >= full_at else Decimal("0.00")
    share = (figure - zero_at) / (full_at - zero_at)
    share = max(Decimal(0), min(Decimal(1), share))
    return q2(max_points * share)


def grade_for(index: Decimal, bands: Sequence[tuple[Decimal, str]]) -> str:
    """The label of the highest band whose lower bound `index` reaches; "" without bands."""
    for lower, label in sorted(bands, key=lambda band: band[0], reverse=True):
        if index >= lower:
            return label
    return ""


def parse_bands(text: str) -> list[tuple[Decimal, str]]:
    """Bands written one a line as "<lower bound> <label>", e.g. "90 Tốt". Raises ValueError
    naming the first line that is not of that form or is outside 0–100."""
    bands: list[tuple[Decimal, str]] = []
    seen: set[Decimal] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, label = line.partition(" ")
        try:
            lower = Decimal(head.replace(",", ".").lstrip("≥>="))
        except ArithmeticError as exc:
            raise ValueError(number) from exc
        if not label.strip() or not Decimal(0) <= lower <= HUNDRED or lower in seen:
            raise ValueError(number)
        seen.add(lower)
        bands.append((lower, label.strip()))
    return bands


def ranks(values: Sequence[Decimal]) -> list[int]:
    """Competition ranking of `values`, highest first: equal values share a rank and the next
    rank skips (1, 2, 2, 4)."""
    ordered = sorted(values, reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[value] for value in values]


def share(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage with two decimals, None when `whole` is 0."""
    if whole <= 0:
        return None
    return q2(HUNDRED * Decimal(part) / Decimal(whole))
