"""The tasks spreadsheet: the columns offices use, and an import that is all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congvu.directives import exports
from congvu.directives.models import Task
from congvu.directives.tests.view_fixtures import *  # noqa: F403
from congvu.organizations.models import Official, Unit


def sheet(rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet()
    ws.append(["Nhiệm vụ thực hiện Chỉ thị 15/CT-UBND"])
    ws.append(exports.HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_export_has_the_office_columns(
    client_for: Any, task: Task, document: Any, head_a: Official
) -> None:
    response = client_for(head_a.user).get(
        reverse("directives:document_export", args=[document.pk])
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == [
        "STT",
        "Nội dung",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Tiến độ (%)",
        "Kết quả",
    ]
    assert [c.value for c in ws[3]] == [
        1,
        task.title,
        "Sở Tư pháp",
        "UBND phường Thục Phán",
        "13/03/2026",
        0,
        "On time",
    ]


def test_exported_sheet_imports_back(
    provincial_office_user: Any, task: Task, document: Any
) -> None:
    content = exports.document_export(document)
    created = exports.document_import(
        actor=provincial_office_user, document=document, content=content
    )
    assert len(created) == 1
    copy = created[0]
    assert copy.due_on == dt.date(2026, 3, 13)
    assert [u.name for u in copy.coordinating_units.all()] == ["Ủy ban nhân dân phường Thục Phán"]


def test_units_match_whatever_the_accents(
    provincial_office_user: Any, document: Any, head_a: Official
) -> None:
    content = sheet([[1, "Tuyên truyền", "so tu phap", "ubnd phuong thuc phan", "31/03/2026"]])
    [created] = exports.document_import(
        actor=provincial_office_user, document=document, content=content
    )
    assert created.lead_unit.name == "Sở Tư pháp"
    assert created.accountable_head == head_a


def test_one_bad_row_in_a_thousand_imports_nothing(
    provincial_office_user: Any, document: Any, dept_a: Unit, head_a: Official
) -> None:
    rows = [[i, f"Nhiệm vụ {i}", "Sở Tư pháp", "Sở Y tế", "31/12/2026"] for i in range(1, 1001)]
    rows[499][2] = "Sở Không Có"
    with pytest.raises(ValidationError) as caught:
        exports.document_import(
            actor=provincial_office_user, document=document, content=sheet(rows)
        )
    # The title row and the header come first: the 500th task is on row 502.
    assert caught.value.messages == ["Row 502: unknown unit “Sở Không Có”."]
    assert not Task.objects.exists()


def test_every_bad_row_is_named_with_its_reason(
    client_for: Any, provincial_office_user: Any, document: Any, head_a: Official
) -> None:
    content = sheet(
        [
            [1, "", "Sở Tư pháp", "", "31/12/2026"],
            [2, "Đúng", "Sở Tư pháp", "", "31/12/2026"],
            [3, "Sai ngày", "Sở Tư pháp", "", "31/13/2026"],
        ]
    )
    upload = SimpleUploadedFile("nv.xlsx", content)
    response = client_for(provincial_office_user).post(
        reverse("directives:document_import", args=[document.pk]), {"file": upload}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3: the content is empty." in text
    assert "Row 5: “31/13/2026” is not a date dd/mm/yyyy." in text
    assert not Task.objects.exists()


def test_a_good_upload_creates_the_tasks(
    client_for: Any, provincial_office_user: Any, document: Any, head_a: Official
) -> None:
    content = sheet([[1, "Tuyên truyền", "Sở Tư pháp", "", dt.datetime(2026, 4, 30)]])
    response = client_for(provincial_office_user).post(
        reverse("directives:document_import", args=[document.pk]),
        {"file": SimpleUploadedFile("nv.xlsx", content)},
    )
    assert response.status_code == 302
    assert Task.objects.get().due_on == dt.date(2026, 4, 30)


def test_board_export_is_for_the_provincial_office(
    client_for: Any, provincial_office_user: Any, task: Task, head_a: Official
) -> None:
    url = reverse("directives:board_export") + "?start=01/01/2026&end=31/12/2026"
    assert client_for(head_a.user).get(url).status_code == 403
    response = client_for(provincial_office_user).get(url)
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["B3"].value == task.title
