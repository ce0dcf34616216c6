"""The export in the national civil-servant database's columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from congvu.evaluations import exports, services
from congvu.evaluations.models import Evaluation, Level
from congvu.organizations.models import Official


def test_decided_results_in_the_national_columns(
    open_round: Any, people: dict[str, Official], clock: Any
) -> None:
    round_ = open_round()
    evaluation = Evaluation.objects.get(round=round_, official=people["official_a"])
    head = people["head_a"].user
    services.evaluation_self_assess(
        actor=evaluation.official.user, evaluation=evaluation, text="x", level=Level.GOOD
    )
    services.evaluation_propose(actor=head, evaluation=evaluation, level=Level.GOOD, comment="ok")
    services.evaluation_decide(actor=head, evaluation=evaluation, level=Level.GOOD, reason="ok")
    rows = list(csv.DictReader(io.StringIO(exports.export(round_, "csv").decode("utf-8-sig"))))
    assert rows == [
        {
            "So_dinh_danh": people["official_a"].user.personal_id,
            "Ho_va_ten": "Lục Văn Minh",
            "Ngay_sinh": "",
            "Ma_co_quan": "000.00.04.H12",
            "Ten_co_quan": "Sở Tư pháp",
            "Chuc_vu": "Chuyên viên",
            "Nam_danh_gia": "2026",
            "Ma_xep_loai": "HTTNV",
            "Xep_loai": "Hoàn thành tốt nhiệm vụ",
            "Nguoi_quyet_dinh": people["head_a"].full_name,
            "Ngay_quyet_dinh": "01/12/2026",
        }
    ]
    sheet = load_workbook(io.BytesIO(exports.export(round_, "xlsx"))).active
    assert [c.value for c in sheet[1]] == exports.COLUMNS
    assert sheet["H2"].value == "HTTNV"
    assert exports.filename(round_, "csv") == "xep-loai-2026-tinh.csv"
