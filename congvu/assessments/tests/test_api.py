"""The API: rounds, self-assessment, appraisal, public results and rankings."""

from __future__ import annotations

from typing import Any

from congvu.assessments import services
from congvu.assessments.models import Round
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
