"""The index pages: the ranking for staff, a unit's figures for its own officials and the
province-wide roles, the rows behind a figure, the XLSX and print versions, and the figures
units enter with evidence and the provincial office locks."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congvu.core.models import AuditLog
from congvu.dossiers.models import Dossier
from congvu.indices.models import FigureStatus, ManualFigure
from congvu.indices.selectors import service_index_get

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_TYPES = (
    '<Types><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


@pytest.fixture(autouse=True)
def _private(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_dashboard_ranks_units_with_a_bounded_number_of_queries(
    history: list[Dossier],
    client_for: Any,
    provincial_office_user: Any,
    org_tree: Any,
    django_assert_max_num_queries: Any,
):
    client = client_for(provincial_office_user)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("indices:dashboard"), {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert org_tree["dept_a"].name in body
    assert "Ranking" in body
    printed = client.get(reverse("indices:dashboard"), {"year": 2026, "print": "1"})
    assert b"print-view" in printed.content
    sheet = client.get(reverse("indices:export"), {"year": 2026, "quarter": 1})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("Rank", "Unit", "Total (on 100)")
    assert len(rows) > 3


def test_unit_page_and_drill_down(
    history: list[Dossier], client_for: Any, head_a: Any, org_tree: Any,
    django_assert_max_num_queries: Any,
):  # fmt: skip
    client = client_for(head_a.user)
    unit = org_tree["dept_a"]
    response = client.get(reverse("indices:unit", args=[unit.pk]), {"year": 2026})
    assert response.status_code == 200
    assert b"Timeliness of resolution" in response.content
    with django_assert_max_num_queries(25):
        rows = client.get(reverse("indices:indicator", args=[unit.pk, "on_time"]), {"year": 2026})
    body = rows.content.decode()
    index = service_index_get(unit=unit, year=2026)
    item = index.indicator("on_time")
    assert f"<dd>{item.numerator}</dd>" in body
    assert f"<dd>{item.denominator}</dd>" in body
    assert body.count('class="code"') == item.denominator  # every dossier behind it, one page
    assert "more than one supplementation request" in body
    sheet = client.get(reverse("indices:unit_export", args=[unit.pk]), {"year": 2026})
    assert sheet.status_code == 200
    for code in ("procedures_online", "feedback_in_time", "published_on_time"):
        page = client.get(reverse("indices:indicator", args=[unit.pk, code]), {"year": 2026})
        assert page.status_code == 200


def test_outsider_sees_the_ranking_but_not_another_units_figures(
    db: Any, client_for: Any, outsider_b: Any, citizen: Any, org_tree: Any
):
    client = client_for(outsider_b.user)
    assert client.get(reverse("indices:dashboard")).status_code == 200
    unit = org_tree["dept_a"]
    assert client.get(reverse("indices:unit", args=[unit.pk])).status_code == 404
    assert client.get(reverse("indices:unit", args=[org_tree["dept_b"].pk])).status_code == 200
    assert client_for(citizen).get(reverse("indices:dashboard")).status_code == 403


def test_bad_period_is_refused_in_the_users_words(db: Any, client_for: Any, head_a: Any):
    response = client_for(head_a.user).get(
        reverse("indices:dashboard"), {"year": 2026, "quarter": 1, "month": 2}
    )
    assert response.status_code == 200
    assert b"Choose a quarter or a month, not both." in response.content


def test_figure_entered_with_evidence_then_locked_counts(
    db: Any, client_for: Any, head_a: Any, provincial_office_user: Any, org_tree: Any
):
    unit = org_tree["dept_a"]
    head = client_for(head_a.user)
    data = {
        "unit": unit.pk, "indicator": "published_on_time", "year": 2026, "quarter": 1,
        "numerator": 18, "denominator": 20, "note": "Theo Quyết định công bố",
    }  # fmt: skip
    bad = head.post(
        reverse("indices:figures"),
        {**data, "evidence": SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")},
    )
    assert bad.status_code == 200
    assert b"Only PDF, JPEG, PNG, DOCX and XLSX files are accepted." in bad.content
    assert not ManualFigure.objects.exists()
    response = head.post(
        reverse("indices:figures"),
        {**data, "evidence": SimpleUploadedFile("../../qd.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302
    figure = ManualFigure.objects.get()
    assert figure.evidence_name == "qd.pdf"
    index = service_index_get(unit=unit, year=2026, quarter=1)
    assert index.indicator("published_on_time").numerator is None  # not locked yet
    # The head cannot lock their own figure; the provincial office does.
    assert (
        head.post(
            reverse("indices:figure_review", args=[figure.pk]), {"decision": "lock"}
        ).status_code
        == 403
    )
    office = client_for(provincial_office_user)
    office.post(reverse("indices:figure_review", args=[figure.pk]), {"decision": "lock"})
    figure.refresh_from_db()
    assert figure.status == FigureStatus.LOCKED
    index = service_index_get(unit=unit, year=2026, quarter=1)
    assert index.indicator("published_on_time").numerator == 18
    assert (
        index.indicator("published_on_time").points
        == index.indicator("published_on_time").max_points * 18 / 20
    )
    evidence = office.get(reverse("indices:figure_evidence", args=[figure.pk]))
    assert b"".join(evidence.streaming_content) == PDF
    assert AuditLog.objects.filter(action__startswith="indices.figure_").count() == 2
    listed = head.get(reverse("indices:figures"))
    assert b"qd.pdf" in listed.content


def test_evidence_is_refused_when_its_content_is_not_what_its_name_says(
    db: Any, client_for: Any, head_a: Any, org_tree: Any
):
    """Evidence is checked as dossier documents are, from its bytes: a ZIP named .docx that
    holds no Word document, or a Word file carrying macros, is not accepted."""
    head = client_for(head_a.user)
    data = {
        "unit": org_tree["dept_a"].pk, "indicator": "published_on_time", "year": 2026,
        "quarter": 1, "numerator": 18, "denominator": 20,
    }  # fmt: skip
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    with_macros = io.BytesIO()
    with zipfile.ZipFile(with_macros, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00")
    for content in (plain_zip.getvalue(), with_macros.getvalue()):
        refused = head.post(
            reverse("indices:figures"),
            {**data, "evidence": SimpleUploadedFile("bao-cao.docx", content)},
        )
        assert refused.status_code == 200
        assert b"content does not match its type" in refused.content
    assert not ManualFigure.objects.exists()
