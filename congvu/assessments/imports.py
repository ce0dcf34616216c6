"""Spreadsheets of the assessments app: a round's tree of criteria (import and export) and
survey results (import, XLSX or CSV), and a round's results (export).

An index tree is laid out as the Department of Home Affairs publishes it: one criterion a row,
its code giving its place ("1" a field, "1.2" a criterion, "1.2.3" a sub-criterion). Reading
checks every row and reports each wrong one by its number; nothing is written unless every row
is right (the services apply what is read here in one transaction).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from congvu.assessments.models import (
    AppliesTo,
    Criterion,
    CriterionKind,
    CriterionLevel,
    Measure,
    MeasureRule,
    Round,
    UnitAssessment,
)
from congvu.lib.text import fold

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024

TREE_HEADER = [
    "Mã",
    "Tiêu chí",
    "Điểm tối đa",
    "Hướng dẫn chấm điểm",
    "Áp dụng",
    "Loại",
    "Đo tự động",
    "Cách tính",
    "0 điểm khi không quá",
    "Điểm tối đa khi đạt",
    "Trọng số",
]
_TREE_KEYS = [
    "code",
    "title",
    "max_points",
    "guidance",
    "applies_to",
    "kind",
    "measure",
    "rule",
    "zero_at",
    "full_at",
    "weight",
]
_TREE_COLUMNS = {fold(name): key for name, key in zip(TREE_HEADER, _TREE_KEYS, strict=True)}

# The words a sheet may use for each choice, folded; the stored value is accepted too.
_APPLIES = {
    "": AppliesTo.ALL,
    "tat ca": AppliesTo.ALL,
    "chung": AppliesTo.ALL,
    "so": AppliesTo.DEPARTMENTS,
    "so, nganh": AppliesTo.DEPARTMENTS,
    "xa": AppliesTo.COMMUNES,
    "xa, phuong": AppliesTo.COMMUNES,
    **{value: value for value in AppliesTo.values},
}
_APPLIES_OUT = {AppliesTo.ALL: "Tất cả", AppliesTo.DEPARTMENTS: "Sở", AppliesTo.COMMUNES: "Xã"}
_KINDS = {
    "": CriterionKind.APPRAISAL,
    "tham dinh": CriterionKind.APPRAISAL,
    "dieu tra": CriterionKind.SURVEY,
    "khao sat": CriterionKind.SURVEY,
    **{value: value for value in CriterionKind.values},
}
_KINDS_OUT = {CriterionKind.APPRAISAL: "Thẩm định", CriterionKind.SURVEY: "Điều tra"}
_RULES = {
    "": MeasureRule.LINEAR,
    "ty le": MeasureRule.LINEAR,
    "nguong": MeasureRule.THRESHOLD,
    **{value: value for value in MeasureRule.values},
}
_RULES_OUT = {MeasureRule.LINEAR: "Tỷ lệ", MeasureRule.THRESHOLD: "Ngưỡng"}
_CODE = re.compile(r"^\d+(\.\d+){0,2}$")
_LEVELS = [CriterionLevel.FIELD, CriterionLevel.CRITERION, CriterionLevel.SUB_CRITERION]


@dataclasses.dataclass(frozen=True)
class CriterionRow:
    """One criterion read from a sheet, checked, ready to be created."""

    row: int
    code: str
    parent_code: str
    level: str
    title: str
    max_points: Decimal
    guidance: str = ""
    applies_to: str = AppliesTo.ALL
    kind: str = CriterionKind.APPRAISAL
    measure: str = ""
    measure_rule: str = MeasureRule.LINEAR
    measure_zero_at: Decimal = Decimal(0)
    measure_full_at: Decimal = Decimal(100)
    weight: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class SurveyValue:
    row: int
    assessment: UnitAssessment
    criterion: Criterion
    points: Decimal


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(content: bytes) -> list[list[str]]:
    """The cells of the first sheet of an XLSX workbook, or of a CSV file (UTF-8, comma or
    semicolon separated)."""
    if len(content) > MAX_BYTES:
        raise ValidationError([_("The file is larger than 5 MB.")])
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of error for a broken file
            raise ValidationError([_("The file is not a readable XLSX workbook.")]) from exc
        rows = [
            [_cell(v) for v in values]
            for values in workbook.worksheets[0].iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([_("The file is neither an XLSX workbook nor UTF-8 CSV.")]) from exc
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _header(
    rows: list[list[str]], columns: dict[str, str], required: set[str]
) -> tuple[int, dict[int, str]]:
    """(index of the header row, column index → key); the header is the first row holding
    every required column."""
    for number, cells in enumerate(rows[:20]):
        found = {i: columns[fold(c)] for i, c in enumerate(cells) if fold(c) in columns}
        if required <= set(found.values()):
            return number, found
    names = ", ".join(sorted(required))
    raise ValidationError(
        [_("No header row with the columns %(names)s was found.") % {"names": names}]
    )


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” is not a number") % {"value": text}) from exc
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number") % {"value": text})
    return value


def _row_error(number: int, reasons: Iterable[str]) -> str:
    return _("Row %(row)d: %(reason)s.") % {"row": number, "reason": "; ".join(reasons)}


def read_tree(content: bytes) -> list[CriterionRow]:
    """Read and check a tree of criteria; a ValidationError lists every wrong row."""
    rows = _rows(content)
    start, columns = _header(rows, _TREE_COLUMNS, {"code", "title", "max_points"})
    measures = {fold(str(label)): value for value, label in Measure.choices if value}
    measures.update({value: value for value in Measure.values if value})
    errors: list[str] = []
    read: list[CriterionRow] = []
    seen: dict[str, CriterionRow] = {}
    for number, cells in enumerate(rows[start + 1 :], start=start + 2):
        row = {key: cells[i] if i < len(cells) else "" for i, key in columns.items()}
        if not any(row.values()):
            continue
        reasons: list[str] = []
        code = row.get("code", "").strip().rstrip(".")
        if not _CODE.match(code):
            reasons.append(
                _("the code “%(code)s” is not of the form 1, 1.2 or 1.2.3") % {"code": code}
            )
        elif code in seen:
            reasons.append(_("the code %(code)s appears twice") % {"code": code})
        parent_code = code.rpartition(".")[0] if "." in code else ""
        if parent_code and parent_code not in seen:
            reasons.append(
                _("its parent %(parent)s is not on an earlier row") % {"parent": parent_code}
            )
        title = row.get("title", "").strip()
        if not title:
            reasons.append(_("the title is empty"))
        max_points = Decimal(0)
        try:
            max_points = _decimal(row.get("max_points", ""))
            if max_points < 0:
                reasons.append(_("the maximum points are negative"))
        except ValueError as exc:
            reasons.append(str(exc))
        applies = _APPLIES.get(fold(row.get("applies_to", "")))
        if applies is None:
            reasons.append(_("“%(value)s” is not Sở, Xã or Tất cả") % {"value": row["applies_to"]})
        kind = _KINDS.get(fold(row.get("kind", "")))
        if kind is None:
            reasons.append(_("“%(value)s” is not Thẩm định or Điều tra") % {"value": row["kind"]})
        measure = ""
        if row.get("measure", "").strip():
            measure = measures.get(fold(row["measure"]), measures.get(row["measure"].strip(), ""))
            if not measure:
                reasons.append(_("“%(value)s” is not a known measure") % {"value": row["measure"]})
        rule = _RULES.get(fold(row.get("rule", "")))
        if rule is None:
            reasons.append(_("“%(value)s” is not Tỷ lệ or Ngưỡng") % {"value": row["rule"]})
        numbers: dict[str, Decimal | None] = {}
        for key, default in (("zero_at", Decimal(0)), ("full_at", Decimal(100)), ("weight", None)):
            text = row.get(key, "").strip()
            try:
                numbers[key] = _decimal(text) if text else default
            except ValueError as exc:
                reasons.append(str(exc))
                numbers[key] = default
        zero_at = numbers["zero_at"] or Decimal(0)
        full_at = numbers["full_at"] if numbers["full_at"] is not None else Decimal(100)
        if measure and full_at < zero_at:
            reasons.append(_("full marks are reached below the figure that earns none"))
        if reasons:
            errors.append(_row_error(number, reasons))
            continue
        item = CriterionRow(
            row=number,
            code=code,
            parent_code=parent_code,
            level=_LEVELS[code.count(".")],
            title=title[:500],
            max_points=max_points,
            guidance=row.get("guidance", ""),
            applies_to=str(applies),
            kind=str(kind),
            measure=measure,
            measure_rule=str(rule),
            measure_zero_at=zero_at,
            measure_full_at=full_at,
            weight=numbers["weight"],
        )
        seen[code] = item
        read.append(item)
    if len(read) > MAX_ROWS:
        errors.append(_("At most %(n)d criteria at once.") % {"n": MAX_ROWS})
    errors.extend(_tree_errors(read))
    if errors:
        raise ValidationError(errors)
    if not read:
        raise ValidationError([_("The sheet has no criteria.")])
    return read


def _tree_errors(items: list[CriterionRow]) -> list[str]:
    """A parent's maximum must be the sum of its children's; measures belong on leaves."""
    children: dict[str, list[CriterionRow]] = {}
    for item in items:
        if item.parent_code:
            children.setdefault(item.parent_code, []).append(item)
    errors = []
    for item in items:
        kids = children.get(item.code)
        if not kids:
            continue
        total = sum((k.max_points for k in kids), Decimal(0))
        if total != item.max_points:
            errors.append(
                _row_error(
                    item.row,
                    [
                        _("the maximum points %(max)s differ from the sum of its parts, %(sum)s")
                        % {"max": item.max_points, "sum": total}
                    ],
                )
            )
        if item.measure:
            errors.append(_row_error(item.row, [_("only a criterion without parts is measured")]))
    return errors


def tree_export(round: Round) -> bytes:
    """The round's tree in the layout `read_tree` reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from congvu.assessments.selectors import criterion_tree

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tieu chi"
    sheet.append([round.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(TREE_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for node in criterion_tree(round):
        c = node.criterion
        sheet.append(
            [
                c.code,
                c.title,
                float(c.max_points),
                c.guidance,
                _APPLIES_OUT.get(AppliesTo(c.applies_to), ""),
                _KINDS_OUT.get(CriterionKind(c.kind), ""),
                c.measure,
                _RULES_OUT.get(MeasureRule(c.measure_rule), "") if c.measure else "",
                float(c.measure_zero_at) if c.measure else None,
                float(c.measure_full_at) if c.measure else None,
                float(c.weight) if c.weight is not None else None,
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(
            wrap_text=True, indent=node.depth * 2
        )
    for column, width in zip(
        "ABCDEFGHIJK", (8, 70, 12, 40, 10, 12, 18, 10, 12, 12, 10), strict=True
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SURVEY_HEADER = ["Đơn vị", "Mã tiêu chí", "Điểm"]
_SURVEY_COLUMNS = {
    "don vi": "unit",
    "ma don vi": "unit",
    "ma tieu chi": "code",
    "tieu chi": "code",
    "diem": "points",
}


def read_survey(content: bytes, *, round: Round) -> list[SurveyValue]:
    """Read and check survey results for `round`: one row per unit and survey criterion. A
    unit is named by its identifier code, name or short name; a ValidationError lists every
    wrong row."""
    from congvu.assessments.selectors import leaves

    rows = _rows(content)
    start, columns = _header(rows, _SURVEY_COLUMNS, {"unit", "code", "points"})
    assessments: dict[str, UnitAssessment | None] = {}
    for enrolled in round.assessments.select_related("unit"):
        unit = enrolled.unit
        for key in {fold(unit.name), fold(unit.short_name), fold(unit.code or "")} - {""}:
            assessments[key] = None if key in assessments else enrolled
    criteria = {c.code: c for c in leaves(round).filter(kind=CriterionKind.SURVEY)}
    errors: list[str] = []
    read: list[SurveyValue] = []
    seen: set[tuple[int, int]] = set()
    for number, cells in enumerate(rows[start + 1 :], start=start + 2):
        row = {key: cells[i] if i < len(cells) else "" for i, key in columns.items()}
        if not any(row.values()):
            continue
        reasons: list[str] = []
        name = row.get("unit", "").strip()
        key = fold(name)
        assessment = assessments.get(key)
        if key not in assessments:
            reasons.append(_("“%(name)s” is not a unit of this round") % {"name": name})
        elif assessment is None:
            reasons.append(_("“%(name)s” names more than one unit") % {"name": name})
        code = row.get("code", "").strip().rstrip(".")
        criterion = criteria.get(code)
        if criterion is None:
            reasons.append(_("%(code)s is not a survey criterion of this round") % {"code": code})
        points = Decimal(0)
        try:
            points = _decimal(row.get("points", ""))
        except ValueError as exc:
            reasons.append(str(exc))
        if criterion is not None:
            if not Decimal(0) <= points <= criterion.max_points:
                reasons.append(
                    _("the points must be between 0 and %(max)s") % {"max": criterion.max_points}
                )
            if assessment is not None and not criterion.applies(assessment.group):
                reasons.append(_("criterion %(code)s does not apply to this unit") % {"code": code})
        if assessment is not None and criterion is not None:
            if (assessment.pk, criterion.pk) in seen:
                reasons.append(_("this unit and criterion appear twice"))
            seen.add((assessment.pk, criterion.pk))
        if reasons or assessment is None or criterion is None:
            errors.append(_row_error(number, reasons))
            continue
        read.append(SurveyValue(number, assessment, criterion, points))
    if len(read) > 100_000:
        errors.append(_("Too many rows."))
    if errors:
        raise ValidationError(errors)
    if not read:
        raise ValidationError([_("The file has no survey results.")])
    return read


def results_export(round: Round) -> bytes:
    """The round's results: one sheet per group, ranked, with last year's index and rank."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from congvu.assessments.models import UnitGroup
    from congvu.assessments.selectors import round_results

    workbook = Workbook()
    workbook.remove(workbook.active)
    header = [
        "Xếp hạng",
        "Đơn vị",
        "Điểm",
        "Điểm tối đa",
        "Chỉ số",
        "Xếp loại",
        "Chỉ số năm trước",
        "Hạng năm trước",
    ]
    labels = {UnitGroup.DEPARTMENTS: "So nganh", UnitGroup.COMMUNES: "Xa phuong"}
    for group, rows in round_results(round=round).items() or [("", [])]:
        sheet = workbook.create_sheet(
            labels.get(UnitGroup(group), "Ket qua") if group else "Ket qua"
        )
        sheet.append([round.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(
                [
                    row.rank,
                    row.unit.name,
                    float(row.score) if row.score is not None else None,
                    float(row.max_score) if row.max_score is not None else None,
                    float(row.index_value) if row.index_value is not None else None,
                    row.grade,
                    float(row.previous_index) if row.previous_index is not None else None,
                    row.previous_rank,
                ]
            )
        sheet.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
