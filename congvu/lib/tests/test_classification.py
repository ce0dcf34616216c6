"""The classification rules of domain.md §11, without a database."""

from __future__ import annotations

from fractions import Fraction

import pytest

from congvu.lib.classification import (
    Level,
    Record,
    Rules,
    Situation,
    ceiling,
    classify_head,
    classify_staff,
    level_from_score,
    lower,
    quota_allows,
    quota_limit,
    year_score,
)

FULL_YEAR = Situation()


def keys(outcome: object) -> list[str]:
    return [r.key for r in outcome.reasons]  # type: ignore[attr-defined]


# Staff ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "level"),
    [
        (Record(on_time=10, exceeded=5), Level.EXCELLENT),
        (Record(on_time=10, exceeded=4), Level.GOOD),
        (Record(on_time=8, late=2), Level.DONE),
        (Record(on_time=8, late=1, overdue=1), Level.DONE),
        (Record(on_time=7, late=3), Level.FAILED),  # 30 % below standard: the gap
        (Record(on_time=4, overdue=6), Level.FAILED),
        (Record(on_time=5, late=0, overdue=5), Level.FAILED),
    ],
)
def test_staff_levels(record: Record, level: Level) -> None:
    assert classify_staff(record, FULL_YEAR).level is level


def test_staff_gap_says_so() -> None:
    outcome = classify_staff(Record(on_time=7, late=3), FULL_YEAR)
    assert "staff_gap" in keys(outcome)


def test_staff_without_a_record_is_not_given_more_than_htnv() -> None:
    outcome = classify_staff(Record(), FULL_YEAR)
    assert outcome.level is Level.DONE
    assert "no_record" in keys(outcome)


def test_one_late_task_stops_htttnv() -> None:
    assert classify_staff(Record(on_time=30, late=1, exceeded=30), FULL_YEAR).level is Level.DONE


# Heads ---------------------------------------------------------------------------------------


def test_head_whose_unit_met_under_half_of_targets_is_proposed_khtnv() -> None:
    targets = Record(on_time=4, late=3, overdue=3)
    outcome = classify_head(targets, FULL_YEAR, subordinate_levels=[Level.GOOD, Level.GOOD])
    assert outcome.level is Level.FAILED
    assert "head_failed" in keys(outcome)


def test_head_at_exactly_half_is_in_the_gap_not_under_half() -> None:
    outcome = classify_head(Record(on_time=5, late=5), FULL_YEAR)
    assert outcome.level is Level.FAILED
    assert "head_gap" in keys(outcome)
    assert "head_failed" not in keys(outcome)


def test_head_cannot_be_htxsnv_when_a_subordinate_unit_is_below_htnv() -> None:
    perfect = Record(on_time=10, exceeded=10)
    fine = classify_head(perfect, FULL_YEAR, subordinate_levels=[Level.GOOD, Level.EXCELLENT])
    assert fine.level is Level.EXCELLENT
    outcome = classify_head(
        perfect, FULL_YEAR, subordinate_levels=[Level.EXCELLENT, Level.GOOD, Level.FAILED]
    )
    assert outcome.level is Level.DONE
    assert outcome.ceiling is Level.DONE
    assert "subordinate_failed" in keys(outcome)


def test_head_htxsnv_needs_seventy_percent_of_units_good() -> None:
    perfect = Record(on_time=10, exceeded=6)
    units = [Level.GOOD, Level.GOOD, Level.DONE, Level.DONE]  # 50 % HTTNV or better
    outcome = classify_head(perfect, FULL_YEAR, subordinate_levels=units)
    assert outcome.level is Level.GOOD
    assert "head_units_block_excellent" in keys(outcome)


@pytest.mark.parametrize(
    ("targets", "level"),
    [
        (Record(on_time=8, late=2), Level.GOOD),
        (Record(on_time=10), Level.GOOD),
        (Record(on_time=10, exceeded=4), Level.GOOD),
        (Record(on_time=75, late=25), Level.DONE),
        (Record(on_time=7, late=3), Level.FAILED),  # exactly 70 %: HTNV needs more
        (Record(on_time=49, overdue=51), Level.FAILED),
    ],
)
def test_head_levels(targets: Record, level: Level) -> None:
    assert classify_head(targets, FULL_YEAR).level is level


def test_pending_units_are_left_out_and_named() -> None:
    outcome = classify_head(
        Record(on_time=10, exceeded=10), FULL_YEAR, subordinate_levels=[Level.GOOD, None]
    )
    assert outcome.level is Level.EXCELLENT
    units = next(r for r in outcome.reasons if r.key == "units")
    assert units.values["pending"] == 1


# Who is classified, and caps -----------------------------------------------------------------


def test_less_than_six_months_is_not_classified() -> None:
    outcome = classify_staff(Record(on_time=5, exceeded=5), Situation(months_worked=5))
    assert outcome.level is None
    assert not outcome.classified
    assert keys(outcome) == ["not_classified_months"]


def test_absence_counts_against_the_six_months() -> None:
    assert classify_staff(Record(on_time=1), Situation(months_absent=7)).level is None


def test_absence_of_three_to_six_months_caps_at_htnv() -> None:
    outcome = classify_staff(Record(on_time=10, exceeded=10), Situation(months_absent=3))
    assert outcome.level is Level.DONE
    assert outcome.ceiling is Level.DONE
    assert "absence_cap" in keys(outcome)
    assert classify_staff(Record(on_time=10), Situation(months_absent=2.5)).level is Level.GOOD


def test_discipline_forces_khtnv() -> None:
    outcome = classify_head(
        Record(on_time=10, exceeded=10), Situation(disciplined=True), subordinate_levels=[]
    )
    assert outcome.level is Level.FAILED
    assert outcome.ceiling is Level.FAILED


def test_ceiling_alone() -> None:
    assert ceiling(FULL_YEAR) == (Level.EXCELLENT, [])
    top, _reasons = ceiling(FULL_YEAR, subordinate_levels=[Level.FAILED])
    assert top is Level.DONE


# The cap on HTXSNV ---------------------------------------------------------------------------


def test_quota_is_twenty_percent_of_those_good_or_better_rounded_down() -> None:
    assert quota_limit(10) == 2
    assert quota_limit(9) == 1
    assert quota_limit(4) == 0
    assert quota_allows(excellent=2, good_or_better=10)
    assert not quota_allows(excellent=3, good_or_better=10)


def test_quota_share_is_a_setting() -> None:
    assert quota_limit(10, share=Fraction(3, 10)) == 3


# Scores and helpers --------------------------------------------------------------------------


def test_period_scores_make_the_year() -> None:
    assert year_score([]) is None
    assert year_score([80, 90, Fraction(85)]) == 85
    assert level_from_score(85) is Level.GOOD
    assert level_from_score(90) is Level.EXCELLENT
    assert level_from_score(Fraction(499, 10)) is Level.FAILED
    assert level_from_score(60, rules=Rules(score_done=Fraction(65))) is Level.FAILED


def test_record_checks_its_counts() -> None:
    with pytest.raises(ValueError, match="exceeded"):
        Record(on_time=1, exceeded=2)
    with pytest.raises(ValueError, match="negative"):
        Record(late=-1)
    assert (Record(on_time=1) + Record(late=1)).total == 2
    assert lower(Level.GOOD, Level.DONE) is Level.DONE
