"""The arithmetic of an index, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from congvu.assessments.scoring import (
    DEFAULT_BANDS,
    Leaf,
    grade_for,
    measure_points,
    parse_bands,
    ranks,
    share,
    totals,
)


def test_par_index_is_points_over_maximum() -> None:
    assert totals(
        [Leaf(Decimal(4), Decimal(3)), Leaf(Decimal(6), Decimal("5.25")), Leaf(Decimal(10), None)]
    ) == (
        Decimal("8.25"),
        Decimal("20.00"),
        Decimal("41.25"),
    )


def test_ddci_weighs_its_components() -> None:
    # Two components on a scale of 10; the first weighs twice the second.
    index = totals(
        [Leaf(Decimal(10), Decimal(8), Decimal(2)), Leaf(Decimal(10), Decimal(5), Decimal(1))]
    )[2]
    assert index == Decimal("70.00")


@pytest.mark.parametrize(
    ("figure", "rule", "expected"),
    [
        (Decimal(40), "linear", Decimal("2.40")),  # pro-rata to full marks at 50 %
        (Decimal(60), "linear", Decimal("3.00")),
        (Decimal(40), "threshold", Decimal("0.00")),
        (Decimal(50), "threshold", Decimal("3.00")),
    ],
)
def test_measure_points(figure: Decimal, rule: str, expected: Decimal) -> None:
    assert (
        measure_points(
            figure, max_points=Decimal(3), rule=rule, zero_at=Decimal(0), full_at=Decimal(50)
        )
        == expected
    )


def test_linear_between_zero_and_full() -> None:
    assert measure_points(
        Decimal(75), max_points=Decimal(3), rule="linear", zero_at=Decimal(50), full_at=Decimal(100)
    ) == Decimal("1.50")
    assert measure_points(
        Decimal(40), max_points=Decimal(3), rule="linear", zero_at=Decimal(50), full_at=Decimal(100)
    ) == Decimal("0.00")


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        (Decimal(95), "Tốt"),
        (Decimal(90), "Tốt"),
        (Decimal("89.99"), "Khá"),
        (Decimal(65), "Trung bình"),
        (Decimal(50), "Yếu"),
        (Decimal(3), "Kém"),
    ],
)
def test_default_bands(index: Decimal, grade: str) -> None:
    assert grade_for(index, DEFAULT_BANDS) == grade


def test_ties_share_a_rank() -> None:
    assert ranks([Decimal(80), Decimal(90), Decimal(80), Decimal(70)]) == [2, 1, 2, 4]


def test_bands_are_read_one_a_line() -> None:
    assert parse_bands("≥90 Tốt\n\n80 Khá\n0 Kém") == [
        (Decimal(90), "Tốt"),
        (Decimal(80), "Khá"),
        (Decimal(0), "Kém"),
    ]
    with pytest.raises(ValueError, match="2"):
        parse_bands("90 Tốt\n120 Quá")


def test_share_of_nothing_is_no_figure() -> None:
    assert share(0, 0) is None
    assert share(7, 8) == Decimal("87.50")
