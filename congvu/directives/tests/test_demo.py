"""The demo's directive: Chỉ thị 15/CT-UBND with its tasks at every stage."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congvu.demo.tests.once import seeded_once
from congvu.directives import demo, selectors
from congvu.directives.models import DirectingDocument, OccurrenceStatus, Task, TaskOccurrence


@pytest.fixture(scope="module")
def _seeded_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    def seed() -> int:
        call_command("seed_demo", "--dossiers", "0", stdout=io.StringIO())
        return DirectingDocument.objects.get(number="15/CT-UBND").pk

    with seeded_once(django_db_blocker, seed, DEBUG=True, LANGUAGE_CODE="en") as pk:
        yield pk


@pytest.fixture
def seeded(db: Any, _seeded_module: int) -> DirectingDocument:
    return DirectingDocument.objects.get(pk=_seeded_module)


def test_directive_and_its_tasks(seeded: DirectingDocument) -> None:
    assert seeded.issuer.seed_key == "P04"
    assert seeded.is_public
    assert seeded.signer == "Chủ tịch UBND tỉnh"
    assert "76/NQ-CP" in seeded.implements_text
    tasks = list(Task.objects.filter(document=seeded))
    assert 9 <= len(tasks) <= 13
    kinds = {selectors.task_timeliness(t) for t in tasks}
    assert {"done_on_time", "done_late", "overdue"} <= kinds


def test_justice_tasks_go_to_the_deputy_and_the_director_answers(
    seeded: DirectingDocument,
) -> None:
    justice = Task.objects.filter(document=seeded, lead_unit__seed_key="P04/dept/tu-phap")
    assert justice.exists()
    for task in justice:
        assert task.accountable_head is not None
        assert task.assignee is not None
        assert task.accountable_head.user.username == "giamdoc"
        assert task.assignee.user.username == "phogiamdoc"
    home = Task.objects.filter(document=seeded, assignee__user__username="phogiamdoc.noivu")
    assert home.filter(accountable_head__user__username="giamdoc.noivu").exists()


def test_monthly_report_has_one_month_missed(seeded: DirectingDocument) -> None:
    report = Task.objects.get(document=seeded, title=demo.MONTHLY_REPORT)
    assert report.lead_unit.seed_key == "P04/dept/noi-vu"
    assert report.cycle_day == 20
    past = TaskOccurrence.objects.filter(task=report, due_at__lt=timezone.now())
    assert past.filter(status=OccurrenceStatus.REPORTED).count() >= 3
    missed = TaskOccurrence.objects.filter(
        task=report, status=OccurrenceStatus.PENDING, due_at__lt=timezone.now()
    )
    assert missed.count() == 1


def test_seeding_twice_adds_nothing(seeded: DirectingDocument) -> None:
    count = Task.objects.count()
    assert demo.demo_tasks_seed() == 0
    assert Task.objects.count() == count


def test_demo_pages_render(seeded: DirectingDocument) -> None:
    client = Client()
    for username, names in (
        ("giamdoc", ["directives:desk", "directives:mine"]),
        ("phogiamdoc", ["directives:desk"]),
        ("vanphong", ["directives:board", "directives:documents"]),
    ):
        client.login(username=username, password="congvu-demo")
        for name in names:
            assert client.get(reverse(name)).status_code == 200, (username, name)
    public = client.get(reverse("directives:public", args=[seeded.pk])).content.decode()
    assert "Bế Văn Dũng" not in public
