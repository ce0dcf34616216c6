"""The index reports as XLSX workbooks."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from congvu.indices.selectors import RankingRow, ServiceIndex


def _workbook_bytes(workbook: object) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def export_ranking(rows: Sequence[RankingRow], *, title: str) -> bytes:
    """The ranking: one unit a row, its total and each group's points."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "766"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    groups = rows[0].index.groups if rows else []
    sheet.append(
        [_("Rank"), _("Unit"), _("Total (on 100)")] + [f"{g.name} ({g.max_points})" for g in groups]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [row.rank, row.unit.name, float(row.total)]
            + [float(g.points) for g in row.index.groups]
        )
    sheet.column_dimensions["B"].width = 44
    return _workbook_bytes(workbook)


def export_index(index: ServiceIndex, *, title: str) -> bytes:
    """One unit's index: every indicator with its numerator, denominator, share and points."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "766"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Total (on 100)"), float(index.total)])
    sheet.append(
        [
            _("Group"),
            _("Indicator"),
            _("Numerator"),
            _("Denominator"),
            _("Value"),
            _("Points"),
            _("Maximum"),
            _("Formula"),
        ]
    )
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for group in index.groups:
        for item in group.indicators:
            sheet.append(
                [
                    group.name,
                    item.name,
                    item.numerator,
                    item.denominator,
                    float(item.value) if item.value is not None else None,
                    float(item.points) if item.points is not None else None,
                    float(item.max_points),
                    item.formula,
                ]
            )
    for column, width in zip("ABCDEFGH", (28, 52, 12, 12, 10, 10, 10, 80), strict=True):
        sheet.column_dimensions[column].width = width
    return _workbook_bytes(workbook)
