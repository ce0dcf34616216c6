"""Writes of the assessments app: rounds and their trees, the units' self-assessments with
evidence, the appraisal, survey results, automatic measures, results and publication, and
the reminder sweep.

Every round action locks the round row, checks `workflow.ACTIONS`, stores one
`RoundTransition`, writes one audit row and tells the people concerned after the commit
(`notification_send`). Scoring services lock the unit's assessment row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.roles import Role
from congvu.assessments import measures, selectors
from congvu.assessments.imports import CriterionRow, SurveyValue
from congvu.assessments.models import (
    AssessmentStatus,
    Criterion,
    CriterionKind,
    Evidence,
    GradeBand,
    ReminderSent,
    Round,
    RoundKind,
    RoundStatus,
    RoundTransition,
    Score,
    SurveyImport,
    UnitAssessment,
    UnitGroup,
)
from congvu.assessments.scoring import (
    DEFAULT_BANDS,
    Leaf,
    grade_for,
    measure_points,
    q2,
    ranks,
    totals,
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
from congvu.calendars.selectors import work_calendar_get
from congvu.core.services import audit_record, notification_send, snapshot
from congvu.dossiers.uploads import upload_validate
from congvu.organizations.models import Official, Unit
from congvu.organizations.selectors import unit_head_get

# Reminders to units that have not sent their self-assessment, in working days from the
# deadline: a week before, two days before, and the day after it has passed.
REMINDER_OFFSETS = (-5, -2, 1)
MAX_WORKING_DAYS = 60


class RoundActionError(Exception):
    """The round's present status does not allow the action (HTTP 409 in the API)."""


# Helpers -----------------------------------------------------------------------------------


def _require_manager(actor: Any) -> None:
    if not selectors.may_manage(actor):
        raise PermissionDenied(
            _("Only the Department of Home Affairs' appraisers manage assessment rounds.")
        )


def _lock(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def _round_url(round: Round) -> str:
    return reverse("assessments:round", args=[round.pk])


def _assessment_url(assessment: UnitAssessment) -> str:
    return reverse("assessments:assessment", args=[assessment.pk])


def _transition(round: Round, *, action: str, actor: Any, note: str = "") -> RoundTransition:
    """Move a locked round by `action` (checked against the workflow) and record it."""
    step = ACTIONS[action]
    if not step.allowed_from(round.kind, round.status):
        raise RoundActionError(
            _("A round in the status “%(status)s” does not allow this.")
            % {"status": round.get_status_display()}
        )
    before = round.status
    round.status = step.target
    round.full_clean()
    round.save()
    user = actor if getattr(actor, "is_authenticated", False) else None
    transition = RoundTransition.objects.create(
        round=round,
        action=action,
        from_status=before,
        to_status=round.status,
        actor=user,
        actor_label=(user.get_username() if user is not None else "system")[:200],
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"assessments.round_{action}",
        obj=round,
        before={"status": before},
        after=snapshot(round, ["status", "due_at", "published_at", "working_days"]),
    )
    return transition


def _unit_users(units: Iterable[Unit], *, at: dt.datetime) -> list[Any]:
    """Who is told about a unit's self-assessment: its head, or failing that its officials."""
    users: dict[int, Any] = {}
    for unit in units:
        head = unit_head_get(unit=unit, at=at)
        found = [head] if head is not None and head.user_id else []
        if not found:
            found = list(
                Official.objects.filter(unit=unit, user__isnull=False).select_related("user")
            )
        for official in found:
            if official.user is not None:
                users.setdefault(official.user.pk, official.user)
    return list(users.values())


def _appraisers() -> list[Any]:
    return list(
        get_user_model().objects.filter(groups__name=Role.HOME_AFFAIRS_APPRAISER, is_active=True)
    )


def _points(value: Decimal, criterion: Criterion, field: str) -> Decimal:
    if not Decimal(0) <= value <= criterion.max_points:
        raise ValidationError(
            {
                field: [
                    _("%(code)s: the points must be between 0 and %(max)s.")
                    % {"code": criterion.code, "max": criterion.max_points}
                ]
            }
        )
    return q2(value)


# Rounds and trees --------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: Any,
    kind: str,
    year: int,
    title: str,
    decision: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    copy_from: Round | None = None,
) -> Round:
    """Define a year's round. With `copy_from` (normally last year's round of the same index)
    its tree and grading bands are copied; without, the default bands are set."""
    _require_manager(actor)
    if copy_from is not None and copy_from.kind != kind:
        raise ValidationError({"copy_from": [_("Copy a tree from a round of the same index.")]})
    if Round.objects.filter(kind=kind, year=year).exists():
        raise ValidationError({"year": [_("This index already has a round for that year.")]})
    previous = copy_from or Round.objects.filter(kind=kind, year=year - 1).first()
    round = Round(
        kind=kind,
        year=year,
        title=title.strip(),
        decision=decision.strip(),
        period_start=period_start or dt.date(year, 1, 1),
        period_end=period_end or dt.date(year, 12, 31),
        previous=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    round.full_clean()
    round.save()
    if copy_from is not None:
        bands = [(b.min_index, b.label) for b in copy_from.bands.all()]
        mapping: dict[int, Criterion] = {}
        for node in selectors.criterion_tree(copy_from):
            old = node.criterion
            new = Criterion(
                round=round,
                parent=mapping[old.parent_id] if old.parent_id else None,
                **{
                    f.name: getattr(old, f.name)
                    for f in Criterion._meta.concrete_fields
                    if f.name not in {"id", "round", "parent"}
                },
            )
            new.full_clean()
            new.save()
            mapping[old.pk] = new
    else:
        bands = list(DEFAULT_BANDS)
    GradeBand.objects.bulk_create(
        [GradeBand(round=round, min_index=lower, label=label) for lower, label in bands]
    )
    audit_record(
        actor=actor,
        action="assessments.round_create",
        obj=round,
        after={**snapshot(round), "copied_from": copy_from.pk if copy_from else None},
    )
    return round


@transaction.atomic
def round_tree_replace(*, actor: Any, round: Round, rows: Sequence[CriterionRow]) -> int:
    """Replace a draft round's tree with `rows` (read by `imports.read_tree`): all or
    nothing. Returns the number of criteria."""
    _require_manager(actor)
    round = _lock(round)
    if round.status not in TREE_EDITABLE:
        raise RoundActionError(_("The tree can be changed only while the round is a draft."))
    before = round.criteria.count()
    round.criteria.all().delete()
    by_code: dict[str, Criterion] = {}
    errors: list[str] = []
    for order, row in enumerate(rows, start=1):
        criterion = Criterion(
            round=round,
            parent=by_code.get(row.parent_code),
            level=row.level,
            code=row.code,
            title=row.title,
            max_points=row.max_points,
            weight=row.weight,
            guidance=row.guidance,
            applies_to=row.applies_to,
            kind=row.kind,
            measure=row.measure,
            measure_rule=row.measure_rule,
            measure_zero_at=row.measure_zero_at,
            measure_full_at=row.measure_full_at,
            order=order,
        )
        try:
            criterion.full_clean()
        except ValidationError as exc:
            errors.append(
                _("Row %(row)d: %(reason)s.") % {"row": row.row, "reason": " ".join(exc.messages)}
            )
            continue
        criterion.save()
        by_code[row.code] = criterion
    if errors:
        # Raising undoes the rows already written.
        raise ValidationError(errors)
    audit_record(
        actor=actor,
        action="assessments.tree_replace",
        obj=round,
        before={"criteria": before},
        after={"criteria": len(by_code)},
    )
    return len(by_code)


@transaction.atomic
def criterion_save(*, actor: Any, criterion: Criterion) -> Criterion:
    """Create or change one criterion of a draft round (the admin's edits)."""
    _require_manager(actor)
    round = _lock(criterion.round)
    if round.status not in TREE_EDITABLE:
        raise ValidationError(_("The tree can be changed only while the round is a draft."))
    if criterion.parent is not None and criterion.parent.round_id != round.pk:
        raise ValidationError({"parent": [_("The parent belongs to another round.")]})
    before = snapshot(Criterion.objects.get(pk=criterion.pk)) if criterion.pk is not None else None
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor,
        action="assessments.criterion_save",
        obj=criterion,
        before=before,
        after=snapshot(criterion),
    )
    return criterion


@transaction.atomic
def round_bands_set(
    *, actor: Any, round: Round, bands: Sequence[tuple[Decimal, str]]
) -> list[GradeBand]:
    """Set a round's grading bands (configurable; verify against the province's decision).
    Results already computed are graded again."""
    _require_manager(actor)
    round = _lock(round)
    if round.status not in BANDS_EDITABLE:
        raise RoundActionError(_("The bands of published results cannot change."))
    if not bands:
        raise ValidationError({"bands": [_("Give at least one band.")]})
    if min(lower for lower, _label in bands) != 0:
        raise ValidationError({"bands": [_("The lowest band must start at 0.")]})
    before = [(str(b.min_index), b.label) for b in round.bands.all()]
    round.bands.all().delete()
    created = GradeBand.objects.bulk_create(
        [GradeBand(round=round, min_index=q2(lower), label=label[:60]) for lower, label in bands]
    )
    if round.status in RESULTS_STATUSES:
        pairs = [(b.min_index, b.label) for b in created]
        for assessment in round.assessments.filter(index_value__isnull=False):
            assessment.grade = grade_for(assessment.index_value or Decimal(0), pairs)
            assessment.save(update_fields=["grade"])
    audit_record(
        actor=actor,
        action="assessments.bands_set",
        obj=round,
        before={"bands": before},
        after={"bands": [(str(lower), label) for lower, label in bands]},
    )
    return created


def _participants_ensure(round: Round) -> list[UnitAssessment]:
    """Create the assessment of every unit in force whose group has criteria that apply to
    it, and its score rows; returns the new assessments."""
    criteria = list(selectors.leaves(round))
    created: list[UnitAssessment] = []
    existing = set(round.assessments.values_list("unit_id", flat=True))
    day = min(round.period_end, timezone.localdate())
    for group in UnitGroup.values:
        applicable = [c for c in criteria if c.applies(group)]
        if not applicable:
            continue
        for unit in selectors.group_units(group, on=day):
            if unit.pk in existing:
                continue
            assessment = UnitAssessment.objects.create(round=round, unit=unit, group=group)
            Score.objects.bulk_create(
                [Score(assessment=assessment, criterion=c) for c in applicable]
            )
            created.append(assessment)
    return created


@transaction.atomic
def round_open(
    *, actor: Any, round: Round, working_days: int, now: dt.datetime | None = None
) -> Round:
    """Open the self-assessment for `working_days` working days: every department and commune
    the tree applies to gets its assessment, due at the end of the last working day."""
    _require_manager(actor)
    moment = now or timezone.now()
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {
                "working_days": [
                    _("Give between 1 and %(n)d working days.") % {"n": MAX_WORKING_DAYS}
                ]
            }
        )
    round = _lock(round)
    if not selectors.leaves(round).exists():
        raise ValidationError(_("The round has no criteria yet: import or copy its tree first."))
    calendar = work_calendar_get()
    today = timezone.localtime(moment, calendar.tz).date()
    # The day of opening does not count: the unit has `working_days` whole working days.
    last_day = calendar.nth_working_day_after(today, working_days)
    round.working_days = working_days
    round.opened_at = moment
    round.due_at = calendar.end_of_day(last_day)
    _transition(round, action="open", actor=actor, note=f"{working_days}")
    created = _participants_ensure(round)
    units = [a.unit for a in created]
    title = _("Self-assessment open: %(round)s") % {"round": round.title}
    body = _("Send your unit's self-assessment with its evidence by %(due)s.") % {
        "due": timezone.localtime(round.due_at, calendar.tz).strftime("%d/%m/%Y %H:%M")
    }
    notification_send(
        users=_unit_users(units, at=moment), title=title, body=body, url=_round_url(round)
    )
    return round


@transaction.atomic
def round_start_appraisal(*, actor: Any, round: Round, now: dt.datetime | None = None) -> Round:
    """Close the self-assessment and start the appraisal; the automatic criteria are filled."""
    _require_manager(actor)
    round = _lock(round)
    _transition(round, action="start_appraisal", actor=actor)
    _measures_fill(round, now=now or timezone.now())
    return round


def _measures_fill(round: Round, *, now: dt.datetime) -> int:
    """Fill every measured score of the round from congvu's figures; returns how many."""
    scores = list(
        Score.objects.filter(assessment__round=round)
        .exclude(criterion__measure="")
        .select_related("criterion", "assessment__unit")
    )
    if not scores:
        return 0
    units = {s.assessment.unit_id: s.assessment.unit for s in scores}
    wanted = {s.criterion.measure for s in scores}
    figures = measures.measure_figures(
        list(units.values()),
        measures=wanted,
        start=round.period_start,
        end=round.period_end,
        year=round.year,
        now=now,
    )
    labels = {
        "dossier_on_time": _("%(part)s of %(whole)s dossiers resolved on time"),
        "online_share": _("%(part)s of %(whole)s dossiers submitted online"),
        "satisfaction": _("%(part)s of %(whole)s ratings satisfied"),
        "task_on_time": _("%(part)s of %(whole)s tasks done on time"),
        "service_index": _("Service-quality index %(value)s"),
    }
    for score in scores:
        criterion = score.criterion
        figure = figures.get(score.assessment.unit_id, {}).get(criterion.measure)
        if figure is None:
            figure = measures.Figure(None)
        score.measured_value = figure.value
        score.measured_points = (
            measure_points(
                figure.value,
                max_points=criterion.max_points,
                rule=criterion.measure_rule,
                zero_at=criterion.measure_zero_at,
                full_at=criterion.measure_full_at,
            )
            if figure.value is not None
            else None
        )
        score.measured_at = now
        score.source_url = figure.url[:300]
        score.source_label = (
            labels[criterion.measure]
            % {"part": figure.part, "whole": figure.whole, "value": figure.value}
            if figure.value is not None
            else _("No figure for the period")
        )[:300]
    Score.objects.bulk_update(
        scores,
        ["measured_value", "measured_points", "measured_at", "source_url", "source_label"],
        batch_size=500,
    )
    return len(scores)


@transaction.atomic
def round_measures_refresh(*, actor: Any, round: Round, now: dt.datetime | None = None) -> int:
    """Read the automatic criteria's figures again (they change as the year's work ends)."""
    _require_manager(actor)
    round = _lock(round)
    if round.status not in MEASURES_REFRESHABLE:
        raise RoundActionError(_("The figures are read from the appraisal until publication."))
    filled = _measures_fill(round, now=now or timezone.now())
    audit_record(
        actor=actor, action="assessments.measures_refresh", obj=round, after={"scores": filled}
    )
    return filled


# Self-assessment ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    """Points given to one criterion, with the note (self-assessment) or comment (appraisal)."""

    criterion: Criterion
    points: Decimal | None
    text: str = ""


def _lock_assessment(assessment: UnitAssessment) -> UnitAssessment:
    return (
        UnitAssessment.objects.select_for_update()
        .select_related("round", "unit")
        .get(pk=assessment.pk)
    )


def _scores_of(assessment: UnitAssessment, entries: Sequence[Entry]) -> dict[int, Score]:
    scores = {
        s.criterion_id: s
        for s in assessment.scores.select_related("criterion").filter(
            criterion__in=[e.criterion for e in entries]
        )
    }
    missing = [e.criterion.code for e in entries if e.criterion.pk not in scores]
    if missing:
        raise ValidationError(
            {
                "criterion": [
                    _("Not a criterion of this unit: %(codes)s.") % {"codes": ", ".join(missing)}
                ]
            }
        )
    return scores


def _self_total(assessment: UnitAssessment) -> Decimal:
    points = assessment.scores.exclude(self_points__isnull=True).values_list(
        "self_points", flat=True
    )
    return q2(sum((p for p in points if p is not None), Decimal(0)))


@transaction.atomic
def assessment_self_score(
    *, actor: Any, assessment: UnitAssessment, entries: Sequence[Entry]
) -> UnitAssessment:
    """Record the unit's own points and notes while its self-assessment is open and unsent."""
    assessment = _lock_assessment(assessment)
    if not selectors.may_self_assess(actor, assessment):
        raise PermissionDenied(_("Only the unit's officials assess the unit."))
    if assessment.round.status not in SELF_ASSESSMENT_OPEN:
        raise RoundActionError(_("The self-assessment of this round is not open."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise RoundActionError(_("The self-assessment has been sent; it cannot change."))
    scores = _scores_of(assessment, entries)
    before = {s.criterion.code: str(s.self_points) for s in scores.values()}
    for entry in entries:
        score = scores[entry.criterion.pk]
        if score.criterion.kind != CriterionKind.APPRAISAL or score.criterion.measure:
            raise ValidationError(
                {
                    "criterion": [
                        _("%(code)s is not self-assessed.") % {"code": score.criterion.code}
                    ]
                }
            )
        score.self_points = (
            _points(entry.points, score.criterion, "points") if entry.points is not None else None
        )
        score.self_note = entry.text.strip()
        score.full_clean()
    Score.objects.bulk_update(list(scores.values()), ["self_points", "self_note"])
    assessment.self_total = _self_total(assessment)
    assessment.save(update_fields=["self_total"])
    audit_record(
        actor=actor,
        action="assessments.self_score",
        obj=assessment,
        before={"points": before},
        after={"points": {s.criterion.code: str(s.self_points) for s in scores.values()}},
    )
    return assessment


@transaction.atomic
def evidence_add(
    *, actor: Any, assessment: UnitAssessment, criterion: Criterion, file: UploadedFile
) -> Evidence:
    """File a piece of evidence for a criterion. Type and size are limited and the name
    sanitised as for dossier documents; the file is kept outside the web root."""
    assessment = _lock_assessment(assessment)
    if not selectors.may_self_assess(actor, assessment):
        raise PermissionDenied(_("Only the unit's officials file its evidence."))
    if (
        assessment.round.status not in SELF_ASSESSMENT_OPEN
        or assessment.status != AssessmentStatus.DRAFT
    ):
        raise RoundActionError(_("Evidence is filed while the self-assessment is open."))
    score = assessment.scores.filter(criterion=criterion).first()
    if score is None:
        raise ValidationError({"criterion": [_("Not a criterion of this unit.")]})
    # Checked as a dossier's documents are: the type is sniffed from the bytes, never taken from
    # the name or the browser, since the appraisers and the Department's insiders open these.
    accepted = upload_validate(file)
    name = accepted.name
    evidence = Evidence(
        score=score,
        original_name=name,
        content_type=accepted.content_type,
        size=accepted.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.file.save(name, file, save=False)
    stored = evidence.file.name
    # A failure after this point must not leave the stored file behind.
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    audit_record(
        actor=actor,
        action="assessments.evidence_add",
        obj=assessment,
        after={
            "evidence": evidence.pk,
            "criterion": criterion.code,
            "name": name,
            "size": accepted.size,
        },
    )
    return evidence


@transaction.atomic
def assessment_submit(
    *, actor: Any, assessment: UnitAssessment, now: dt.datetime | None = None
) -> UnitAssessment:
    """Send the unit's self-assessment to the appraisers. Every self-assessed criterion must
    have points; a late one is accepted while the round is open, and shows as late."""
    moment = now or timezone.now()
    assessment = _lock_assessment(assessment)
    if not selectors.may_submit(actor, assessment):
        raise PermissionDenied(
            _("The head or a deputy head of the unit sends its self-assessment.")
        )
    if assessment.round.status not in SELF_ASSESSMENT_OPEN:
        raise RoundActionError(_("The self-assessment of this round is not open."))
    if assessment.status != AssessmentStatus.DRAFT:
        raise RoundActionError(_("The self-assessment has already been sent."))
    missing = list(
        assessment.scores.filter(
            criterion__kind=CriterionKind.APPRAISAL, criterion__measure="", self_points__isnull=True
        )
        .order_by("criterion__order")
        .values_list("criterion__code", flat=True)
    )
    if missing:
        raise ValidationError(
            _("Give points to every criterion first; missing: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = moment
    assessment.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    assessment.self_total = _self_total(assessment)
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=actor,
        action="assessments.submit",
        obj=assessment,
        before={"status": AssessmentStatus.DRAFT},
        after=snapshot(assessment, ["status", "submitted_at", "self_total"]),
    )
    notification_send(
        users=_appraisers(),
        title=_("Self-assessment sent: %(unit)s") % {"unit": assessment.unit.name},
        body=str(assessment.round),
        url=_assessment_url(assessment),
    )
    return assessment


# Appraisal ---------------------------------------------------------------------------------


@transaction.atomic
def assessment_appraise(
    *,
    actor: Any,
    assessment: UnitAssessment,
    entries: Sequence[Entry],
    now: dt.datetime | None = None,
) -> UnitAssessment:
    """The Department of Home Affairs' points for criteria of a unit; they are final. Points
    that differ from the unit's own need a comment saying why."""
    _require_manager(actor)
    moment = now or timezone.now()
    assessment = _lock_assessment(assessment)
    if assessment.round.status not in APPRAISAL_OPEN:
        raise RoundActionError(_("The round is not being appraised."))
    scores = _scores_of(assessment, entries)
    before = {s.criterion.code: str(s.appraised_points) for s in scores.values()}
    errors: list[str] = []
    for entry in entries:
        score = scores[entry.criterion.pk]
        if score.criterion.kind != CriterionKind.APPRAISAL:
            errors.append(_("%(code)s comes from the survey.") % {"code": score.criterion.code})
            continue
        points = (
            _points(entry.points, score.criterion, "points") if entry.points is not None else None
        )
        comment = entry.text.strip()
        if (
            points is not None
            and score.self_points is not None
            and points != score.self_points
            and not comment
        ):
            errors.append(
                _("%(code)s: say why the points differ from the unit's own.")
                % {"code": score.criterion.code}
            )
            continue
        score.appraised_points = points
        score.appraisal_comment = comment
        score.appraised_by = (
            actor if points is not None and getattr(actor, "is_authenticated", False) else None
        )
        score.appraised_at = moment if points is not None else None
    if errors:
        raise ValidationError({"points": errors})
    Score.objects.bulk_update(
        list(scores.values()),
        ["appraised_points", "appraisal_comment", "appraised_by", "appraised_at"],
    )
    audit_record(
        actor=actor,
        action="assessments.appraise",
        obj=assessment,
        before={"points": before},
        after={"points": {s.criterion.code: str(s.appraised_points) for s in scores.values()}},
    )
    return assessment


@transaction.atomic
def survey_import(
    *, actor: Any, round: Round, values: Sequence[SurveyValue], file_name: str = ""
) -> SurveyImport:
    """Store survey results read by `imports.read_survey` (all or nothing); a value given
    again replaces the earlier one. The first import of a DDCI round enrols its units."""
    _require_manager(actor)
    round = _lock(round)
    if not ACTIONS["import_survey"].allowed_from(round.kind, round.status):
        raise RoundActionError(_("Survey results cannot be imported in this status."))
    by_pair = {
        (s.assessment_id, s.criterion_id): s
        for s in Score.objects.filter(assessment__round=round, criterion__kind=CriterionKind.SURVEY)
    }
    changed = []
    for value in values:
        score = by_pair.get((value.assessment.pk, value.criterion.pk))
        if score is None:
            raise ValidationError(
                _("Row %(row)d: the unit is not scored on this criterion.") % {"row": value.row}
            )
        score.survey_points = q2(value.points)
        changed.append(score)
    Score.objects.bulk_update(changed, ["survey_points"], batch_size=500)
    record = SurveyImport.objects.create(
        round=round,
        original_name=file_name[:255],
        values=len(changed),
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if round.status != RoundStatus.SURVEY_IMPORTED:
        _transition(round, action="import_survey", actor=actor, note=file_name[:200])
    audit_record(
        actor=actor,
        action="assessments.survey_import",
        obj=round,
        after={"import": record.pk, "file": file_name, "values": len(changed)},
    )
    return record


@transaction.atomic
def round_enrol(*, actor: Any, round: Round) -> int:
    """Enrol the units of a DDCI round before its survey is imported (its survey file names
    them); returns how many were added."""
    _require_manager(actor)
    round = _lock(round)
    if round.kind != RoundKind.DDCI or round.status != RoundStatus.DRAFT:
        raise RoundActionError(_("Units are enrolled so only in a draft DDCI round."))
    if not selectors.leaves(round).exists():
        raise ValidationError(_("The round has no criteria yet: import or copy its tree first."))
    created = _participants_ensure(round)
    audit_record(actor=actor, action="assessments.enrol", obj=round, after={"units": len(created)})
    return len(created)


# Results -----------------------------------------------------------------------------------


@transaction.atomic
def round_compute(*, actor: Any, round: Round, now: dt.datetime | None = None) -> Round:
    """Compute every unit's points, index, rank in its group and grade, with last year's
    index and rank. Every appraised criterion must have its final points."""
    _require_manager(actor)
    moment = now or timezone.now()
    round = _lock(round)
    if not ACTIONS["compute"].allowed_from(round.kind, round.status):
        raise RoundActionError(_("A round in this status cannot be computed."))
    if round.kind == RoundKind.PAR:
        _measures_fill(round, now=moment)
    assessments = list(round.assessments.select_related("unit"))
    scores = selectors.scores_for(assessments)
    unscored: list[str] = []
    for assessment in assessments:
        for score in scores[assessment.pk]:
            if score.criterion.kind == CriterionKind.APPRAISAL and score.final_points is None:
                unscored.append(
                    f"{assessment.unit.short_name or assessment.unit.name} {score.criterion.code}"
                )
    if unscored:
        shown = ", ".join(unscored[:20]) + ("…" if len(unscored) > 20 else "")
        raise ValidationError(
            _("Some criteria have no appraised points yet: %(items)s.") % {"items": shown}
        )
    bands = [(b.min_index, b.label) for b in round.bands.all()]
    previous = {}
    if round.previous is not None:
        previous = {
            a.unit_id: a for a in round.previous.assessments.filter(index_value__isnull=False)
        }
    for assessment in assessments:
        got = [
            Leaf(s.criterion.max_points, s.final_points, s.criterion.weight)
            for s in scores[assessment.pk]
        ]
        assessment.score, assessment.max_score, assessment.index_value = totals(got)
        assessment.grade = grade_for(assessment.index_value, bands)
        earlier = previous.get(assessment.unit_id)
        assessment.previous_index = earlier.index_value if earlier else None
        assessment.previous_rank = earlier.rank if earlier else None
        assessment.computed_at = moment
    for group in UnitGroup.values:
        members = [a for a in assessments if a.group == group]
        for assessment, rank in zip(
            members, ranks([a.index_value or Decimal(0) for a in members]), strict=True
        ):
            assessment.rank = rank
            assessment.of_units = len(members)
    UnitAssessment.objects.bulk_update(
        assessments,
        [
            "score",
            "max_score",
            "index_value",
            "grade",
            "rank",
            "of_units",
            "previous_index",
            "previous_rank",
            "computed_at",
        ],
        batch_size=500,
    )
    _transition(round, action="compute", actor=actor, note=f"{len(assessments)}")
    return round


@transaction.atomic
def round_publish(*, actor: Any, round: Round, now: dt.datetime | None = None) -> Round:
    """Publish the results: points, index, rank and grade become public (evidence never)."""
    _require_manager(actor)
    moment = now or timezone.now()
    round = _lock(round)
    round.published_at = moment
    _transition(round, action="publish", actor=actor)
    units = [a.unit for a in round.assessments.select_related("unit")]
    notification_send(
        users=_unit_users(units, at=moment),
        title=_("Results published: %(round)s") % {"round": round.title},
        url=reverse("assessments:results", args=[round.pk]),
        email=False,
    )
    return round


# Reminders ---------------------------------------------------------------------------------


@dataclasses.dataclass
class SweepResult:
    rounds: int = 0
    reminders: int = 0
    notifications: int = 0


def _reminder_moment(calendar: Any, deadline: dt.datetime, offset: int) -> dt.datetime:
    local = timezone.localtime(deadline, calendar.tz)
    day = local.date()
    if offset > 0:
        day = calendar.nth_working_day_after(day, offset)
    else:
        for _step in range(-offset):
            day = calendar.previous_working_day(day)
    return calendar.aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))


def assessments_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Remind the units that have not sent their self-assessment, at each of
    `REMINDER_OFFSETS` working days from the deadline, once each: the unique constraint on
    `ReminderSent` makes two sweeps running at once send a reminder only once."""
    moment = now or timezone.now()
    calendar = work_calendar_get()
    result = SweepResult()
    rounds = Round.objects.filter(status=RoundStatus.SELF_ASSESSMENT, due_at__isnull=False)
    for round in rounds:
        result.rounds += 1
        assert round.due_at is not None
        due = [
            offset
            for offset in REMINDER_OFFSETS
            if _reminder_moment(calendar, round.due_at, offset) <= moment
        ]
        if not due:
            continue
        # Only the latest rung due now is sent: a unit is not told three times at once when
        # the sweep has not run for a while.
        offset = max(due)
        sent = ReminderSent.objects.filter(
            assessment=OuterRef("pk"), offset__gte=offset, deadline=round.due_at
        )
        pending = (
            round.assessments.filter(status=AssessmentStatus.DRAFT)
            .exclude(Exists(sent))
            .select_related("unit")
        )
        for assessment in pending:
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        assessment=assessment, offset=offset, deadline=round.due_at
                    )
                    late = offset > 0
                    title = (
                        _("Self-assessment overdue: %(round)s")
                        if late
                        else _("Self-assessment due soon: %(round)s")
                    ) % {"round": round.title}
                    body = _("%(unit)s has not sent its self-assessment; due %(due)s.") % {
                        "unit": assessment.unit.name,
                        "due": timezone.localtime(round.due_at, calendar.tz).strftime(
                            "%d/%m/%Y %H:%M"
                        ),
                    }
                    result.notifications += notification_send(
                        users=_unit_users([assessment.unit], at=moment),
                        title=title,
                        body=body,
                        url=_assessment_url(assessment),
                    )
            except IntegrityError:
                continue  # another sweep sent it
            result.reminders += 1
    if result.reminders:
        audit_record(
            actor=None,
            action="assessments.sweep",
            after=dataclasses.asdict(result),
        )
    return result
