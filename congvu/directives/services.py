"""Writes of the directives app: directing documents, tasks and their life (assignment,
delegation to a deputy, progress, acceptance, extensions, cancelling) and the reminder sweep.

Chỉ thị 15/CT-UBND: the head of the lead unit answers for every task of the unit, including
work the head hands to a deputy. So `accountable_head` is fixed at assignment and no service
here ever changes it; delegation only moves `assignee`.

Every service locks the task row, checks who may act and whether the task's state allows it,
stores one TaskEvent, writes one audit row and tells the people concerned (the emails leave
after the commit, see `notification_send`).
"""

from __future__ import annotations

import calendar as pycalendar
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.roles import Role, has_role, is_province_wide
from congvu.calendars.selectors import work_calendar_get
from congvu.core.services import audit_record, notification_send, snapshot
from congvu.directives.models import (
    OPEN_TASK_STATUSES,
    Cycle,
    DirectingDocument,
    ExtensionRequest,
    OccurrenceStatus,
    Priority,
    ProgressReport,
    ReminderRung,
    ReminderSent,
    Schedule,
    Task,
    TaskEvent,
    TaskOccurrence,
    TaskStatus,
)
from congvu.lib.text import fold
from congvu.lib.workdays import WorkCalendar
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import official_of, responsibility_resolve

# Recurring obligations are created this many periods ahead, so that each shows on the
# calendars of the unit well before it is due.
PERIODS_AHEAD = 12


class TaskActionError(Exception):
    """The task's present state does not allow the action (HTTP 409 in the API)."""


# Who is who --------------------------------------------------------------------------------


_official = official_of


def official_works_in(official: Official | None, unit: Unit, day: dt.date | None = None) -> bool:
    """Whether `official` works in `unit` or one of its parts (main unit or a current post)."""
    if official is None:
        return False
    if official.unit.path.startswith(unit.path):
        return True
    return (
        Position.objects.active(day)
        .filter(official=official, unit__path__startswith=unit.path)
        .exists()
    )


def _user_works_in(user: Any, unit: Unit) -> bool:
    return official_works_in(_official(user), unit)


def _is_assigner(user: Any, task: Task) -> bool:
    return task.assigner_id is not None and task.assigner_id == getattr(user, "pk", None)


def _may_oversee(user: Any, task: Task) -> bool:
    """The assigner, or a province-wide role acting for the People's Committee."""
    return _is_assigner(user, task) or is_province_wide(user) or bool(user.is_superuser)


def _may_work_on(user: Any, task: Task) -> bool:
    """The assignee, the accountable head, or any official of the lead unit."""
    official = _official(user)
    if official is None:
        return False
    if official.pk in (task.assignee_id, task.accountable_head_id):
        return True
    return official_works_in(official, task.lead_unit)


def _users(*officials: Official | None) -> list[Any]:
    seen: dict[int, Any] = {}
    for official in officials:
        if official is not None and official.user_id is not None:
            seen.setdefault(official.user_id, official.user)
    return list(seen.values())


def _url(task: Task) -> str:
    return f"/tasks/{task.pk}/"


def _notify(users: Iterable[Any], *, actor: Any, title: str, task: Task, body: str = "") -> int:
    actor_pk = getattr(actor, "pk", None)
    unique: dict[int, Any] = {}
    for user in users:
        if user is not None and user.pk != actor_pk:
            unique.setdefault(user.pk, user)
    return notification_send(
        users=list(unique.values()), title=title, body=body or task.title, url=_url(task)
    )


def _event(task: Task, *, action: str, before: str, actor: Any, note: str = "") -> TaskEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=before,
        to_status=task.status,
        actor=user,
        actor_label=(user.get_username() if user is not None else "system")[:200],
        note=note,
    )


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("lead_unit").get(pk=task.pk)


def _deadline(calendar: WorkCalendar, day: dt.date) -> dt.datetime:
    # A deadline falling on a day off moves to the end of the next working day
    # (Bộ luật Dân sự 2015 Điều 148 khoản 5).
    return calendar.calendar_day_deadline(day, 0)


# Documents ---------------------------------------------------------------------------------


def _document_snapshot(document: DirectingDocument) -> dict[str, Any]:
    # A file field is stored by its name: the audit log holds JSON.
    data = snapshot(document, [f for f in DOCUMENT_FIELDS if f != "file"])
    data["file"] = document.file.name or ""
    return data


def _may_issue(user: Any) -> bool:
    return bool(user.is_superuser) or is_province_wide(user) or has_role(user, Role.HEAD)


@transaction.atomic
def document_create(
    *,
    actor: Any,
    number: str,
    kind: str,
    issuer: Unit,
    issued_on: dt.date,
    title: str,
    summary: str = "",
    signer: str = "",
    implements: Iterable[DirectingDocument] = (),
    implements_text: str = "",
    is_public: bool = False,
) -> DirectingDocument:
    """Record a directing document whose tasks are then assigned."""
    if not _may_issue(actor):
        raise PermissionDenied(
            _("Only the provincial office and heads record directing documents.")
        )
    document = DirectingDocument(
        number=number.strip(),
        kind=kind,
        issuer=issuer,
        issued_on=issued_on,
        title=title.strip(),
        summary=summary,
        signer=signer,
        implements_text=implements_text,
        is_public=is_public,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.search_text = fold(f"{document.number} {document.title} {document.summary}")
    document.full_clean()
    document.save()
    document.implements.set(list(implements))
    audit_record(
        actor=actor, action="document_create", obj=document, after=_document_snapshot(document)
    )
    return document


DOCUMENT_FIELDS = (
    "number",
    "kind",
    "issuer",
    "issued_on",
    "title",
    "summary",
    "signer",
    "implements_text",
    "is_public",
)


@transaction.atomic
def document_update(
    *,
    actor: Any,
    document: DirectingDocument,
    implements: Iterable[DirectingDocument] | None = None,
    **changes: Any,
) -> DirectingDocument:
    """Change a directing document's fields (those of DOCUMENT_FIELDS)."""
    if not _may_issue(actor):
        raise PermissionDenied(
            _("Only the provincial office and heads change directing documents.")
        )
    unknown = set(changes) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    document = DirectingDocument.objects.select_for_update().get(pk=document.pk)
    before = _document_snapshot(document)
    for name, value in changes.items():
        setattr(document, name, value)
    document.search_text = fold(f"{document.number} {document.title} {document.summary}")
    document.full_clean()
    document.save()
    if implements is not None:
        document.implements.set([d for d in implements if d.pk != document.pk])
    audit_record(
        actor=actor,
        action="document_update",
        obj=document,
        before=before,
        after=_document_snapshot(document),
    )
    return document


# Recurring obligations ---------------------------------------------------------------------


def _clamp(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, pycalendar.monthrange(year, month)[1]))


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def period_of(cycle: str, day: dt.date) -> tuple[int, int]:
    """(year, index) of the period holding `day`: month 1–12, quarter 1–4, half 1–2, 1."""
    if cycle == Cycle.MONTHLY:
        return day.year, day.month
    if cycle == Cycle.QUARTERLY:
        return day.year, (day.month - 1) // 3 + 1
    if cycle == Cycle.HALF_YEARLY:
        return day.year, 1 if day.month <= 6 else 2
    return day.year, 1


def period_next(cycle: str, year: int, index: int) -> tuple[int, int]:
    per_year = {"monthly": 12, "quarterly": 4, "half_yearly": 2}.get(str(cycle), 1)
    return (year + 1, 1) if index >= per_year else (year, index + 1)


def period_due(cycle: str, year: int, index: int, day: int) -> tuple[str, dt.date]:
    """The label and due date of one period's report.

    The rule: a monthly report is due on day N of its own month; a quarterly, half-yearly or
    yearly report on day N of the month after the period ends (reports on a period are written
    once it is over). A day N past the month's end means the month's last day.
    """
    if cycle == Cycle.MONTHLY:
        return f"{year:04d}-{index:02d}", _clamp(year, index, day)
    if cycle == Cycle.QUARTERLY:
        y, m = _month_after(year, index * 3)
        return f"{year:04d}-Q{index}", _clamp(y, m, day)
    if cycle == Cycle.HALF_YEARLY:
        y, m = _month_after(year, index * 6)
        return f"{year:04d}-H{index}", _clamp(y, m, day)
    return f"{year:04d}", _clamp(year + 1, 1, day)


def occurrences_plan(task: Task, *, today: dt.date) -> list[tuple[str, dt.date]]:
    """The periods of a recurring task from the one it was assigned in up to PERIODS_AHEAD
    periods past `today`, stopping at `cycle_until`."""
    if task.schedule != Schedule.RECURRING or not task.cycle or not task.cycle_day:
        return []
    start = timezone.localtime(task.assigned_at).date()
    year, index = period_of(task.cycle, start)
    now_year, now_index = period_of(task.cycle, today)
    ahead = 0
    plan: list[tuple[str, dt.date]] = []
    # A hard bound: a task running for decades is a data error, not a reason to loop.
    for _step in range(12 * 50):
        label, due = period_due(task.cycle, year, index, task.cycle_day)
        if task.cycle_until is not None and due > task.cycle_until:
            break
        if (year, index) >= (now_year, now_index):
            ahead += 1
            if ahead > PERIODS_AHEAD:
                break
        if due >= start:
            plan.append((label, due))
        year, index = period_next(task.cycle, year, index)
    return plan


def _occurrences_ensure(task: Task, *, today: dt.date, calendar: WorkCalendar) -> int:
    plan = occurrences_plan(task, today=today)
    if not plan:
        return 0
    have = set(TaskOccurrence.objects.filter(task=task).values_list("period", flat=True))
    new = [
        TaskOccurrence(task=task, period=label, due_on=due, due_at=_deadline(calendar, due))
        for label, due in plan
        if label not in have
    ]
    # Two sweeps may add the same period; the unique (task, period) keeps one.
    TaskOccurrence.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# Tasks -------------------------------------------------------------------------------------


def _may_assign(user: Any, lead_unit: Unit, parent: Task | None) -> bool:
    if user.is_superuser or is_province_wide(user):
        return True
    if has_role(user, Role.HEAD, Role.UNIT_LEADER):
        return True
    # A unit breaks its own task into subtasks.
    return parent is not None and _may_work_on(user, parent)


@transaction.atomic
def task_assign(
    *,
    actor: Any,
    lead_unit: Unit,
    title: str,
    content: str = "",
    document: DirectingDocument | None = None,
    parent: Task | None = None,
    coordinating_units: Iterable[Unit] = (),
    assignee: Official | None = None,
    priority: str = Priority.NORMAL,
    schedule: str = Schedule.DUE_DATE,
    due_on: dt.date | None = None,
    cycle: str = "",
    cycle_day: int | None = None,
    cycle_until: dt.date | None = None,
    weight: int = 1,
    number: str = "",
) -> Task:
    """Assign a task to `lead_unit`.

    The head of the lead unit at this moment becomes the accountable head and stays so
    (Chỉ thị 15/CT-UBND); the work goes to `assignee`, by default whoever acts for the head on
    tasks now (the head, or a deputy under a delegation in force).
    """
    if not _may_assign(actor, lead_unit, parent):
        raise PermissionDenied(_("You may not assign tasks."))
    now = timezone.now()
    responsibility = responsibility_resolve(unit=lead_unit, at=now, scope=Delegation.Scope.TASKS)
    if responsibility.accountable is None:
        raise ValidationError(
            {"lead_unit": _("The lead unit has no head to answer for the task; appoint one first.")}
        )
    if assignee is not None and not (
        assignee.pk == responsibility.accountable.pk or official_works_in(assignee, lead_unit)
    ):
        raise ValidationError({"assignee": _("The assignee must be an official of the lead unit.")})
    if schedule == Schedule.DUE_DATE and due_on is None:
        raise ValidationError({"due_on": _("A task with a due date needs the date.")})
    if schedule == Schedule.RECURRING and (not cycle or not cycle_day):
        raise ValidationError(
            {"cycle": _("A recurring report needs its cycle and the day it is due.")}
        )
    if cycle_day is not None and not 1 <= cycle_day <= 31:
        raise ValidationError({"cycle_day": _("The day of the month must be between 1 and 31.")})
    if weight < 1:
        raise ValidationError({"weight": _("The weight must be at least 1.")})
    calendar = work_calendar_get()
    task = Task(
        document=document,
        parent=parent,
        number=number,
        title=title.strip(),
        content=content,
        lead_unit=lead_unit,
        accountable_head=responsibility.accountable,
        assignee=assignee or responsibility.acting,
        assigner=actor if getattr(actor, "is_authenticated", False) else None,
        priority=priority,
        schedule=schedule,
        due_on=due_on,
        due_at=_deadline(calendar, due_on) if due_on else None,
        original_due_on=due_on,
        cycle=cycle,
        cycle_day=cycle_day,
        cycle_until=cycle_until,
        weight=weight,
        assigned_at=now,
    )
    task.full_clean()
    task.save()
    task.coordinating_units.set([u for u in coordinating_units if u.pk != lead_unit.pk])
    _occurrences_ensure(task, today=timezone.localdate(now), calendar=calendar)
    _event(task, action="assign", before="", actor=actor)
    audit_record(actor=actor, action="task_assign", obj=task, after=snapshot(task))
    if parent is not None:
        _progress_roll_up(parent)
    _notify(
        _users(task.assignee, task.accountable_head),
        actor=actor,
        title=_("New task: %(title)s") % {"title": task.title},
        task=task,
    )
    return task


def _may_hand_over(user: Any, task: Task) -> bool:
    if user.is_superuser or is_province_wide(user):
        return True
    official = _official(user)
    if official is None:
        return False
    if official.pk == task.accountable_head_id:
        return True
    acting = responsibility_resolve(
        unit=task.lead_unit, at=timezone.now(), scope=Delegation.Scope.TASKS
    ).acting
    return acting is not None and acting.pk == official.pk


@transaction.atomic
def task_delegate(*, actor: Any, task: Task, assignee: Official) -> Task:
    """Hand the task to a deputy or an official of the lead unit. The accountable head does not
    change: the head still answers for the task (Chỉ thị 15/CT-UBND)."""
    task = _lock(task)
    if not _may_hand_over(actor, task):
        raise PermissionDenied(_("Only the accountable head or whoever acts for them may do this."))
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskActionError(_("The task is closed."))
    if assignee.pk != task.accountable_head_id and not official_works_in(assignee, task.lead_unit):
        raise ValidationError({"assignee": _("The assignee must be an official of the lead unit.")})
    if assignee.pk == task.assignee_id:
        raise TaskActionError(_("The task is already with this official."))
    before = snapshot(task)
    previous = task.assignee
    task.assignee = assignee
    task.full_clean()
    task.save(update_fields=["assignee"])
    _event(task, action="delegate", before=task.status, actor=actor, note=assignee.full_name)
    audit_record(actor=actor, action="task_delegate", obj=task, before=before, after=snapshot(task))
    _notify(
        _users(assignee, previous, task.accountable_head),
        actor=actor,
        title=_("Task handed to %(name)s: %(title)s")
        % {"name": assignee.full_name, "title": task.title},
        task=task,
    )
    return task


@transaction.atomic
def task_acknowledge(*, actor: Any, task: Task) -> Task:
    """The lead unit confirms it has received the task."""
    task = _lock(task)
    if not _may_work_on(actor, task):
        raise PermissionDenied(_("Only the lead unit acknowledges its tasks."))
    if task.status != TaskStatus.ASSIGNED:
        raise TaskActionError(_("Only a newly assigned task can be acknowledged."))
    before = snapshot(task)
    task.status = TaskStatus.ACKNOWLEDGED
    task.save(update_fields=["status"])
    _event(task, action="acknowledge", before=TaskStatus.ASSIGNED, actor=actor)
    audit_record(
        actor=actor, action="task_acknowledge", obj=task, before=before, after=snapshot(task)
    )
    return task


def _progress_roll_up(parent: Task | None) -> None:
    """parent.progress = round(Σ wᵢ·pᵢ / Σ wᵢ) over its live subtasks, up the tree."""
    while parent is not None:
        totals = (
            Task.objects.filter(parent=parent)
            .exclude(status=TaskStatus.CANCELLED)
            .aggregate(weights=Sum("weight"), weighted=Sum(F("weight") * F("progress")))
        )
        weights = totals["weights"] or 0
        if not weights:
            return
        progress = round((totals["weighted"] or 0) / weights)
        Task.objects.filter(pk=parent.pk).update(progress=progress)
        parent = Task.objects.filter(pk=parent.parent_id).first() if parent.parent_id else None


@transaction.atomic
def task_report_progress(
    *,
    actor: Any,
    task: Task,
    percent: int,
    text: str,
    file: Any = None,
    occurrence: TaskOccurrence | None = None,
    is_completion: bool = False,
) -> ProgressReport:
    """Report progress; a completion report asks the assigner to accept the task, a report on
    an obligation of a recurring task fulfils that period."""
    task = _lock(task)
    if not _may_work_on(actor, task):
        raise PermissionDenied(_("Only the assignee or the lead unit reports on a task."))
    if task.status not in (
        TaskStatus.ASSIGNED,
        TaskStatus.ACKNOWLEDGED,
        TaskStatus.IN_PROGRESS,
    ):
        raise TaskActionError(_("The task is not open for reports."))
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress must be between 0 and 100.")})
    if not text.strip():
        raise ValidationError({"text": _("Write what has been done.")})
    now = timezone.now()
    if occurrence is not None:
        occurrence = TaskOccurrence.objects.select_for_update().filter(pk=occurrence.pk).first()
        if occurrence is None or occurrence.task_id != task.pk:
            raise ValidationError({"occurrence": _("This period is not one of the task's.")})
        if occurrence.status != OccurrenceStatus.PENDING:
            raise TaskActionError(_("This period has already been reported."))
    before = snapshot(task)
    previous = task.status
    report = ProgressReport(
        task=task,
        occurrence=occurrence,
        author=actor,
        at=now,
        percent=100 if is_completion else percent,
        text=text,
        is_completion=is_completion,
    )
    if file is not None:
        report.file = file
    report.full_clean()
    report.save()
    if occurrence is not None:
        occurrence.status = OccurrenceStatus.REPORTED
        occurrence.reported_at = now
        occurrence.save(update_fields=["status", "reported_at"])
    task.progress = report.percent
    if is_completion:
        task.status = TaskStatus.REPORTED
        task.completed_at = now
    else:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["progress", "status", "completed_at"])
    _event(
        task,
        action="report_completion" if is_completion else "report",
        before=previous,
        actor=actor,
        note=f"{report.percent}%" + (f" · {occurrence.period}" if occurrence else ""),
    )
    audit_record(
        actor=actor, action="task_report_progress", obj=task, before=before, after=snapshot(task)
    )
    if task.parent_id:
        _progress_roll_up(task.parent)
    if is_completion or occurrence is not None:
        _notify(
            [task.assigner, *_users(task.accountable_head)],
            actor=actor,
            title=_("Reported: %(title)s") % {"title": task.title},
            task=task,
        )
    return report


@transaction.atomic
def task_accept(*, actor: Any, task: Task, quality: int) -> Task:
    """The assigner accepts the reported work and grades it 1–5."""
    task = _lock(task)
    if not _may_oversee(actor, task):
        raise PermissionDenied(_("Only the assigner accepts a task."))
    if task.status != TaskStatus.REPORTED:
        raise TaskActionError(_("Only a task reported as done can be accepted."))
    if not 1 <= int(quality) <= 5:
        raise ValidationError({"quality": _("Quality is graded from 1 to 5.")})
    before = snapshot(task)
    task.status = TaskStatus.ACCEPTED
    task.accepted_at = timezone.now()
    task.quality = int(quality)
    task.full_clean()
    task.save(update_fields=["status", "accepted_at", "quality"])
    _event(task, action="accept", before=TaskStatus.REPORTED, actor=actor, note=str(quality))
    audit_record(actor=actor, action="task_accept", obj=task, before=before, after=snapshot(task))
    _notify(
        _users(task.assignee, task.accountable_head),
        actor=actor,
        title=_("Accepted: %(title)s") % {"title": task.title},
        task=task,
    )
    return task


@transaction.atomic
def task_send_back(*, actor: Any, task: Task, note: str) -> Task:
    """The assigner returns reported work to be done again; the deadline still runs."""
    task = _lock(task)
    if not _may_oversee(actor, task):
        raise PermissionDenied(_("Only the assigner sends a task back."))
    if task.status != TaskStatus.REPORTED:
        raise TaskActionError(_("Only a task reported as done can be sent back."))
    if not note.strip():
        raise ValidationError({"note": _("Say what is still missing.")})
    before = snapshot(task)
    task.status = TaskStatus.IN_PROGRESS
    task.completed_at = None
    task.save(update_fields=["status", "completed_at"])
    _event(task, action="send_back", before=TaskStatus.REPORTED, actor=actor, note=note)
    audit_record(
        actor=actor, action="task_send_back", obj=task, before=before, after=snapshot(task)
    )
    _notify(
        _users(task.assignee, task.accountable_head),
        actor=actor,
        title=_("Sent back: %(title)s") % {"title": task.title},
        body=note,
        task=task,
    )
    return task


@transaction.atomic
def task_request_extension(
    *, actor: Any, task: Task, proposed_due_on: dt.date, reason: str
) -> ExtensionRequest:
    """Ask the assigner for a later deadline."""
    task = _lock(task)
    if not _may_work_on(actor, task):
        raise PermissionDenied(_("Only the lead unit asks to extend its task."))
    if task.status not in OPEN_TASK_STATUSES or task.status == TaskStatus.REPORTED:
        raise TaskActionError(_("The task is not open."))
    if task.schedule != Schedule.DUE_DATE or task.due_on is None:
        raise TaskActionError(_("Only a task with a due date can be extended."))
    if ExtensionRequest.objects.filter(
        task=task, decision=ExtensionRequest.Decision.PENDING
    ).exists():
        raise TaskActionError(_("A request to extend this task is already waiting."))
    if proposed_due_on <= task.due_on:
        raise ValidationError(
            {"proposed_due_on": _("The proposed deadline must be later than the present one.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    request = ExtensionRequest(
        task=task,
        requested_by=actor,
        previous_due_on=task.due_on,
        proposed_due_on=proposed_due_on,
        reason=reason,
    )
    request.full_clean()
    request.save()
    _event(
        task,
        action="request_extension",
        before=task.status,
        actor=actor,
        note=f"{task.due_on:%d/%m/%Y} → {proposed_due_on:%d/%m/%Y}: {reason}",
    )
    audit_record(actor=actor, action="task_request_extension", obj=request, after=snapshot(request))
    _notify(
        [task.assigner],
        actor=actor,
        title=_("Extension requested: %(title)s") % {"title": task.title},
        body=reason,
        task=task,
    )
    return request


@transaction.atomic
def task_decide_extension(
    *, actor: Any, request: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The assigner grants or refuses an extension. The original deadline stays recorded in
    `original_due_on`, for the evaluation of the unit."""
    task = _lock(request.task)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if not (_is_assigner(actor, task) or actor.is_superuser):
        raise PermissionDenied(_("Only the assigner decides on an extension."))
    if request.decision != ExtensionRequest.Decision.PENDING:
        raise TaskActionError(_("This request has already been decided."))
    if approve and (task.status not in OPEN_TASK_STATUSES or task.status == TaskStatus.REPORTED):
        raise TaskActionError(_("The task is not open."))
    before = snapshot(task)
    request.decision = (
        ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    )
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    if approve:
        task.due_on = request.proposed_due_on
        task.due_at = _deadline(work_calendar_get(), request.proposed_due_on)
        task.original_due_on = task.original_due_on or request.previous_due_on
        task.extension_count += 1
        task.full_clean()
        task.save(update_fields=["due_on", "due_at", "original_due_on", "extension_count"])
    _event(
        task,
        action="extend" if approve else "refuse_extension",
        before=task.status,
        actor=actor,
        note=f"{request.previous_due_on:%d/%m/%Y} → {request.proposed_due_on:%d/%m/%Y} {note}",
    )
    audit_record(
        actor=actor,
        action="task_decide_extension",
        obj=task,
        before=before,
        after={**snapshot(task), "request": request.pk, "decision": request.decision},
    )
    title = _("Extension granted: %(title)s") if approve else _("Extension refused: %(title)s")
    _notify(
        [request.requested_by, *_users(task.assignee, task.accountable_head)],
        actor=actor,
        title=title % {"title": task.title},
        body=note,
        task=task,
    )
    return request


@transaction.atomic
def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    """Withdraw a task that is no longer needed."""
    task = _lock(task)
    if not _may_oversee(actor, task):
        raise PermissionDenied(_("Only the assigner cancels a task."))
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskActionError(_("The task is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = snapshot(task)
    previous = task.status
    task.status = TaskStatus.CANCELLED
    task.cancelled_reason = reason
    task.save(update_fields=["status", "cancelled_reason"])
    _event(task, action="cancel", before=previous, actor=actor, note=reason)
    audit_record(actor=actor, action="task_cancel", obj=task, before=before, after=snapshot(task))
    if task.parent_id:
        _progress_roll_up(task.parent)
    _notify(
        _users(task.assignee, task.accountable_head),
        actor=actor,
        title=_("Cancelled: %(title)s") % {"title": task.title},
        body=reason,
        task=task,
    )
    return task


# Reminders and escalation ------------------------------------------------------------------


@dataclasses.dataclass
class SweepResult:
    tasks_examined: int = 0
    occurrences_examined: int = 0
    reminders_sent: int = 0
    notifications: int = 0
    occurrences_created: int = 0


def _working_day_before(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    for _step in range(n):
        day = calendar.previous_working_day(day)
    return day


def rung_moment(calendar: WorkCalendar, deadline: dt.datetime, offset: int) -> dt.datetime:
    """When a rung `offset` working days from `deadline` is due: the same time of day on the
    working day that many working days after (or before) the deadline's day."""
    if offset == 0:
        return deadline
    local = timezone.localtime(deadline, calendar.tz)
    if offset > 0:
        day = calendar.nth_working_day_after(local.date(), offset)
    else:
        day = _working_day_before(calendar, local.date(), -offset)
    return calendar.aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))


def _ladders() -> dict[str, list[ReminderRung]]:
    ladders: dict[str, list[ReminderRung]] = {}
    for rung in ReminderRung.objects.order_by("offset_working_days"):
        ladders.setdefault(rung.priority, []).append(rung)
    return ladders


@dataclasses.dataclass
class _Due:
    """The rungs due now for one deadline: a task's, or one obligation's."""

    task: Task
    occurrence: TaskOccurrence | None
    deadline: dt.datetime
    rungs: list[ReminderRung]

    def rows(self, now: dt.datetime) -> list[ReminderSent]:
        return [
            ReminderSent(
                task=self.task,
                occurrence=self.occurrence,
                rung=rung,
                deadline=self.deadline,
                sent_at=now,
            )
            for rung in self.rungs
        ]


def _record_one(item: _Due, now: dt.datetime) -> list[ReminderRung]:
    won = []
    for rung, row in zip(item.rungs, item.rows(now), strict=True):
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        won.append(rung)
    return won


@transaction.atomic
def _fire(items: list[_Due], *, now: dt.datetime, result: SweepResult) -> None:
    """Record every due rung not yet sent and notify for the latest one this sweep won.

    A task first seen late (created past its rungs, or a sweep that did not run for a day) gets
    one message for its latest rung, not one per rung missed. The rungs of a whole batch are
    inserted at once in a savepoint; if that fails, a concurrent sweep got some of them first,
    and each is then inserted in a savepoint of its own, an IntegrityError meaning "already
    sent". Only the sweep whose insert succeeded tells anyone: each rung fires exactly once.
    """
    won: list[tuple[_Due, list[ReminderRung]]]
    try:
        with transaction.atomic():
            ReminderSent.objects.bulk_create([row for item in items for row in item.rows(now)])
        won = [(item, item.rungs) for item in items]
    except IntegrityError:
        won = [(item, _record_one(item, now)) for item in items]
    for item, rungs in won:
        result.reminders_sent += len(rungs)
        if rungs and rungs[-1] is item.rungs[-1]:
            result.notifications += _remind(item, rungs[-1])


def _remind(item: _Due, rung: ReminderRung) -> int:
    task, occurrence = item.task, item.occurrence
    users: list[Any] = []
    if rung.to_assignee:
        users += _users(task.assignee)
    if rung.to_head:
        users += _users(task.accountable_head)
    if rung.to_assigner and task.assigner is not None:
        users.append(task.assigner)
    unique = list({u.pk: u for u in users}.values())
    label = timezone.localtime(item.deadline).strftime("%d/%m/%Y %H:%M")
    what = task.title + (f" ({occurrence.period})" if occurrence else "")
    if rung.offset_working_days < 0:
        title = _("Due %(when)s: %(title)s") % {"when": label, "title": what}
    elif rung.offset_working_days == 0:
        title = _("Due now: %(title)s") % {"title": what}
    else:
        title = _("Overdue %(days)d working day(s): %(title)s") % {
            "days": rung.offset_working_days,
            "title": what,
        }
    return notification_send(users=unique, title=title, body=task.title, url=_url(task))


def _due_rungs(
    calendar: WorkCalendar,
    ladder: list[ReminderRung],
    deadline: dt.datetime,
    sent: set[int],
    now: dt.datetime,
    memo: dict[tuple[dt.datetime, int], dt.datetime],
) -> list[ReminderRung]:
    due = []
    for rung in ladder:
        key = (deadline, rung.offset_working_days)
        moment = memo.get(key)
        if moment is None:
            moment = memo[key] = rung_moment(calendar, deadline, rung.offset_working_days)
        if moment <= now and rung.pk not in sent:
            due.append(rung)
    return due


def _unsent_q(
    *,
    ladders: dict[str, list[ReminderRung]],
    deadlines: list[dt.datetime],
    now: dt.datetime,
    calendar: WorkCalendar,
    memo: dict[tuple[dt.datetime, int], dt.datetime],
    occurrence: bool,
) -> Q:
    """Items whose latest rung due now has not been recorded yet.

    Each sweep records every due rung of an item at once, so once the latest due rung of a
    deadline is recorded the item has nothing left to send until its next rung: it is left
    out in SQL instead of being loaded every run. The rung due last is the same over a run of
    consecutive deadlines, so the filter is a handful of ranges, not one term a deadline.
    """
    condition = Q(pk__in=[])
    for priority, ladder in ladders.items():
        runs: list[tuple[ReminderRung, dt.datetime, dt.datetime]] = []
        previous: ReminderRung | None = None
        for deadline in deadlines:
            latest = None
            for rung in ladder:
                key = (deadline, rung.offset_working_days)
                if key not in memo:
                    memo[key] = rung_moment(calendar, deadline, rung.offset_working_days)
                if memo[key] <= now:
                    latest = rung
            if latest is not None and latest is previous:
                runs[-1] = (latest, runs[-1][1], deadline)
            elif latest is not None:
                runs.append((latest, deadline, deadline))
            previous = latest
        for rung, low, high in runs:
            if occurrence:
                fired = ReminderSent.objects.filter(occurrence=OuterRef("pk"), rung=rung)
                own = Q(task__priority=priority, due_at__gte=low, due_at__lte=high)
            else:
                fired = ReminderSent.objects.filter(
                    task=OuterRef("pk"), rung=rung, deadline=OuterRef("due_at"), occurrence=None
                )
                own = Q(priority=priority, due_at__gte=low, due_at__lte=high)
            condition |= Q(own, ~Exists(fired))
    return condition


BATCH = 2000


def tasks_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Send the reminders and escalations that are due, and create the coming obligations of
    recurring tasks. Idempotent, and safe to run in several processes at once."""
    now = now or timezone.now()
    calendar = work_calendar_get()
    result = SweepResult()
    ladders = _ladders()
    today = timezone.localtime(now, calendar.tz).date()

    for task in Task.objects.open().filter(schedule=Schedule.RECURRING).iterator():
        with transaction.atomic():
            result.occurrences_created += _occurrences_ensure(task, today=today, calendar=calendar)

    if not ladders:
        return result
    before = max(0, -min(r.offset_working_days for ladder in ladders.values() for r in ladder))
    # A deadline beyond the reach of the earliest rung (7 working days before) has no rung
    # due yet: the partial index of open deadlines is read only up to there.
    horizon = calendar.end_of_day(calendar.nth_working_day_after(today, before + 1))
    memo: dict[tuple[dt.datetime, int], dt.datetime] = {}

    open_tasks = Task.objects.open().filter(
        schedule=Schedule.DUE_DATE, due_at__isnull=False, due_at__lte=horizon
    )
    deadlines = list(open_tasks.order_by("due_at").values_list("due_at", flat=True).distinct())
    unsent = _unsent_q(
        ladders=ladders,
        deadlines=[d for d in deadlines if d is not None],
        now=now,
        calendar=calendar,
        memo=memo,
        occurrence=False,
    )
    tasks = (
        open_tasks.filter(unsent)
        .select_related("assignee__user", "accountable_head__user", "assigner")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(tasks.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        sent = _sent_for(batch)
        items: list[_Due] = []
        for task in batch:
            result.tasks_examined += 1
            assert task.due_at is not None
            due = _due_rungs(
                calendar,
                ladders.get(task.priority, []),
                task.due_at,
                sent.get(task.pk, set()),
                now,
                memo,
            )
            if due:
                items.append(_Due(task, None, task.due_at, due))
        if items:
            _fire(items, now=now, result=result)

    open_obligations = TaskOccurrence.objects.filter(
        status=OccurrenceStatus.PENDING, due_at__lte=horizon, task__status__in=OPEN_TASK_STATUSES
    )
    obligation_deadlines = list(
        open_obligations.order_by("due_at").values_list("due_at", flat=True).distinct()
    )
    unsent = _unsent_q(
        ladders=ladders,
        deadlines=obligation_deadlines,
        now=now,
        calendar=calendar,
        memo=memo,
        occurrence=True,
    )
    occurrences = (
        open_obligations.filter(unsent)
        .select_related("task__assignee__user", "task__accountable_head__user", "task__assigner")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        obligations = list(occurrences.filter(pk__gt=last_pk)[:BATCH])
        if not obligations:
            break
        last_pk = obligations[-1].pk
        fired: dict[int, set[int]] = {}
        for occurrence_id, rung_id in ReminderSent.objects.filter(
            occurrence__in=[o.pk for o in obligations]
        ).values_list("occurrence_id", "rung_id"):
            fired.setdefault(occurrence_id, set()).add(rung_id)
        items = []
        for occurrence in obligations:
            result.occurrences_examined += 1
            due = _due_rungs(
                calendar,
                ladders.get(occurrence.task.priority, []),
                occurrence.due_at,
                fired.get(occurrence.pk, set()),
                now,
                memo,
            )
            if due:
                items.append(_Due(occurrence.task, occurrence, occurrence.due_at, due))
        if items:
            _fire(items, now=now, result=result)
    return result


def _sent_for(batch: list[Task]) -> dict[int, set[int]]:
    """Rungs already fired for each task's present deadline; rungs of an earlier deadline
    (before an extension) do not count for the new one."""
    deadlines = {t.pk: t.due_at for t in batch}
    sent: dict[int, set[int]] = {}
    for task_id, rung_id, deadline in ReminderSent.objects.filter(
        task__in=list(deadlines), occurrence=None
    ).values_list("task_id", "rung_id", "deadline"):
        if deadlines.get(task_id) == deadline:
            sent.setdefault(task_id, set()).add(rung_id)
    return sent
