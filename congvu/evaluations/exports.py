"""A round's results in the layout sent to the national civil-servant database.

One row per official whose level is decided, in these columns (Vietnamese headers, as the
national database's import reads them; domain.md §11: results are sent within 5 days):

| Column | Content |
|---|---|
| `So_dinh_danh` | personal identifier number (12 digits), from the official's account |
| `Ho_va_ten` | full name |
| `Ngay_sinh` | date of birth, dd/mm/yyyy, where congvu holds it (empty otherwise) |
| `Ma_co_quan` | electronic identifier code of the agency (mã định danh, e.g. 000.00.04.H12) |
| `Ten_co_quan` | name of the agency |
| `Chuc_vu` | position held at the time of the round |
| `Nam_danh_gia` | year evaluated |
| `Ma_xep_loai` | level code: HTXSNV, HTTNV, HTNV, KHTNV, or KXL (not classified) |
| `Xep_loai` | level in words |
| `Nguoi_quyet_dinh` | the competent head who decided (full name) |
| `Ngay_quyet_dinh` | date of the decision, dd/mm/yyyy |

CSV is UTF-8 with a byte-order mark, so spreadsheet programs read the accents; XLSX has the
same columns on one sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from congvu.evaluations.models import Evaluation, EvaluationStatus, Level, Round

COLUMNS = [
    "So_dinh_danh",
    "Ho_va_ten",
    "Ngay_sinh",
    "Ma_co_quan",
    "Ten_co_quan",
    "Chuc_vu",
    "Nam_danh_gia",
    "Ma_xep_loai",
    "Xep_loai",
    "Nguoi_quyet_dinh",
    "Ngay_quyet_dinh",
]
# The codes and words of NĐ 90/2020 (as amended): the national database's own, not
# translated.
LEVEL_CODES = {
    Level.EXCELLENT: ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ"),
    Level.GOOD: ("HTTNV", "Hoàn thành tốt nhiệm vụ"),
    Level.DONE: ("HTNV", "Hoàn thành nhiệm vụ"),
    Level.FAILED: ("KHTNV", "Không hoàn thành nhiệm vụ"),
    Level.NOT_CLASSIFIED: ("KXL", "Không xếp loại (công tác dưới 6 tháng)"),
}


def results(round: Round) -> QuerySet[Evaluation]:
    """The decided evaluations of `round`, in the order of the agencies."""
    return (
        Evaluation.objects.filter(round=round, status=EvaluationStatus.DECIDED)
        .select_related("official", "official__user", "agency", "round", "decided_by")
        .order_by("agency__path", "official__full_name", "pk")
    )


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def row(evaluation: Evaluation) -> dict[str, str]:
    """One evaluation as the national database's columns."""
    code, words = LEVEL_CODES[Level(evaluation.level)]
    user = evaluation.official.user
    decided_by = evaluation.decided_by
    decider_name = ""
    if decided_by is not None:
        official = getattr(decided_by, "official", None)
        decider_name = official.full_name if official else decided_by.get_full_name()
    born = getattr(user, "date_of_birth", None)
    return {
        "So_dinh_danh": user.personal_id,
        "Ho_va_ten": evaluation.official.full_name,
        "Ngay_sinh": _date(born),
        "Ma_co_quan": evaluation.agency.code or "",
        "Ten_co_quan": evaluation.agency.name,
        "Chuc_vu": evaluation.position_title,
        "Nam_danh_gia": str(evaluation.round.year),
        "Ma_xep_loai": code,
        "Xep_loai": words,
        "Nguoi_quyet_dinh": decider_name or (decided_by.get_username() if decided_by else ""),
        "Ngay_quyet_dinh": _date(
            timezone.localtime(evaluation.decided_at) if evaluation.decided_at else None
        ),
    }


def rows(evaluations: Iterable[Evaluation]) -> list[dict[str, str]]:
    return [row(e) for e in evaluations]


def export_csv(evaluations: Iterable[Evaluation]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(evaluations))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(evaluations: Iterable[Evaluation]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ket_qua_xep_loai"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in rows(evaluations):
        sheet.append([item[c] for c in COLUMNS])
    for letter, width in zip(
        "ABCDEFGHIJK", (16, 28, 12, 16, 36, 24, 8, 10, 32, 28, 14), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(round: Round, fmt: str) -> bytes:
    evaluations = results(round)
    return export_csv(evaluations) if fmt == "csv" else export_xlsx(evaluations)


def filename(round: Round, fmt: str) -> str:
    scope = round.scope.code if round.scope is not None and round.scope.code else "tinh"
    return f"xep-loai-{round.year}-{scope}.{fmt}".replace("/", "-")
