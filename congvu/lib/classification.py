"""Yearly classification of officials: the rules of domain.md §11, without Django.

The texts are Nghị định 90/2020/NĐ-CP on evaluation and classification of cadres, civil
servants and public employees, as amended by Nghị định 48/2023/NĐ-CP (Điều 9–12 for civil
servants: criteria of each level for staff and for those who lead a unit; Điều 2 for who is
not classified; Điều 20 for the cap on "hoàn thành xuất sắc"). The numbers marked (verify) in
domain.md are fields of `Rules`, so a province can set them without touching this module.

What the rules read:

- `Record`: a list of obligations (an official's own tasks, reports and dossier steps; for a
  head, the targets of the unit), each counted once as done on time, done late, or not done by
  its deadline (overdue); `exceeded` counts those done on time that did better than asked.
  "Below standard" means late or overdue; "failed" means not done by the deadline.
- `Situation`: months in post during the year, months absent, and whether the official was
  disciplined in the year.
- For a head, the levels of the directly managed units (the levels of their heads in the same
  round), None for one not yet decided.

Each function returns the level with the reasons that led to it, as `Reason(key, values)`
items the application turns into sentences in the reader's language.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


class Level(enum.StrEnum):
    """The four levels (mức xếp loại chất lượng), best first."""

    EXCELLENT = "htxsnv"  # Hoàn thành xuất sắc nhiệm vụ
    GOOD = "httnv"  # Hoàn thành tốt nhiệm vụ
    DONE = "htnv"  # Hoàn thành nhiệm vụ
    FAILED = "khtnv"  # Không hoàn thành nhiệm vụ


RANK: dict[Level, int] = {Level.FAILED: 0, Level.DONE: 1, Level.GOOD: 2, Level.EXCELLENT: 3}


def lower(a: Level, b: Level) -> Level:
    """The lower of two levels."""
    return a if RANK[a] <= RANK[b] else b


def at_least(level: Level | None, floor: Level) -> bool:
    return level is not None and RANK[level] >= RANK[floor]


@dataclass(frozen=True)
class Rules:
    """The thresholds of domain.md §11. Shares are fractions of the obligations counted."""

    # Staff (NĐ 90/2020 Điều 10, as amended by NĐ 48/2023).
    excellent_exceeded_share: Fraction = Fraction(1, 2)
    staff_done_max_below_share: Fraction = Fraction(1, 5)
    staff_failed_share: Fraction = Fraction(1, 2)
    # Heads (NĐ 90/2020 Điều 9, as amended by NĐ 48/2023): the unit's targets.
    head_good_targets_share: Fraction = Fraction(4, 5)
    head_done_targets_share: Fraction = Fraction(7, 10)
    head_failed_below_share: Fraction = Fraction(1, 2)
    head_excellent_units_good_share: Fraction = Fraction(7, 10)
    # Who is classified (NĐ 90/2020 Điều 2 khoản 5, as amended; verify).
    min_months: Fraction = Fraction(6)
    absence_cap_months: Fraction = Fraction(3)
    # The cap on HTXSNV: a share of those rated HTTNV or better (NĐ 48/2023 amending Điều 20;
    # verify: commonly 20 %).
    excellent_quota_share: Fraction = Fraction(1, 5)
    # Continuous scoring (domain.md §11, from 2026): a period's score out of 100 read as a
    # level (verify: the province's scoring guide sets these).
    score_excellent: Fraction = Fraction(90)
    score_good: Fraction = Fraction(70)
    score_done: Fraction = Fraction(50)


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Reason:
    """One step of the reasoning: a key the application words, and the figures it names."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """Obligations counted once each: done on time, done late, or overdue."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    exceeded: int = 0

    def __post_init__(self) -> None:
        if min(self.on_time, self.late, self.overdue, self.exceeded) < 0:
            raise ValueError("counts cannot be negative")
        if self.exceeded > self.on_time:
            raise ValueError("only obligations done on time can be exceeded")

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def below(self) -> int:
        return self.late + self.overdue

    def share(self, count: int) -> Fraction:
        return Fraction(count, self.total) if self.total else Fraction(0)

    def __add__(self, other: Record) -> Record:
        return Record(
            on_time=self.on_time + other.on_time,
            late=self.late + other.late,
            overdue=self.overdue + other.overdue,
            exceeded=self.exceeded + other.exceeded,
        )


@dataclass(frozen=True)
class Situation:
    """The official's year: months in post, months absent, discipline."""

    months_worked: Fraction | int | float = 12
    months_absent: Fraction | int | float = 0
    disciplined: bool = False

    @property
    def months_present(self) -> Fraction:
        worked = Fraction(str(self.months_worked))
        absent = Fraction(str(self.months_absent))
        return max(worked - absent, Fraction(0))


@dataclass(frozen=True)
class Outcome:
    """A proposed level (None: not classified this year), the highest level the rules allow
    whatever the data says (`ceiling`), and the reasons."""

    level: Level | None
    ceiling: Level | None
    reasons: tuple[Reason, ...]

    @property
    def classified(self) -> bool:
        return self.level is not None


def percent(share: Fraction) -> float:
    return round(float(share) * 100, 1)


# Hard limits ---------------------------------------------------------------------------------


def ceiling(
    situation: Situation,
    *,
    subordinate_levels: Sequence[Level | None] = (),
    rules: Rules = DEFAULT_RULES,
) -> tuple[Level | None, list[Reason]]:
    """The highest level the rules allow, whatever the record: None when the official is not
    classified at all. These limits bind the people who propose and decide, not only congvu.
    """
    reasons: list[Reason] = []
    # NĐ 90/2020 Điều 2 (as amended): less than 6 months worked in the year → evaluated but
    # not classified.
    if situation.months_present < rules.min_months:
        reasons.append(
            Reason(
                "not_classified_months",
                {"months": float(situation.months_present), "minimum": float(rules.min_months)},
            )
        )
        return None, reasons
    top = Level.EXCELLENT
    # Disciplined in the year → KHTNV (NĐ 90/2020 Điều 12 khoản 2, as amended).
    if situation.disciplined:
        reasons.append(Reason("disciplined"))
        return Level.FAILED, reasons
    # Absent from 3 to under 6 months → at most HTNV (domain.md §11; verify).
    absent = Fraction(str(situation.months_absent))
    if absent >= rules.absence_cap_months:
        reasons.append(Reason("absence_cap", {"months": float(absent)}))
        top = Level.DONE
    # A head whose directly managed unit is below HTNV cannot be HTTNV or better
    # (NĐ 90/2020 Điều 9 khoản 1–2, as amended: "100 % đơn vị trực thuộc ... từ HTNV trở lên").
    failed_units = [lv for lv in subordinate_levels if lv is Level.FAILED]
    if failed_units:
        reasons.append(Reason("subordinate_failed", {"count": len(failed_units)}))
        top = lower(top, Level.DONE)
    return top, reasons


# Staff ---------------------------------------------------------------------------------------


def classify_staff(
    record: Record, situation: Situation, *, rules: Rules = DEFAULT_RULES
) -> Outcome:
    """Staff and deputies are judged by their own obligations (NĐ 90/2020 Điều 10, amended):
    HTXSNV all on time with at least half exceeded; HTTNV all on time; HTNV at most 20 %
    below standard; KHTNV more than half failed. A record between those (more than 20 % below
    standard, at most half failed) meets no level's criteria but KHTNV's floor; it is proposed
    KHTNV with a reason saying the rules leave it to the evaluator's judgement."""
    top, reasons = ceiling(situation, rules=rules)
    if top is None:
        return Outcome(level=None, ceiling=None, reasons=tuple(reasons))
    reasons.insert(0, _record_reason(record))
    level = _staff_level(record, rules, reasons)
    if RANK[level] > RANK[top]:
        reasons.append(Reason("capped", {"level": top.value}))
        level = top
    return Outcome(level=level, ceiling=top, reasons=tuple(reasons))


def _record_reason(record: Record) -> Reason:
    return Reason(
        "record",
        {
            "total": record.total,
            "on_time": record.on_time,
            "late": record.late,
            "overdue": record.overdue,
            "exceeded": record.exceeded,
        },
    )


def _staff_level(record: Record, rules: Rules, reasons: list[Reason]) -> Level:
    if record.total == 0:
        # Nothing congvu holds to judge by: no level is earned from the data alone.
        reasons.append(Reason("no_record"))
        return Level.DONE
    exceeded = record.share(record.exceeded)
    below = record.share(record.below)
    failed = record.share(record.overdue)
    if failed > rules.staff_failed_share:
        reasons.append(Reason("staff_failed", {"percent": percent(failed)}))
        return Level.FAILED
    if record.below == 0:
        if exceeded >= rules.excellent_exceeded_share:
            reasons.append(Reason("staff_excellent", {"percent": percent(exceeded)}))
            return Level.EXCELLENT
        reasons.append(Reason("staff_good", {"percent": percent(exceeded)}))
        return Level.GOOD
    if below <= rules.staff_done_max_below_share:
        reasons.append(Reason("staff_done", {"percent": percent(below)}))
        return Level.DONE
    reasons.append(Reason("staff_gap", {"percent": percent(below)}))
    return Level.FAILED


# Heads ---------------------------------------------------------------------------------------


def classify_head(
    targets: Record,
    situation: Situation,
    *,
    subordinate_levels: Sequence[Level | None] = (),
    rules: Rules = DEFAULT_RULES,
) -> Outcome:
    """A head is tied to the unit (NĐ 90/2020 Điều 9, as amended; domain.md §11).

    HTXSNV: every target met, at least half exceeded, every directly managed unit at least
    HTNV and at least 70 % of them HTTNV or better. HTTNV: at least 80 % of targets met on
    time and every directly managed unit at least HTNV. HTNV: more than 70 % met. Under 50 %:
    KHTNV. From 50 % to 70 % the rules name no level above KHTNV; it is proposed KHTNV with
    a reason saying so. Units whose level is not yet decided are left out of the unit
    conditions and named in the reasons.
    """
    top, reasons = ceiling(situation, subordinate_levels=subordinate_levels, rules=rules)
    if top is None:
        return Outcome(level=None, ceiling=None, reasons=tuple(reasons))
    reasons.insert(0, _record_reason(targets))
    level = _head_level(targets, subordinate_levels, rules, reasons)
    if RANK[level] > RANK[top]:
        reasons.append(Reason("capped", {"level": top.value}))
        level = top
    return Outcome(level=level, ceiling=top, reasons=tuple(reasons))


def _head_level(
    targets: Record,
    subordinate_levels: Sequence[Level | None],
    rules: Rules,
    reasons: list[Reason],
) -> Level:
    known = [lv for lv in subordinate_levels if lv is not None]
    pending = len(subordinate_levels) - len(known)
    if subordinate_levels:
        good = sum(1 for lv in known if at_least(lv, Level.GOOD))
        reasons.append(
            Reason(
                "units",
                {
                    "total": len(subordinate_levels),
                    "decided": len(known),
                    "pending": pending,
                    "good": good,
                    "below_done": sum(1 for lv in known if lv is Level.FAILED),
                },
            )
        )
    if targets.total == 0:
        reasons.append(Reason("no_targets"))
        return Level.DONE
    met = targets.share(targets.on_time)
    exceeded = targets.share(targets.exceeded)
    all_done = all(at_least(lv, Level.DONE) for lv in known)
    units_good = (
        Fraction(sum(1 for lv in known if at_least(lv, Level.GOOD)), len(known))
        if known
        else Fraction(1)
    )
    if met < rules.head_failed_below_share:
        reasons.append(Reason("head_failed", {"percent": percent(met)}))
        return Level.FAILED
    if (
        met == 1
        and exceeded >= rules.excellent_exceeded_share
        and all_done
        and units_good >= rules.head_excellent_units_good_share
    ):
        reasons.append(
            Reason("head_excellent", {"percent": percent(met), "exceeded": percent(exceeded)})
        )
        return Level.EXCELLENT
    if met == 1 and exceeded >= rules.excellent_exceeded_share:
        # Met every target and exceeded enough, but the units do not allow HTXSNV.
        reasons.append(Reason("head_units_block_excellent", {"percent": percent(units_good)}))
    if met >= rules.head_good_targets_share and all_done:
        reasons.append(Reason("head_good", {"percent": percent(met)}))
        return Level.GOOD
    if met > rules.head_done_targets_share:
        reasons.append(Reason("head_done", {"percent": percent(met)}))
        return Level.DONE
    reasons.append(Reason("head_gap", {"percent": percent(met)}))
    return Level.FAILED


# The cap on HTXSNV ---------------------------------------------------------------------------


def quota_limit(
    good_or_better: int, *, share: Fraction = DEFAULT_RULES.excellent_quota_share
) -> int:
    """How many may be HTXSNV among `good_or_better` officials rated HTTNV or better: the
    share, rounded down (NĐ 48/2023 amending NĐ 90/2020 Điều 20: "không vượt quá")."""
    return math.floor(share * good_or_better)


def quota_allows(
    *, excellent: int, good_or_better: int, share: Fraction = DEFAULT_RULES.excellent_quota_share
) -> bool:
    """Whether `excellent` HTXSNV among `good_or_better` stays within the cap."""
    return excellent <= quota_limit(good_or_better, share=share)


# Continuous scoring --------------------------------------------------------------------------


def level_from_score(score: Fraction | float | int, *, rules: Rules = DEFAULT_RULES) -> Level:
    """The level a score out of 100 reads as (domain.md §11, continuous scoring; verify)."""
    value = Fraction(str(score))
    if value >= rules.score_excellent:
        return Level.EXCELLENT
    if value >= rules.score_good:
        return Level.GOOD
    if value >= rules.score_done:
        return Level.DONE
    return Level.FAILED


def year_score(scores: Iterable[Fraction | float | int]) -> Fraction | None:
    """The year's score from its monthly or quarterly scores: their mean, None without any."""
    values = [Fraction(str(s)) for s in scores]
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)
