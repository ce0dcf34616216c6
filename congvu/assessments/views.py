"""The assessment pages: rounds and their trees, a unit's self-assessment and appraisal, the
public results of a published round, and the combined rankings with their drill-down, XLSX
export and print view.

Views read through the selectors and write through the services; what a reader may do is
asked of the selectors (`may_manage`, `round_actions`, `may_self_assess`, ...).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congvu.assessments import imports, selectors, services
from congvu.assessments.charts import Bar, bar_chart
from congvu.assessments.forms import (
    BandsForm,
    EvidenceForm,
    FileForm,
    OpenForm,
    PeriodForm,
    RankingsForm,
    RoundForm,
    ScoresForm,
)
from congvu.assessments.models import (
    AssessmentStatus,
    CriterionKind,
    Evidence,
    Round,
    RoundKind,
    RoundStatus,
    UnitAssessment,
    UnitGroup,
)
from congvu.assessments.workflow import (
    ACTIONS,
    APPRAISAL_OPEN,
    BANDS_EDITABLE,
    MEASURES_REFRESHABLE,
    RESULTS_STATUSES,
    SELF_ASSESSMENT_OPEN,
    TREE_EDITABLE,
)
from congvu.core.routers import replica_reads
from congvu.organizations.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STEPS = [
    RoundStatus.DRAFT,
    RoundStatus.SELF_ASSESSMENT,
    RoundStatus.APPRAISAL,
    RoundStatus.SURVEY_IMPORTED,
    RoundStatus.COMPUTED,
    RoundStatus.PUBLISHED,
]


def _round_or_404(request: HttpRequest, pk: int) -> Round:
    if not selectors.may_read_rounds(request.user):
        raise PermissionDenied
    round = selectors.round_get(pk=pk, user=request.user)
    if round is None:
        raise Http404(_("No such round."))
    return round


def _assessment_or_404(request: HttpRequest, pk: int) -> UnitAssessment:
    assessment = selectors.assessment_get(pk=pk, user=request.user)
    if assessment is None:
        raise Http404(_("No such assessment, or it is not yours to see."))
    return assessment


def _manager(request: HttpRequest) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Rounds ------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/index.html",
        {
            "rounds": selectors.round_list(user=request.user),
            "may_manage": selectors.may_manage(request.user),
            "sees_province": selectors.sees_province(request.user),
            "reads_rounds": selectors.may_read_rounds(request.user),
        },
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The round is created."))
            return redirect("assessments:round", pk=round.pk)
    return render(request, "assessments/round_new.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_or_404(request, pk)
    may_manage = selectors.may_manage(request.user)
    bands = list(round.bands.all())
    labels = dict(RoundStatus.choices)
    return render(
        request,
        "assessments/round_detail.html",
        {
            "round": round,
            "steps": [(s, RoundStatus(s).label, s == round.status) for s in STEPS],
            "actions": selectors.round_actions(round=round, user=request.user),
            "open_form": OpenForm(),
            "may_manage": may_manage,
            "tree": selectors.criterion_tree(round),
            "assessments": list(selectors.assessment_list(user=request.user, round=round)),
            "bands": bands,
            "bands_form": BandsForm(
                initial={"bands": "\n".join(f"{b.min_index:g} {b.label}" for b in bands)}
            ),
            "bands_editable": may_manage and round.status in BANDS_EDITABLE,
            "tree_editable": may_manage and round.status in TREE_EDITABLE,
            "survey_allowed": may_manage
            and ACTIONS["import_survey"].allowed_from(round.kind, round.status),
            "may_refresh": may_manage
            and round.kind == RoundKind.PAR
            and round.status in MEASURES_REFRESHABLE,
            "may_enrol": may_manage
            and round.kind == RoundKind.DDCI
            and round.status == RoundStatus.DRAFT,
            "has_results": round.status in RESULTS_STATUSES,
            "transitions": [
                (t, labels.get(t.from_status, ""), labels.get(t.to_status, t.to_status))
                for t in round.transitions.order_by("at", "pk")
            ],
            "surveys": list(round.survey_imports.all()[:10]),
        },
    )


ROUND_ACTIONS = {"open", "start_appraisal", "compute", "publish", "refresh", "enrol"}


@login_required
@require_POST
def round_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Form → service → redirect for each action of the round's page."""
    round = _round_or_404(request, pk)
    _manager(request)
    if action not in ROUND_ACTIONS:
        raise Http404
    try:
        if action == "open":
            form = OpenForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            services.round_open(
                actor=request.user, round=round, working_days=form.cleaned_data["working_days"]
            )
        elif action == "start_appraisal":
            services.round_start_appraisal(actor=request.user, round=round)
        elif action == "compute":
            services.round_compute(actor=request.user, round=round)
        elif action == "publish":
            services.round_publish(actor=request.user, round=round)
        elif action == "refresh":
            services.round_measures_refresh(actor=request.user, round=round)
        else:
            services.round_enrol(actor=request.user, round=round)
    except (ValidationError, services.RoundActionError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("Done."))
    return redirect("assessments:round", pk=round.pk)


@login_required
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft round's tree from a spreadsheet: all rows or none."""
    round = _round_or_404(request, pk)
    _manager(request)
    form = FileForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.read_tree(form.cleaned_data["file"].read())
            count = services.round_tree_replace(actor=request.user, round=round, rows=rows)
        except ValidationError as exc:
            errors = exc.messages
        except services.RoundActionError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("%(n)d criteria imported.") % {"n": count})
            return redirect("assessments:round", pk=round.pk)
    return render(
        request,
        "assessments/import.html",
        {
            "round": round,
            "form": form,
            "errors": errors,
            "header": imports.TREE_HEADER,
            "title": _("Import the tree of criteria"),
            "action": "tree",
        },
        status=400 if errors else 200,
    )


@login_required
def round_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """Import survey results (XLSX or CSV): all rows or none."""
    round = _round_or_404(request, pk)
    _manager(request)
    form = FileForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            values = imports.read_survey(upload.read(), round=round)
            record = services.survey_import(
                actor=request.user, round=round, values=values, file_name=upload.name or ""
            )
        except ValidationError as exc:
            errors = exc.messages
        except services.RoundActionError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("%(n)d survey results imported.") % {"n": record.values})
            return redirect("assessments:round", pk=round.pk)
    return render(
        request,
        "assessments/import.html",
        {
            "round": round,
            "form": form,
            "errors": errors,
            "header": imports.SURVEY_HEADER,
            "title": _("Import survey results"),
            "action": "survey",
            "criteria": list(selectors.survey_leaves(round)),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def round_bands(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_or_404(request, pk)
    _manager(request)
    form = BandsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("assessments:round", pk=round.pk)
    try:
        services.round_bands_set(actor=request.user, round=round, bands=form.cleaned_data["bands"])
    except (ValidationError, services.RoundActionError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("The grading bands are saved."))
    return redirect("assessments:round", pk=round.pk)


@login_required
def round_tree_export(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_or_404(request, pk)
    return _xlsx(imports.tree_export(round), f"tieu-chi-{round.kind}-{round.year}.xlsx")


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as XLSX: once published for every reader, before that for those who see
    the whole province."""
    round = _round_or_404(request, pk)
    if round.status not in RESULTS_STATUSES:
        raise Http404(_("The round has no results yet."))
    if not round.is_published and not selectors.sees_province(request.user):
        raise PermissionDenied
    return _xlsx(imports.results_export(round), f"ket-qua-{round.kind}-{round.year}.xlsx")


# A unit's assessment -----------------------------------------------------------------------


def _assessment_page(
    request: HttpRequest,
    assessment: UnitAssessment,
    *,
    self_form: ScoresForm | None = None,
    appraise_form: ScoresForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    round = assessment.round
    scores = selectors.assessment_scores(assessment)
    open_for_self = (
        round.status in SELF_ASSESSMENT_OPEN
        and assessment.status == AssessmentStatus.DRAFT
        and selectors.may_self_assess(request.user, assessment)
    )
    self_scored = [
        s for s in scores if s.criterion.kind == CriterionKind.APPRAISAL and not s.criterion.measure
    ]
    may_appraise = selectors.may_manage(request.user) and round.status in APPRAISAL_OPEN
    appraised = [s for s in scores if s.criterion.kind == CriterionKind.APPRAISAL]
    if open_for_self and self_form is None:
        self_form = ScoresForm(
            scores=self_scored,
            initial={
                **{f"p_{s.criterion_id}": s.self_points for s in self_scored},
                **{f"t_{s.criterion_id}": s.self_note for s in self_scored},
            },
        )
    if may_appraise and appraise_form is None:
        appraise_form = ScoresForm(
            scores=appraised,
            initial={
                **{f"p_{s.criterion_id}": s.appraised_points for s in appraised},
                **{f"t_{s.criterion_id}": s.appraisal_comment for s in appraised},
            },
        )
    if open_for_self and evidence_form is None:
        evidence_form = EvidenceForm(
            criteria=round.criteria.filter(pk__in=[s.criterion_id for s in scores])
        )
    by_criterion = {s.criterion_id: s for s in scores}
    lines = []
    for node in selectors.criterion_tree(round):
        score = by_criterion.get(node.criterion.pk)
        if node.is_leaf and score is None:
            continue  # a criterion that does not apply to this unit's group
        lines.append(
            {
                "node": node,
                "score": score,
                "self_fields": (
                    (self_form[f"p_{score.criterion_id}"], self_form[f"t_{score.criterion_id}"])
                    if self_form is not None and score is not None and score in self_scored
                    else None
                ),
                "appraise_fields": (
                    (
                        appraise_form[f"p_{score.criterion_id}"],
                        appraise_form[f"t_{score.criterion_id}"],
                    )
                    if appraise_form is not None and score is not None and score in appraised
                    else None
                ),
            }
        )
    due_at = round.due_at
    return render(
        request,
        "assessments/assessment.html",
        {
            "assessment": assessment,
            "round": round,
            "lines": lines,
            "self_form": self_form,
            "appraise_form": appraise_form,
            "evidence_form": evidence_form,
            "may_submit": open_for_self and selectors.may_submit(request.user, assessment),
            "late": due_at is not None
            and (
                (assessment.submitted_at or timezone.now()) > due_at
                if assessment.status == AssessmentStatus.SUBMITTED or open_for_self
                else False
            ),
        },
        status=status,
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment_page(request, _assessment_or_404(request, pk))


def _self_scored(assessment: UnitAssessment) -> list[Any]:
    return [
        s
        for s in selectors.assessment_scores(assessment)
        if s.criterion.kind == CriterionKind.APPRAISAL and not s.criterion.measure
    ]


@login_required
@require_POST
def assessment_self(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    if not selectors.may_self_assess(request.user, assessment):
        raise PermissionDenied
    form = ScoresForm(request.POST, scores=_self_scored(assessment))
    if not form.is_valid():
        return _assessment_page(request, assessment, self_form=form, status=400)
    try:
        services.assessment_self_score(
            actor=request.user, assessment=assessment, entries=form.entries()
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _assessment_page(request, assessment, self_form=form, status=400)
    except services.RoundActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The self-assessment is saved."))
    return redirect("assessments:assessment", pk=assessment.pk)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    if not selectors.may_submit(request.user, assessment):
        raise PermissionDenied
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
    except (ValidationError, services.RoundActionError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("The self-assessment is sent to the appraisers."))
    return redirect("assessments:assessment", pk=assessment.pk)


@login_required
@require_POST
def assessment_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    _manager(request)
    scores = [
        s
        for s in selectors.assessment_scores(assessment)
        if s.criterion.kind == CriterionKind.APPRAISAL
    ]
    form = ScoresForm(request.POST, scores=scores)
    if not form.is_valid():
        return _assessment_page(request, assessment, appraise_form=form, status=400)
    try:
        services.assessment_appraise(
            actor=request.user, assessment=assessment, entries=form.entries()
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _assessment_page(request, assessment, appraise_form=form, status=400)
    except services.RoundActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The appraisal is saved."))
    return redirect("assessments:assessment", pk=assessment.pk)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    if not selectors.may_self_assess(request.user, assessment):
        raise PermissionDenied
    form = EvidenceForm(
        request.POST,
        request.FILES,
        criteria=assessment.round.criteria.filter(scores__assessment=assessment),
    )
    if not form.is_valid():
        return _assessment_page(request, assessment, evidence_form=form, status=400)
    try:
        services.evidence_add(
            actor=request.user,
            assessment=assessment,
            criterion=form.cleaned_data["criterion"],
            file=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _assessment_page(request, assessment, evidence_form=form, status=400)
    except services.RoundActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The evidence is filed."))
    return redirect("assessments:assessment", pk=assessment.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A piece of evidence, only for those who may see the unit's self-assessment."""
    evidence = get_object_or_404(Evidence.objects.select_related("score__assessment__unit"), pk=pk)
    if not selectors.is_insider(request.user, evidence.score.assessment):
        raise Http404(_("No such file."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from the store.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Public results ----------------------------------------------------------------------------


def _results_charts(round: Round, grouped: dict[str, list[UnitAssessment]]) -> list[Any]:
    charts = []
    for group, rows in grouped.items():
        title = f"{round.title} · {UnitGroup(group).label}"
        bars = [Bar(row.unit.short_name or row.unit.name, row.index_value) for row in rows]
        charts.append((group, UnitGroup(group).label, rows, bar_chart(bars, title=title)))
    return charts


@replica_reads
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results of a round, for anyone: points, index, rank, grade, and the
    change since last year. Evidence and self-assessments stay with the unit."""
    round = selectors.published_round_get(pk=pk)
    if round is None:
        raise Http404(_("No published results with this number."))
    grouped = selectors.round_results(round=round)
    return render(
        request,
        "assessments/results.html",
        {
            "round": round,
            "charts": _results_charts(round, grouped),
            "bands": list(round.bands.all()),
        },
    )


# Combined rankings -------------------------------------------------------------------------


def _province_viewer(request: HttpRequest) -> None:
    if not selectors.sees_province(request.user):
        raise PermissionDenied


def _rankings_context(request: HttpRequest) -> dict[str, Any]:
    form = RankingsForm(request.GET or None)
    year, group, metric = form.values()
    table = selectors.rankings(year=year, group=group, metric=metric)
    bars = [
        Bar(
            row.unit.short_name or row.unit.name,
            row.figures[metric].value,
            url=reverse_unit(row.unit, year),
        )
        for row in table.rows
    ]
    label = selectors.METRICS[metric]
    scale = Decimal(100)
    return {
        "form": form,
        "table": table,
        "metrics": list(selectors.METRICS.items()),
        "metric_label": label,
        "group_label": UnitGroup(group).label,
        "chart": bar_chart(bars, title=f"{label} · {UnitGroup(group).label} · {year}", scale=scale),
        "query": request.GET.urlencode(),
    }


def reverse_unit(unit: Unit, year: int) -> str:
    from django.urls import reverse

    return reverse("assessments:rankings_unit", args=[unit.pk]) + f"?year={year}"


# The dashboards read from the replica, inside login_required: who is signed in is still
# read from the primary.
@login_required
@replica_reads
def rankings(request: HttpRequest) -> HttpResponse:
    _province_viewer(request)
    return render(request, "assessments/rankings.html", _rankings_context(request))


@login_required
@replica_reads
def rankings_print(request: HttpRequest) -> HttpResponse:
    _province_viewer(request)
    context = _rankings_context(request)
    context["printed_at"] = timezone.localtime()
    return render(request, "assessments/rankings_print.html", context)


@login_required
@replica_reads
def rankings_export(request: HttpRequest) -> HttpResponse:
    _province_viewer(request)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    context = _rankings_context(request)
    table = context["table"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Xep hang"
    sheet.append([f"{context['metric_label']} · {context['group_label']} · {table.year}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Rank"), _("Unit"), *[str(label) for _key, label in context["metrics"]]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(
            [
                row.rank,
                row.unit.name,
                *[
                    float(row.figures[key].value) if row.figures[key].value is not None else None
                    for key, _label in context["metrics"]
                ],
            ]
        )
    sheet.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _xlsx(buffer.getvalue(), f"xep-hang-{table.group}-{table.year}.xlsx")


@login_required
@replica_reads
def rankings_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit on every metric: its figure, its place in its group, the rows behind each."""
    _province_viewer(request)
    unit = get_object_or_404(Unit, pk=pk)
    form = RankingsForm(request.GET or None)
    year, _group, _metric = form.values()
    data = selectors.unit_ranks(unit=unit, year=year)
    if data is None:
        raise Http404(_("This unit is not ranked."))
    bars = [
        Bar(str(label), figure.value, url=figure.url)
        for _key, label, figure, _rank, _of in data.lines
    ]
    return render(
        request,
        "assessments/rankings_unit.html",
        {
            "data": data,
            "year": year,
            "group_label": UnitGroup(data.group).label,
            "chart": bar_chart(bars, title=f"{unit.name} · {year}"),
        },
    )


@login_required
@replica_reads
def rankings_rows(request: HttpRequest, pk: int, metric: str) -> HttpResponse:
    """The rows one figure of a unit is counted from, with links to their own pages."""
    _province_viewer(request)
    if metric not in selectors.ROWS_METRICS:
        raise Http404
    unit = get_object_or_404(Unit, pk=pk)
    form = PeriodForm(request.GET or None)
    start, end = form.values()
    rows = selectors.figure_rows(unit=unit, metric=metric, start=start, end=end, user=request.user)
    labels = {**selectors.METRICS, "online_share": _("Online share (%)")}
    return render(
        request,
        "assessments/rankings_rows.html",
        {
            "rows": rows,
            "form": form,
            "metric_label": labels.get(metric, metric),
            "year": start.year,
        },
    )
