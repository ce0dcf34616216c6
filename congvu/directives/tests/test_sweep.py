"""Reminders and escalation: each rung of the ladder once, to the right people, however many
sweeps run; recurring reports become one obligation a period."""

# The directives' fixtures live in test_services and are imported here; pytest passes them
# back as parameters of the same name, which ruff would report as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections

from congvu.core.models import Notification
from congvu.directives import selectors, services
from congvu.directives.models import (
    Cycle,
    OccurrenceStatus,
    ReminderRung,
    ReminderSent,
    Schedule,
    Task,
    TaskOccurrence,
)
from congvu.directives.tasks import directives_sweep
from congvu.directives.tests.test_services import (  # noqa: F401  (fixtures)
    VN,
    _english,
    at,
    clock,
    delegated_task,
    delegation,
    document,
)
from congvu.organizations.models import Official, Unit


def notified(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True)
    )


def sweep(when: dt.datetime) -> services.SweepResult:
    with time_machine.travel(when, tick=False):
        return services.tasks_sweep()


def test_rung_moments_count_working_days_from_the_deadline(db: Any):
    from congvu.calendars.selectors import work_calendar_get

    calendar = work_calendar_get()
    deadline = dt.datetime(2026, 3, 13, 17, 30, tzinfo=VN)
    assert services.rung_moment(calendar, deadline, -7) == dt.datetime(
        2026, 3, 4, 17, 30, tzinfo=VN
    )
    assert services.rung_moment(calendar, deadline, 0) == deadline
    assert services.rung_moment(calendar, deadline, 1) == dt.datetime(
        2026, 3, 16, 17, 30, tzinfo=VN
    )


def test_escalation_reaches_the_deputy_the_head_and_the_assigner(
    delegated_task: Task, head_a: Official, deputy_a: Official, provincial_office_user: Any
):
    Notification.objects.all().delete()
    result = sweep(at(4, 3, 18))  # 7 working days before the deadline
    assert result.reminders_sent == 1
    assert len(notified(deputy_a.user)) == 1
    assert notified(head_a.user) == []
    sweep(at(13, 3, 18))  # the deadline has passed: -3, -1 (recorded) and 0 (told)
    assert len(notified(deputy_a.user)) == 2
    assert len(notified(head_a.user)) == 1
    assert notified(provincial_office_user) == []
    result = sweep(at(16, 3, 18))  # one working day overdue
    assert result.reminders_sent == 1
    assert len(notified(deputy_a.user)) == 3
    assert len(notified(head_a.user)) == 2
    assert notified(provincial_office_user) == [
        "Overdue 1 working day(s): Rà soát quy chế làm việc"
    ]
    card = selectors.unit_scorecard(
        unit=head_a.unit, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), now=at(16, 3, 18)
    )
    assert card["overdue"] == 1


def test_each_rung_fires_once_when_the_sweep_runs_twice(delegated_task: Task, deputy_a: Official):
    first = sweep(at(25, 3, 18))
    rungs = ReminderRung.objects.filter(priority=delegated_task.priority).count()
    assert first.reminders_sent == rungs
    assert ReminderSent.objects.filter(task=delegated_task).count() == rungs
    # A task first seen past its whole ladder is told once, not once per rung.
    assert len(notified(deputy_a.user)) == 1 + 1  # the assignment, then one escalation
    second = sweep(at(25, 3, 18))
    assert (second.reminders_sent, second.notifications, second.tasks_examined) == (0, 0, 0)
    assert ReminderSent.objects.count() == rungs


def test_an_extension_starts_the_ladder_again_for_the_new_deadline(
    delegated_task: Task, deputy_a: Official, provincial_office_user: Any
):
    sweep(at(13, 3, 18))
    with time_machine.travel(at(13, 3, 18), tick=False):
        request = services.task_request_extension(
            actor=deputy_a.user,
            task=delegated_task,
            proposed_due_on=dt.date(2026, 4, 10),
            reason="x",
        )
        services.task_decide_extension(actor=provincial_office_user, request=request, approve=True)
    assert sweep(at(16, 3, 18)).reminders_sent == 0
    assert sweep(at(1, 4, 18)).reminders_sent == 1  # 7 working days before 10 April


def test_a_monthly_report_makes_one_obligation_a_month_and_a_missed_month_stays_counted(
    provincial_office_user: Any, dept_a: Unit, head_a: Official, clock: Any
):
    task = services.task_assign(
        actor=provincial_office_user,
        lead_unit=dept_a,
        title="Báo cáo tháng",
        schedule=Schedule.RECURRING,
        cycle=Cycle.MONTHLY,
        cycle_day=31,
        cycle_until=dt.date(2026, 12, 31),
    )
    periods = list(TaskOccurrence.objects.filter(task=task).values_list("period", "due_on"))
    assert periods[0] == ("2026-03", dt.date(2026, 3, 31))
    assert periods[1] == ("2026-04", dt.date(2026, 4, 30))
    assert len(periods) == 10  # March to December
    assert sweep(at(2)).occurrences_created == 0
    march, april = TaskOccurrence.objects.filter(task=task).order_by("due_on")[:2]
    # March is missed; April is reported on time.
    with time_machine.travel(at(20, 4, 10), tick=False):
        services.task_report_progress(
            actor=head_a.user, task=task, percent=0, text="Tháng 4", occurrence=april
        )
    march.refresh_from_db()
    assert march.status == OccurrenceStatus.PENDING
    card = selectors.unit_scorecard(
        unit=dept_a, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30), now=at(21, 4)
    )
    assert (card["assigned"], card["done_on_time"], card["overdue"]) == (2, 1, 1)
    result = sweep(at(21, 4, 9))
    assert ReminderSent.objects.filter(occurrence=march).count() > 0
    assert ReminderSent.objects.filter(occurrence=april).count() == 0
    assert result.reminders_sent == ReminderSent.objects.count()
    # Reported late, March still counts, as late.
    with time_machine.travel(at(22, 4, 9), tick=False):
        services.task_report_progress(
            actor=head_a.user, task=task, percent=0, text="Tháng 3", occurrence=march
        )
    card = selectors.unit_scorecard(
        unit=dept_a, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30), now=at(22, 4)
    )
    assert (card["assigned"], card["done_on_time"], card["done_late"], card["overdue"]) == (
        2,
        1,
        1,
        0,
    )


def test_the_sweep_tops_up_the_obligations_of_long_recurring_tasks(
    provincial_office_user: Any, dept_a: Unit, head_a: Official, clock: Any
):
    task = services.task_assign(
        actor=provincial_office_user,
        lead_unit=dept_a,
        title="Báo cáo quý",
        schedule=Schedule.RECURRING,
        cycle=Cycle.QUARTERLY,
        cycle_day=15,
    )
    labels = list(TaskOccurrence.objects.filter(task=task).values_list("period", "due_on"))
    assert labels[0] == ("2026-Q1", dt.date(2026, 4, 15))
    assert len(labels) == 12
    result = sweep(dt.datetime(2026, 10, 1, 9, tzinfo=VN))
    assert result.occurrences_created == 3  # Q1 to Q3 2029: still 12 ahead of Q4 2026
    assert sweep(dt.datetime(2026, 10, 1, 9, tzinfo=VN)).occurrences_created == 0


def test_the_command_and_the_background_task_run_the_sweep(delegated_task: Task):
    with time_machine.travel(at(4, 3, 18), tick=False):
        call_command("tasks_sweep")
        directives_sweep.call()
    assert ReminderSent.objects.count() == 1


# serialized_rollback: the flush of a transactional test removes the rows data migrations
# wrote (the default reminder ladder); they are restored for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_send_each_rung_once(
    provincial_office_user: Any, dept_a: Unit, head_a: Official
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race exists on PostgreSQL only.")
    with time_machine.travel(at(2), tick=False):
        for i in range(30):
            services.task_assign(
                actor=provincial_office_user,
                lead_unit=dept_a,
                title=f"T{i}",
                due_on=dt.date(2026, 3, 13) + dt.timedelta(days=i % 10),
            )
    now = at(20, 3, 18)
    barrier = threading.Barrier(2)
    results: list[services.SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(services.tasks_sweep(now=now))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = ReminderSent.objects.count()
    assert sum(r.reminders_sent for r in results) == stored
    assert ReminderSent.objects.values("task", "rung", "deadline").distinct().count() == stored
    before = Notification.objects.count()
    assert services.tasks_sweep(now=now).reminders_sent == 0
    assert Notification.objects.count() == before
    # Each task was told once for its latest rung, by whichever sweep won that rung.
    escalations = Notification.objects.filter(user=head_a.user).exclude(
        title__startswith="New task"
    )
    assert escalations.count() == 30
