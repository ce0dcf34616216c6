"""The pages: a round through its forms, the self-assessment page, the rankings dashboard
with its drill-down, export and print view, in bounded queries."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from congvu.assessments import services
from congvu.assessments.models import Round, RoundStatus
from congvu.assessments.tests.conftest import tree_xlsx
from congvu.organizations.models import Unit


def test_round_created_imported_and_opened_through_the_pages(
    units: dict[str, Unit], appraiser: Any, client_for: Any
) -> None:
    browser = client_for(appraiser)
    response = browser.post(
        reverse("assessments:round_new"),
        {"kind": "par", "year": "2026", "title": "PAR 2026", "period_start": "01/01/2026"},
    )
    round = Round.objects.get(year=2026)
    assert response.url == reverse("assessments:round", args=[round.pk])
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    page = browser.post(reverse("assessments:round_import", args=[round.pk]), {"file": bad})
    assert page.status_code == 400
    assert "Nothing was imported" in page.content.decode()
    good = SimpleUploadedFile("tieu-chi.xlsx", tree_xlsx())
    browser.post(reverse("assessments:round_import", args=[round.pk]), {"file": good})
    assert round.criteria.count() == 11
    browser.post(
        reverse("assessments:round_bands", args=[round.pk]), {"bands": "85 Tốt\n60 Đạt\n0 Chưa đạt"}
    )
    assert [b.label for b in round.bands.all()] == ["Tốt", "Đạt", "Chưa đạt"]
    browser.post(reverse("assessments:round_act", args=[round.pk, "open"]), {"working_days": "10"})
    round.refresh_from_db()
    assert round.status == RoundStatus.SELF_ASSESSMENT
    page = browser.get(reverse("assessments:round", args=[round.pk]))
    assert "Sở Tư pháp" in page.content.decode()


def test_self_assessment_page(
    units: dict[str, Unit], par_round: Round, appraiser: Any, official_a: Any, client_for: Any
) -> None:
    services.round_open(actor=appraiser, round=par_round, working_days=10)
    mine = par_round.assessments.get(unit=units["dept_a"])
    first = par_round.criteria.get(code="1.1.1")
    browser = client_for(official_a.user)
    page = browser.get(reverse("assessments:assessment", args=[mine.pk]))
    assert page.status_code == 200
    assert f'name="p_{first.pk}"' in page.content.decode()
    too_many = browser.post(
        reverse("assessments:assessment_self", args=[mine.pk]), {f"p_{first.pk}": "9"}
    )
    assert too_many.status_code == 400
    browser.post(
        reverse("assessments:assessment_self", args=[mine.pk]),
        {f"p_{first.pk}": "3,5", f"t_{first.pk}": "Đã ban hành"},
    )
    mine.refresh_from_db()
    assert mine.self_total == Decimal("3.50")
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")
    browser.post(
        reverse("assessments:evidence_add", args=[mine.pk]),
        {"criterion": str(first.pk), "file": upload},
    )
    assert mine.scores.get(criterion=first).evidence.count() == 1


def test_rankings_dashboard_and_drill_down(
    units: dict[str, Unit],
    provincial_office_user: Any,
    head_a: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    browser = client_for(provincial_office_user)
    url = reverse("assessments:rankings") + "?year=2026&group=departments&metric=dossier_on_time"
    with django_assert_max_num_queries(40):
        page = browser.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text
    assert "Sở Tư pháp" in text
    unit = browser.get(
        reverse("assessments:rankings_unit", args=[units["dept_a"].pk]) + "?year=2026"
    )
    assert unit.status_code == 200
    for metric in ("dossier_on_time", "task_on_time", "service_index", "par", "satisfaction"):
        rows = browser.get(
            reverse("assessments:rankings_rows", args=[units["dept_a"].pk, metric])
            + "?start=01/01/2026&end=31/12/2026"
        )
        assert rows.status_code == 200, metric
    export = browser.get(reverse("assessments:rankings_export") + "?year=2026")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["B2"].value == "Unit"
    assert browser.get(reverse("assessments:rankings_print")).status_code == 200
    assert client_for(head_a.user).get(reverse("assessments:rankings")).status_code == 403
    # Opened without a year, the form shows the year it ranks.
    plain = browser.get(reverse("assessments:rankings")).content.decode()
    year = timezone.localdate().year
    assert f'name="year" value="{year}"' in plain


def test_round_list_queries_do_not_grow(
    units: dict[str, Unit],
    par_round: Round,
    appraiser: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    services.round_open(actor=appraiser, round=par_round, working_days=10)
    browser = client_for(appraiser)
    with django_assert_max_num_queries(30):
        assert browser.get(reverse("assessments:round", args=[par_round.pk])).status_code == 200
    with django_assert_max_num_queries(15):
        assert browser.get(reverse("assessments:index")).status_code == 200
