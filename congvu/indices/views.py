"""The index pages: the ranking dashboard, a unit's index with its trend, the rows behind each
figure, the XLSX and print versions of both, and the figures units enter by hand.

Who may see what is asked of the selectors (`may_see_ranking`, `may_see_details`); views read
through the selectors and write through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.core.routers import replica_reads
from congvu.indices import charts, exports, selectors, services
from congvu.indices.catalogue import INDICATOR_NAMES, ROWS_OF
from congvu.indices.forms import FigureForm, PeriodForm, ReviewForm
from congvu.indices.models import FigureStatus, ManualFigure
from congvu.indices.selectors import Period
from congvu.lib.index766 import INDICATOR_BY_CODE
from congvu.organizations.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 50


def _staff(request: HttpRequest) -> None:
    if not selectors.may_see_ranking(request.user):
        raise PermissionDenied(_("The index dashboard is for officials."))


def _period(request: HttpRequest) -> tuple[PeriodForm, Period, str]:
    form = PeriodForm.from_query(request.GET)
    if form.is_valid():
        cd = form.cleaned_data
        return form, Period(cd["year"], cd.get("quarter"), cd.get("month")), cd.get("kind") or ""
    return form, Period(timezone.localdate().year), ""


def _unit_or_404(request: HttpRequest, pk: int) -> Unit:
    _staff(request)
    unit = Unit.objects.filter(pk=pk).first()
    allowed = {u.pk for u in selectors.index_units_visible(request.user)}
    if unit is None or unit.pk not in allowed:
        raise Http404(_("No such unit, or its figures are not yours to see."))
    return unit


def _title(unit: Unit | None, period: Period) -> str:
    name = unit.name if unit is not None else _("Departments and communes")
    return _("Service-quality index (QĐ 766) · %(unit)s · %(period)s") % {
        "unit": name,
        "period": period.label,
    }


# The dashboards read from the replica, inside login_required: who is signed in is still
# read from the primary.
@login_required
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    """The ranking of departments and communes for a period, with the province's index."""
    _staff(request)
    form, period, kind = _period(request)
    overall, rows = selectors.service_index_dashboard(**period.as_query(), kind=kind or None)
    province = overall.unit if overall is not None else None
    visible = {u.pk for u in selectors.index_units_visible(request.user)}
    query = request.GET.urlencode()
    chart = charts.bars(
        [(r.unit.short_name or r.unit.name, r.total, f"units/{r.unit.pk}/?{query}") for r in rows],
        title=_("Index on 100 by unit"),
    )
    return render(
        request,
        "indices/dashboard.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "overall": overall,
            "province": province,
            "visible": visible,
            "chart": chart,
            "query": query,
            "print": request.GET.get("print") == "1",
            "title": _title(None, period),
        },
    )


@login_required
@replica_reads
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _staff(request)
    _form, period, kind = _period(request)
    rows = selectors.service_index_ranking(**period.as_query(), kind=kind or None)
    body = exports.export_ranking(rows, title=_title(None, period))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-so-766-{period.year}.xlsx"'
    return response


@login_required
@replica_reads
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's index: its groups and indicators with their figures, and its trend."""
    unit = _unit_or_404(request, pk)
    form, period, _kind = _period(request)
    index = selectors.service_index_get(unit=unit, **period.as_query())
    trend = selectors.service_index_trend(unit=unit, year=period.year)
    chart = charts.line(
        [(f"{p.month:02d}", i.total) for p, i in trend], title=_("Index on 100, month by month")
    )
    return render(
        request,
        "indices/unit.html",
        {
            "form": form,
            "unit": unit,
            "period": period,
            "index": index,
            "chart": chart,
            "query": request.GET.urlencode(),
            "print": request.GET.get("print") == "1",
            "title": _title(unit, period),
        },
    )


@login_required
@replica_reads
def unit_export(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, pk)
    _form, period, _kind = _period(request)
    index = selectors.service_index_get(unit=unit, **period.as_query())
    body = exports.export_index(index, title=_title(unit, period))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="chi-so-766-{unit.pk}-{period.year}.xlsx"'
    )
    return response


@login_required
@replica_reads
def indicator(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One figure opened: its formula, numerator and denominator, and the rows behind it."""
    unit = _unit_or_404(request, pk)
    if code not in INDICATOR_BY_CODE:
        raise Http404(_("No such indicator."))
    form, period, _kind = _period(request)
    index = selectors.service_index_get(unit=unit, **period.as_query())
    item = index.indicator(code)
    kind = ROWS_OF.get(code, "dossiers")
    context: dict[str, Any] = {
        "form": form,
        "unit": unit,
        "period": period,
        "item": item,
        "kind": kind,
        "query": request.GET.copy(),
        "title": f"{INDICATOR_NAMES[code]} · {unit.name} · {period.label}",
    }
    if kind == "dossiers":
        before = request.GET.get("before")
        rows = selectors.indicator_dossiers(
            unit=unit,
            code=code,
            period=period,
            before=int(before) if before and before.isdigit() else None,
            limit=PAGE,
        )
        context["rows"] = rows
        next_query = request.GET.copy()
        next_query["before"] = str(rows[-1].pk) if rows else ""
        context["next_query"] = next_query.urlencode() if len(rows) == PAGE else ""
    elif kind == "procedures":
        context["rows"] = selectors.indicator_procedures(unit=unit, code=code, period=period)
    elif kind == "feedback":
        context["rows"] = selectors.indicator_feedback(unit=unit, period=period)
    else:
        context["rows"] = selectors.indicator_figures(unit=unit, code=code, period=period)
    return render(request, "indices/indicator.html", context)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """The figures entered by hand: the unit's own to enter, the provincial office's to lock."""
    _staff(request)
    units = selectors.figure_units_for(request.user)
    form = FigureForm(request.POST or None, request.FILES or None, units=units) if units else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may enter figures only for your own unit."))
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.figure_submit(
                    actor=request.user,
                    unit=cd["unit"],
                    indicator=cd["indicator"],
                    year=cd["year"],
                    quarter=cd["quarter"],
                    numerator=cd["numerator"],
                    denominator=cd["denominator"],
                    evidence=cd["evidence"],
                    note=cd["note"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The figure was submitted for review."))
                return redirect("indices:figures")
    listed = selectors.figure_list(user=request.user)[:300]
    return render(
        request,
        "indices/figures.html",
        {
            "form": form,
            "figures": listed,
            "may_review": selectors.may_review_figures(request.user),
            "review_form": ReviewForm(),
            "submitted": FigureStatus.SUBMITTED,
            "names": {k: str(v) for k, v in INDICATOR_NAMES.items()},
        },
    )


@login_required
@require_POST
def figure_review(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    figure = get_object_or_404(ManualFigure.objects.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose lock or return."))
        return redirect("indices:figures")
    try:
        services.figure_review(
            actor=request.user,
            figure=figure,
            lock=form.cleaned_data["decision"] == "lock",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The figure was reviewed."))
    return redirect("indices:figures")


@login_required
def figure_evidence(request: HttpRequest, pk: int) -> FileResponse:
    _staff(request)
    figure = get_object_or_404(ManualFigure.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        figure.evidence.open("rb"),
        as_attachment=True,
        filename=figure.evidence_name,
        content_type=figure.evidence_type,
    )
