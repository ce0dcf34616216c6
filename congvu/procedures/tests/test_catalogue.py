from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from congvu.core.models import AuditLog
from congvu.procedures.catalogue import COLUMNS
from congvu.procedures.models import Procedure, ProcedureVersion
from congvu.procedures.selectors import catalogue_export
from congvu.procedures.services import catalogue_import

pytestmark = pytest.mark.django_db


def _row(**cells):
    base = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "level": "commune",
        "competent_unit_code": "",
        "processing_time": "1",
        "processing_unit": "working_days",
        "cutoff_time": "15:00",
        "online_level": "full",
        "paper_result_required": "1",
        "result_type": "Giấy khai sinh",
        "legal_basis": "Luật Hộ tịch 2014",
        "fees": "Lệ phí|Đăng ký khai sinh quá hạn|8.000",
        "documents": "Tờ khai đăng ký khai sinh|1|0\nGiấy chứng sinh|1|0",
        "valid_from": "01/07/2025",
        "decision": "1001/QĐ-UBND",
    }
    base.update(cells)
    return [base[c] for c in COLUMNS]


def _good_rows(dept_a):
    return [
        _row(),
        _row(
            code="2.000815",
            name="Chứng thực bản sao từ bản chính",
            field_code="chung-thuc",
            field_name="Chứng thực",
            level="cấp tỉnh",
            competent_unit_code=dept_a.code,
            processing_time="0,5",
            online_level="một phần",
            fees="Phí: 2000",
            documents="Bản chính giấy tờ|1|0;Bản sao cần chứng thực|0|1",
        ),
        _row(valid_from="01/01/2026", name="Đăng ký khai sinh (sửa đổi)"),
    ]


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def fields(civil_status, certification):
    return [civil_status, certification]


@pytest.mark.parametrize(("format", "build"), [("csv", _csv), ("xlsx", _xlsx)])
def test_import_a_good_file(fields, dept_a, admin_user, format, build):
    result = catalogue_import(
        actor=admin_user, file=io.BytesIO(build(_good_rows(dept_a))), format=format
    )

    assert (result.rows, result.procedures_created, result.versions_created, result.skipped) == (
        3,
        2,
        3,
        0,
    )
    certifying = ProcedureVersion.objects.get(procedure__code="2.000815")
    assert certifying.competent_unit == dept_a
    assert certifying.processing_time == Decimal("0.5")
    assert certifying.online_level == "partial"
    assert [(f.kind, f.amount) for f in certifying.fees.all()] == [("fee", 2000)]
    assert [(d.name, d.copies) for d in certifying.documents.all()] == [
        ("Bản chính giấy tờ", 0),
        ("Bản sao cần chứng thực", 1),
    ]
    birth = ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number")
    assert [v.number for v in birth] == [1, 2]
    assert birth[0].cutoff_time == dt.time(15, 0)
    assert birth[0].fees.get().amount == 8000
    assert all(v.status == ProcedureVersion.Status.DRAFT for v in birth)
    assert AuditLog.objects.filter(action="procedures.catalogue_imported").count() == 1


def test_importing_the_same_file_twice_adds_nothing(fields, dept_a, admin_user):
    data = _csv(_good_rows(dept_a))
    catalogue_import(actor=admin_user, file=io.BytesIO(data), format="csv")

    again = catalogue_import(actor=admin_user, file=io.BytesIO(data), format="csv")

    assert (again.versions_created, again.skipped) == (0, 3)
    assert ProcedureVersion.objects.count() == 3


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"field_code": "khong-co"}, "Row 3: field_code: no field has the code “khong-co”."),
        ({"level": "huyện"}, "Row 3: level: unknown value “huyện”."),
        ({"competent_unit_code": "000.99.99.H12"}, "no unit has the code “000.99.99.H12”"),
        ({"processing_time": "ba ngày"}, "Row 3: processing_time: “ba ngày” is not a number."),
        ({"valid_from": "31/02/2026"}, "Row 3: valid_from: “31/02/2026” is not a date dd/mm/yyyy."),
        ({"name": ""}, "Row 3: the name is missing."),
        ({"documents": "Tờ khai|một|0"}, "Row 3: documents:"),
        ({"cutoff_time": "25:00"}, "Row 3: cutoff_time:"),
    ],
)
@pytest.mark.parametrize(("format", "build"), [("csv", _csv), ("xlsx", _xlsx)])
def test_one_bad_row_is_reported_and_nothing_is_imported(
    fields, dept_a, admin_user, bad, reason, format, build
):
    rows = _good_rows(dept_a)
    rows[1] = _row(**{**dict(zip(COLUMNS, rows[1], strict=True)), **bad})

    with pytest.raises(ValidationError) as caught:
        catalogue_import(actor=admin_user, file=io.BytesIO(build(rows)), format=format)

    assert len(caught.value.messages) == 1
    assert reason in caught.value.messages[0]
    assert not Procedure.objects.exists()
    assert not ProcedureVersion.objects.exists()


def test_a_file_without_the_required_columns_is_refused(fields, admin_user):
    with pytest.raises(ValidationError, match="lacks the columns"):
        catalogue_import(actor=admin_user, file=io.BytesIO(b"code,name\n1,x\n"), format="csv")


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_export_then_import_round_trips(make_version, dept_a, certification, admin_user, format):
    make_version()
    make_version(
        "2.000815",
        "Chứng thực bản sao từ bản chính",
        field=certification,
        level=ProcedureVersion.Level.PROVINCE,
        competent_kind=ProcedureVersion.Competent.UNIT,
        competent_unit=dept_a,
        processing_time=Decimal("0.5"),
        processing_unit=ProcedureVersion.TimeUnit.WORKING_DAYS,
        paper_result_required=True,
        legal_basis="Nghị định 23/2015/NĐ-CP\nThông tư 01/2020/TT-BTP",
        documents=[{"name": "Bản chính", "originals": 1, "copies": 0, "mandatory": False}],
        fees=[{"kind": "fee", "description": "Phí chứng thực, mỗi trang", "amount": 2000}],
    )
    exported = catalogue_export(format)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()

    result = catalogue_import(actor=admin_user, file=io.BytesIO(exported), format=format)

    assert (result.procedures_created, result.versions_created) == (2, 2)
    assert _cells(catalogue_export(format), format) == _cells(exported, format)
    version = ProcedureVersion.objects.get(procedure__code="2.000815")
    assert version.documents.get().mandatory is False
    assert version.legal_basis == "Nghị định 23/2015/NĐ-CP\nThông tư 01/2020/TT-BTP"


def _cells(data, format):
    if format == "csv":
        return data.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_commands_export_and_import(make_version, admin_user, tmp_path):
    make_version()
    path = tmp_path / "thu-tuc.xlsx"
    out = io.StringIO()

    call_command("export_procedures", str(path), stdout=out)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    call_command("import_procedures", str(path), stdout=out)

    assert "1 versions created" in out.getvalue()
    assert ProcedureVersion.objects.get().name == "Đăng ký khai sinh"


def test_the_import_command_reports_bad_rows(civil_status, tmp_path):
    path = tmp_path / "thu-tuc.csv"
    path.write_bytes(_csv([_row(level="huyện")]))

    with pytest.raises(CommandError, match="Row 2: level"):
        call_command("import_procedures", str(path), stdout=io.StringIO())
