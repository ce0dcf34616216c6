"""DDCI: components with weights, business-survey results, ranking and publication."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from congvu.assessments import imports, selectors, services
from congvu.assessments.models import Round, RoundStatus
from congvu.assessments.tests.conftest import sheet
from congvu.organizations.models import Unit


def test_ddci_round(units: dict[str, Unit], appraiser: Any) -> None:
    round = services.round_create(
        actor=appraiser, kind=Round.Kind.DDCI, year=2025, title="DDCI 2025"
    )
    header = ["Mã", "Tiêu chí", "Điểm tối đa", "Loại", "Trọng số"]
    components = [
        ("1", "Tính minh bạch", 10, "Điều tra", 2),
        ("2", "Chi phí thời gian", 10, "Điều tra", 1),
    ]
    services.round_tree_replace(
        actor=appraiser, round=round, rows=imports.read_tree(sheet(header, components))
    )
    assert services.round_enrol(actor=appraiser, round=round) == 5
    results = sheet(
        ["Đơn vị", "Mã tiêu chí", "Điểm"],
        [
            ("Sở Tư pháp", "1", 8),
            ("Sở Tư pháp", "2", 5),
            ("Sở Y tế", "1", 6),
            ("Sở Y tế", "2", 9),
        ],
    )
    services.survey_import(
        actor=appraiser, round=round, values=imports.read_survey(results, round=round)
    )
    services.round_compute(actor=appraiser, round=round)
    services.round_publish(actor=appraiser, round=round)
    round.refresh_from_db()
    assert round.status == RoundStatus.PUBLISHED
    justice = selectors.ddci_result_get(unit=units["dept_a"], year=2025)
    health = selectors.ddci_result_get(unit=units["dept_b"], year=2025)
    assert justice is not None
    assert health is not None
    # (2 × 0.8 + 1 × 0.5) / 3 = 70.00; (2 × 0.6 + 1 × 0.9) / 3 = 70.00: a tie.
    assert (justice.index, health.index) == (Decimal("70.00"), Decimal("70.00"))
    assert (justice.rank, health.rank) == (1, 1)
    assert justice.grade == "Trung bình"
    assert selectors.par_result_get(unit=units["dept_a"], year=2025) is None
