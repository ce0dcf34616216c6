"""The index API: scoped as the pages, one JSON error shape."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from congvu.dossiers.models import Dossier
from congvu.indices.models import ManualFigure
from congvu.indices.selectors import service_index_get

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_ranking_unit_and_rows(
    history: list[Dossier], api_client_for: Any, head_a: Any, org_tree: Any,
    django_assert_max_num_queries: Any,
):  # fmt: skip
    client = api_client_for(head_a.user)
    with django_assert_max_num_queries(20):
        ranking = client.get("/api/v1/indices/ranking/", {"year": 2026})
    assert ranking.status_code == 200
    assert {row["unit"]["id"] for row in ranking.json()} >= {org_tree["dept_a"].pk}
    unit = org_tree["dept_a"].pk
    detail = client.get(f"/api/v1/indices/units/{unit}/", {"year": 2026}).json()
    shown = service_index_get(unit=org_tree["dept_a"], year=2026)
    assert detail["total"] == str(shown.total)
    assert [g["max_points"] for g in detail["groups"]] == [
        "18.00", "20.00", "12.00", "10.00", "18.00", "22.00",
    ]  # fmt: skip
    rows = client.get(f"/api/v1/indices/units/{unit}/indicators/on_time/", {"year": 2026}).json()
    assert rows["indicator"]["denominator"] == len(rows["dossiers"])
    assert client.get(f"/api/v1/indices/units/{org_tree['dept_b'].pk}/").status_code == 404
    bad = client.get("/api/v1/indices/ranking/", {"year": 2026, "quarter": 1, "month": 1})
    assert bad.status_code == 400
    assert set(bad.json()) == {"detail", "errors"}


def test_figure_through_the_api(
    db: Any, api_client_for: Any, head_a: Any, provincial_office_user: Any, org_tree: Any,
    settings: Any, tmp_path: Any,
):  # fmt: skip
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    created = api_client_for(head_a.user).post(
        "/api/v1/indices/figures/",
        {
            "unit": org_tree["dept_a"].pk,
            "indicator": "data_reused",
            "year": 2026,
            "quarter": 2,
            "numerator": 40,
            "denominator": 50,
            "evidence": SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    office = api_client_for(provincial_office_user)
    locked = office.post(f"/api/v1/indices/figures/{pk}/review/", {"decision": "lock"})
    assert locked.json()["status"] == "locked"
    assert ManualFigure.objects.get(pk=pk).reviewed_by == provincial_office_user
    config = office.get("/api/v1/indices/configuration/2026/").json()
    assert len(config["weights"]) == 14
