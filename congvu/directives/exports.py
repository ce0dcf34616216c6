"""A document's tasks as the spreadsheet offices exchange, and back.

The layout is that of the appendix of a directive's implementation plan: a title row, then
the header STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn | Tiến độ (%) |
Kết quả, one task a row. Import reads the same layout (the header is found by its STT cell,
columns by their names), matches units by name or short name whatever their accents, and
creates the tasks with `task_assign` in one transaction: a wrong row names its number and
reason, and then nothing is imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.directives import pages
from congvu.directives.models import DirectingDocument, Task
from congvu.lib.text import fold
from congvu.organizations.models import Unit

HEADER = [
    "STT",
    "Nội dung",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Tiến độ (%)",
    "Kết quả",
]
_KEYS = ["stt", "content", "lead", "coordinating", "deadline", "progress", "result"]
_FOLDED = {fold(name): key for name, key in zip(HEADER, _KEYS, strict=True)}
_SPLIT = re.compile(r"[;\n]|,(?!\d)")
MAX_ROWS = 5000


def export_tasks(tasks: Iterable[Task], *, title: str, now: dt.datetime | None = None) -> bytes:
    """The tasks as an XLSX workbook; `title` goes above the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    now = now or timezone.now()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiem vu"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, task in enumerate(tasks, start=1):
        coordinating = ", ".join(u.short_name or u.name for u in task.coordinating_units.all())
        sheet.append(
            [
                number,
                task.title,
                task.lead_unit.short_name or task.lead_unit.name,
                coordinating,
                task.due_on.strftime("%d/%m/%Y") if task.due_on else "",
                task.progress,
                str(pages.TIMELINESS_LABELS[pages.timeliness(task, now)]),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    for column, width in zip("ABCDEFG", (6, 70, 28, 36, 12, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def document_export(document: DirectingDocument, *, now: dt.datetime | None = None) -> bytes:
    tasks = (
        document.tasks.filter(parent__isnull=True)
        .select_related("lead_unit")
        .prefetch_related("coordinating_units")
        .order_by("id")
    )
    title = f"{document.number} ngày {document.issued_on:%d/%m/%Y}: {document.title}"
    return export_tasks(tasks, title=title, now=now)


@dataclasses.dataclass
class PlannedTask:
    row: int
    title: str
    lead_unit: Unit
    coordinating_units: list[Unit]
    due_on: dt.date


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(content: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not XLSX
        raise ValidationError([_("The file is not a readable XLSX workbook.")]) from exc
    columns: dict[int, str] | None = None
    found: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if columns is None:
            folded = [fold(c) for c in cells]
            if folded and folded[0] == "stt":
                columns = {i: _FOLDED[c] for i, c in enumerate(folded) if c in _FOLDED}
            continue
        row = {key: cells[i] if i < len(cells) else "" for i, key in columns.items()}
        if any(row.get(k) for k in ("content", "lead", "coordinating", "deadline")):
            found.append((number, row))
    workbook.close()
    if columns is None:
        raise ValidationError([_("No header row starting with “STT” was found.")])
    if not {"content", "lead", "deadline"} <= set(columns.values()):
        raise ValidationError(
            [_("The header must have the columns Nội dung, Đơn vị chủ trì and Thời hạn.")]
        )
    if len(found) > MAX_ROWS:
        raise ValidationError([_("At most %(n)d tasks at once.") % {"n": MAX_ROWS}])
    return found


def _unit_index() -> dict[str, Unit | None]:
    """Units by folded name and short name; a name two units share maps to None."""
    index: dict[str, Unit | None] = {}
    for unit in Unit.objects.active():
        for name in {fold(unit.name), fold(unit.short_name)} - {""}:
            index[name] = None if name in index and index[name] != unit else unit
    return index


def _unit(name: str, index: dict[str, Unit | None]) -> Unit:
    key = fold(name)
    if key not in index:
        raise ValueError(_("unknown unit “%(name)s”") % {"name": name})
    unit = index[key]
    if unit is None:
        raise ValueError(_("“%(name)s” names more than one unit") % {"name": name})
    return unit


def _date(text: str) -> dt.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date dd/mm/yyyy") % {"value": text})


def import_plan(content: bytes) -> list[PlannedTask]:
    """Read and check every row; a ValidationError lists every wrong row."""
    index = _unit_index()
    errors: list[str] = []
    planned: list[PlannedTask] = []
    for number, row in _read_sheet(content):
        reasons: list[str] = []
        title = row.get("content", "").strip()
        if not title:
            reasons.append(_("the content is empty"))
        lead: Unit | None = None
        coordinating: list[Unit] = []
        due_on: dt.date | None = None
        try:
            lead = _unit(row.get("lead", ""), index) if row.get("lead") else None
            if lead is None:
                reasons.append(_("the lead unit is missing"))
        except ValueError as exc:
            reasons.append(str(exc))
        for name in _SPLIT.split(row.get("coordinating", "")):
            if name.strip():
                try:
                    coordinating.append(_unit(name.strip(), index))
                except ValueError as exc:
                    reasons.append(str(exc))
        try:
            due_on = _date(row.get("deadline", ""))
        except ValueError as exc:
            reasons.append(str(exc))
        if reasons or lead is None or due_on is None:
            errors.append(
                _("Row %(row)d: %(reason)s.") % {"row": number, "reason": "; ".join(reasons)}
            )
            continue
        planned.append(PlannedTask(number, title[:500], lead, coordinating, due_on))
    if errors:
        raise ValidationError(errors)
    if not planned:
        raise ValidationError([_("The sheet has no task rows.")])
    return planned


@transaction.atomic
def document_import(*, actor: Any, document: DirectingDocument, content: bytes) -> list[Task]:
    """Create `document`'s tasks from the sheet: all or nothing."""
    planned = import_plan(content)
    created: list[Task] = []
    errors: list[str] = []
    for item in planned:
        try:
            # A savepoint per row keeps the transaction usable, so every refusal is reported.
            with transaction.atomic():
                task = pages.call_service(
                    "task_assign",
                    actor=actor,
                    document=document,
                    title=item.title,
                    lead_unit=item.lead_unit,
                    coordinating_units=item.coordinating_units,
                    due_on=item.due_on,
                )
        except ValidationError as exc:
            errors.append(
                _("Row %(row)d: %(reason)s.") % {"row": item.row, "reason": " ".join(exc.messages)}
            )
            continue
        created.append(task)
    if errors:
        # Raising undoes the rows already written.
        raise ValidationError(errors)
    return created
