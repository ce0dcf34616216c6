"""The tasks API: scoped by `visible_to`, 404 to outsiders, 409 on a state conflict."""

# The directives' fixtures live in test_services and are imported here; pytest passes them
# back as parameters of the same name, which ruff would report as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congvu.directives import services
from congvu.directives.models import ExtensionRequest, Task, TaskStatus
from congvu.directives.tests.test_services import (  # noqa: F401  (fixtures)
    DUE,
    _english,
    at,
    clock,
    delegated_task,
    delegation,
    document,
)
from congvu.organizations.models import Official, Unit


def test_outsider_gets_404_on_every_task_endpoint(
    delegated_task: Task, outsider_b: Official, api_client_for: Any
):
    api = api_client_for(outsider_b.user)
    base = f"/api/v1/tasks/{delegated_task.pk}/"
    assert api.get(base).status_code == 404
    assert api.get(base + "reports/").status_code == 404
    assert (
        api.post(base + "reports/", {"percent": 1, "text": "x"}, format="json").status_code == 404
    )
    assert api.post(base + "actions/", {"action": "acknowledge"}, format="json").status_code == 404
    assert api.get("/api/v1/tasks/").json()["results"] == []


def test_unit_sees_its_tasks_and_the_office_sees_all(
    delegated_task: Task,
    head_a: Official,
    official_a: Official,
    provincial_office_user: Any,
    api_client_for: Any,
    citizen: Any,
):
    for user in (head_a.user, official_a.user, provincial_office_user):
        ids = [row["id"] for row in api_client_for(user).get("/api/v1/tasks/").json()["results"]]
        assert ids == [delegated_task.pk]
    assert api_client_for(citizen).get("/api/v1/tasks/").json()["results"] == []
    assert api_client_for(citizen).get(f"/api/v1/tasks/{delegated_task.pk}/").status_code == 404


def test_task_list_filters_by_document_unit_status_and_overdue(
    delegated_task: Task, provincial_office_user: Any, api_client_for: Any, dept_b: Unit
):
    api = api_client_for(provincial_office_user)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in api.get("/api/v1/tasks/" + query).json()["results"]]

    assert ids(f"?document={delegated_task.document_id}") == [delegated_task.pk]
    assert ids(f"?unit={dept_b.pk}") == []
    assert ids("?status=assigned") == [delegated_task.pk]
    assert ids("?overdue=true") == []
    with time_machine.travel(at(16, 3, 9), tick=False):
        assert ids("?overdue=true") == [delegated_task.pk]
    assert api.get("/api/v1/tasks/?unit=x").status_code == 400


def test_task_list_query_count_does_not_grow(
    delegated_task: Task, provincial_office_user: Any, api_client_for: Any, dept_a: Unit
):
    api = api_client_for(provincial_office_user)
    api.get("/api/v1/tasks/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/tasks/")
    for i in range(10):
        services.task_assign(
            actor=provincial_office_user, lead_unit=dept_a, title=f"T{i}", due_on=DUE
        )
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/tasks/")
    assert response.json()["count"] == 11
    assert len(many) == len(few)


def test_deputy_reports_through_the_api_and_the_assigner_accepts(
    delegated_task: Task,
    deputy_a: Official,
    provincial_office_user: Any,
    head_a: Official,
    api_client_for: Any,
):
    deputy = api_client_for(deputy_a.user)
    url = f"/api/v1/tasks/{delegated_task.pk}/"
    response = deputy.post(
        url + "reports/", {"percent": 100, "text": "Xong", "is_completion": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert [r["percent"] for r in deputy.get(url + "reports/").json()] == [100]
    # The deputy may not accept their own work; the assigner may.
    assert (
        deputy.post(url + "actions/", {"action": "accept", "quality": 5}, format="json").status_code
        == 403
    )
    office = api_client_for(provincial_office_user)
    response = office.post(url + "actions/", {"action": "accept", "quality": 5}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == TaskStatus.ACCEPTED
    assert body["accountable_head"]["id"] == head_a.pk
    assert body["assignee"]["id"] == deputy_a.pk
    assert [e["action"] for e in body["events"]] == ["assign", "report_completion", "accept"]
    # Accepting again is a conflict with the task's state.
    again = office.post(url + "actions/", {"action": "accept", "quality": 5}, format="json")
    assert again.status_code == 409


def test_extension_through_the_api_keeps_the_original_deadline(
    delegated_task: Task, deputy_a: Official, provincial_office_user: Any, api_client_for: Any
):
    url = f"/api/v1/tasks/{delegated_task.pk}/actions/"
    response = api_client_for(deputy_a.user).post(
        url,
        {"action": "request_extension", "proposed_due_on": "2026-03-27", "reason": "Chờ số liệu"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    request = ExtensionRequest.objects.get()
    response = api_client_for(provincial_office_user).post(
        url, {"action": "decide_extension", "request": request.pk, "approve": True}, format="json"
    )
    body = response.json()
    assert (body["due_on"], body["original_due_on"], body["extension_count"]) == (
        "2026-03-27",
        DUE.isoformat(),
        1,
    )
    assert body["extension_requests"][0]["decision"] == "approved"


def test_head_delegates_through_the_api(
    delegated_task: Task, head_a: Official, official_a: Official, api_client_for: Any
):
    url = f"/api/v1/tasks/{delegated_task.pk}/actions/"
    response = api_client_for(head_a.user).post(
        url, {"action": "delegate", "assignee": official_a.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == official_a.pk
    assert response.json()["accountable_head"]["id"] == head_a.pk
    bad = api_client_for(official_a.user).post(
        url, {"action": "delegate", "assignee": official_a.pk}, format="json"
    )
    assert bad.status_code == 403


def test_create_document_and_task_through_the_api(
    provincial_office_user: Any,
    org_tree: dict[str, Unit],
    head_a: Official,
    official_a: Official,
    api_client_for: Any,
    clock: Any,
):
    office = api_client_for(provincial_office_user)
    response = office.post(
        "/api/v1/documents/",
        {
            "number": "20/KH-UBND",
            "kind": "ke_hoach",
            "issuer": org_tree["province"].pk,
            "issued_on": "2026-02-25",
            "title": "Kế hoạch cải cách hành chính năm 2026",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    document_id = response.json()["id"]
    assert office.get(f"/api/v1/documents/{document_id}/").json()["number"] == "20/KH-UBND"
    response = office.post(
        "/api/v1/tasks/",
        {
            "lead_unit": org_tree["dept_a"].pk,
            "title": "Số hóa hồ sơ",
            "document": document_id,
            "due_on": "2026-04-30",
            "coordinating_units": [org_tree["dept_b"].pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["accountable_head"]["id"] == head_a.pk
    assert body["coordinating_units"] == [org_tree["dept_b"].pk]
    refused = api_client_for(official_a.user).post(
        "/api/v1/tasks/",
        {"lead_unit": org_tree["dept_a"].pk, "title": "x", "due_on": "2026-04-30"},
        format="json",
    )
    assert refused.status_code == 403
    invalid = office.post(
        "/api/v1/tasks/",
        {"lead_unit": org_tree["dept_b"].pk, "title": "x", "due_on": "2026-04-30"},
        format="json",
    )
    assert invalid.status_code == 400  # department B has no head


@pytest.mark.parametrize("path", ["/api/v1/documents/", "/api/v1/tasks/"])
def test_citizen_may_not_create(path: str, citizen: Any, api_client_for: Any):
    assert api_client_for(citizen).post(path, {}, format="json").status_code in (400, 403)


def test_documents_are_refused_to_a_citizen_unless_public(
    document: Any, citizen: Any, api_client_for: Any
):
    api = api_client_for(citizen)
    assert api.get("/api/v1/documents/").json()["results"] == []
    assert api.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    response = api.post(
        "/api/v1/documents/",
        {
            "number": "1",
            "kind": "khac",
            "issuer": document.issuer_id,
            "issued_on": "2026-01-01",
            "title": "x",
        },
        format="json",
    )
    assert response.status_code == 403
