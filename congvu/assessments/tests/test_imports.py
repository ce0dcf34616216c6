"""Reading a tree of criteria and survey results: every wrong row named, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from congvu.assessments import imports, services
from congvu.assessments.models import Round
from congvu.assessments.tests.conftest import TREE, tree_xlsx


def test_tree_reads_levels_parents_and_measures() -> None:
    rows = imports.read_tree(tree_xlsx())
    by_code = {row.code: row for row in rows}
    assert by_code["1.1.1"].level == "sub_criterion"
    assert by_code["1.1.1"].parent_code == "1.1"
    assert by_code["1.1.2"].applies_to == "departments"
    assert by_code["3"].kind == "survey"
    assert by_code["2.2"].measure == "online_share"
    assert str(by_code["2.2"].measure_full_at) == "50"


def test_wrong_rows_are_each_named() -> None:
    rows = [
        ("1", "Chỉ đạo", 10, "", "", "", "", "", ""),
        ("1.1", "Kế hoạch", 6, "Huyện", "", "", "", "", ""),
        ("1.2", "", "bốn", "", "", "", "", "", ""),
        ("2.1", "Mồ côi", 2, "", "", "", "", "", ""),
        ("3", "Đo", 2, "", "", "không có", "", "", ""),
    ]
    with pytest.raises(ValidationError) as refused:
        imports.read_tree(tree_xlsx(rows))
    assert refused.value.messages == [
        "Row 4: “Huyện” is not Sở, Xã or Tất cả.",
        "Row 5: the title is empty; “bốn” is not a number.",
        "Row 6: its parent 2 is not on an earlier row.",
        "Row 7: “không có” is not a known measure.",
    ]


def test_a_parent_must_add_up() -> None:
    rows = [*TREE[:4], ("1.2", "Tỷ lệ", 3, "", "", "", "", "", "")]
    with pytest.raises(ValidationError) as refused:
        imports.read_tree(tree_xlsx(rows))
    assert refused.value.messages == [
        "Row 3: the maximum points 10 differ from the sum of its parts, 9."
    ]


def test_not_a_workbook() -> None:
    with pytest.raises(ValidationError):
        imports.read_tree(b"PK\x03\x04 broken")


def test_tree_export_reads_back(par_round: Round) -> None:
    rows = imports.read_tree(imports.tree_export(par_round))
    assert [r.code for r in rows] == [t[0] for t in TREE]
    assert {r.code: r.measure for r in rows}["4"] == "service_index"


def test_tree_of_a_draft_only(par_round: Round, appraiser: Any) -> None:
    services.round_open(actor=appraiser, round=par_round, working_days=5)
    with pytest.raises(services.RoundActionError):
        services.round_tree_replace(
            actor=appraiser, round=par_round, rows=imports.read_tree(tree_xlsx())
        )
