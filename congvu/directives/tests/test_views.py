"""The task pages: who sees them, what they show, and how many queries they cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congvu.directives.models import DirectingDocument, Task, TaskStatus
from congvu.directives.tests.view_fixtures import *  # noqa: F403
from congvu.directives.tests.view_fixtures import assign
from congvu.organizations.models import Official, Unit


def test_task_page_names_accountable_head_and_acting_deputy(
    client_for: Any, task: Task, head_a: Official, deputy_a: Official
) -> None:
    response = client_for(head_a.user).get(reverse("directives:task", args=[task.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Accountable: {head_a.full_name}" in text
    assert f"Acting: {deputy_a.full_name}" in text
    assert "13/03/2026" in text
    assert "On time" in text


def test_task_pages_are_404_for_an_outsider(
    client_for: Any, task: Task, outsider_b: Official, dept_a: Unit
) -> None:
    client = client_for(outsider_b.user)
    assert client.get(reverse("directives:task", args=[task.pk])).status_code == 404
    assert client.get(reverse("directives:scorecard", args=[dept_a.pk])).status_code == 404
    assert client.post(reverse("directives:act", args=[task.pk, "report"])).status_code == 404
    mine = client.get(reverse("directives:mine"))
    assert task.title not in mine.content.decode()


def test_board_is_for_the_provincial_office(
    client_for: Any, task: Task, head_a: Official, provincial_office_user: Any
) -> None:
    assert client_for(head_a.user).get(reverse("directives:board")).status_code == 403
    response = client_for(provincial_office_user).get(reverse("directives:board"))
    assert response.status_code == 200
    assert "Sở Tư pháp" in response.content.decode()


def test_the_deputy_reports_progress_through_the_page(
    client_for: Any, task: Task, deputy_a: Official
) -> None:
    client = client_for(deputy_a.user)
    url = reverse("directives:act", args=[task.pk, "report"])
    response = client.post(url, {"percent": "40", "text": "Đang rà soát"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 40
    assert task.status == TaskStatus.IN_PROGRESS
    page = client.get(reverse("directives:task", args=[task.pk])).content.decode()
    assert "Đang rà soát" in page


def test_a_bad_report_shows_the_form_again(client_for: Any, task: Task, deputy_a: Official) -> None:
    url = reverse("directives:act", args=[task.pk, "report"])
    response = client_for(deputy_a.user).post(url, {"percent": "140", "text": ""})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.progress == 0


def test_subtasks_show_weights_and_the_roll_up_rule(
    client_for: Any, task: Task, provincial_office_user: Any, dept_a: Unit, head_a: Official
) -> None:
    assign(provincial_office_user, dept_a, None, parent=task, title="Phần một", weight=3)
    assign(provincial_office_user, dept_a, None, parent=task, title="Phần hai", weight=1)
    text = client_for(head_a.user).get(reverse("directives:task", args=[task.pk])).content.decode()
    assert "Σ weight × progress / Σ weight" in text
    assert "3/4" in text


def test_assigning_through_the_form(
    client_for: Any, provincial_office_user: Any, dept_a: Unit, head_a: Official, document: Any
) -> None:
    client = client_for(provincial_office_user)
    assert client.get(reverse("directives:new")).status_code == 200
    response = client.post(
        reverse("directives:new"),
        {
            "document": document.pk,
            "title": "Báo cáo kết quả",
            "lead_unit": dept_a.pk,
            "due_on": "31/03/2026",
            "priority": "normal",
            "weight": "1",
        },
    )
    assert response.status_code == 302
    created = Task.objects.get(title="Báo cáo kết quả")
    assert created.due_on == dt.date(2026, 3, 31)
    assert created.accountable_head == head_a


def test_document_search_ignores_diacritics(
    client_for: Any, document: Any, head_a: Official
) -> None:
    client = client_for(head_a.user)
    found = client.get(reverse("directives:documents"), {"q": "KY LUAT"}).content.decode()
    assert "15/CT-UBND" in found
    missing = client.get(reverse("directives:documents"), {"q": "đất đai"}).content.decode()
    assert "15/CT-UBND" not in missing
    detail = client.get(reverse("directives:document", args=[document.pk]))
    assert detail.status_code == 200


def test_public_page_shows_units_not_officials(
    client: Any, task: Task, document: Any, head_a: Official, deputy_a: Official
) -> None:
    response = client.get(reverse("directives:public", args=[document.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert task.title in text
    assert "Sở Tư pháp" in text
    for name in (head_a.full_name, deputy_a.full_name, "Đàm Quang Trung"):
        assert name not in text


def test_public_page_is_404_for_an_internal_document(client: Any, document: Any) -> None:
    DirectingDocument.objects.filter(pk=document.pk).update(is_public=False)
    assert client.get(reverse("directives:public", args=[document.pk])).status_code == 404


def test_pages_need_a_login(client: Any, task: Task) -> None:
    for url in (reverse("directives:mine"), reverse("directives:task", args=[task.pk])):
        assert client.get(url).status_code == 302


def _make_tasks(n: int, actor: Any, units: list[Unit], document: Any) -> None:
    for i in range(n):
        assign(
            actor,
            units[i % len(units)],
            document,
            title=f"Nhiệm vụ {i}",
            due_on=dt.date(2026, 2, 1) + dt.timedelta(days=i % 60),
        )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_board_queries_do_not_grow_with_tasks(
    client_for: Any, provincial_office_user: Any, org_tree: dict[str, Unit], head_a: Official,
    document: Any, outsider_b: Official,
) -> None:  # fmt: skip
    from congvu.organizations.tests.factories import PositionFactory

    PositionFactory.create(
        official=outsider_b, unit=org_tree["dept_b"], kind="head", valid_from=dt.date(2025, 1, 1)
    )
    units = [org_tree["dept_a"], org_tree["dept_b"]]
    client = client_for(provincial_office_user)
    url = reverse("directives:board") + "?start=01/01/2026&end=31/12/2026"
    _make_tasks(5, provincial_office_user, units, document)
    few = _queries(client, url)
    _make_tasks(45, provincial_office_user, units, document)
    many = _queries(client, url)
    assert few == many


def test_desk_queries_do_not_grow_with_tasks(
    client_for: Any, provincial_office_user: Any, dept_a: Unit, head_a: Official, document: Any
) -> None:
    client = client_for(head_a.user)
    url = reverse("directives:desk")
    _make_tasks(5, provincial_office_user, [dept_a], document)
    few = _queries(client, url)
    _make_tasks(45, provincial_office_user, [dept_a], document)
    many = _queries(client, url)
    assert few == many


def test_head_desk_includes_delegated_tasks_and_deputy_sees_for_whom(
    client_for: Any, task: Task, head_a: Official, deputy_a: Official
) -> None:
    head_page = client_for(head_a.user).get(reverse("directives:desk")).content.decode()
    assert task.title in head_page
    deputy_page = client_for(deputy_a.user).get(reverse("directives:desk")).content.decode()
    assert task.title in deputy_page
    assert f"Accountable: {head_a.full_name}" in deputy_page


def test_scorecard_of_own_unit(client_for: Any, task: Task, head_a: Official, dept_a: Unit) -> None:
    response = client_for(head_a.user).get(reverse("directives:scorecard", args=[dept_a.pk]))
    assert response.status_code == 200
    assert task.title in response.content.decode()
