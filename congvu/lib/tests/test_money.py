from decimal import Decimal

from congvu.lib.money import vnd


def test_vnd_separates_thousands_with_dots():
    assert vnd(8000) == "8.000 đ"
    assert vnd(Decimal("1100000")) == "1.100.000 đ"


def test_vnd_of_small_zero_and_missing_amounts():
    assert vnd(0) == "0 đ"
    assert vnd(500) == "500 đ"
    assert vnd(None) == ""
