"""The task pages: one's tasks, directing documents, the task page with the actions its reader
may take, the head's desk, the provincial office's board, a unit's scorecard, assigning and
importing tasks, and the public progress of a public document.

Views read through `pages` (which asks the selectors) and write through the services; what a
reader may do is asked of `pages.task_actions`, never decided here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congvu.accounts.roles import is_province_wide
from congvu.core.routers import replica_reads
from congvu.directives import exports, pages, selectors, services
from congvu.directives.forms import (
    AcceptForm,
    DelegateForm,
    DocumentSearchForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    ImportForm,
    NoteForm,
    PeriodForm,
    ReportForm,
    TaskAssignForm,
)
from congvu.directives.models import DirectingDocument, ExtensionRequest, Task, TaskStatus
from congvu.lib.text import fold
from congvu.organizations.models import Unit

# How the steps of a task's history read; an action not listed shows as stored.
EVENT_LABELS = {
    "assign": gettext_lazy("Assigned"),
    "delegate": gettext_lazy("Handed to an official"),
    "acknowledge": gettext_lazy("Acknowledged"),
    "report": gettext_lazy("Progress reported"),
    "report_completion": gettext_lazy("Completion reported"),
    "accept": gettext_lazy("Accepted"),
    "send_back": gettext_lazy("Sent back"),
    "request_extension": gettext_lazy("Extension requested"),
    "extend": gettext_lazy("Deadline extended"),
    "refuse_extension": gettext_lazy("Extension refused"),
    "cancel": gettext_lazy("Cancelled"),
}
STATUS_LABELS = dict(TaskStatus.choices)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLL_UP_RULE = "Σ weight × progress / Σ weight"


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    task = (
        pages.with_people(pages.tasks_visible(request.user))
        .select_related("assigner", "document__issuer")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404(_("No such task, or it is not yours to see."))
    return task


def _document_or_404(request: HttpRequest, pk: int) -> DirectingDocument:
    document = pages.documents_visible(request.user).filter(pk=pk).select_related("issuer").first()
    if document is None:
        raise Http404(_("No such document, or it is not yours to see."))
    return document


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, str]:
    """The period asked for, this year by default."""
    today = timezone.localdate()
    first, last = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    data = request.GET.copy()
    for name, default in (("start", first), ("end", last)):
        if not data.get(name):
            data[name] = default.strftime("%d/%m/%Y")
    form = PeriodForm(data)
    if form.is_valid():
        cd = form.cleaned_data
        return form, cd["start"], cd["end"], cd.get("sort") or "name"
    return form, first, last, "name"


# -- lists ------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My tasks: those I act on, answer for, or my unit leads."""
    official = pages.official_of(request.user)
    tasks: QuerySet[Task] = Task.objects.none()
    if official is not None:
        tasks = pages.tasks_visible(request.user).filter(
            Q(assignee=official) | Q(accountable_head=official) | Q(lead_unit=official.unit_id)
        )
    show = request.GET.get("show", "open")
    if show != "all":
        tasks = tasks.exclude(status__in=[TaskStatus.ACCEPTED, TaskStatus.CANCELLED])
    listed = pages.rows(pages.with_people(tasks).order_by("due_at", "id")[:300])
    return render(
        request,
        "directives/mine.html",
        {
            "rows": listed,
            "show": show,
            "may_assign": pages.may_assign(request.user),
            "may_see_board": pages.may_see_board(request.user),
            "official": official,
        },
    )


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    form = DocumentSearchForm(request.GET)
    found = pages.documents_visible(request.user).select_related("issuer")
    query = ""
    if form.is_valid() and form.cleaned_data["q"]:
        query = fold(form.cleaned_data["q"])
        for word in query.split():
            found = found.filter(search_text__contains=word)
    return render(
        request,
        "directives/documents.html",
        {"form": form, "documents": found[:200], "query": query},
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    tasks = pages.with_people(
        pages.tasks_visible(request.user).filter(document=document, parent__isnull=True)
    ).order_by("id")
    return render(
        request,
        "directives/document_detail.html",
        {
            "document": document,
            "rows": pages.rows(tasks),
            "may_import": pages.may_assign(request.user),
        },
    )


@login_required
def document_export(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    response = HttpResponse(exports.document_export(document), content_type=XLSX)
    name = fold(document.number).replace("/", "-").replace(" ", "")
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{name}.xlsx"'
    return response


@login_required
def document_import(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    if not pages.may_assign(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = exports.document_import(
                actor=request.user, document=document, content=form.cleaned_data["file"].read()
            )
        except ValidationError as exc:
            errors = exc.messages
        except pages.ServiceMissingError:
            errors = [_("Assigning tasks is not available at the moment.")]
        else:
            messages.success(request, _("%(n)d tasks imported.") % {"n": len(created)})
            return redirect("directives:document", pk=document.pk)
    return render(
        request,
        "directives/import.html",
        {"document": document, "form": form, "errors": errors, "header": exports.HEADER},
        status=400 if errors else 200,
    )


# -- one task ---------------------------------------------------------------------------------


def _detail(
    request: HttpRequest, task: Task, *, failed: str = "", form: Any = None
) -> HttpResponse:
    now = timezone.now()
    actions = pages.task_actions(task=task, user=request.user)
    subtasks = list(
        pages.with_people(pages.tasks_visible(request.user).filter(parent=task)).order_by("id")
    )
    extension_requests = list(
        task.extension_requests.select_related("requested_by", "decided_by").order_by(
            "requested_at"
        )
    )
    forms_: dict[str, Any] = {
        "report": ReportForm(initial={"percent": task.progress}, auto_id="id_report_%s"),
        "request_extension": ExtensionRequestForm(auto_id="id_extension_%s"),
        "accept": AcceptForm(auto_id="id_accept_%s"),
        "send_back": NoteForm(auto_id="id_send_back_%s"),
        "cancel": NoteForm(auto_id="id_cancel_%s"),
        "decide_extension": ExtensionDecideForm(auto_id="id_decide_%s"),
        "delegate": DelegateForm(
            officials=pages.deputies_of(task.lead_unit), auto_id="id_delegate_%s"
        ),
    }
    if failed and form is not None:
        forms_[failed] = form
    context = {
        "task": task,
        "row": pages.Row(task=task, timeliness=pages.timeliness(task, now)),
        "actions": actions,
        "forms": forms_,
        "failed": failed,
        "subtasks": pages.rows(subtasks, now),
        "weight_total": sum(t.weight for t in subtasks),
        "roll_up_rule": ROLL_UP_RULE,
        "reports": list(task.reports.select_related("author").order_by("at", "id")),
        "extension_requests": extension_requests,
        "pending_requests": [
            r for r in extension_requests if r.decision == ExtensionRequest.Decision.PENDING
        ],
        "events": [
            (
                event,
                EVENT_LABELS.get(event.action, event.action),
                STATUS_LABELS.get(event.to_status),
            )
            for event in task.events.order_by("at", "id")
        ],
        "coordinating": list(task.coordinating_units.all()),
        "occurrences": list(task.occurrences.order_by("due_on")),
    }
    return render(request, "directives/task_detail.html", context, status=400 if failed else 200)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _task_or_404(request, pk))


ACTION_FORMS: dict[str, Any] = {
    "acknowledge": None,
    "report": ReportForm,
    "request_extension": ExtensionRequestForm,
    "decide_extension": ExtensionDecideForm,
    "accept": AcceptForm,
    "send_back": NoteForm,
    "cancel": NoteForm,
    "delegate": DelegateForm,
}
SERVICES = {
    "acknowledge": "task_acknowledge",
    "report": "task_report_progress",
    "request_extension": "task_request_extension",
    "decide_extension": "task_decide_extension",
    "accept": "task_accept",
    "send_back": "task_send_back",
    "cancel": "task_cancel",
    "delegate": "task_delegate",
}


def _service_kwargs(action: str, task: Task, data: dict[str, Any]) -> dict[str, Any]:
    note = data.get("note", "")
    kwargs: dict[str, Any] = {"task": task, "now": timezone.now()}
    if action == "report":
        kwargs.update(
            percent=data["percent"],
            progress=data["percent"],
            text=data["text"],
            is_completion=data["is_completion"],
            completion=data["is_completion"],
        )
    elif action == "request_extension":
        kwargs.update(
            proposed_due_on=data["proposed_due_on"],
            due_on=data["proposed_due_on"],
            reason=data["reason"],
        )
    elif action == "decide_extension":
        request = get_object_or_404(task.extension_requests, pk=data["request"])
        kwargs.update(
            request=request,
            extension_request=request,
            approve=data["approve"],
            approved=data["approve"],
            note=note,
        )
    elif action == "accept":
        kwargs.update(quality=data["quality"], note=note)
    elif action in ("send_back", "cancel"):
        kwargs.update(note=note, reason=note)
    elif action == "delegate":
        kwargs.update(to=data["to"], delegate=data["to"], assignee=data["to"], note=note)
    return kwargs


@login_required
@require_POST
def task_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Form → service → redirect, for every action of the task page."""
    task = _task_or_404(request, pk)
    if action not in SERVICES:
        raise Http404
    if action not in pages.task_actions(task=task, user=request.user):
        raise PermissionDenied
    form_class = ACTION_FORMS[action]
    data: dict[str, Any] = {}
    form = None
    if form_class is not None:
        extra = {"officials": pages.deputies_of(task.lead_unit)} if action == "delegate" else {}
        form = form_class(request.POST, auto_id=f"id_{action}_%s", **extra)
        if not form.is_valid():
            return _detail(request, task, failed=action, form=form)
        data = form.cleaned_data
    try:
        pages.call_service(
            SERVICES[action], actor=request.user, **_service_kwargs(action, task, data)
        )
    except (ValidationError, services.TaskActionError) as exc:
        if not isinstance(exc, ValidationError):
            exc = ValidationError(str(exc))
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("directives:task", pk=task.pk)
        form.add_error(None, exc.messages)
        return _detail(request, task, failed=action, form=form)
    except pages.ServiceMissingError:
        messages.error(request, _("This action is not available at the moment."))
        return redirect("directives:task", pk=task.pk)
    messages.success(request, _("Done."))
    return redirect("directives:task", pk=task.pk)


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    if not pages.may_assign(request.user):
        raise PermissionDenied
    official = pages.official_of(request.user)
    units = Unit.objects.active().order_by("sort_order", "name")
    document_id = request.GET.get("document")
    form = TaskAssignForm(
        request.POST or None,
        initial={"document": document_id} if document_id else None,
        documents=pages.documents_visible(request.user),
        tasks=pages.tasks_visible(request.user).filter(parent__isnull=True),
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = pages.call_service(
                "task_assign", actor=request.user, assigner=official, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except pages.ServiceMissingError:
            form.add_error(None, _("Assigning tasks is not available at the moment."))
        else:
            messages.success(request, _("The task is assigned."))
            return redirect("directives:task", pk=task.pk)
    return render(request, "directives/task_new.html", {"form": form})


# -- desk, board, scorecard -------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The head's desk: every task of the unit, delegated ones included; for a deputy, also
    what they act on and for whom."""
    official = pages.official_of(request.user)
    if official is None:
        raise PermissionDenied
    now = timezone.now()
    data = selectors.head_desk(official=official, now=now)
    return render(
        request,
        "directives/desk.html",
        {
            "desk": data,
            "rows": pages.rows(data.tasks, now),
            "acting_rows": pages.rows(data.acting_for, now),
            "tally": data.counts,
            "may_see_board": pages.may_see_board(request.user),
        },
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not pages.may_see_board(request.user):
        raise PermissionDenied
    form, start, end, sort = _period(request)
    document = None
    if request.GET.get("document", "").isdigit():
        document = get_object_or_404(DirectingDocument, pk=request.GET["document"])
    page = pages.board_page(start=start, end=end, document=document, sort=sort)
    return render(
        request,
        "directives/board.html",
        {
            "form": form,
            "page": page,
            "tally": page.board.totals,
            "sort": sort,
            "document": document,
            "query": _query_without(request, "sort"),
            "may_see_board": True,
        },
    )


def _query_without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@login_required
def board_export(request: HttpRequest) -> HttpResponse:
    if not pages.may_see_board(request.user):
        raise PermissionDenied
    _form, start, end, _sort = _period(request)
    tasks = Task.objects.filter(parent__isnull=True)
    if request.GET.get("document", "").isdigit():
        tasks = tasks.filter(document_id=int(request.GET["document"]))
    selected = (
        tasks.filter(due_on__gte=start, due_on__lte=end)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("lead_unit")
        .prefetch_related("coordinating_units")
        .order_by("document_id", "id")
    )
    title = _("Tasks due from %(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }
    response = HttpResponse(exports.export_tasks(selected, title=title), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="bang-theo-doi-nhiem-vu.xlsx"'
    return response


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    official = pages.official_of(request.user)
    own = official is not None and official.unit.path.startswith(unit.path)
    if not (own or is_province_wide(request.user)):
        raise Http404(_("No such unit's scorecard for you."))
    form, start, end, _sort = _period(request)
    now = timezone.now()
    figures = selectors.unit_scorecard(unit=unit, start=start, end=end, now=now)
    tasks = pages.with_people(
        Task.objects.filter(
            lead_unit__path__startswith=unit.path, due_on__gte=start, due_on__lte=end
        ).exclude(status=TaskStatus.CANCELLED)
    ).order_by("due_at", "id")
    return render(
        request,
        "directives/scorecard.html",
        {
            "unit": unit,
            "form": form,
            "tally": figures,
            "rows": pages.rows(tasks, now),
            "may_see_board": pages.may_see_board(request.user),
        },
    )


# -- public -----------------------------------------------------------------------------------


@replica_reads
def public_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A public document's tasks for anyone: units, deadlines, progress and status only."""
    document = get_object_or_404(
        DirectingDocument.objects.select_related("issuer"), pk=pk, is_public=True
    )
    tasks = (
        document.tasks.filter(parent__isnull=True)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("lead_unit")
        .prefetch_related(Prefetch("coordinating_units", queryset=Unit.objects.order_by("name")))
        .order_by("id")
    )
    return render(
        request, "directives/public.html", {"document": document, "rows": pages.rows(tasks)}
    )
