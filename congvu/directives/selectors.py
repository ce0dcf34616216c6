"""Reads of the directives app: who sees which task, a task's timeliness, the head's desk,
the board of a directive's implementation and the scorecard of a unit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from congvu.calendars.selectors import work_calendar_get
from congvu.directives.models import (
    OPEN_TASK_STATUSES,
    DirectingDocument,
    OccurrenceStatus,
    Schedule,
    Task,
    TaskOccurrence,
    TaskStatus,
)
from congvu.lib.workdays import WorkCalendar
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.selectors import agency_paths_for

# A task is "due soon" within this many working days of its deadline.
DUE_SOON_WORKING_DAYS = 3

DONE = (TaskStatus.REPORTED, TaskStatus.ACCEPTED)
WORKING = (TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED, TaskStatus.IN_PROGRESS)


# Visibility --------------------------------------------------------------------------------


def task_visibility_q(user: Any) -> Q:
    """Tasks `user` may see: a unit sees what it leads and what it coordinates (its parts
    included), the assignee and the accountable head theirs, the assigner what they gave;
    province-wide roles everything; citizens and anonymous visitors nothing."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    paths = agency_paths_for(user)
    if paths is None:
        return Q()
    condition = Q(assigner=user) | Q(assignee__user=user) | Q(accountable_head__user=user)
    if paths:
        units = Q()
        for path in paths:
            units |= Q(path__startswith=path)
        coordinated = Task.coordinating_units.through.objects.filter(
            unit__in=Unit.objects.filter(units)
        ).values("task_id")
        lead = Q()
        for path in paths:
            lead |= Q(lead_unit__path__startswith=path)
        condition |= lead | Q(pk__in=coordinated)
    return condition


def document_list(*, user: Any) -> QuerySet[DirectingDocument]:
    """Documents are the administration's own records: any official sees them, citizens only
    the public ones."""
    documents = DirectingDocument.objects.select_related("issuer")
    if not getattr(user, "is_authenticated", False):
        return documents.none()
    if agency_paths_for(user) is None or Official.objects.filter(user=user).exists():
        return documents
    return documents.filter(is_public=True)


# Timeliness --------------------------------------------------------------------------------


def task_timeliness(
    task: Task, now: dt.datetime | None = None, *, calendar: WorkCalendar | None = None
) -> str:
    """'on_time', 'due_soon', 'overdue', 'done_on_time' or 'done_late'.

    Done means reported as complete (or accepted); it is judged against the present deadline,
    extensions included. A task without a deadline (recurring, ongoing) or cancelled counts as
    on time: its obligations are judged one by one.
    """
    now = now or timezone.now()
    if task.status in DONE and task.completed_at is not None:
        if task.due_at is None or task.completed_at <= task.due_at:
            return "done_on_time"
        return "done_late"
    if task.status not in WORKING or task.due_at is None:
        return "on_time"
    if task.due_at < now:
        return "overdue"
    calendar = calendar or work_calendar_get()
    local = timezone.localtime(now, calendar.tz)
    soon = calendar.end_of_day(calendar.nth_working_day_after(local.date(), DUE_SOON_WORKING_DAYS))
    if task.due_at <= soon:
        return "due_soon"
    return "on_time"


def was_late_against_original(task: Task, now: dt.datetime) -> bool:
    """Whether the task missed (or, still open, has passed) its original deadline."""
    if task.original_due_on is None:
        return False
    original = work_calendar_get().calendar_day_deadline(task.original_due_on, 0)
    if task.status in DONE and task.completed_at is not None:
        return task.completed_at > original
    return task.status in WORKING and original < now


# Lists -------------------------------------------------------------------------------------


def task_list(
    *,
    user: Any,
    document: DirectingDocument | int | None = None,
    unit: Unit | int | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Task]:
    """Tasks `user` may see, optionally of one document, led by one unit (or its parts), in
    one status, or overdue (or not)."""
    tasks = Task.objects.visible_to(user).select_related(
        "document", "lead_unit", "accountable_head", "assignee", "assigner"
    )
    if document is not None:
        tasks = tasks.filter(document=document)
    if unit is not None:
        unit_obj = unit if isinstance(unit, Unit) else Unit.objects.filter(pk=unit).first()
        if unit_obj is None:
            return tasks.none()
        tasks = tasks.filter(lead_unit__path__startswith=unit_obj.path)
    if status:
        tasks = tasks.filter(status=status)
    if overdue is not None:
        late = Q(
            schedule=Schedule.DUE_DATE,
            status__in=WORKING,
            due_at__lt=now or timezone.now(),
        )
        tasks = tasks.filter(late) if overdue else tasks.exclude(late)
    return tasks.distinct().order_by("due_at", "pk")


def _counts(now: dt.datetime, prefix: str = "") -> dict[str, Any]:
    """Aggregates of due-date tasks: one pass of the rows, whatever their number."""
    p = prefix
    done = Q(**{f"{p}status__in": DONE}, **{f"{p}completed_at__isnull": False})
    working = Q(**{f"{p}status__in": WORKING})
    on_time = done & Q(**{f"{p}completed_at__lte": F(f"{p}due_at")})
    late = done & Q(**{f"{p}completed_at__gt": F(f"{p}due_at")})
    overdue = working & Q(**{f"{p}due_at__lt": now})
    in_progress = working & Q(**{f"{p}due_at__gte": now})
    return {
        "assigned": Count(f"{p}pk" if p else "pk"),
        "done_on_time": Count(f"{p}pk" if p else "pk", filter=on_time),
        "done_late": Count(f"{p}pk" if p else "pk", filter=late),
        "in_progress": Count(f"{p}pk" if p else "pk", filter=in_progress),
        "overdue": Count(f"{p}pk" if p else "pk", filter=overdue),
    }


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    finished = row["done_on_time"] + row["done_late"] + row["overdue"]
    row["on_time_rate"] = round(100 * row["done_on_time"] / finished, 1) if finished else None
    return row


@dataclasses.dataclass
class HeadDesk:
    """What a head answers for, and what an official acts on for someone else."""

    official: Official
    units: list[Unit]
    tasks: list[Task]
    counts: dict[str, Any]
    acting_for: list[Task]


def head_desk(*, official: Official, now: dt.datetime | None = None) -> HeadDesk:
    """Every open or finished task of the units `official` heads, delegated ones included
    (Chỉ thị 15/CT-UBND: the head answers for them), with their on-time counts; and the tasks
    the official acts on for another accountable head (a deputy's work for the head)."""
    now = now or timezone.now()
    units = [
        p.unit
        for p in Position.objects.active(timezone.localdate(now))
        .filter(official=official, kind=Position.Kind.HEAD)
        .select_related("unit")
    ]
    mine = Q(accountable_head=official)
    for unit in units:
        mine |= Q(lead_unit=unit)
    tasks = (
        Task.objects.filter(mine)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("document", "lead_unit", "assignee", "accountable_head")
        .order_by("due_at", "pk")
    )
    counts = _rate(tasks.filter(schedule=Schedule.DUE_DATE).aggregate(**_counts(now)))
    acting_for = list(
        Task.objects.filter(assignee=official, status__in=OPEN_TASK_STATUSES)
        .exclude(accountable_head=official)
        .select_related("document", "lead_unit", "accountable_head")
        .order_by("due_at", "pk")
    )
    return HeadDesk(
        official=official, units=units, tasks=list(tasks), counts=counts, acting_for=acting_for
    )


@dataclasses.dataclass
class Board:
    """The implementation board of a period: totals, per document, per unit, overdue list."""

    start: dt.date
    end: dt.date
    totals: dict[str, Any]
    by_document: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    overdue: list[Task]


def board(
    *,
    start: dt.date,
    end: dt.date,
    document: DirectingDocument | None = None,
    now: dt.datetime | None = None,
    overdue_limit: int = 200,
) -> Board:
    """Tasks with a due date in [start, end] (cancelled ones left out), counted per document
    and per lead unit in four queries whatever their number."""
    now = now or timezone.now()
    tasks = Task.objects.filter(
        schedule=Schedule.DUE_DATE, due_on__gte=start, due_on__lte=end
    ).exclude(status=TaskStatus.CANCELLED)
    if document is not None:
        tasks = tasks.filter(document=document)
    counts = _counts(now)
    totals = _rate(tasks.aggregate(**counts))
    by_document = [
        _rate(row)
        for row in tasks.values("document_id", "document__number", "document__title")
        .annotate(**counts)
        .order_by("document__number", "document_id")
    ]
    by_unit = [
        _rate(row)
        for row in tasks.values("lead_unit_id", "lead_unit__name")
        .annotate(**counts)
        .order_by("lead_unit__name", "lead_unit_id")
    ]
    overdue = list(
        tasks.filter(status__in=WORKING, due_at__lt=now)
        .select_related("document", "lead_unit", "accountable_head", "assignee")
        .order_by("due_at", "pk")[:overdue_limit]
    )
    return Board(
        start=start,
        end=end,
        totals=totals,
        by_document=by_document,
        by_unit=by_unit,
        overdue=overdue,
    )


def unit_scorecard(
    *, unit: Unit, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The record of `unit` (and its parts) for obligations due in [start, end].

    Due-date tasks count once; recurring tasks count each period's report, so a missed month
    stays counted (overdue while pending, late once reported) after the next month is done.
    Done on time is judged against the present deadline; `late_against_original` counts the
    tasks that missed the deadline first set, extension or not, and `extensions` those that
    needed one. Tasks delegated to a deputy count against the unit like any other.
    """
    now = now or timezone.now()
    tasks = Task.objects.filter(
        lead_unit__path__startswith=unit.path,
        schedule=Schedule.DUE_DATE,
        due_on__gte=start,
        due_on__lte=end,
    ).exclude(status=TaskStatus.CANCELLED)
    row = tasks.aggregate(
        **_counts(now),
        extensions=Count("pk", filter=Q(extension_count__gt=0)),
        average_quality=Avg("quality"),
    )
    # Extended tasks on time only thanks to the extension: late against the first deadline.
    saved_by_extension = sum(
        1
        for task in tasks.filter(extension_count__gt=0)
        if was_late_against_original(task, now)
        and task_timeliness(task, now) not in ("done_late", "overdue")
    )
    occurrences = TaskOccurrence.objects.filter(
        task__lead_unit__path__startswith=unit.path,
        due_on__gte=start,
        due_on__lte=end,
    ).exclude(task__status=TaskStatus.CANCELLED)
    reported = Q(status=OccurrenceStatus.REPORTED, reported_at__isnull=False)
    occ = occurrences.aggregate(
        assigned=Count("pk"),
        done_on_time=Count("pk", filter=reported & Q(reported_at__lte=F("due_at"))),
        done_late=Count("pk", filter=reported & Q(reported_at__gt=F("due_at"))),
        overdue=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, due_at__lt=now)),
        in_progress=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, due_at__gte=now)),
    )
    for key in ("assigned", "done_on_time", "done_late", "overdue", "in_progress"):
        row[key] += occ[key]
    row["late_against_original"] = row["done_late"] + row["overdue"] + saved_by_extension
    row["average_quality"] = (
        round(float(row["average_quality"]), 2) if row["average_quality"] is not None else None
    )
    row["unit"] = unit
    row["start"], row["end"] = start, end
    return _rate(row)
