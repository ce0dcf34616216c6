"""The API: rounds, self-assessment, appraisal, public results and rankings."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from congvu.assessments import services
from congvu.assessments.models import Evidence, Round
from congvu.organizations.models import Unit


def test_round_through_the_api(
    units: dict[str, Unit],
    par_round: Round,
    appraiser: Any,
    official_a: Any,
    head_a: Any,
    outsider_b: Any,
    api_client_for: Any,
    api_client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    manager = api_client_for(appraiser)
    opened = manager.post(
        f"/api/v1/assessment-rounds/{par_round.pk}/actions/",
        {"action": "open", "working_days": 10},
        format="json",
    )
    assert opened.status_code == 200, opened.json()
    assert opened.json()["status"] == "self_assessment"
    again = manager.post(
        f"/api/v1/assessment-rounds/{par_round.pk}/actions/", {"action": "publish"}, format="json"
    )
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "errors"}
    with django_assert_max_num_queries(12):
        units_page = manager.get(f"/api/v1/assessment-rounds/{par_round.pk}/units/")
    assert units_page.json()["count"] == 5
    mine = par_round.assessments.get(unit=units["dept_a"])
    criteria = {c.code: c.pk for c in par_round.criteria.all()}
    specialist = api_client_for(official_a.user)
    scored = specialist.post(
        f"/api/v1/unit-assessments/{mine.pk}/self-scores/",
        {
            "entries": [
                {"criterion": criteria["1.1.1"], "points": "4", "text": "Đủ"},
                {"criterion": criteria["1.1.2"], "points": "2"},
            ]
        },
        format="json",
    )
    assert scored.status_code == 200, scored.json()
    assert scored.json()["self_total"] == "6.00"
    bad = specialist.post(
        f"/api/v1/unit-assessments/{mine.pk}/self-scores/",
        {"entries": [{"criterion": criteria["1.1.1"], "points": "40"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "points" in bad.json()["errors"]
    assert specialist.post(f"/api/v1/unit-assessments/{mine.pk}/submit/").status_code == 403
    sent = api_client_for(head_a.user).post(f"/api/v1/unit-assessments/{mine.pk}/submit/")
    assert sent.json()["status"] == "submitted"
    outsider = api_client_for(outsider_b.user)
    assert outsider.get(f"/api/v1/unit-assessments/{mine.pk}/").status_code == 404
    assert outsider.get("/api/v1/assessment-rankings/").status_code == 403
    assert api_client.get(f"/api/v1/public/assessment-results/{par_round.pk}/").status_code == 404


def test_rankings_api(
    units: dict[str, Unit], provincial_office_user: Any, api_client_for: Any
) -> None:
    client = api_client_for(provincial_office_user)
    response = client.get("/api/v1/assessment-rankings/?year=2026&group=communes&metric=par")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [row["unit_name"] for row in rows] == ["Ủy ban nhân dân phường Thục Phán"]
    assert set(rows[0]["figures"]) >= {"par", "ddci", "service_index", "task_on_time"}
    assert client.get("/api/v1/assessment-rankings/?metric=nope").status_code == 400


def test_unknown_appraisal_is_a_conflict_before_appraisal(
    units: dict[str, Unit], par_round: Round, appraiser: Any, api_client_for: Any
) -> None:
    services.round_open(actor=appraiser, round=par_round, working_days=10)
    mine = par_round.assessments.get(unit=units["dept_a"])
    criterion = par_round.criteria.get(code="1.1.1")
    response = api_client_for(appraiser).post(
        f"/api/v1/unit-assessments/{mine.pk}/appraisals/",
        {"entries": [{"criterion": criterion.pk, "points": "3"}]},
        format="json",
    )
    assert response.status_code == 409


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


WORKBOOK_TYPES = (
    b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def test_evidence_is_filed_only_when_its_content_is_what_its_name_says(
    units: dict[str, Unit],
    par_round: Round,
    appraiser: Any,
    official_a: Any,
    api_client_for: Any,
    settings: Any,
) -> None:
    settings.LANGUAGE_CODE = "vi"  # the site's own language, which officials get by default
    services.round_open(actor=appraiser, round=par_round, working_days=10)
    mine = par_round.assessments.get(unit=units["dept_a"])
    criterion = par_round.criteria.get(code="1.1.1")
    specialist = api_client_for(official_a.user)

    def send(name: str, content: bytes) -> Any:
        return specialist.post(
            f"/api/v1/unit-assessments/{mine.pk}/evidence/",
            {"criterion": criterion.pk, "file": SimpleUploadedFile(name, content)},
            format="multipart",
        )

    # An archive that only starts like a document, a workbook that carries macros, a program
    # under a PDF's name: each is refused, and the official is told why in Vietnamese.
    for name, content in [
        ("bao-cao.docx", _zip({"readme.txt": b"not a document"})),
        (
            "so-lieu.xlsx",
            _zip(
                {
                    "[Content_Types].xml": WORKBOOK_TYPES,
                    "xl/workbook.xml": b"<workbook/>",
                    "xl/vbaProject.bin": b"macro",
                }
            ),
        ),
        ("ke-hoach.pdf", b"MZ\x90\x00 a program"),
    ]:
        refused = send(name, content)
        assert refused.status_code == 400, name
        assert refused.json()["errors"]["file"] == [
            "Nội dung tệp không khớp với định dạng của tệp."
        ], name
    wrong_kind = send("ke-hoach.exe", b"%PDF-1.4 plan")
    assert wrong_kind.json()["errors"]["file"] == [
        "Chỉ chấp nhận tệp PDF, JPEG, PNG, DOCX và XLSX."
    ]
    assert not Evidence.objects.filter(score__assessment=mine).exists()

    filed = send("Kế hoạch năm 2026.pdf", b"%PDF-1.4 plan")
    assert filed.status_code == 201, filed.json()
    assert (filed.json()["original_name"], filed.json()["content_type"]) == (
        "Kế hoạch năm 2026.pdf",
        "application/pdf",
    )
    assert Evidence.objects.filter(score__assessment=mine, score__criterion=criterion).count() == 1
