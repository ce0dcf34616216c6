"""Reads of the assessments app: who sees and does what, a round's tree and results, the
results other apps use (`par_result_get`, `ddci_result_get`), and the combined rankings of
units on every index and rate with the rows behind each figure."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.accounts.roles import Role, has_role
from congvu.assessments import measures
from congvu.assessments.models import (
    Criterion,
    CriterionKind,
    Measure,
    Round,
    RoundKind,
    RoundStatus,
    Score,
    UnitAssessment,
    UnitGroup,
)
from congvu.assessments.scoring import ranks
from congvu.assessments.workflow import ACTIONS, PAGE_ACTIONS, RESULTS_STATUSES, RoundAction
from congvu.organizations.models import Unit
from congvu.organizations.selectors import (
    agency_paths_for,
    official_of,
    official_units,
    province_get,
)

# Which kinds of unit take part in each group of a round.
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    UnitGroup.DEPARTMENTS: (Unit.Kind.OFFICE, Unit.Kind.DEPARTMENT),
    UnitGroup.COMMUNES: (Unit.Kind.COMMUNE_COMMITTEE,),
}


# Who may do what ---------------------------------------------------------------------------


def may_manage(user: Any) -> bool:
    """The Department of Home Affairs' appraisers (and administrators) define rounds,
    appraise, import surveys, compute and publish."""
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.ADMINISTRATOR, Role.HOME_AFFAIRS_APPRAISER
    )


def may_read_rounds(user: Any) -> bool:
    """Officials and province-wide roles read every round; others only published results."""
    if not getattr(user, "is_authenticated", False):
        return False
    return agency_paths_for(user) is None or official_of(user) is not None


def sees_province(user: Any) -> bool:
    """Whether `user` sees every unit's figures: the province-wide roles, administrators, and
    officials of the provincial People's Committee itself (the Chairman and the Office)."""
    paths = agency_paths_for(user)
    if paths is None:
        return True
    province = province_get()
    return province is not None and province.path in paths


def assessment_visibility_q(user: Any) -> Q:
    """Unit assessments `user` may see: every published one; before publication a unit's own
    (its officials'), and all of them for the appraisers, the provincial office and
    administrators."""
    published = Q(round__status=RoundStatus.PUBLISHED)
    if not getattr(user, "is_authenticated", False):
        return published
    paths = agency_paths_for(user)
    if paths is None:
        return Q()
    condition = published
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def is_insider(user: Any, assessment: UnitAssessment) -> bool:
    """Whether `user` may see the unit's self-assessment and evidence (never public)."""
    if not getattr(user, "is_authenticated", False):
        return False
    paths = agency_paths_for(user)
    if paths is None:
        return True
    return any(assessment.unit.path.startswith(path) for path in paths)


def works_in(user: Any, unit: Unit) -> bool:
    """Whether `user` is an official of `unit` or one of its parts."""
    official = official_of(user)
    if official is None:
        return False
    return any(u.path.startswith(unit.path) for u in official_units(official))


def may_self_assess(user: Any, assessment: UnitAssessment) -> bool:
    """The unit's own officials fill in its self-assessment (and administrators)."""
    return bool(getattr(user, "is_superuser", False)) or works_in(user, assessment.unit)


def may_submit(user: Any, assessment: UnitAssessment) -> bool:
    """The head or a deputy of the unit sends its self-assessment (and administrators)."""
    if getattr(user, "is_superuser", False):
        return True
    return works_in(user, assessment.unit) and has_role(user, Role.HEAD, Role.UNIT_LEADER)


def round_actions(*, round: Round, user: Any) -> list[RoundAction]:
    """The round's page actions `user` may take now."""
    if not may_manage(user):
        return []
    return [
        ACTIONS[name]
        for name in PAGE_ACTIONS
        if ACTIONS[name].allowed_from(round.kind, round.status)
    ]


# Rounds and trees --------------------------------------------------------------------------


def round_list(*, user: Any) -> QuerySet[Round]:
    rounds = Round.objects.all()
    if not may_read_rounds(user):
        rounds = rounds.filter(status=RoundStatus.PUBLISHED)
    return rounds.order_by("-year", "kind")


def round_get(*, pk: int, user: Any) -> Round | None:
    return round_list(user=user).filter(pk=pk).first()


def published_round_get(*, pk: int) -> Round | None:
    return Round.objects.filter(pk=pk, status=RoundStatus.PUBLISHED).first()


@dataclasses.dataclass
class Node:
    """A criterion with its children, for rendering a tree in one loop."""

    criterion: Criterion
    depth: int
    is_leaf: bool


def criterion_tree(round: Round) -> list[Node]:
    """The round's criteria in tree order (depth first), read in one query."""
    criteria = list(round.criteria.order_by("order", "pk"))
    children: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)
    nodes: list[Node] = []

    def walk(parent: int | None, depth: int) -> None:
        for criterion in children.get(parent, []):
            nodes.append(Node(criterion, depth, criterion.pk not in children))
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return nodes


def leaves(round: Round) -> QuerySet[Criterion]:
    """The scored criteria of a round: those without children."""
    return round.criteria.exclude(
        pk__in=Criterion.objects.filter(round=round, parent__isnull=False).values("parent_id")
    ).order_by("order", "pk")


# Unit assessments --------------------------------------------------------------------------


def assessment_list(*, user: Any, round: Round | None = None) -> QuerySet[UnitAssessment]:
    assessments = UnitAssessment.objects.visible_to(user).select_related("unit", "round")
    if round is not None:
        assessments = assessments.filter(round=round)
    # Departments before communes, as the province lists them.
    return assessments.order_by("-group", "rank", "unit__sort_order", "unit__name", "pk")


def assessment_get(*, pk: int, user: Any) -> UnitAssessment | None:
    """A unit assessment whose self-assessment `user` may see."""
    assessment = (
        UnitAssessment.objects.select_related("unit", "round", "submitted_by").filter(pk=pk).first()
    )
    if assessment is None or not is_insider(user, assessment):
        return None
    return assessment


def assessment_scores(assessment: UnitAssessment) -> list[Score]:
    """The unit's scores in tree order, with their criterion, appraiser and evidence."""
    return list(
        assessment.scores.select_related("criterion", "appraised_by")
        .prefetch_related("evidence")
        .order_by("criterion__order", "criterion_id")
    )


def round_results(*, round: Round) -> dict[str, list[UnitAssessment]]:
    """The computed results of a round, by group, best first."""
    grouped: dict[str, list[UnitAssessment]] = {g: [] for g in UnitGroup.values}
    rows = (
        round.assessments.select_related("unit")
        .filter(index_value__isnull=False)
        .order_by("group", "rank", "unit__name")
    )
    for row in rows:
        grouped[row.group].append(row)
    return {g: rows for g, rows in grouped.items() if rows}


# What other apps read ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ParResult:
    """A unit's published result in a round of an index."""

    year: int
    score: Decimal
    max_score: Decimal
    index: Decimal
    rank: int
    of_units: int
    grade: str
    round_id: int


DdciResult = ParResult


def _result_get(kind: str, unit: Unit, year: int) -> ParResult | None:
    row = (
        UnitAssessment.objects.filter(
            round__kind=kind, round__year=year, round__status=RoundStatus.PUBLISHED, unit=unit
        )
        .exclude(index_value__isnull=True)
        .first()
    )
    if row is None or row.rank is None or row.of_units is None:
        return None
    return ParResult(
        year=year,
        score=row.score or Decimal(0),
        max_score=row.max_score or Decimal(0),
        index=row.index_value or Decimal(0),
        rank=row.rank,
        of_units=row.of_units,
        grade=row.grade,
        round_id=row.round_id,
    )


def par_result_get(*, unit: Unit, year: int) -> ParResult | None:
    """The unit's published PAR index result of `year`, None if there is none."""
    return _result_get(RoundKind.PAR, unit, year)


def ddci_result_get(*, unit: Unit, year: int) -> DdciResult | None:
    """The unit's published DDCI result of `year`, None if there is none."""
    return _result_get(RoundKind.DDCI, unit, year)


# Combined rankings -------------------------------------------------------------------------

METRICS: dict[str, str | Promise] = {
    Measure.SERVICE_INDEX: _("766 index"),
    "par": _("PAR index"),
    "ddci": _("DDCI"),
    Measure.TASK_ON_TIME: _("Tasks on time (%)"),
    Measure.DOSSIER_ON_TIME: _("Dossiers on time (%)"),
    Measure.SATISFACTION: _("Satisfaction (%)"),
}
ROWS_METRICS = {*METRICS, Measure.ONLINE_SHARE}


@dataclasses.dataclass
class RankingRow:
    unit: Unit
    figures: dict[str, measures.Figure]
    rank: int | None = None

    @property
    def cells(self) -> list[measures.Figure]:
        """The figures in the order of METRICS, for a table row."""
        return [self.figures.get(key, measures.Figure(None)) for key in METRICS]


@dataclasses.dataclass
class Rankings:
    year: int
    start: dt.date
    end: dt.date
    group: str
    metric: str
    rows: list[RankingRow]
    rounds: dict[str, Round | None]


def group_units(group: str, *, on: dt.date | None = None) -> list[Unit]:
    return list(
        Unit.objects.active(on)
        .filter(kind__in=GROUP_KINDS[group])
        .order_by("sort_order", "name", "pk")
    )


def _round_figures(
    kind: str, year: int, units: list[Unit]
) -> tuple[Round | None, dict[int, measures.Figure]]:
    round = Round.objects.filter(kind=kind, year=year, status__in=RESULTS_STATUSES).first()
    if round is None:
        return None, {}
    rows = UnitAssessment.objects.filter(round=round, unit__in=units).values(
        "pk", "unit_id", "index_value"
    )
    return round, {
        row["unit_id"]: measures.Figure(
            row["index_value"], url=reverse("assessments:assessment", args=[row["pk"]])
        )
        for row in rows
    }


def rankings(*, year: int, group: str, metric: str, now: dt.datetime | None = None) -> Rankings:
    """Units of `group` with every figure of `year`, ranked on `metric` (highest first;
    units without the figure last, unranked)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = group_units(group, on=min(end, timezone.localdate()))
    figures = measures.measure_figures(
        units,
        measures={
            Measure.SERVICE_INDEX,
            Measure.TASK_ON_TIME,
            Measure.DOSSIER_ON_TIME,
            Measure.SATISFACTION,
        },
        start=start,
        end=end,
        year=year,
        now=now,
    )
    par_round, par = _round_figures(RoundKind.PAR, year, units)
    ddci_round, ddci = _round_figures(RoundKind.DDCI, year, units)
    rows = []
    for unit in units:
        values = dict(figures.get(unit.pk, {}))
        values["par"] = par.get(unit.pk, measures.Figure(None))
        values["ddci"] = ddci.get(unit.pk, measures.Figure(None))
        rows.append(RankingRow(unit=unit, figures=values))
    scored = [row for row in rows if row.figures[metric].value is not None]
    for row, rank in zip(
        scored, ranks([row.figures[metric].value or Decimal(0) for row in scored]), strict=True
    ):
        row.rank = rank
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.unit.sort_order, row.unit.name))
    return Rankings(
        year=year,
        start=start,
        end=end,
        group=group,
        metric=metric,
        rows=rows,
        rounds={"par": par_round, "ddci": ddci_round},
    )


def unit_group(unit: Unit) -> str | None:
    for group, kinds in GROUP_KINDS.items():
        if unit.kind in kinds:
            return group
    return None


@dataclasses.dataclass
class UnitRanks:
    unit: Unit
    group: str
    year: int
    lines: list[tuple[str, str | Promise, measures.Figure, int | None, int]]


def unit_ranks(*, unit: Unit, year: int, now: dt.datetime | None = None) -> UnitRanks | None:
    """A unit's figure and place on every metric among the units of its group."""
    group = unit_group(unit)
    if group is None:
        return None
    table = rankings(year=year, group=group, metric=Measure.SERVICE_INDEX, now=now)
    lines = []
    for metric, label in METRICS.items():
        scored = [r for r in table.rows if r.figures[metric].value is not None]
        placed = dict(
            zip(
                [r.unit.pk for r in scored],
                ranks([r.figures[metric].value or Decimal(0) for r in scored]),
                strict=True,
            )
        )
        mine = next((r for r in table.rows if r.unit.pk == unit.pk), None)
        figure = mine.figures[metric] if mine is not None else measures.Figure(None)
        lines.append((metric, label, figure, placed.get(unit.pk), len(scored)))
    return UnitRanks(unit=unit, group=group, year=year, lines=lines)


@dataclasses.dataclass
class Rows:
    """The rows behind one figure of a unit: column headings, rows of cells (text, link)."""

    unit: Unit
    metric: str
    start: dt.date
    end: dt.date
    figure: measures.Figure
    headings: list[str | Promise]
    rows: list[list[tuple[Any, str]]]
    links: list[tuple[str | Promise, str]]


def _figure_of(unit: Unit, metric: str, start: dt.date, end: dt.date) -> measures.Figure:
    if metric in ("par", "ddci"):
        _round, values = _round_figures(metric, start.year, [unit])
        return values.get(unit.pk, measures.Figure(None))
    got = measures.measure_figures([unit], measures={metric}, start=start, end=end, year=start.year)
    return got.get(unit.pk, {}).get(metric, measures.Figure(None))


def _link(name: str, *args: Any, query: str = "") -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=list(args)) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def figure_rows(
    *, unit: Unit, metric: str, start: dt.date, end: dt.date, user: Any, limit: int = 500
) -> Rows:
    """What a figure of `unit` over [start, end] is counted from."""
    figure = _figure_of(unit, metric, start, end)
    period = f"start={start:%d/%m/%Y}&end={end:%d/%m/%Y}"
    result = Rows(unit, metric, start, end, figure, [], [], [])
    if metric in (Measure.DOSSIER_ON_TIME, Measure.ONLINE_SHARE, Measure.SATISFACTION):
        result.headings = [
            _("Procedure"),
            _("Received"),
            _("Online"),
            _("Resolved early"),
            _("On time"),
            _("Late"),
            _("Ratings"),
            _("Not satisfied"),
        ]
        for line in _dossier_lines(unit, start, end)[:limit]:
            result.rows.append(
                [
                    (
                        f"{line['procedure_version__procedure__code']} "
                        f"{line['procedure_version__name']}",
                        "",
                    ),
                    (line["received"], ""),
                    (line["received_online"], ""),
                    (line["resolved_early"], ""),
                    (line["resolved_on_time"], ""),
                    (line["resolved_late"], ""),
                    (line["rated"], ""),
                    (line["rated_unsatisfied"], ""),
                ]
            )
        result.links = [
            (_("Dossiers"), _link("dossiers:worklist")),
            (_("Register of dossiers"), _link("dossiers:paper_register")),
        ]
    elif metric == Measure.TASK_ON_TIME:
        from congvu.directives.models import Schedule, TaskStatus
        from congvu.directives.selectors import task_list, task_timeliness

        result.headings = [_("Task"), _("Due"), _("Status"), _("Timeliness")]
        tasks = (
            task_list(user=user, unit=unit)
            .filter(schedule=Schedule.DUE_DATE, due_on__gte=start, due_on__lte=end)
            .exclude(status=TaskStatus.CANCELLED)[:limit]
        )
        labels = {
            "done_on_time": _("Done on time"),
            "done_late": _("Done late"),
            "overdue": _("Overdue"),
            "due_soon": _("Due soon"),
            "on_time": _("In progress"),
        }
        now = timezone.now()
        for task in tasks:
            result.rows.append(
                [
                    (task.title, reverse("directives:task", args=[task.pk])),
                    (task.due_on.strftime("%d/%m/%Y") if task.due_on else "", ""),
                    (task.get_status_display(), ""),
                    (labels.get(task_timeliness(task, now), ""), ""),
                ]
            )
        result.links = [
            (_("Scorecard of the unit"), _link("directives:scorecard", unit.pk, query=period))
        ]
    elif metric == Measure.SERVICE_INDEX:
        url = measures.service_index_url(unit, start.year)
        if url:
            result.links = [(_("Service-quality index of the unit"), url)]
    elif metric in ("par", "ddci"):
        assessment = UnitAssessment.objects.filter(
            round__kind=metric,
            round__year=start.year,
            unit=unit,
            round__status__in=RESULTS_STATUSES,
        ).first()
        if assessment is not None:
            result.headings = [_("Criterion"), _("Maximum"), _("Points")]
            for score in assessment_scores(assessment):
                result.rows.append(
                    [
                        (str(score.criterion), ""),
                        (score.criterion.max_points, ""),
                        (score.final_points if score.final_points is not None else "—", ""),
                    ]
                )
            result.links = [
                (
                    _("Assessment of the unit"),
                    reverse("assessments:assessment", args=[assessment.pk]),
                )
            ]
    return result


def _dossier_lines(unit: Unit, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The dossier counters of `unit` and its parts per procedure over [start, end]."""
    from django.db.models import Sum

    from congvu.dossiers.models import DossierMonthStat, DossierStat

    where = Q(unit__path__startswith=unit.path)
    keys = ("procedure_version_id", "procedure_version__name", "procedure_version__procedure__code")
    sums = {name: Sum(name) for name in measures.DOSSIER_COUNTERS}
    span = measures._month_span(start, end)
    queries: list[Any]
    if span is None:
        queries = [DossierStat.objects.filter(where, day__gte=start, day__lte=end)]
    else:
        first, last = span
        after_last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        queries = [DossierMonthStat.objects.filter(where, month__gte=first, month__lte=last)]
        if start < first:
            queries.append(DossierStat.objects.filter(where, day__gte=start, day__lt=first))
        if after_last <= end:
            queries.append(DossierStat.objects.filter(where, day__gte=after_last, day__lte=end))
    lines: dict[int, dict[str, Any]] = {}
    for query in queries:
        for row in query.values(*keys).annotate(**sums).order_by():
            line = lines.setdefault(
                row["procedure_version_id"],
                {**{k: row[k] for k in keys}, **dict.fromkeys(measures.DOSSIER_COUNTERS, 0)},
            )
            for name in measures.DOSSIER_COUNTERS:
                line[name] += int(row[name] or 0)
    return sorted(
        lines.values(), key=lambda line: (-line["received"], line["procedure_version__name"])
    )


def scores_for(assessments: list[UnitAssessment]) -> dict[int, list[Score]]:
    """The scores of several assessments, by assessment, in one query."""
    found: dict[int, list[Score]] = {a.pk: [] for a in assessments}
    for score in (
        Score.objects.filter(assessment__in=assessments)
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id")
    ):
        found[score.assessment_id].append(score)
    return found


def survey_leaves(round: Round) -> QuerySet[Criterion]:
    return leaves(round).filter(kind=CriterionKind.SURVEY)
