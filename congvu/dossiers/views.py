"""The one-stop shop's pages: officials' worklists, the dossier page with the actions its
reader may take, desk and online submission, the applicant's own dossiers, feedback and the
public lookup. Views read through selectors and write through services; the workflow table
says which actions exist and `dossier_actions_allowed` which of them a user may take now.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.core import ratelimit
from congvu.core.ratelimit import rate_limit
from congvu.core.routers import replica_reads
from congvu.dossiers import uploads
from congvu.dossiers.feedback import feedback_submit
from congvu.dossiers.forms import (
    ActionForm,
    DeskSubmitForm,
    FeedbackForm,
    LookupForm,
    OnlineSubmitForm,
    WorklistFilterForm,
)
from congvu.dossiers.lookup import answers as lookup_answers
from congvu.dossiers.models import Dossier, DossierDocument, Status
from congvu.dossiers.selectors import (
    WORKLIST_TABS,
    ActionNotAllowedError,
    NotYoursError,
    dossier_actions_allowed,
    dossier_desk_allowed,
    dossier_detail_get,
    dossier_document_get,
    dossier_mine,
    dossier_public_history,
    dossier_public_load,
    dossier_public_match,
    dossier_responsible_units,
    dossier_work_scope,
    dossier_worklist,
    dossier_worklist_counts,
    dossier_worklist_steps,
    procedure_version_open_get,
    procedure_versions_open,
)
from congvu.dossiers.services import Applicant, dossier_act, dossier_document_add, dossier_submit
from congvu.dossiers.workflow import ACTIONS
from congvu.procedures.models import ProcedureVersion

TAB_LABELS = {
    "inbox": gettext_lazy("My unit's inbox"),
    "assigned": gettext_lazy("Assigned to me"),
    "due_soon": gettext_lazy("Due within 1 working day"),
    "overdue": gettext_lazy("Overdue"),
    "waiting": gettext_lazy("Waiting for the applicant"),
    "to_receive": gettext_lazy("To receive"),
}
# The public lookup answers a secret; limiting tries per address keeps it from being guessed.
# Printable forms of Thông tư 03/2025/TT-VPCP Phụ lục I, linked when the paperwork pages exist.
PAPER_FORMS = [
    ("01", gettext_lazy("Receipt and appointment (Mẫu 01)")),
    ("02", gettext_lazy("Supplementation request (Mẫu 02)")),
    ("03", gettext_lazy("Refusal to receive (Mẫu 03)")),
    ("04", gettext_lazy("Apology and new appointment (Mẫu 04)")),
    ("05", gettext_lazy("Notice of stopping (Mẫu 05)")),
    ("06", gettext_lazy("Control sheet (Mẫu 06)")),
]
NOTE_LABELS = {
    "request_intake_supplement": gettext_lazy("Everything that is missing, listed at once"),
    "refuse_intake": gettext_lazy("Reasons for refusing"),
    "send_back": gettext_lazy("Why it goes back"),
    "request_supplement": gettext_lazy("What is missing"),
    "apologize": gettext_lazy("Reason for the delay"),
    "refuse": gettext_lazy("Reasons for refusing"),
    "resolve": gettext_lazy("Result (summary)"),
}
# Actions that end or refuse something get the cautionary button style.
CAUTION = {"refuse_intake", "refuse", "request_withdrawal", "stop"}


# -- helpers ---------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form fields they concern, the rest above the form."""
    mapping: dict[str, str] = getattr(form, "ERROR_FIELDS", {})
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        name = mapping.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


@contextmanager
def _atomic_with_files() -> Iterator[list[DossierDocument]]:
    """One transaction for a dossier and its files. Stored files are not part of the
    transaction, so those saved before a failure are removed again."""
    added: list[DossierDocument] = []
    try:
        with transaction.atomic():
            yield added
    except Exception:
        for document in added:
            document.file.storage.delete(document.file.name)
        raise


def _paper_links(dossier: Dossier) -> list[tuple[str, str]]:
    wanted = {"01": dossier.received_at is not None, "06": dossier.received_at is not None}
    wanted["02"] = bool(dossier.intake_supplement_count or dossier.supplement_count)
    wanted["03"] = dossier.status == Status.REFUSED
    wanted["04"] = dossier.extension_count > 0
    wanted["05"] = dossier.status == Status.STOPPED
    links = []
    for number, label in PAPER_FORMS:
        if not wanted[number]:
            continue
        for name in ("dossiers:paper_form", "dossiers:form"):
            try:
                links.append((reverse(name, args=[dossier.code, number]), str(label)))
            except NoReverseMatch:
                continue
            break
    return links


@dataclass
class ActionPanel:
    """What the form of one allowed action needs to show."""

    name: str
    label: str
    note: bool = False
    note_required: bool = False
    note_label: str = ""
    to_steps: list[tuple[int, str]] = field(default_factory=list)
    caution: bool = False
    form: ActionForm | None = None


def _panels(dossier: Dossier, allowed: list[str], failed: ActionForm | None) -> list[ActionPanel]:
    failed_action = failed.data.get("action") if failed is not None else None
    outgoing = list(dossier.current_step.outgoing.all()) if dossier.current_step else []
    panels = []
    for name in allowed:
        spec = ACTIONS[name]
        panel = ActionPanel(
            name=name,
            label=str(spec.label),
            note=spec.note_required or name in NOTE_LABELS,
            note_required=spec.note_required,
            note_label=str(NOTE_LABELS.get(name, _("Note"))),
            caution=name in CAUTION,
            form=failed if failed_action == name else None,
        )
        if name in ("forward", "send_back"):
            panel.to_steps = [
                (t.to_step.pk, t.to_step.name)
                for t in outgoing
                if t.action == name and t.to_step is not None
            ]
        panels.append(panel)
    return panels


def _detail_response(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    allowed = dossier_actions_allowed(dossier=dossier, user=request.user, now=now)
    transitions = list(dossier.transitions.all())
    for t in transitions:
        spec = ACTIONS.get(t.action)
        t.action_label = spec.label if spec else _("Submitted")  # type: ignore[attr-defined]
    context_data = {
        "dossier": dossier,
        "panels": _panels(dossier, allowed, failed),
        "units": dossier_responsible_units(dossier=dossier) if "apologize" in allowed else [],
        "return_methods": ActionForm.RETURN_METHODS[1:],
        "overall_choices": ActionForm.base_fields["overall"].choices,  # type: ignore[attr-defined]
        "transitions": transitions,
        "documents": list(dossier.documents.all()),
        "supplement_requests": list(dossier.supplement_requests.all()),
        "apology": getattr(dossier, "apology", None),
        "rating": getattr(dossier, "rating", None),
        "is_overdue": dossier.is_overdue(now),
        "is_at_risk": dossier.is_at_risk(now),
        "step_late": bool(
            dossier.status == Status.PROCESSING
            and dossier.step_due_at
            and dossier.step_due_at < now
        ),
        "paper_links": _paper_links(dossier),
        "error": error,
    }
    return render(request, "dossiers/detail.html", context_data, status=status)


def _visible_or_404(request: HttpRequest, code: str) -> Dossier:
    dossier = dossier_detail_get(code=code, user=request.user)
    if dossier is None:
        raise Http404(_("No dossier with this code, or it is not yours to see."))
    return dossier


def _applicant(data: dict[str, Any]) -> Applicant:
    return Applicant(
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        address=data["applicant_address"],
        representative=data["representative"],
    )


def _submit_with_files(
    request: HttpRequest,
    data: dict[str, Any],
    *,
    procedure_code: str,
    channel: int,
    commune: Any,
) -> Dossier:
    # A file of the wrong type or size undoes the whole submission: the applicant is told and
    # nothing half-made is left behind.
    with _atomic_with_files() as added:
        dossier = dossier_submit(
            actor=request.user,
            procedure_code=procedure_code,
            channel=channel,
            applicant=_applicant(data),
            commune=commune,
            request=data["request"],
        )
        for upload in data["files"]:
            try:
                added.append(dossier_document_add(actor=request.user, dossier=dossier, file=upload))
            except ActionNotAllowedError as exc:
                raise ValidationError({"file": [str(exc)]}) from exc
    return dossier


# -- officials -------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """ "Dossiers" in the menu: the worklist for officials, one's own dossiers for others."""
    if dossier_work_scope(user=request.user) is not None:
        return redirect("dossiers:worklist")
    return redirect("dossiers:mine")


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """An official's worklists: the unit's inbox by step, what is assigned to them, what is
    due soon or overdue, what waits for the applicant and what waits to be received."""
    if dossier_work_scope(user=request.user) is None:
        raise PermissionDenied(_("Worklists are for officials."))
    tab = request.GET.get("tab", "inbox")
    if tab not in WORKLIST_TABS:
        tab = "inbox"
    form = WorklistFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    page = dossier_worklist(
        user=request.user, tab=tab, filters=filters, before=_int(request.GET.get("before")), now=now
    )
    query = request.GET.copy()
    for key in ("tab", "before"):
        query.pop(key, None)
    step_query = query.copy()
    step_query.pop("step", None)
    counts = dossier_worklist_counts(user=request.user, now=now)
    context_data = {
        "tab": tab,
        "tabs": [(t, TAB_LABELS[t], counts[t]) for t in WORKLIST_TABS],
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "step_query": step_query.urlencode(),
        "filtered": any(v for k, v in filters.items()),
        "steps": dossier_worklist_steps(user=request.user) if tab == "inbox" else [],
        "step": filters.get("step"),
        "first_page": request.GET.get("before") is not None,
        "desk": dossier_desk_allowed(user=request.user),
        "now": now,
    }
    # htmx asks for the tab's region only when a tab, a filter or a page link is followed.
    partial = request.headers.get("HX-Request") == "true"
    template = "dossiers/_worklist.html" if partial else "dossiers/worklist.html"
    return render(request, template, context_data)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """A dossier: where it is, what happened to it, and what the reader may do now."""
    return _detail_response(request, _visible_or_404(request, code))


@login_required
@require_POST
def act(request: HttpRequest, code: str) -> HttpResponse:
    """Take one action on a dossier: form → service → redirect."""
    dossier = _visible_or_404(request, code)
    form = ActionForm(request.POST, request.FILES, units=dossier_responsible_units(dossier=dossier))
    if not form.is_valid():
        return _detail_response(request, dossier, failed=form, status=400)
    data = form.cleaned_data
    action = data["action"]
    try:
        with _atomic_with_files() as added:
            if action == "resolve" and data["result_file"]:
                added.append(
                    dossier_document_add(
                        actor=request.user,
                        dossier=dossier,
                        file=data["result_file"],
                        kind=DossierDocument.Kind.RESULT,
                    )
                )
            if action == "supplement":
                for upload in data["files"]:
                    added.append(
                        dossier_document_add(
                            actor=request.user,
                            dossier=dossier,
                            file=upload,
                            kind=DossierDocument.Kind.SUPPLEMENT,
                        )
                    )
            rating = None
            if action == "rate":
                rating = {
                    "overall": data["overall"],
                    "attitude": data["attitude"],
                    "visits": data["visits"],
                    "comment": data["comment"].strip(),
                }
            dossier_act(
                actor=request.user,
                dossier=dossier,
                action=action,
                note=data["note"],
                to_step=data["to_step"],
                expected_step=data["expected_step"],
                new_due_at=data["new_due_at"],
                responsible_unit=data["responsible_unit"],
                return_method=form.return_method_label(),
                rating=rating,
            )
    except NotYoursError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ActionNotAllowedError as exc:
        # The page was stale or the rules say no: show the dossier as it is now (HTTP 409).
        fresh = _visible_or_404(request, code)
        return _detail_response(request, fresh, error=str(exc), status=409)
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return _detail_response(request, dossier, failed=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action].label})
    return redirect("dossiers:detail", code=code)


@login_required
def document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A file of a dossier, only for those who may see the dossier."""
    document = dossier_document_get(code=code, pk=pk, user=request.user)
    if document is None:
        raise Http404(_("No such document."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from the store.")) from exc
    # The stored type is the one sniffed at upload, never the uploader's word. PDFs and
    # images are shown in the browser; anything else is only ever saved.
    response = FileResponse(
        handle,
        as_attachment=not uploads.disposition_inline(document.content_type),
        filename=document.original_name,
        content_type=document.content_type,
    )
    # Uploaded by the public: never let a browser guess another type and run it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    policy = uploads.download_policy(document.content_type)
    if policy:
        response["Content-Security-Policy"] = policy
    return response


@login_required
def desk_submit(request: HttpRequest) -> HttpResponse:
    """A dossier handed in at the desk (channel 1) or by post (channel 3), entered by the
    one-stop officer; it then waits on its page for the intake decision."""
    if not dossier_desk_allowed(user=request.user):
        raise PermissionDenied(_("Only one-stop officers enter dossiers at the desk."))
    versions = procedure_versions_open()
    form = DeskSubmitForm(request.POST or None, request.FILES or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = _submit_with_files(
                request,
                data,
                procedure_code=data["procedure"],
                channel=data["channel"],
                commune=data["commune"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Dossier %(code)s registered; decide on intake below.") % {"code": dossier.code},
            )
            return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/submit.html",
        {"form": form, "desk": True, "versions": versions},
        status=400 if form.errors else 200,
    )


# -- applicants ------------------------------------------------------------------------------


@login_required
@rate_limit("dossier_submit", rate_setting="DOSSIER_SUBMIT_RATE")
def submit_online(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """A dossier submitted online (channel 2) by the applicant from their account."""
    version = procedure_version_open_get(code=procedure_code)
    if version is None or version.online_level == ProcedureVersion.Online.NONE:
        return render(
            request,
            "dossiers/submit.html",
            {"unavailable": True, "procedure_code": procedure_code},
            status=404,
        )
    user: Any = request.user
    initial = {
        "applicant_name": user.get_full_name() or user.first_name,
        "applicant_id_number": user.personal_id,
        "applicant_phone": user.phone,
        "applicant_email": user.email,
    }
    form = OnlineSubmitForm(
        request.POST or None, request.FILES or None, version=version, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = _submit_with_files(
                request,
                data,
                procedure_code=version.procedure.code,
                channel=2,
                commune=data.get("commune"),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your dossier %(code)s has been submitted. Keep the code and the lookup key "
                    "%(secret)s to follow it without logging in."
                )
                % {"code": dossier.code, "secret": dossier.secret},
            )
            return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/submit.html",
        {"form": form, "desk": False, "version": version},
        status=400 if form.errors else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The dossiers the user submitted from their account."""
    page = dossier_mine(user=request.user, before=_int(request.GET.get("before")))
    return render(
        request,
        "dossiers/mine.html",
        {"page": page, "first_page": request.GET.get("before") is not None},
    )


def feedback(request: HttpRequest) -> HttpResponse:
    """Feedback and petitions (phản ánh, kiến nghị) about administrative procedures."""
    form = FeedbackForm(request.POST or None, initial={"dossier_code": request.GET.get("code", "")})
    if request.method == "POST":
        if ratelimit.over_limit("feedback", settings.DOSSIER_FEEDBACK_RATE):
            return render(
                request, "dossiers/feedback.html", {"form": form, "limited": True}, status=429
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = feedback_submit(actor=request.user, **data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your feedback has been received; the answer is due by %(due)s.")
                    % {"due": timezone.localtime(entry.due_at).strftime("%d/%m/%Y")},
                )
                return redirect("dossiers:feedback")
    return render(
        request, "dossiers/feedback.html", {"form": form}, status=400 if form.errors else 200
    )


@replica_reads
def lookup(request: HttpRequest) -> HttpResponse:
    """Public status of a dossier by its code and lookup key (or the applicant's phone),
    without an account and without personal data."""
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    form = LookupForm(data if data.get("code") else None)
    match = None
    if form.is_bound:
        if ratelimit.over_limit("lookup", settings.DOSSIER_LOOKUP_RATE):
            response = render(
                request, "dossiers/lookup.html", {"form": form, "limited": True}, status=429
            )
            response["Retry-After"] = "60"
            return response
        if form.is_valid():
            match = dossier_public_match(**form.cleaned_data)
    result = ""
    if match is not None:
        found = match

        def make() -> str:
            dossier = dossier_public_load(pk=found.pk)
            values = {
                "dossier": dossier,
                "history": dossier_public_history(dossier=dossier),
                "overdue": found.overdue,
            }
            return render_to_string("dossiers/_lookup_result.html", values)

        # Rendered once per dossier version, language, and whether the appointment has passed
        # (congvu.dossiers.lookup).
        key = ("html", found.code, found.version, get_language(), found.overdue)
        result = lookup_answers.get_or_make(key, make)
    response = render(
        request,
        "dossiers/lookup.html",
        {
            "form": form,
            "searched": form.is_bound,
            # The matched dossier by reference only: what is shown is in `result`.
            "dossier": Dossier(pk=match.pk, code=match.code) if match else None,
            "result": mark_safe(result),  # noqa: S308 - rendered by our own template
        },
    )
    # The answer is personal to whoever holds the key; no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
