"""Reads of the evaluations app: who sees which evaluation, what each reader may do now, the
data congvu reads to propose a level and why, and the cap on HTXSNV.

congvu's proposal (domain.md §11) reads what it holds:

- For staff and deputies, their own obligations in the year: tasks assigned to them with a
  due date in the year, each report of a recurring task they carry, and the steps of
  administrative-procedure dossiers they handed on (each step judged on its own deadline).
- For a head, the unit's targets: the tasks the unit (its parts included) leads with a due
  date in the year and each report of its recurring tasks; and its reform results, the PAR
  index and the service-quality index (QĐ 766/QĐ-TTg), where they are published. The levels
  of the heads of the directly managed units in the same round stand for those units.

How an obligation counts:

- done on time: finished by its deadline; a task finished within an approved extension counts
  on time (the assigner allowed the new date) but never as exceeded;
- exceeded ("vượt"): done on time and either marked 5/5 for quality on acceptance, or
  finished at least `EXCEEDED_EARLY_WORKING_DAYS` working days before the deadline; a dossier
  step handed on before the day it was due;
- late: finished after its deadline; overdue: not finished and its deadline has passed.
  Obligations not yet due are not counted.
- a reform result counts as one target of the unit: met at `REFORM_MET_POINTS` points out of
  100 or more, exceeded at `REFORM_EXCEEDED_POINTS` or more (verify: the province sets them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from congvu.accounts.roles import is_province_wide
from congvu.calendars.selectors import work_calendar_get
from congvu.directives.models import (
    OccurrenceStatus,
    Schedule,
    Task,
    TaskOccurrence,
    TaskStatus,
)
from congvu.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    Level,
    PeriodScore,
    PositionGroup,
    Round,
)
from congvu.lib import classification as rules_
from congvu.lib.workdays import WorkCalendar
from congvu.organizations.models import Delegation, Official, Unit
from congvu.organizations.selectors import official_of

EXCEEDED_EARLY_WORKING_DAYS = 3
EXCEEDED_QUALITY = 5
REFORM_MET_POINTS = 80
REFORM_EXCEEDED_POINTS = 90

DONE = (TaskStatus.REPORTED, TaskStatus.ACCEPTED)
WORKING = (TaskStatus.ASSIGNED, TaskStatus.ACKNOWLEDGED, TaskStatus.IN_PROGRESS)
GOOD_OR_BETTER = (Level.EXCELLENT, Level.GOOD)
EVALUATION_SCOPES = (Delegation.Scope.ALL, Delegation.Scope.EVALUATION)


# Visibility --------------------------------------------------------------------------------


def acting_for(official: Official, at: dt.datetime | None = None) -> list[int]:
    """Ids of the heads for whom `official` proposes evaluations under a delegation in force
    (scope: evaluation, or all work) at `at`."""
    return list(
        Delegation.objects.in_force(at or timezone.now())
        .filter(delegate=official, scope__in=EVALUATION_SCOPES)
        .values_list("delegator_id", flat=True)
    )


def evaluation_visibility_q(user: Any) -> Q:
    """Evaluations `user` may see: an official their own; the evaluator and the competent head
    those they propose or decide (and an official acting for a head by delegation, the head's
    evaluations to propose); the Department of Home Affairs' appraisers, the provincial office
    and administrators all; anyone else nothing."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser or is_province_wide(user):
        return Q()
    official = official_of(user)
    if official is None:
        return Q(pk__in=[])
    condition = Q(official=official) | Q(evaluator=official) | Q(decider=official)
    heads = acting_for(official)
    if heads:
        condition |= Q(evaluator__in=heads) & ~Q(official=official)
    return condition


def evaluation_list(
    *,
    user: Any,
    round: Round | int | None = None,
    status: str | None = None,
) -> QuerySet[Evaluation]:
    """Evaluations `user` may see, with the people and units their rows show."""
    evaluations = Evaluation.objects.visible_to(user).select_related(
        "round", "official", "official__user", "unit", "agency", "evaluator", "decider"
    )
    if round is not None:
        evaluations = evaluations.filter(round=round)
    if status:
        evaluations = evaluations.filter(status=status)
    return evaluations.order_by("round__year", "agency__path", "unit__path", "group", "pk")


def evaluation_get(*, user: Any, pk: int) -> Evaluation | None:
    return evaluation_list(user=user).filter(pk=pk).first()


def round_list(*, user: Any) -> QuerySet[Round]:
    """Rounds `user` may see: all for province-wide roles, otherwise those in which the user
    has an evaluation of their own or one to propose or decide."""
    rounds = Round.objects.select_related("scope")
    if not getattr(user, "is_authenticated", False):
        return rounds.none()
    if user.is_superuser or is_province_wide(user):
        return rounds.order_by("-year", "pk")
    mine = Evaluation.objects.visible_to(user).values("round_id")
    return rounds.filter(pk__in=mine).order_by("-year", "pk")


def may_oversee(user: Any) -> bool:
    """Opening and closing rounds, the overview and the export: the Department of Home
    Affairs, the provincial office and administrators."""
    return bool(getattr(user, "is_authenticated", False)) and (
        bool(user.is_superuser) or is_province_wide(user)
    )


# What a reader may do --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Transition:
    """One action on an evaluation: from which statuses, to which, and who acts."""

    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    actor: str  # "official", "evaluator", "decider" or "overseer"


S = EvaluationStatus
TRANSITIONS: dict[str, Transition] = {
    "self_assess": Transition((S.AWAITING_SELF, S.SELF_ASSESSED), S.SELF_ASSESSED, "official"),
    # The evaluator may propose without a self-assessment once its deadline has passed.
    "propose": Transition((S.AWAITING_SELF, S.SELF_ASSESSED, S.PROPOSED), S.PROPOSED, "evaluator"),
    "decide": Transition((S.PROPOSED,), S.DECIDED, "decider"),
    "set_facts": Transition((S.AWAITING_SELF, S.SELF_ASSESSED, S.PROPOSED), None, "overseer"),
    "score": Transition((S.AWAITING_SELF, S.SELF_ASSESSED, S.PROPOSED), None, "evaluator"),
}


def _is_evaluator(evaluation: Evaluation, official: Official | None, now: dt.datetime) -> bool:
    if official is None or official.pk == evaluation.official_id:
        return False
    if evaluation.evaluator_id == official.pk:
        return True
    return evaluation.evaluator_id is not None and evaluation.evaluator_id in acting_for(
        official, now
    )


def evaluation_actions(
    *, evaluation: Evaluation, user: Any, now: dt.datetime | None = None
) -> list[str]:
    """The actions `user` may take on `evaluation` now, in the order of the workflow."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False) or not evaluation.round.is_open:
        return []
    official = official_of(user)
    allowed: list[str] = []
    for action, transition in TRANSITIONS.items():
        if evaluation.status not in transition.sources:
            continue
        if action == "score" and evaluation.round.cadence == Round.Cadence.NONE:
            continue
        if (
            action == "propose"
            and evaluation.status == S.AWAITING_SELF
            and now < evaluation.round.self_assessment_due_at
        ):
            continue
        if transition.actor == "official":
            ok = official is not None and official.pk == evaluation.official_id
        elif transition.actor == "evaluator":
            ok = _is_evaluator(evaluation, official, now)
        elif transition.actor == "decider":
            ok = (
                official is not None
                and official.pk == evaluation.decider_id
                and official.pk != evaluation.official_id
            )
        else:
            ok = may_oversee(user) or (
                official is not None
                and official.pk != evaluation.official_id
                and (
                    official.pk == evaluation.decider_id or _is_evaluator(evaluation, official, now)
                )
            )
        if ok:
            allowed.append(action)
    return allowed


# The data congvu reads -------------------------------------------------------------------------


def _year_bounds(year: int, calendar: WorkCalendar) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=calendar.tz)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=calendar.tz)


@dataclasses.dataclass
class Tally:
    """Counts of obligations, by kind, before they become a `Record`."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    exceeded: int = 0
    extended: int = 0

    def record(self) -> rules_.Record:
        return rules_.Record(
            on_time=self.on_time, late=self.late, overdue=self.overdue, exceeded=self.exceeded
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def _tasks_tally(tasks: QuerySet[Task], now: dt.datetime, calendar: WorkCalendar) -> Tally:
    tally = Tally()
    rows = tasks.values_list(
        "status", "completed_at", "due_at", "due_on", "quality", "extension_count"
    )
    for status, completed_at, due_at, due_on, quality, extensions in rows:
        if status in DONE and completed_at is not None:
            if due_at is None or completed_at <= due_at:
                tally.on_time += 1
                early = (
                    due_on is not None
                    and calendar.working_days_in(
                        timezone.localtime(completed_at, calendar.tz).date() + dt.timedelta(days=1),
                        due_on,
                    )
                    >= EXCEEDED_EARLY_WORKING_DAYS
                )
                if extensions:
                    tally.extended += 1
                elif quality == EXCEEDED_QUALITY or early:
                    tally.exceeded += 1
            else:
                tally.late += 1
        elif status in WORKING and due_at is not None and due_at < now:
            tally.overdue += 1
    return tally


def _occurrences_tally(occurrences: QuerySet[TaskOccurrence], now: dt.datetime) -> Tally:
    reported = Q(status=OccurrenceStatus.REPORTED, reported_at__isnull=False)
    row = occurrences.exclude(task__status=TaskStatus.CANCELLED).aggregate(
        on_time=Count("pk", filter=reported & Q(reported_at__lte=F("due_at"))),
        late=Count("pk", filter=reported & Q(reported_at__gt=F("due_at"))),
        overdue=Count("pk", filter=Q(status=OccurrenceStatus.PENDING, due_at__lt=now)),
    )
    return Tally(on_time=row["on_time"], late=row["late"], overdue=row["overdue"])


def _dossier_tally(official: Official, start: dt.datetime, end: dt.datetime) -> Tally:
    """The dossier steps `official` handed on in [start, end), each judged on its deadline."""
    try:
        from congvu.dossiers.models import DossierTransition
    except ImportError:  # pragma: no cover - the dossiers app is part of every installation
        return Tally()
    row = DossierTransition.objects.filter(
        giver_id=official.user_id, at__gte=start, at__lt=end
    ).aggregate(
        early=Count("pk", filter=Q(timeliness="early")),
        on_time=Count("pk", filter=Q(timeliness="on_time")),
        late=Count("pk", filter=Q(timeliness="late")),
    )
    return Tally(on_time=row["early"] + row["on_time"], late=row["late"], exceeded=row["early"])


def official_tally(
    *, official: Official, year: int, now: dt.datetime | None = None
) -> dict[str, Tally]:
    """An official's own obligations in `year`: tasks, recurring reports, dossier steps."""
    now = now or timezone.now()
    calendar = work_calendar_get()
    start, end = _year_bounds(year, calendar)
    tasks = Task.objects.filter(
        assignee=official,
        schedule=Schedule.DUE_DATE,
        due_on__gte=start.date(),
        due_on__lt=end.date(),
    ).exclude(status=TaskStatus.CANCELLED)
    occurrences = TaskOccurrence.objects.filter(
        task__assignee=official, due_on__gte=start.date(), due_on__lt=end.date()
    )
    return {
        "tasks": _tasks_tally(tasks, now, calendar),
        "reports": _occurrences_tally(occurrences, now),
        "dossiers": _dossier_tally(official, start, end),
    }


def unit_tally(*, unit: Unit, year: int, now: dt.datetime | None = None) -> dict[str, Tally]:
    """The targets of `unit` (its parts included) in `year`: tasks it leads and reports."""
    now = now or timezone.now()
    calendar = work_calendar_get()
    start, end = _year_bounds(year, calendar)
    tasks = Task.objects.filter(
        lead_unit__path__startswith=unit.path,
        schedule=Schedule.DUE_DATE,
        due_on__gte=start.date(),
        due_on__lt=end.date(),
    ).exclude(status=TaskStatus.CANCELLED)
    occurrences = TaskOccurrence.objects.filter(
        task__lead_unit__path__startswith=unit.path,
        due_on__gte=start.date(),
        due_on__lt=end.date(),
    )
    return {
        "tasks": _tasks_tally(tasks, now, calendar),
        "reports": _occurrences_tally(occurrences, now),
    }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal | Fraction):
        return float(value)
    return None


def reform_points(result: Any) -> float | None:
    """A published reform result as points out of 100: its score scaled by its maximum when
    it states one. Reads a number, a mapping or an object with `score`/`total`/`points`."""
    if result is None:
        return None
    # An index with nothing to measure in the year (no dossiers at all) is no result.
    if _number(getattr(result, "applicable", None)) == 0:
        return None
    groups = getattr(result, "groups", None)
    if groups is not None and not any(
        getattr(item, "denominator", None) for group in groups for item in group.indicators
    ):
        return None
    direct = _number(result)
    if direct is not None:
        return direct

    def get(key: str) -> Any:
        if isinstance(result, dict):
            return result.get(key)
        return getattr(result, key, None)

    value = None
    for key in ("percent", "score", "total", "points", "total_score", "final_score", "index"):
        value = _number(get(key))
        if value is not None:
            break
    if value is None:
        return None
    for key in ("max_score", "max_total", "maximum", "max_points", "out_of"):
        most = _number(get(key))
        if most:
            return round(value * 100 / most, 2)
    return value


def reform_results(*, unit: Unit, year: int) -> dict[str, float | None]:
    """The unit's PAR index and 766 index of `year` in points out of 100, None where not
    published (or where the app that computes it is not installed)."""
    found: dict[str, float | None] = {"par": None, "index766": None}
    try:
        from congvu.assessments.selectors import par_result_get
    except ImportError:
        pass
    else:
        found["par"] = reform_points(par_result_get(unit=unit, year=year))
    try:
        from congvu.indices.selectors import service_index_get
    except ImportError:
        pass
    else:
        found["index766"] = reform_points(service_index_get(unit=unit, year=year))
    return found


def reform_tally(results: dict[str, float | None]) -> Tally:
    tally = Tally()
    for points in results.values():
        if points is None:
            continue
        if points >= REFORM_MET_POINTS:
            tally.on_time += 1
            if points >= REFORM_EXCEEDED_POINTS:
                tally.exceeded += 1
        else:
            tally.late += 1
    return tally


def subordinate_levels(evaluation: Evaluation) -> list[tuple[Evaluation, str]]:
    """The heads of the units `evaluation`'s official directly manages, evaluated in the same
    round, with their level: the decided one, or "" while undecided."""
    children = Unit.objects.active(dt.date(evaluation.round.year, 12, 31)).filter(
        parent_id=evaluation.unit_id
    )
    others = (
        Evaluation.objects.filter(
            round_id=evaluation.round_id, group=PositionGroup.HEAD, unit__in=children
        )
        .exclude(pk=evaluation.pk)
        .select_related("official", "unit")
        .order_by("unit__path")
    )
    return [
        (other, other.level if other.status == EvaluationStatus.DECIDED else "") for other in others
    ]


def _as_level(value: str) -> rules_.Level | None:
    try:
        return rules_.Level(value)
    except ValueError:
        return None


def round_rules(round: Round) -> rules_.Rules:
    return dataclasses.replace(
        rules_.DEFAULT_RULES,
        excellent_quota_share=Fraction(round.excellent_quota_percent, 100),
    )


def _situation(evaluation: Evaluation) -> rules_.Situation:
    return rules_.Situation(
        months_worked=Fraction(str(evaluation.months_worked)),
        months_absent=Fraction(str(evaluation.months_absent)),
        disciplined=evaluation.disciplined,
    )


@dataclasses.dataclass
class Proposal:
    """congvu's proposal for an evaluation: the level (Level value, NOT_CLASSIFIED when the
    official is not classified), the highest level allowed, the reasons, and the figures."""

    level: str
    ceiling: str
    reasons: list[dict[str, Any]]
    tallies: dict[str, dict[str, int]]
    reform: dict[str, float | None]
    units: list[tuple[Evaluation, str]]
    year_score: float | None


def _reason(key: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "values": values}


def proposal_compute(evaluation: Evaluation, *, now: dt.datetime | None = None) -> Proposal:
    """What congvu proposes for `evaluation` from the data it holds, and why."""
    now = now or timezone.now()
    round_ = evaluation.round
    rules = round_rules(round_)
    situation = _situation(evaluation)
    reform: dict[str, float | None] = {}
    units: list[tuple[Evaluation, str]] = []
    data: list[dict[str, Any]] = []
    if evaluation.group == PositionGroup.HEAD:
        tallies = unit_tally(unit=evaluation.unit, year=round_.year, now=now)
        if evaluation.unit_id == evaluation.agency_id:
            # Reform results are the agency's: they weigh on the head of the agency only.
            reform = reform_results(unit=evaluation.agency, year=round_.year)
            tallies["reform"] = reform_tally(reform)
        units = subordinate_levels(evaluation)
        levels = [_as_level(level) for level in (lv for _e, lv in units)]
        record = _sum(tallies.values())
        outcome = rules_.classify_head(record, situation, subordinate_levels=levels, rules=rules)
        for name, points in reform.items():
            if points is None:
                data.append(_reason(f"{name}_missing"))
            else:
                data.append(_reason(name, points=points))
    else:
        tallies = official_tally(official=evaluation.official, year=round_.year, now=now)
        record = _sum(tallies.values())
        outcome = rules_.classify_staff(record, situation, rules=rules)
    for name, tally in tallies.items():
        if name != "reform":
            data.append(_reason(f"source_{name}", **tally.as_dict()))
    scores = [s.score for s in PeriodScore.objects.filter(evaluation=evaluation)]
    mean = rules_.year_score(Fraction(str(s)) for s in scores)
    if mean is not None:
        data.append(
            _reason(
                "year_score",
                score=round(float(mean), 2),
                periods=len(scores),
                level=rules_.level_from_score(mean, rules=rules).value,
            )
        )
    reasons = [_reason(r.key, **r.values) for r in outcome.reasons] + data
    return Proposal(
        level=outcome.level.value if outcome.level is not None else Level.NOT_CLASSIFIED,
        ceiling=outcome.ceiling.value if outcome.ceiling is not None else Level.NOT_CLASSIFIED,
        reasons=reasons,
        tallies={name: tally.as_dict() for name, tally in tallies.items()},
        reform=reform,
        units=units,
        year_score=round(float(mean), 2) if mean is not None else None,
    )


def _sum(tallies: Iterable[Tally]) -> rules_.Record:
    total = rules_.Record()
    for tally in tallies:
        total = total + tally.record()
    return total


def level_allowed(level: str, ceiling: str) -> bool:
    """Whether a person may give `level` when the rules allow at most `ceiling`."""
    if ceiling == Level.NOT_CLASSIFIED:
        return level == Level.NOT_CLASSIFIED
    if level == Level.NOT_CLASSIFIED:
        return False
    top = rules_.Level(ceiling)
    return rules_.RANK[rules_.Level(level)] <= rules_.RANK[top]


# The cap on HTXSNV -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Quota:
    """The cap on HTXSNV among the evaluations one competent head decides in a round.

    `good_or_better` counts those decided HTTNV or better, and those not yet decided whose
    latest proposal (the evaluator's, else congvu's) is; `excellent` counts the HTXSNV decided.
    """

    round: Round
    decider: Official | None
    percent: int
    good_or_better: int
    excellent: int

    @property
    def limit(self) -> int:
        return rules_.quota_limit(self.good_or_better, share=Fraction(self.percent, 100))

    @property
    def remaining(self) -> int:
        return max(self.limit - self.excellent, 0)

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.limit


def current_level(evaluation: Evaluation) -> str:
    """The level an evaluation stands at: decided, else proposed, else congvu's."""
    if evaluation.status == EvaluationStatus.DECIDED:
        return evaluation.level
    return evaluation.proposed_level or evaluation.system_level


def quota_group(round: Round, decider_id: int | None) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(round=round, decider_id=decider_id)


def quota_get(
    *,
    round: Round,
    decider: Official | None,
    replacing: Evaluation | None = None,
    with_level: str = "",
) -> Quota:
    """The quota of `decider`'s evaluations in `round`; with `replacing`, as it would stand if
    that evaluation were decided at `with_level`."""
    rows = quota_group(round, decider.pk if decider else None).values_list(
        "pk", "status", "level", "proposed_level", "system_level"
    )
    good = excellent = 0
    for pk, status, level, proposed, system in rows:
        if replacing is not None and pk == replacing.pk:
            status, level = EvaluationStatus.DECIDED, with_level
        now_at = level if status == EvaluationStatus.DECIDED else (proposed or system)
        good += now_at in GOOD_OR_BETTER
        excellent += status == EvaluationStatus.DECIDED and level == Level.EXCELLENT
    return Quota(
        round=round,
        decider=decider,
        percent=round.excellent_quota_percent,
        good_or_better=good,
        excellent=excellent,
    )


def quotas_for(*, user: Any, rounds: Iterable[Round]) -> list[Quota]:
    """The quotas `user` decides in each open round (every decider's for overseers)."""
    official = official_of(user)
    found: list[Quota] = []
    for round_ in rounds:
        if may_oversee(user):
            deciders = Official.objects.filter(pk__in=quota_group_ids(round_)).order_by("full_name")
            found.extend(quota_get(round=round_, decider=d) for d in deciders)
        elif official is not None and quota_group(round_, official.pk).exists():
            found.append(quota_get(round=round_, decider=official))
    return found


def quota_group_ids(round: Round) -> list[int]:
    return list(
        Evaluation.objects.filter(round=round, decider__isnull=False)
        .values_list("decider_id", flat=True)
        .distinct()
    )


# The round's overview ------------------------------------------------------------------------


@dataclasses.dataclass
class Overview:
    round: Round
    total: int
    by_status: dict[str, int]
    by_level: dict[str, int]
    without_evaluator: int
    late_self: int


def round_overview(*, round: Round, now: dt.datetime | None = None) -> Overview:
    """Counts of a round by status and by decided level, in two queries."""
    now = now or timezone.now()
    evaluations = Evaluation.objects.filter(round=round)
    by_status = {
        row["status"]: row["n"]
        for row in evaluations.values("status").annotate(n=Count("pk")).order_by()
    }
    by_level = {
        row["level"]: row["n"]
        for row in evaluations.filter(status=EvaluationStatus.DECIDED)
        .values("level")
        .annotate(n=Count("pk"))
        .order_by()
    }
    extra = evaluations.aggregate(
        without=Count("pk", filter=Q(evaluator__isnull=True)),
        late=Count("pk", filter=Q(status=EvaluationStatus.AWAITING_SELF))
        if now > round.self_assessment_due_at
        else Count("pk", filter=Q(pk__in=[])),
    )
    return Overview(
        round=round,
        total=sum(by_status.values()),
        by_status=by_status,
        by_level=by_level,
        without_evaluator=extra["without"],
        late_self=extra["late"],
    )
