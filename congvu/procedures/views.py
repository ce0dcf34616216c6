from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.roles import Role, has_role
from congvu.core.routers import replica_reads
from congvu.procedures import selectors
from congvu.procedures.catalogue import COLUMNS, FORMATS
from congvu.procedures.forms import CatalogueImportForm, ProcedureSearchForm
from congvu.procedures.services import catalogue_import

PAGE_SIZE = 20
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@replica_reads
def procedure_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue: procedures in force, searchable and filtered, a page at a time."""
    form = ProcedureSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"].strip(),
            "field": data["field"],
            "level": data["level"] or None,
            "online_level": data["online_level"] or None,
        }
    page = Paginator(selectors.procedure_list(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(filters.values()),
    }
    return render(request, "procedures/list.html", context)


@replica_reads
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure as in force today: what to hand in, how long, what it costs, who does what."""
    procedure = selectors.procedure_get(code)
    current = selectors.procedure_version_current(procedure) if procedure is not None else None
    if current is None:
        raise Http404(_("No procedure with this code is in force."))
    version = selectors.procedure_version_detail(current.pk)
    return render(
        request,
        "procedures/detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "total_budget": sum(s.budget_hours for s in version.steps.all()),
            "today": timezone.localdate(),
        },
    )


def _catalogue_allowed(request: HttpRequest) -> None:
    if not has_role(request.user, Role.PROVINCIAL_OFFICE, Role.ADMINISTRATOR):
        raise PermissionDenied(_("You may not manage the procedure catalogue."))


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue file (XLSX or CSV) for the provincial office, or download one."""
    _catalogue_allowed(request)
    errors: list[str] = []
    if request.method == "POST":
        form = CatalogueImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = catalogue_import(
                    actor=request.user, file=upload, format=upload.catalogue_format
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _(
                        "%(rows)d rows read: %(versions)d versions created (%(procedures)d new "
                        "procedures), %(skipped)d already present. The new versions are drafts."
                    )
                    % {
                        "rows": result.rows,
                        "versions": result.versions_created,
                        "procedures": result.procedures_created,
                        "skipped": result.skipped,
                    },
                )
                return redirect("procedures:catalogue")
    else:
        form = CatalogueImportForm()
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "errors": errors, "columns": COLUMNS, "formats": FORMATS},
    )


@login_required
def catalogue_download(request: HttpRequest, format: str) -> HttpResponse:
    _catalogue_allowed(request)
    if format not in FORMATS:
        raise Http404
    response = HttpResponse(selectors.catalogue_export(format), content_type=_CONTENT_TYPES[format])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-hanh-chinh-{stamp}.{format}"'
    return response
