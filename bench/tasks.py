"""Benchmark: the reminder sweep over a province's open tasks, and the board of a directive.

Bulk-creates N open tasks (default 200,000) of twenty bench departments, with deadlines spread
over six weeks around now, then measures:

(a) the first sweep: time, ReminderSent rows inserted, notifications created. Every task with a
    rung due is a backlog on the first run; it is recorded in one pass;
(b) a second sweep at the same moment: it must insert nothing; the ratio second/first says how
    much of the work the sweep skips once the rungs are recorded (goal: well under 1);
(c) the board of one directive with 50,000 tasks: its query count (goal: 4, whatever the
    number of tasks) and its time.

The database is DATABASE_URL (PostgreSQL: create it first with
`createdb -h 127.0.0.1 -U postgres congvu_tasks_bench`), or by default a SQLite file of its own,
data/bench-tasks.sqlite3. Only the benchmark's own rows (units coded BENCH-T*) are deleted.

    python bench/tasks.py --count 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_tasks_bench python bench/tasks.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'bench-tasks.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Reminder emails are the mail server's work, not the sweep's: they are counted, not sent.
settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from congvu.calendars.selectors import work_calendar_get  # noqa: E402
from congvu.core.models import Notification  # noqa: E402
from congvu.directives.models import (  # noqa: E402
    DirectingDocument,
    DocumentKind,
    ReminderSent,
    Task,
    TaskStatus,
)
from congvu.directives.selectors import board  # noqa: E402
from congvu.directives.services import tasks_sweep  # noqa: E402
from congvu.organizations.models import Official, Position, Unit  # noqa: E402

PREFIX = "BENCH-T"
DEPARTMENTS = 20
BOARD_TASKS = 50_000


def clear() -> None:
    """Remove the rows of an earlier run, straight in SQL: the ORM's cascade would load them."""
    units = Unit.objects.filter(code__startswith=PREFIX)
    tasks = Task.objects.filter(lead_unit__in=units)
    users = get_user_model().objects.filter(username__startswith=PREFIX.lower())
    for queryset in (
        ReminderSent.objects.filter(task__in=tasks),
        Task.coordinating_units.through.objects.filter(task__in=tasks),
        tasks,
        DirectingDocument.objects.filter(number__startswith=PREFIX),
        Notification.objects.filter(user__in=users),
        Position.objects.filter(unit__in=units),
        Official.objects.filter(unit__in=units),
    ):
        queryset._raw_delete(queryset.db)
    units.filter(parent__isnull=False).delete()
    units.delete()
    users.delete()


def seed(count: int) -> tuple[DirectingDocument, dt.datetime]:
    user_model = get_user_model()
    today = timezone.localdate()
    root = Unit.objects.create(
        kind=Unit.Kind.PROVINCE_COMMITTEE, name="Bench province", code=f"{PREFIX}-ROOT"
    )
    heads: list[tuple[Unit, Official]] = []
    for number in range(DEPARTMENTS):
        unit = Unit.objects.create(
            kind=Unit.Kind.DEPARTMENT,
            name=f"Sở thử {number}",
            code=f"{PREFIX}-{number:02d}",
            parent=root,
        )
        user = user_model.objects.create(
            username=f"{PREFIX.lower()}-head-{number}", email=f"head{number}@bench.invalid"
        )
        head = Official.objects.create(user=user, full_name=f"Giám đốc {number}", unit=unit)
        Position.objects.create(
            official=head, unit=unit, kind=Position.Kind.HEAD, valid_from=dt.date(2020, 1, 1)
        )
        heads.append((unit, head))
    assigner = user_model.objects.create(username=f"{PREFIX.lower()}-office")
    document = DirectingDocument.objects.create(
        number=f"{PREFIX}/CT-UBND",
        kind=DocumentKind.DIRECTIVE,
        issuer=root,
        issued_on=today,
        title="Chỉ thị thử",
    )
    calendar = work_calendar_get()
    deadlines: dict[dt.date, dt.datetime] = {}
    rng = random.Random(15)
    statuses = [TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED, TaskStatus.IN_PROGRESS]
    batch: list[Task] = []
    now = timezone.now()
    for number in range(count):
        due_on = today + dt.timedelta(days=rng.randint(-21, 21))
        if due_on not in deadlines:
            deadlines[due_on] = calendar.calendar_day_deadline(due_on, 0)
        unit, head = heads[number % DEPARTMENTS]
        batch.append(
            Task(
                document=document if number < BOARD_TASKS else None,
                title=f"Nhiệm vụ thử {number}",
                lead_unit=unit,
                accountable_head=head,
                assignee=head,
                assigner=assigner,
                due_on=due_on,
                due_at=deadlines[due_on],
                original_due_on=due_on,
                status=rng.choice(statuses),
                assigned_at=now - dt.timedelta(days=30),
            )
        )
        if len(batch) == 5000:
            Task.objects.bulk_create(batch)
            batch = []
    Task.objects.bulk_create(batch)
    return document, now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; tasks: {args.count:,}")

    started = time.perf_counter()
    with transaction.atomic():
        clear()
        document, now = seed(args.count)
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    notifications = Notification.objects.count()
    started = time.perf_counter()
    first = tasks_sweep(now=now)
    first_time = time.perf_counter() - started
    created = Notification.objects.count() - notifications
    print(
        f"sweep 1: {first_time:.2f} s; tasks examined {first.tasks_examined:,}; "
        f"ReminderSent inserted {first.reminders_sent:,}; notifications {created:,} "
        f"({first.reminders_sent / first_time:,.0f} rungs/s)"
    )
    started = time.perf_counter()
    second = tasks_sweep(now=now)
    second_time = time.perf_counter() - started
    print(
        f"sweep 2: {second_time:.2f} s; tasks examined {second.tasks_examined:,}; "
        f"ReminderSent inserted {second.reminders_sent:,} (must be 0); "
        f"notifications {second.notifications:,}"
    )
    print(f"ratio sweep 2 / sweep 1: {second_time / first_time:.3f}")

    in_board = min(args.count, BOARD_TASKS)
    start, end = (
        timezone.localdate() - dt.timedelta(days=60),
        timezone.localdate() + dt.timedelta(days=60),
    )
    board(start=start, end=end, document=document, now=now)  # warm the calendar cache
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = board(start=start, end=end, document=document, now=now)
        board_time = time.perf_counter() - started
    print(
        f"board of {in_board:,} tasks: {len(queries)} queries, {board_time * 1000:.0f} ms; "
        f"assigned {result.totals['assigned']:,}, overdue {result.totals['overdue']:,}, "
        f"{len(result.by_unit)} units, overdue list {len(result.overdue)} rows"
    )
    assert second.reminders_sent == 0, "the second sweep must insert nothing"


if __name__ == "__main__":
    main()
