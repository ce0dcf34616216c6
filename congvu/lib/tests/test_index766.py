from __future__ import annotations

from decimal import Decimal

from congvu.lib.index766 import (
    GROUP_MAX,
    INDICATORS,
    Scored,
    percent,
    rank,
    share_points,
    share_scored,
    total_points,
    weights_errors,
)


def test_groups_add_up_to_100():
    assert sum(GROUP_MAX.values()) == Decimal(100)
    assert [GROUP_MAX[g] for g in GROUP_MAX] == [18, 20, 12, 10, 18, 22]


def test_default_weights_fill_each_group():
    assert weights_errors({i.code: i.points for i in INDICATORS}) == {}


def test_weights_errors_name_the_group_and_sum():
    weights = {i.code: i.points for i in INDICATORS}
    weights["dossiers_online"] = Decimal(5)
    assert weights_errors(weights) == {"online": Decimal(13)}


def test_share_points_full_at_threshold_and_pro_rata_below():
    assert share_points(80, 100, points=Decimal(4), full_at=Decimal(80)) == Decimal("4.00")
    assert share_points(95, 100, points=Decimal(4), full_at=Decimal(80)) == Decimal("4.00")
    assert share_points(40, 100, points=Decimal(4), full_at=Decimal(80)) == Decimal("2.00")
    assert share_points(1, 3, points=Decimal(20)) == Decimal("6.67")


def test_share_points_nothing_to_measure_and_bounds():
    assert share_points(0, 0, points=Decimal(4)) is None
    assert share_points(-3, 10, points=Decimal(4)) == Decimal("0.00")
    assert share_points(12, 10, points=Decimal(4)) == Decimal("4.00")


def test_percent():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(0, 0) is None


def test_share_scored_gives_the_percent_and_the_points():
    for numerator, denominator in [(1, 3), (2, 3), (0, 7), (7, 7), (12, 10), (-3, 10), (0, 0)]:
        for points, full_at in [(Decimal(4), Decimal(80)), (Decimal(20), Decimal(100))]:
            assert share_scored(numerator, denominator, points=points, full_at=full_at) == (
                percent(numerator, denominator),
                share_points(numerator, denominator, points=points, full_at=full_at),
            )
    assert share_scored(2, 3, points=Decimal(12), full_at=Decimal(90)) == (
        Decimal("66.67"),
        Decimal("8.89"),
    )


def test_total_scales_over_applicable_indicators():
    earned, applicable, total = total_points(
        [
            Scored(Decimal(10), Decimal(20)),
            Scored(None, Decimal(10)),
            Scored(Decimal(5), Decimal(10)),
        ]
    )
    assert (earned, applicable, total) == (Decimal("15.00"), Decimal("30.00"), Decimal("50.00"))
    assert total_points([Scored(None, Decimal(4))])[2] == Decimal("0.00")


def test_rank_shares_places_on_ties():
    ranked = rank([("a", Decimal(70)), ("b", Decimal(90)), ("c", Decimal(70)), ("d", Decimal(1))])
    assert [(k, r) for k, _v, r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]
