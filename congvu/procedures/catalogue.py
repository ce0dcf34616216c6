"""The procedure catalogue as a spreadsheet (XLSX) or CSV file: one row per procedure version.

Columns, in this order (the header row names them; import matches them by name):

- code: the procedure's code in the national database, e.g. 1.001193
- name, field_code, field_name (field_name is informative; the field is found by its code)
- level: province, commune or central (or "cấp tỉnh", "cấp xã", "trung ương")
- competent_unit_code: the electronic identifier code of the competent unit; empty for a
  commune-level procedure resolved by the commune concerned
- processing_time (e.g. 3 or 0,5), processing_unit: working_days, working_hours or
  calendar_days (or "ngày làm việc", "giờ làm việc", "ngày"); empty means working days
- cutoff_time: HH:MM, or empty
- online_level: full, partial or none (or "toàn trình", "một phần", "không")
- paper_result_required: 1/0, có/không, yes/no
- result_type, legal_basis: free text
- fees: one fee a line (or separated by ";"), each "kind|description|amount", kind being
  "Phí" or "Lệ phí", amount in đồng ("8000" or "8.000"); "Lệ phí: 8000" is accepted too
- documents: one document a line (or separated by ";"), each "name|originals|copies", with a
  fourth part "optional" for a document that is not mandatory
- valid_from: dd/mm/yyyy; decision: the publishing decision, e.g. 1234/QĐ-UBND
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from congvu.lib.text import fold
from congvu.procedures.models import Fee, ProcedureVersion

COLUMNS = [
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "competent_unit_code",
    "processing_time",
    "processing_unit",
    "cutoff_time",
    "online_level",
    "paper_result_required",
    "result_type",
    "legal_basis",
    "fees",
    "documents",
    "valid_from",
    "decision",
]
REQUIRED_COLUMNS = ["code", "name", "field_code", "level", "processing_time", "valid_from"]
FORMATS = ("xlsx", "csv")

_LEVELS = {
    "province": ProcedureVersion.Level.PROVINCE,
    "tinh": ProcedureVersion.Level.PROVINCE,
    "cap tinh": ProcedureVersion.Level.PROVINCE,
    "commune": ProcedureVersion.Level.COMMUNE,
    "xa": ProcedureVersion.Level.COMMUNE,
    "cap xa": ProcedureVersion.Level.COMMUNE,
    "central": ProcedureVersion.Level.CENTRAL,
    "trung uong": ProcedureVersion.Level.CENTRAL,
    "cap trung uong": ProcedureVersion.Level.CENTRAL,
}
_ONLINE = {
    "full": ProcedureVersion.Online.FULL,
    "toan trinh": ProcedureVersion.Online.FULL,
    "partial": ProcedureVersion.Online.PARTIAL,
    "mot phan": ProcedureVersion.Online.PARTIAL,
    "none": ProcedureVersion.Online.NONE,
    "khong": ProcedureVersion.Online.NONE,
    "": ProcedureVersion.Online.NONE,
}
_TIME_UNITS = {
    "working_days": ProcedureVersion.TimeUnit.WORKING_DAYS,
    "ngay lam viec": ProcedureVersion.TimeUnit.WORKING_DAYS,
    "": ProcedureVersion.TimeUnit.WORKING_DAYS,
    "working_hours": ProcedureVersion.TimeUnit.WORKING_HOURS,
    "gio lam viec": ProcedureVersion.TimeUnit.WORKING_HOURS,
    "gio": ProcedureVersion.TimeUnit.WORKING_HOURS,
    "calendar_days": ProcedureVersion.TimeUnit.CALENDAR_DAYS,
    "ngay": ProcedureVersion.TimeUnit.CALENDAR_DAYS,
}
_FEE_KINDS = {
    "phi": Fee.Kind.FEE,
    "fee": Fee.Kind.FEE,
    "le phi": Fee.Kind.CHARGE,
    "charge": Fee.Kind.CHARGE,
}
_FEE_LABELS: dict[str, str] = {Fee.Kind.FEE: "Phí", Fee.Kind.CHARGE: "Lệ phí"}
_TRUE = {"1", "x", "true", "yes", "co"}
_FALSE = {"", "0", "false", "no", "khong"}
_OPTIONAL = {"optional", "khong bat buoc", "tuy chon"}


class RowError(Exception):
    """A value of a row that cannot be read; the message says why, in the user's language."""


@dataclasses.dataclass
class Row:
    """A row read from the file: its number in the file (the header is row 1) and its cells."""

    number: int
    cells: dict[str, str]


def cell_text(value: Any) -> str:
    """A cell as text, whatever type the spreadsheet stored it as."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def rows_read(file: Any, format: str) -> list[Row]:
    """The data rows of an uploaded or opened file; raises RowError if it cannot be read or a
    required column is missing."""
    content = file.read() if hasattr(file, "read") else file
    if format == "xlsx":
        table = _xlsx_table(content)
    elif format == "csv":
        table = _csv_table(content)
    else:
        raise RowError(_("Unknown file format %(format)s.") % {"format": format})
    if not table:
        raise RowError(_("The file is empty."))
    header = [fold(cell_text(h)).replace(" ", "_") for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RowError(
            _("The header row lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {
            name: cell_text(values[i]) if i < len(values) else ""
            for i, name in enumerate(header)
            if name in COLUMNS
        }
        if any(cells.values()):
            rows.append(Row(number=number, cells=cells))
    return rows


def _xlsx_table(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not XLSX
        raise RowError(_("The file is not a readable XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


def _csv_table(content: bytes | str) -> list[list[Any]]:
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RowError(_("The CSV file must be encoded in UTF-8.")) from exc
    else:
        text = content
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Vietnamese write ";" between columns, since "," is the decimal mark.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


# Reading values ----------------------------------------------------------------------------


def choice(value: str, table: Mapping[str, str], column: str) -> str:
    key = fold(value).replace("-", " ")
    if key in table:
        return table[key]
    if key.replace(" ", "_") in table:
        return table[key.replace(" ", "_")]
    raise RowError(_("%(column)s: unknown value “%(value)s”.") % {"column": column, "value": value})


def level_read(value: str) -> str:
    return choice(value, _LEVELS, "level")


def online_read(value: str) -> str:
    return choice(value, _ONLINE, "online_level")


def time_unit_read(value: str) -> str:
    return choice(value, _TIME_UNITS, "processing_unit")


def decimal_read(value: str, column: str) -> Decimal:
    text = value.replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise RowError(
            _("%(column)s: “%(value)s” is not a number.") % {"column": column, "value": value}
        ) from exc
    if not number.is_finite() or number < 0:
        raise RowError(
            _("%(column)s: “%(value)s” is not a number.") % {"column": column, "value": value}
        )
    return number


def amount_read(value: str) -> Decimal:
    text = re.sub(r"(?i)\s|đ|vnđ|vnd|đồng|dong", "", value).replace(".", "").replace(",", "")
    if not text.isdigit():
        raise RowError(_("fees: “%(value)s” is not an amount in đồng.") % {"value": value})
    return Decimal(text)


def date_read(value: str, column: str) -> dt.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise RowError(
        _("%(column)s: “%(value)s” is not a date dd/mm/yyyy.") % {"column": column, "value": value}
    )


def time_read(value: str) -> dt.time | None:
    if not value.strip():
        return None
    match = re.fullmatch(r"(\d{1,2})[:hH](\d{2})(?::\d{2})?", value.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise RowError(_("cutoff_time: “%(value)s” is not a time HH:MM.") % {"value": value})
    return dt.time(int(match.group(1)), int(match.group(2)))


def bool_read(value: str) -> bool:
    key = fold(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise RowError(
        _("paper_result_required: “%(value)s” is neither yes nor no.") % {"value": value}
    )


def _items(value: str) -> list[str]:
    parts = value.splitlines() if "\n" in value.strip() else value.split(";")
    return [p.strip() for p in parts if p.strip()]


def fees_read(value: str) -> list[dict[str, Any]]:
    fees = []
    for item in _items(value):
        if "|" in item:
            parts = [p.strip() for p in item.split("|")]
            if len(parts) != 3:
                raise RowError(
                    _("fees: “%(item)s” should read kind|description|amount.") % {"item": item}
                )
            kind, description, amount = parts
        elif ":" in item:
            kind, amount = (p.strip() for p in item.rsplit(":", 1))
            description = kind
        else:
            raise RowError(
                _("fees: “%(item)s” should read kind|description|amount.") % {"item": item}
            )
        fees.append(
            {
                "kind": choice(kind, _FEE_KINDS, "fees"),
                "description": description,
                "amount": amount_read(amount),
            }
        )
    return fees


def documents_read(value: str) -> list[dict[str, Any]]:
    documents = []
    for item in _items(value):
        parts = [p.strip() for p in item.split("|")]
        if len(parts) > 4 or not parts[0]:
            raise RowError(
                _("documents: “%(item)s” should read name|originals|copies.") % {"item": item}
            )
        counts = []
        for part in parts[1:3]:
            if not part.isdigit():
                raise RowError(
                    _("documents: “%(item)s” should read name|originals|copies.") % {"item": item}
                )
            counts.append(int(part))
        originals, copies = (counts + [1, 0][len(counts) :])[:2]
        documents.append(
            {
                "name": parts[0],
                "originals": originals,
                "copies": copies,
                "mandatory": len(parts) < 4 or fold(parts[3]) not in _OPTIONAL,
            }
        )
    return documents


# Writing -----------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def version_row(version: ProcedureVersion) -> list[str]:
    """The cells of `version` in the order of COLUMNS (documents and fees prefetched)."""
    fees = "\n".join(
        f"{_FEE_LABELS.get(f.kind, f.kind)}|{f.description}|{_number(f.amount)}"
        for f in version.fees.all()
    )
    documents = "\n".join(
        f"{d.name}|{d.originals}|{d.copies}" + ("" if d.mandatory else "|optional")
        for d in version.documents.all()
    )
    return [
        version.procedure.code,
        version.name,
        version.field.code,
        version.field.name,
        version.level,
        (version.competent_unit.code or "") if version.competent_unit else "",
        _number(version.processing_time),
        version.processing_unit,
        version.cutoff_time.strftime("%H:%M") if version.cutoff_time else "",
        version.online_level,
        "1" if version.paper_result_required else "0",
        version.result_type,
        version.legal_basis,
        fees,
        documents,
        version.valid_from.strftime("%d/%m/%Y"),
        version.decision,
    ]


def table_write(rows: Iterable[list[str]], format: str) -> bytes:
    """The header and `rows` as a file of `format`."""
    if format == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        # A byte-order mark, so that spreadsheets open the UTF-8 file with its accents intact.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if format != "xlsx":
        raise ValueError(f"unknown format {format}")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "procedures"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            # Every cell is text: codes such as 1.001193 must not turn into numbers.
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
