"""Read-only helpers for the task pages.

The services and selectors of this app own every write and the main reads; the pages call
them through `call_service` and `selector`, which pass only the keyword arguments a function
declares, so a page keeps working while a signature grows. What the pages need and the
selectors do not say (which actions a reader may take now, how a timeliness is shown, the
board's and desk's table rows) is computed here, read-only, from the stored columns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.accounts.roles import Role, has_role, is_province_wide
from congvu.calendars.selectors import work_calendar_get
from congvu.directives import selectors
from congvu.directives.models import (
    OPEN_TASK_STATUSES,
    DirectingDocument,
    ExtensionRequest,
    Schedule,
    Task,
    TaskStatus,
)
from congvu.lib.text import fold
from congvu.organizations.models import Official
from congvu.organizations.selectors import official_of

TIMELINESS_LABELS = {
    "on_time": _("On time"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "done_on_time": _("Done on time"),
    "done_late": _("Done late"),
    "ongoing": _("Ongoing"),
    "cancelled": _("Cancelled"),
}
TIMELINESS_BADGES = {
    "on_time": "badge-on_time",
    "due_soon": "badge-warn",
    "overdue": "badge-err",
    "done_on_time": "badge-on_time",
    "done_late": "badge-late",
    "ongoing": "badge-status",
    "cancelled": "",
}


def service(name: str) -> Callable[..., Any] | None:
    from congvu.directives import services

    return getattr(services, name, None)


def accepted_kwargs(function: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    """The part of `kwargs` that `function` declares (all of it if it takes **kwargs)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in parameters}


class ServiceMissingError(Exception):
    """The service the page needs is not there (the app is being upgraded)."""


def call_service(name: str, **kwargs: Any) -> Any:
    function = service(name)
    if function is None:
        raise ServiceMissingError(name)
    return function(**accepted_kwargs(function, **kwargs))


# -- who sees what ----------------------------------------------------------------------------


def tasks_visible(user: Any) -> QuerySet[Task]:
    """Every task the user may see: the app's one scoping rule."""
    return Task.objects.visible_to(user)


def documents_visible(user: Any) -> QuerySet[DirectingDocument]:
    return selectors.document_list(user=user)


def may_assign(user: Any) -> bool:
    return has_role(user, Role.PROVINCIAL_OFFICE, Role.HEAD, Role.ADMINISTRATOR)


def may_see_board(user: Any) -> bool:
    return is_province_wide(user)


# -- timeliness -------------------------------------------------------------------------------


def due_soon_limit(now: dt.datetime) -> dt.datetime:
    """The moment up to which an open deadline counts as "due soon", computed once a page."""
    calendar = work_calendar_get()
    local = timezone.localtime(now, calendar.tz)
    day = calendar.nth_working_day_after(local.date(), selectors.DUE_SOON_WORKING_DAYS)
    return calendar.end_of_day(day)


def timeliness(task: Task, now: dt.datetime | None = None, soon: dt.datetime | None = None) -> str:
    """One of TIMELINESS_LABELS' keys; a cancelled task shows as cancelled.

    With `soon` given (a page of many rows), the selector's rule is applied against it, so the
    working calendar is read once a page rather than once a row."""
    now = now or timezone.now()
    if task.status == TaskStatus.CANCELLED:
        return "cancelled"
    if soon is None:
        return selectors.task_timeliness(task, now)
    if task.status in selectors.DONE and task.completed_at is not None:
        if task.due_at is None or task.completed_at <= task.due_at:
            return "done_on_time"
        return "done_late"
    if task.status not in selectors.WORKING or task.due_at is None:
        return "on_time"
    if task.due_at < now:
        return "overdue"
    return "due_soon" if task.due_at <= soon else "on_time"


@dataclasses.dataclass
class Row:
    """A task as one line of a table."""

    task: Task
    timeliness: str

    @property
    def label(self) -> str:
        return str(TIMELINESS_LABELS.get(self.timeliness, self.timeliness))

    @property
    def badge(self) -> str:
        return TIMELINESS_BADGES.get(self.timeliness, "")


def rows(tasks: Iterable[Task], now: dt.datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    soon = due_soon_limit(now)
    return [Row(task=t, timeliness=timeliness(t, now, soon)) for t in tasks]


def with_people(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related(
        "document", "lead_unit", "accountable_head", "assignee", "parent"
    ).prefetch_related("coordinating_units")


# -- board ------------------------------------------------------------------------------------


BOARD_SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda line: fold(line["name"]),
    "assigned": lambda line: -line["assigned"],
    "overdue": lambda line: -line["overdue"],
    "rate": lambda line: (line["on_time_rate"] is None, line["on_time_rate"] or 0),
}


@dataclasses.dataclass
class BoardPage:
    board: selectors.Board
    by_document: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    overdue: list[Row]


def board_page(
    *,
    start: dt.date,
    end: dt.date,
    document: DirectingDocument | None = None,
    sort: str = "name",
    now: dt.datetime | None = None,
) -> BoardPage:
    """The selector's board, its lines named and sorted as asked."""
    now = now or timezone.now()
    data = selectors.board(start=start, end=end, document=document, now=now)
    by_document = [
        {**line, "name": f"{line['document__number']} {line['document__title']}"}
        if line["document_id"]
        else {**line, "name": str(_("Tasks assigned directly"))}
        for line in data.by_document
    ]
    by_unit = [{**line, "name": line["lead_unit__name"]} for line in data.by_unit]
    key = BOARD_SORTS.get(sort, BOARD_SORTS["name"])
    by_document.sort(key=key)
    by_unit.sort(key=key)
    return BoardPage(
        board=data, by_document=by_document, by_unit=by_unit, overdue=rows(data.overdue, now)
    )


# -- what the reader may do -------------------------------------------------------------------


def task_actions(*, task: Task, user: Any) -> list[str]:
    """The actions `user` may take on `task` now, by the rules the services apply (and check
    again)."""
    from congvu.directives import services

    official = official_of(user)
    mine = official is not None and official.pk == task.assignee_id
    head = official is not None and official.pk == task.accountable_head_id
    in_lead = not (mine or head) and services.official_works_in(official, task.lead_unit)
    giver = task.assigner_id == getattr(user, "pk", None) or is_province_wide(user)
    is_open = task.status in OPEN_TASK_STATUSES
    actions: list[str] = []
    if mine and task.status == TaskStatus.ASSIGNED:
        actions.append("acknowledge")
    if (mine or head or in_lead) and is_open and task.status != TaskStatus.REPORTED:
        actions.append("report")
        if task.schedule == Schedule.DUE_DATE and task.due_on is not None:
            actions.append("request_extension")
    if (head or is_province_wide(user) or (mine and has_role(user, Role.UNIT_LEADER))) and is_open:
        actions.append("delegate")
    if giver and task.status == TaskStatus.REPORTED:
        actions += ["accept", "send_back"]
    if (
        giver
        and task.extension_requests.filter(decision=ExtensionRequest.Decision.PENDING).exists()
    ):
        actions.append("decide_extension")
    if giver and is_open:
        actions.append("cancel")
    return actions


def deputies_of(unit: Any) -> QuerySet[Official]:
    """The officials of a lead unit and its parts, whom a task may be handed to."""
    return Official.objects.filter(unit__path__startswith=unit.path).order_by("full_name")
