"""Writes of the evaluations app: opening and closing a round, the three steps of an
evaluation (self-assessment, the evaluator's proposal, the competent head's decision), the
facts that bound the level (months worked and absent, discipline) and continuous scores.

NĐ 90/2020/NĐ-CP as amended by NĐ 48/2023/NĐ-CP (domain.md §11): the official assesses
themself, the evaluator proposes, the competent head decides. The limits of the rules (not
classified under 6 months, discipline → KHTNV, absence → at most HTNV, a failed unit below a
head → at most HTNV, the cap on HTXSNV) bind the people, so a proposal or decision above them
is refused; where a person departs from congvu's proposal or the evaluator's, they give the
reason, which is kept.

Every service locks the evaluation row, checks the workflow table in `selectors.TRANSITIONS`,
stores one EvaluationStep, writes one audit row and tells the people concerned (emails leave
after the commit, see `notification_send`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.calendars.selectors import work_calendar_get
from congvu.core.services import audit_record, notification_send, snapshot
from congvu.evaluations import selectors
from congvu.evaluations.models import (
    Cadence,
    Evaluation,
    EvaluationStatus,
    EvaluationStep,
    Level,
    PeriodScore,
    PositionGroup,
    Round,
    RoundStatus,
)
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import (
    official_of,
    responsibility_resolve,
    unit_agency_get,
)

# Working days from the opening of a round to the self-assessment deadline and to the
# decisions; the round keeps the computed moments, which an overseer may change in the admin.
SELF_ASSESSMENT_WORKING_DAYS = 5
DECISION_WORKING_DAYS = 15
LEVEL_LABELS = dict(Level.choices)

EVALUATION_FIELDS = [
    "status",
    "self_level",
    "self_text",
    "proposed_level",
    "proposal_comment",
    "system_level",
    "level",
    "decision_reason",
    "months_worked",
    "months_absent",
    "disciplined",
    "discipline_note",
    "evaluator",
    "decider",
]


class EvaluationActionError(Exception):
    """The evaluation's or round's present state does not allow the action (HTTP 409)."""


# Opening a round ---------------------------------------------------------------------------


def _months_in_year(positions: Iterable[Position], year: int) -> Decimal:
    """Months (to a tenth) between the first day in post and the last in `year`."""
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    starts, ends = [], []
    for position in positions:
        start = max(position.valid_from, first_day)
        end = (
            min(position.valid_until - dt.timedelta(days=1), last_day)
            if (position.valid_until)
            else last_day
        )
        if end >= start:
            starts.append(start)
            ends.append(end)
    if not starts:
        return Decimal(0)
    days = (max(ends) - min(starts)).days + 1
    months = Decimal(days * 12) / Decimal((last_day - first_day).days + 1)
    return min(months.quantize(Decimal("0.1")), Decimal(12))


_RANK = {
    Position.Kind.HEAD: 0,
    Position.Kind.DEPUTY_HEAD: 1,
}


def _main_position(positions: list[Position], official: Official) -> Position | None:
    """The position the official is evaluated in: the highest one, in their own agency first."""
    if not positions:
        return None
    return min(
        positions,
        key=lambda p: (
            _RANK.get(Position.Kind(p.kind), 2),
            0 if official.unit.path.startswith(p.unit.path) or p.unit_id == official.unit_id else 1,
            p.valid_from,
        ),
    )


def _superior_agency(agency: Unit) -> Unit | None:
    if agency.parent_id is None:
        return None
    parent = Unit.objects.filter(pk=agency.parent_id).first()
    return unit_agency_get(unit=parent) if parent is not None else None


def evaluation_people(
    *, official: Official, position: Position, at: dt.datetime
) -> tuple[PositionGroup, Unit, Official | None, Official | None]:
    """The agency, evaluator and competent head of `official` evaluated in `position`.

    The head of an agency is evaluated by the head of the superior agency (for a department
    or a commune, the chairman of the provincial People's Committee); deputies and staff, and
    the heads of a department's divisions, by the head of their agency (NĐ 90/2020 Điều 16–17,
    as amended; domain.md §11). Where the head has delegated evaluation, the official acting
    for the head proposes and the head decides, as `responsibility_resolve` says.
    """
    unit = position.unit
    agency = unit_agency_get(unit=unit)
    if position.kind == Position.Kind.HEAD:
        group = PositionGroup.HEAD
    elif position.kind == Position.Kind.DEPUTY_HEAD and unit.pk == agency.pk:
        group = PositionGroup.DEPUTY
    else:
        group = PositionGroup.STAFF
    competent: Unit | None = agency
    if group == PositionGroup.HEAD and unit.pk == agency.pk:
        competent = _superior_agency(agency)
    if competent is None:
        return group, agency, None, None
    who = responsibility_resolve(unit=competent, at=at, scope=Delegation.Scope.EVALUATION)
    decider = who.accountable
    evaluator = who.acting
    if evaluator is not None and evaluator.pk == official.pk:
        evaluator = decider
    if decider is not None and decider.pk == official.pk:
        return group, agency, None, None
    return group, agency, evaluator, decider


def _may_open(actor: Any, scope: Unit | None) -> bool:
    if selectors.may_oversee(actor):
        return True
    official = official_of(actor)
    if scope is None or official is None:
        return False
    return (
        Position.objects.active()
        .filter(official=official, unit=scope, kind=Position.Kind.HEAD)
        .exists()
    )


@transaction.atomic
def round_open(
    *,
    actor: Any,
    year: int,
    scope: Unit | None = None,
    title: str = "",
    cadence: str = Cadence.NONE,
    excellent_quota_percent: int = 20,
    now: dt.datetime | None = None,
) -> Round:
    """Open the round of `year` for `scope` (an agency; None for the whole province) and create
    one evaluation per official in post in the scope during the year, with congvu's proposal.
    """
    if not _may_open(actor, scope):
        raise PermissionDenied(
            _(
                "Only the Department of Home Affairs, the provincial office, or the head of "
                "the agency opens a round."
            )
        )
    now = now or timezone.now()
    if scope is not None and scope.kind not in Unit.AGENCY_KINDS:
        raise ValidationError({"scope": [_("A round covers an agency or the whole province.")]})
    calendar = work_calendar_get()
    today = timezone.localtime(now, calendar.tz).date()
    if not title:
        where = scope.name if scope is not None else _("the whole province")
        title = _("Evaluation and classification of officials, %(year)s, %(where)s") % {
            "year": year,
            "where": where,
        }
    round_ = Round(
        year=year,
        scope=scope,
        title=title[:300],
        cadence=cadence,
        excellent_quota_percent=excellent_quota_percent,
        opened_on=today,
        self_assessment_due_at=calendar.end_of_day(
            calendar.nth_working_day_after(today, SELF_ASSESSMENT_WORKING_DAYS)
        ),
        decision_due_at=calendar.end_of_day(
            calendar.nth_working_day_after(today, DECISION_WORKING_DAYS)
        ),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if Round.objects.filter(year=year, scope=scope).exists():
        raise ValidationError(_("A round for this year and scope is already open."))
    round_.full_clean()
    round_.save()
    made = _evaluations_create(round_, now=now)
    audit_record(
        actor=actor,
        action="evaluation_round_open",
        obj=round_,
        after={**snapshot(round_), "evaluations": len(made)},
    )
    url = "/evaluations/"
    notification_send(
        users=[e.official.user for e in made],
        title=_("Your yearly evaluation is open: please assess yourself"),
        body=round_.title,
        url=url,
        email=False,
    )
    return round_


def _evaluations_create(round_: Round, *, now: dt.datetime) -> list[Evaluation]:
    first_day, last_day = dt.date(round_.year, 1, 1), dt.date(round_.year, 12, 31)
    reference = min(timezone.localdate(now), last_day)
    positions = (
        Position.objects.filter(valid_from__lte=last_day)
        .exclude(valid_until__lte=first_day)
        .select_related("unit", "official", "official__unit", "official__user")
        .order_by("official_id", "valid_from")
    )
    if round_.scope is not None:
        positions = positions.filter(official__unit__path__startswith=round_.scope.path)
    by_official: dict[int, list[Position]] = {}
    for position in positions:
        by_official.setdefault(position.official_id, []).append(position)
    made: list[Evaluation] = []
    for held in by_official.values():
        official = held[0].official
        current = [p for p in held if p.is_active_on(reference)] or held[-1:]
        main = _main_position(current, official)
        if main is None:
            continue
        group, agency, evaluator, decider = evaluation_people(
            official=official, position=main, at=now
        )
        if group == PositionGroup.HEAD and decider is None and main.unit.parent_id is None:
            # The chairman of the province is evaluated by the Government, not here.
            continue
        evaluation = Evaluation(
            round=round_,
            official=official,
            unit=main.unit,
            agency=agency,
            group=group,
            position_title=(main.title or main.get_kind_display())[:200],
            evaluator=evaluator,
            decider=decider,
            months_worked=_months_in_year(held, round_.year),
        )
        evaluation.full_clean(exclude=["round"])
        made.append(evaluation)
    Evaluation.objects.bulk_create(made)
    # Heads' proposals read the levels of the units below, so every row exists first.
    for evaluation in made:
        _remember_proposal(evaluation, now=now)
        evaluation.save(update_fields=["system_level", "system_reasons"])
    EvaluationStep.objects.bulk_create(
        [
            EvaluationStep(
                evaluation=e,
                action="open",
                to_status=e.status,
                level=e.system_level,
                actor_label="system",
                at=now,
            )
            for e in made
        ]
    )
    return made


def _remember_proposal(evaluation: Evaluation, *, now: dt.datetime) -> selectors.Proposal:
    proposal = selectors.proposal_compute(evaluation, now=now)
    evaluation.system_level = proposal.level
    evaluation.system_reasons = proposal.reasons
    return proposal


@transaction.atomic
def round_refresh(*, actor: Any, round: Round, now: dt.datetime | None = None) -> int:
    """Recompute congvu's proposal for every undecided evaluation of `round`; returns how many
    changed. The data it reads (tasks, dossiers, indices) moves all year."""
    now = now or timezone.now()
    changed = 0
    for evaluation in (
        Evaluation.objects.select_for_update(of=("self",))
        .filter(round=round)
        .exclude(status=EvaluationStatus.DECIDED)
        .select_related("round", "official", "unit", "agency")
    ):
        before = (evaluation.system_level, evaluation.system_reasons)
        _remember_proposal(evaluation, now=now)
        if before != (evaluation.system_level, evaluation.system_reasons):
            evaluation.save(update_fields=["system_level", "system_reasons"])
            changed += 1
    audit_record(
        actor=actor, action="evaluation_round_refresh", obj=round, after={"changed": changed}
    )
    return changed


@transaction.atomic
def round_close(*, actor: Any, round: Round, now: dt.datetime | None = None) -> Round:
    """Close a round once every evaluation in it is decided; its results are then final."""
    if not selectors.may_oversee(actor):
        raise PermissionDenied(
            _("Only the Department of Home Affairs or the provincial office closes a round.")
        )
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if not locked.is_open:
        raise EvaluationActionError(_("The round is already closed."))
    undecided = locked.evaluations.exclude(status=EvaluationStatus.DECIDED).count()
    if undecided:
        raise EvaluationActionError(
            _("%(n)d evaluations are not decided yet; the round cannot be closed.")
            % {"n": undecided}
        )
    before = snapshot(locked, ["status", "closed_at"])
    locked.status = RoundStatus.CLOSED
    locked.closed_at = now or timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="evaluation_round_close",
        obj=locked,
        before=before,
        after=snapshot(locked, ["status", "closed_at"]),
    )
    return locked


# The steps of an evaluation ----------------------------------------------------------------


def _lock(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related(
            "round",
            "official",
            "official__user",
            "unit",
            "agency",
            "evaluator__user",
            "decider__user",
        )
        .get(pk=evaluation.pk)
    )


def _check(action: str, evaluation: Evaluation, actor: Any, now: dt.datetime) -> None:
    transition = selectors.TRANSITIONS[action]
    if not evaluation.round.is_open:
        raise EvaluationActionError(_("The round is closed."))
    if evaluation.status not in transition.sources:
        raise EvaluationActionError(
            _("This evaluation is %(status)s; that step is not possible now.")
            % {"status": evaluation.get_status_display()}
        )
    if action not in selectors.evaluation_actions(evaluation=evaluation, user=actor, now=now):
        if (
            action == "propose"
            and evaluation.status == EvaluationStatus.AWAITING_SELF
            and now < evaluation.round.self_assessment_due_at
        ):
            raise EvaluationActionError(
                _("The official has until %(due)s to assess themself.")
                % {
                    "due": timezone.localtime(evaluation.round.self_assessment_due_at).strftime(
                        "%d/%m/%Y %H:%M"
                    )
                }
            )
        raise PermissionDenied(_("You may not take this step on this evaluation."))


def _step(
    evaluation: Evaluation,
    *,
    action: str,
    before: str,
    actor: Any,
    level: str = "",
    text: str = "",
    now: dt.datetime,
) -> EvaluationStep:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return EvaluationStep.objects.create(
        evaluation=evaluation,
        action=action,
        from_status=before,
        to_status=evaluation.status,
        level=level,
        text=text,
        actor=user,
        actor_label=(user.get_username() if user is not None else "system")[:200],
        at=now,
    )


def _level(value: str, field: str) -> str:
    if value not in Level.values:
        raise ValidationError({field: [_("Choose a level.")]})
    return value


def _users(*officials: Official | None, actor: Any = None) -> list[Any]:
    actor_pk = getattr(actor, "pk", None)
    seen: dict[int, Any] = {}
    for official in officials:
        if official is not None and official.user_id != actor_pk:
            seen.setdefault(official.user_id, official.user)
    return list(seen.values())


def _url(evaluation: Evaluation) -> str:
    return f"/evaluations/{evaluation.pk}/"


def _finish(evaluation: Evaluation, *, action: str, actor: Any, before: dict[str, Any]) -> None:
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=actor,
        action=f"evaluation_{action}",
        obj=evaluation,
        before=before,
        after=snapshot(evaluation, EVALUATION_FIELDS),
    )


@transaction.atomic
def evaluation_self_assess(
    *,
    actor: Any,
    evaluation: Evaluation,
    text: str,
    level: str,
    now: dt.datetime | None = None,
) -> Evaluation:
    """The official's self-assessment: what they did in the year and the level they propose
    for themself (NĐ 90/2020 Điều 16 khoản 1 điểm a). It may be redone until the evaluator
    proposes."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _check("self_assess", evaluation, actor, now)
    if not text.strip():
        raise ValidationError({"text": [_("Write the self-assessment.")]})
    _level(level, "level")
    before = snapshot(evaluation, EVALUATION_FIELDS)
    status_before = evaluation.status
    evaluation.self_text = text.strip()
    evaluation.self_level = level
    evaluation.self_assessed_at = now
    evaluation.status = EvaluationStatus.SELF_ASSESSED
    _remember_proposal(evaluation, now=now)
    _finish(evaluation, action="self_assess", actor=actor, before=before)
    _step(evaluation, action="self_assess", before=status_before, actor=actor, level=level,
          text=evaluation.self_text, now=now)  # fmt: skip
    notification_send(
        users=_users(evaluation.evaluator, actor=actor),
        title=_("%(name)s has assessed themself") % {"name": evaluation.official.full_name},
        body=evaluation.round.title,
        url=_url(evaluation),
    )
    return evaluation


@transaction.atomic
def evaluation_propose(
    *,
    actor: Any,
    evaluation: Evaluation,
    level: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """The evaluator's comments and proposed level. Above what the rules allow is refused; a
    level other than congvu's proposal needs the evaluator's reason."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _check("propose", evaluation, actor, now)
    _level(level, "level")
    proposal = _remember_proposal(evaluation, now=now)
    if not selectors.level_allowed(level, proposal.ceiling):
        raise ValidationError({"level": [_ceiling_message(proposal.ceiling)]})
    if level != proposal.level and not comment.strip():
        raise ValidationError(
            {
                "comment": [
                    _(
                        "congvu proposes %(level)s from the data it holds; give the reason "
                        "for proposing otherwise."
                    )
                    % {"level": LEVEL_LABELS[proposal.level]}
                ]
            }
        )
    before = snapshot(evaluation, EVALUATION_FIELDS)
    status_before = evaluation.status
    evaluation.proposed_level = level
    evaluation.proposal_comment = comment.strip()
    evaluation.proposed_by = actor if getattr(actor, "is_authenticated", False) else None
    evaluation.proposed_at = now
    evaluation.status = EvaluationStatus.PROPOSED
    _finish(evaluation, action="propose", actor=actor, before=before)
    _step(evaluation, action="propose", before=status_before, actor=actor, level=level,
          text=evaluation.proposal_comment, now=now)  # fmt: skip
    notification_send(
        users=_users(evaluation.decider, evaluation.official, actor=actor),
        title=_("A level is proposed for %(name)s") % {"name": evaluation.official.full_name},
        body=evaluation.round.title,
        url=_url(evaluation),
    )
    return evaluation


def _ceiling_message(ceiling: str) -> str:
    if ceiling == Level.NOT_CLASSIFIED:
        return _("Under 6 months worked in the year: the official is evaluated but not classified.")
    if ceiling == Level.FAILED:
        return _("An official disciplined in the year is classified KHTNV.")
    return _("The rules allow at most %(level)s here.") % {"level": LEVEL_LABELS[ceiling]}


@transaction.atomic
def evaluation_decide(
    *,
    actor: Any,
    evaluation: Evaluation,
    level: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """The competent head's decision (NĐ 90/2020 Điều 16 khoản 1 điểm c, as amended).

    Refused above what the rules allow, and for an HTXSNV beyond the cap of the head's
    evaluations in the round (NĐ 48/2023 amending Điều 20; the round's percentage). A level
    other than the evaluator's proposal or congvu's needs the head's reason.
    """
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _check("decide", evaluation, actor, now)
    _level(level, "level")
    proposal = _remember_proposal(evaluation, now=now)
    if not selectors.level_allowed(level, proposal.ceiling):
        raise ValidationError({"level": [_ceiling_message(proposal.ceiling)]})
    if level != evaluation.proposed_level and not reason.strip():
        raise ValidationError(
            {
                "reason": [
                    _("The evaluator proposed %(level)s; give the reason for deciding otherwise.")
                    % {"level": LEVEL_LABELS[evaluation.proposed_level]}
                ]
            }
        )
    if level != proposal.level and not reason.strip():
        raise ValidationError(
            {
                "reason": [
                    _(
                        "congvu proposes %(level)s from the data it holds; give the reason "
                        "for deciding otherwise."
                    )
                    % {"level": LEVEL_LABELS[proposal.level]}
                ]
            }
        )
    if level == Level.EXCELLENT:
        # Two decisions of the same head at once could each see room for one more HTXSNV:
        # the head's evaluations in the round are locked before counting.
        list(
            selectors.quota_group(evaluation.round, evaluation.decider_id)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        quota = selectors.quota_get(
            round=evaluation.round,
            decider=evaluation.decider,
            replacing=evaluation,
            with_level=level,
        )
        if quota.exceeded:
            raise ValidationError(
                {
                    "level": [
                        _(
                            "The cap on HTXSNV is reached: at most %(limit)d of the "
                            "%(good)d officials rated HTTNV or better (%(percent)d %%) may be "
                            "HTXSNV, and %(taken)d already are."
                        )
                        % {
                            "limit": quota.limit,
                            "good": quota.good_or_better,
                            "percent": quota.percent,
                            "taken": quota.excellent - 1,
                        }
                    ]
                }
            )
    before = snapshot(evaluation, EVALUATION_FIELDS)
    status_before = evaluation.status
    evaluation.level = level
    evaluation.decision_reason = reason.strip()
    evaluation.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    evaluation.decided_at = now
    evaluation.status = EvaluationStatus.DECIDED
    _finish(evaluation, action="decide", actor=actor, before=before)
    _step(evaluation, action="decide", before=status_before, actor=actor, level=level,
          text=evaluation.decision_reason, now=now)  # fmt: skip
    notification_send(
        users=_users(evaluation.official, actor=actor),
        title=_("Your evaluation is decided: %(level)s") % {"level": LEVEL_LABELS[level]},
        body=evaluation.round.title,
        url=_url(evaluation),
    )
    return evaluation


@transaction.atomic
def evaluation_facts_set(
    *,
    actor: Any,
    evaluation: Evaluation,
    months_worked: Decimal,
    months_absent: Decimal,
    disciplined: bool,
    discipline_note: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """Record the months worked and absent in the year and any discipline: the facts that
    decide whether and how high the official may be classified."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _check("set_facts", evaluation, actor, now)
    if disciplined and not discipline_note.strip():
        raise ValidationError(
            {"discipline_note": [_("Name the disciplinary measure and its decision.")]}
        )
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.months_worked = months_worked
    evaluation.months_absent = months_absent
    evaluation.disciplined = disciplined
    evaluation.discipline_note = discipline_note.strip() if disciplined else ""
    if months_absent > months_worked:
        raise ValidationError(
            {"months_absent": [_("Months absent cannot exceed the months worked.")]}
        )
    _remember_proposal(evaluation, now=now)
    _finish(evaluation, action="set_facts", actor=actor, before=before)
    _step(evaluation, action="set_facts", before=evaluation.status, actor=actor,
          level=evaluation.system_level, text=evaluation.discipline_note, now=now)  # fmt: skip
    return evaluation


_PERIOD = {
    Cadence.MONTHLY: re.compile(r"^(?P<year>\d{4})-(?P<n>0[1-9]|1[0-2])$"),
    Cadence.QUARTERLY: re.compile(r"^(?P<year>\d{4})-Q(?P<n>[1-4])$"),
}


@transaction.atomic
def period_score_record(
    *,
    actor: Any,
    evaluation: Evaluation,
    period: str,
    score: Decimal,
    note: str = "",
    now: dt.datetime | None = None,
) -> PeriodScore:
    """The evaluator's score of one month or quarter, out of 100 (continuous evaluation,
    domain.md §11); scoring a period again replaces its score."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _check("score", evaluation, actor, now)
    pattern = _PERIOD.get(Cadence(evaluation.round.cadence))
    match = pattern.match(period.strip()) if pattern else None
    if match is None or int(match["year"]) != evaluation.round.year:
        example = (
            f"{evaluation.round.year}-03"
            if evaluation.round.cadence == Cadence.MONTHLY
            else f"{evaluation.round.year}-Q1"
        )
        raise ValidationError(
            {"period": [_("Give a period of the round's year, e.g. %(e)s.") % {"e": example}]}
        )
    existing = PeriodScore.objects.filter(evaluation=evaluation, period=match.group(0)).first()
    before = snapshot(existing) if existing else None
    item = existing or PeriodScore(evaluation=evaluation, period=match.group(0))
    item.score = score
    item.note = note.strip()
    item.scored_by = actor if getattr(actor, "is_authenticated", False) else None
    item.scored_at = now
    item.full_clean()
    item.save()
    _remember_proposal(evaluation, now=now)
    evaluation.save(update_fields=["system_level", "system_reasons"])
    audit_record(
        actor=actor, action="evaluation_score", obj=item, before=before, after=snapshot(item)
    )
    _step(evaluation, action="score", before=evaluation.status, actor=actor,
          text=f"{item.period}: {item.score}", now=now)  # fmt: skip
    return item
