"""Writes of the dossiers app: submission, intake, processing through the steps, the clock,
apologies, results, withdrawal and ratings (Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP).

Every action locks the dossier row, checks the workflow table (`workflow.ACTIONS`) through
`selectors.dossier_action_check`, changes the dossier, stores one transition row (the control
sheet, Mẫu 06, is printed from them), bumps the daily statistics, writes one audit row and,
after the commit, tells the applicant.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.calendars.selectors import work_calendar_get
from congvu.core.services import audit_record, snapshot
from congvu.dossiers import stats
from congvu.dossiers.models import (
    NATIONAL_STATUS,
    Apology,
    Channel,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierDue,
    DossierMonthStat,
    DossierOpenStat,
    DossierStat,
    DossierTransition,
    DossierYearStat,
    Rating,
    Status,
    SupplementRequest,
    Timeliness,
)
from congvu.dossiers.selectors import (
    ActionNotAllowedError,
    NotYoursError,
    dossier_action_check,
    official_works_in,
)
from congvu.dossiers.uploads import safe_name, upload_validate
from congvu.lib.workdays import Clock, WorkCalendar, classify
from congvu.organizations.models import Delegation, Official, Unit
from congvu.organizations.selectors import official_of, responsibility_resolve
from congvu.procedures.models import ProcedureVersion, ProcessStep, ProcessTransition

__all__ = ["ActionNotAllowedError", "NotYoursError"]

# Accepted name endings with their content type and first bytes, for the apps that check
# their own files; `uploads.upload_validate` sniffs the whole format and is what to call.
ALLOWED_UPLOADS = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
}
_safe_name = safe_name
_ID_NUMBER = re.compile(r"^(\d{12}|\d{10}|\d{10}-\d{3}|\d{9})$")
_PHONE = re.compile(r"^(0\d{9}|\+84\d{9})$")


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str
    email: str = ""
    address: str = ""
    representative: str = ""


def applicant_clean(applicant: Applicant) -> Applicant:
    """The applicant's details, normalised, or a ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    name = " ".join(applicant.name.split())
    id_number = applicant.id_number.strip().replace(" ", "")
    phone = re.sub(r"[\s.\-()]", "", applicant.phone)
    email = applicant.email.strip()
    if not name:
        errors.setdefault("applicant.name", []).append(_("Enter the applicant's full name."))
    if not _ID_NUMBER.match(id_number):
        errors.setdefault("applicant.id_number", []).append(
            _(
                "The identifier number must be the 12-digit personal identifier number, or a "
                "tax code of 10 or 13 digits."
            )
        )
    if not _PHONE.match(phone):
        errors.setdefault("applicant.phone", []).append(
            _("The phone number must have 10 digits and start with 0 (or +84).")
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("applicant.email", []).append(_("Enter a valid email address."))
    if errors:
        raise ValidationError(errors)
    return Applicant(
        name=name,
        id_number=id_number,
        phone=phone,
        email=email,
        address=" ".join(applicant.address.split()),
        representative=" ".join(applicant.representative.split()),
    )


# -- helpers ---------------------------------------------------------------------------------

_TRANSITION_LOADED = ["dossier", "from_step", "to_step", "giver", "receiver", "receiver_unit"]
_DOSSIER_LOADED = [
    "procedure_version",
    "received_unit",
    "competent_unit",
    "current_unit",
    "current_step",
    "assignee",
    "applicant_user",
    "entered_by",
]


def _set_status(dossier: Dossier, status: str) -> None:
    dossier.status = status
    dossier.national_status = NATIONAL_STATUS[status]


def _clock(dossier: Dossier, calendar: WorkCalendar) -> Clock:
    return Clock(
        calendar=calendar,
        budget_seconds=dossier.clock_budget_seconds,
        used_seconds=dossier.clock_used_seconds,
        running_since=dossier.clock_running_since,
        paused_at=dossier.clock_paused_at,
    )


def _clock_store(dossier: Dossier, clock: Clock, calendar: WorkCalendar) -> None:
    dossier.clock_budget_seconds = clock.budget_seconds
    dossier.clock_used_seconds = clock.used_seconds
    dossier.clock_running_since = clock.running_since
    dossier.clock_paused_at = clock.paused_at
    due = clock.due_at
    if due is not None:
        # While paused the appointment stays as it was; it moves when the clock runs again.
        dossier.due_at = due
        per_day = calendar.office_hours.seconds_per_day
        dossier.at_risk_from = calendar.subtract_working_seconds(due, per_day)


def _budget_seconds(version: ProcedureVersion, start: dt.datetime, calendar: WorkCalendar) -> float:
    """The statutory time as office seconds from `start` (domain.md §5)."""
    amount = Decimal(version.processing_time)
    if version.processing_unit == ProcedureVersion.TimeUnit.WORKING_HOURS:
        return float(amount * 3600)
    if version.processing_unit == ProcedureVersion.TimeUnit.CALENDAR_DAYS:
        # Counted in calendar days; a deadline on a day off moves to the end of the next
        # working day (Bộ luật Dân sự Điều 148 khoản 5).
        deadline = calendar.calendar_day_deadline(timezone.localdate(start), int(amount))
        return max(0.0, calendar.working_seconds_between(start, deadline))
    return float(amount * calendar.office_hours.seconds_per_day)


def _step_unit(dossier: Dossier, step: ProcessStep) -> Unit:
    if step.responsible == ProcessStep.Responsible.RECEIVING_UNIT:
        return dossier.received_unit
    if step.responsible == ProcessStep.Responsible.NAMED_UNIT and step.unit is not None:
        return step.unit
    return dossier.competent_unit


def _step_assignee(unit: Unit, step: ProcessStep, now: dt.datetime) -> Official | None:
    """A leader's step goes to whoever acts for the head now (delegation); other steps go to
    the unit's pool until someone there takes them."""
    if step.position in ("head", "deputy_head"):
        return responsibility_resolve(unit=unit, at=now, scope=Delegation.Scope.DOSSIERS).acting
    return None


def _enter_step(
    dossier: Dossier, step: ProcessStep, now: dt.datetime, calendar: WorkCalendar
) -> None:
    dossier.current_step = step
    dossier.current_unit = _step_unit(dossier, step)
    dossier.assignee = _step_assignee(dossier.current_unit, step, now)
    start = calendar.clock_start(now)
    dossier.step_started_at = now
    dossier.step_due_at = calendar.add_working_seconds(start, float(step.budget_hours) * 3600)


_official_of = official_of


def _record(
    dossier: Dossier,
    *,
    actor: Any,
    action: str,
    from_status: str,
    from_step: ProcessStep | None,
    step_due_at: dt.datetime | None,
    now: dt.datetime,
    note: str = "",
) -> DossierTransition:
    official = _official_of(actor)
    label = (
        official.full_name
        if official
        else (actor.get_full_name() or actor.get_username())
        if getattr(actor, "is_authenticated", False)
        else _("system")
    )
    transition = DossierTransition(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        from_step=from_step,
        to_step=dossier.current_step,
        giver=actor if getattr(actor, "is_authenticated", False) else None,
        giver_label=label[:200],
        receiver=dossier.assignee,
        receiver_unit=dossier.current_unit,
        at=now,
        step_due_at=step_due_at,
        timeliness=classify(now, step_due_at) if step_due_at else "",
        note=note,
    )
    # Its foreign keys are objects this transaction already holds; checking that each exists
    # again would cost a query apiece on every hand-over.
    transition.full_clean(exclude=_TRANSITION_LOADED)
    transition.save()
    return transition


def _stat_bump(dossier: Dossier, day: dt.date, **increments: float) -> None:
    """Add to the day's, the month's and the year's counters of the dossier's competent unit
    and procedure version."""
    base = {
        "unit_id": dossier.competent_unit_id,
        "procedure_version_id": dossier.procedure_version_id,
    }
    for model, key in (
        (DossierStat, {**base, "day": day}),
        (DossierMonthStat, {**base, "month": day.replace(day=1)}),
        (DossierYearStat, {**base, "year": day.year}),
    ):
        _counters_add(model, key, increments)


def _open_bump(dossier: Dossier, before: tuple[int, int]) -> None:
    """Keep the count of open dossiers of the dossier's unit and procedure version when an
    action moved it into or out of the open states, or made it late by supplementation."""
    after = stats.open_share(dossier)
    if after == before:
        return
    _counters_add(
        DossierOpenStat,
        {
            "unit_id": dossier.competent_unit_id,
            "procedure_version_id": dossier.procedure_version_id,
        },
        {"open": after[0] - before[0], "late_by_supplements": after[1] - before[1]},
    )


def _due_keep(dossier: Dossier, before: dt.datetime | None) -> None:
    """Keep the dossier's row of `DossierDue` (its appointment while in process) with the
    dossier, when an action started or stopped its clock or moved its appointment. The
    dossier's row is locked, so no other action writes this row meanwhile."""
    after = stats.due_share(dossier)
    if after == before:
        return
    rows = DossierDue.objects.filter(dossier=dossier)
    if after is None:
        rows.delete()
        return
    values = {
        "unit_id": dossier.competent_unit_id,
        "procedure_version_id": dossier.procedure_version_id,
        "due_at": after,
    }
    if not rows.update(**values):
        DossierDue.objects.create(dossier=dossier, **values)


def _counters_add(model: Any, key: dict[str, Any], increments: dict[str, float]) -> None:
    change = {field: F(field) + value for field, value in increments.items()}
    if model.objects.filter(**key).update(**change):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **increments)
    except IntegrityError:
        # Another transaction created the row first; add to it instead.
        model.objects.filter(**key).update(**change)


def _notify(dossier: Dossier, transition: DossierTransition) -> None:
    if not dossier.applicant_email:
        return
    from congvu.dossiers.tasks import dossier_notify_applicant

    dossier_id, transition_id = dossier.pk, transition.pk
    transaction.on_commit(
        lambda: dossier_notify_applicant.enqueue(dossier_id=dossier_id, transition_id=transition_id)
    )


def dossier_code_next(*, unit: Unit, at: dt.datetime) -> str:
    """`<receiving agency code>-<YYMMDD>-<sequence, at least 4 digits>` (TT 03/2025/TT-VPCP).

    The day's counter row is locked, so two submissions at once never get the same number.
    """
    agency_code = unit.code or f"U{unit.pk:05d}"
    day = timezone.localdate(at)
    key = {"agency_code": agency_code, "day": day}
    if not DossierCodeSequence.objects.filter(**key).exists():
        try:
            with transaction.atomic():
                DossierCodeSequence.objects.create(**key)
        except IntegrityError:
            pass  # created by a concurrent submission; we lock and use it below
    sequence = DossierCodeSequence.objects.select_for_update().get(**key)
    sequence.last = F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db(fields=["last"])
    return f"{agency_code}-{day:%y%m%d}-{sequence.last:04d}"


def _current_version(procedure_code: str, on: dt.date) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.select_related("procedure", "competent_unit")
        .filter(procedure__code=procedure_code.strip(), status=ProcedureVersion.Status.PUBLISHED)
        .filter(valid_from__lte=on)
        .exclude(valid_until__lte=on)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError(
            {
                "procedure": [
                    _("No published procedure has the code %(code)s.") % {"code": procedure_code}
                ]
            }
        )
    return version


def _province_centre(unit: Unit | None) -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("path").first()


def _resolve_units(
    version: ProcedureVersion, *, commune: Unit | None, received_unit: Unit | None
) -> tuple[Unit, Unit]:
    """(where received, who is competent). A dossier may be received at any centre of the
    province whatever commune it concerns (domain.md §2)."""
    if version.competent_kind == ProcedureVersion.Competent.COMMUNE:
        if commune is None or commune.kind != Unit.Kind.COMMUNE_COMMITTEE:
            raise ValidationError({"commune": [_("Choose the commune this dossier is for.")]})
        competent = commune
        default_receiver = (
            commune.children.filter(kind=Unit.Kind.COMMUNE_CENTRE).order_by("pk").first() or commune
        )
    else:
        if version.competent_unit is None:
            raise ValidationError({"procedure": [_("This procedure has no competent unit set.")]})
        competent = version.competent_unit
        default_receiver = _province_centre(competent) or competent
    return received_unit or default_receiver, competent


# -- submission ------------------------------------------------------------------------------


@transaction.atomic
def dossier_submit(
    *,
    actor: Any,
    procedure_code: str,
    channel: int,
    applicant: Applicant,
    received_unit: Unit | None = None,
    commune: Unit | None = None,
    request: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Register a dossier (national status 1): online by its applicant, or entered at a desk by
    an officer for the applicant. A retried call with the same idempotency key returns the
    first dossier instead of making a second."""
    moment = now or timezone.now()
    key = None
    if idempotency_key:
        owner = actor.pk if getattr(actor, "is_authenticated", False) else "anon"
        key = f"{owner}:{idempotency_key.strip()}"[:120]
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    if channel not in Channel.values:
        raise ValidationError(
            {"channel": [_("The channel must be 1 (in person), 2 (online) or 3 (post).")]}
        )
    version = _current_version(procedure_code, timezone.localdate(moment))
    if channel == Channel.ONLINE and version.online_level == ProcedureVersion.Online.NONE:
        raise ValidationError({"channel": [_("This procedure is not offered online.")]})
    clean = applicant_clean(applicant)
    officer = _official_of(actor)
    if channel != Channel.ONLINE and officer is None:
        raise ValidationError(
            {
                "channel": [
                    _("Only an officer at a desk enters dossiers received in person or by post.")
                ]
            }
        )
    if received_unit is None and officer is not None and channel != Channel.ONLINE:
        received_unit = officer.unit
    received, competent = _resolve_units(version, commune=commune, received_unit=received_unit)
    is_citizen = officer is None and getattr(actor, "is_authenticated", False)
    dossier = Dossier(
        code=dossier_code_next(unit=received, at=moment),
        secret=secrets.token_urlsafe(12)[:16],
        procedure_version=version,
        received_unit=received,
        competent_unit=competent,
        current_unit=received,
        channel=channel,
        applicant_user=actor if is_citizen else None,
        applicant_name=clean.name,
        applicant_id_number=clean.id_number,
        applicant_phone=clean.phone,
        applicant_email=clean.email,
        applicant_address=clean.address,
        representative=clean.representative,
        request=request.strip(),
        entered_by=actor if officer is not None else None,
        submitted_at=moment,
        idempotency_key=key,
    )
    _set_status(dossier, Status.SUBMITTED)
    dossier.full_clean()
    dossier.save()
    transition = _record(
        dossier,
        actor=actor,
        action="submit",
        from_status="",
        from_step=None,
        step_due_at=None,
        now=moment,
    )
    audit_record(actor=actor, action="dossiers.submitted", obj=dossier, after=snapshot(dossier))
    _notify(dossier, transition)
    return dossier


@transaction.atomic
def dossier_document_add(
    *,
    actor: Any,
    dossier: Dossier,
    file: UploadedFile,
    kind: str = DossierDocument.Kind.APPLICATION,
    required_document_id: int | None = None,
) -> DossierDocument:
    """Attach a file. Its content must be of an accepted type (see `uploads`), within the
    limits of size per file and of files per dossier, under a sanitised name; it is stored
    outside the web root and served only to those who may see the dossier. Someone with no
    part in the dossier is refused (PermissionDenied), a dossier not taking files now raises
    ActionNotAllowedError."""
    # The row lock also serialises uploads to one dossier, so two at once cannot both pass
    # the count limit.
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if kind == DossierDocument.Kind.RESULT:
        allowed = dossier.status == Status.PROCESSING and (
            dossier_may_handle(actor=actor, dossier=dossier)
        )
    else:
        is_applicant = (
            dossier.applicant_user_id is not None
            and dossier.applicant_user_id == getattr(actor, "pk", None)
        )
        is_party = (
            is_applicant
            or official_works_in(actor, dossier.received_unit)
            or official_works_in(actor, dossier.current_unit)
        )
        if not is_party:
            raise PermissionDenied(_("You have no part in this dossier."))
        allowed = dossier.status in (
            Status.SUBMITTED,
            Status.INTAKE_SUPPLEMENT,
            Status.SUPPLEMENT,
        )
    if not allowed:
        raise ActionNotAllowedError(_("This dossier does not accept documents now."))
    held = dossier.documents.aggregate(files=Count("pk"), size=Sum("size"))
    accepted = upload_validate(
        file, files_before=held["files"] or 0, bytes_before=held["size"] or 0
    )
    name = accepted.name
    document = DossierDocument(
        dossier=dossier,
        kind=kind,
        required_document_id=required_document_id,
        original_name=name,
        content_type=accepted.content_type,
        size=accepted.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(name, file, save=False)
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action="dossiers.document_added",
        obj=dossier,
        after={"document": document.pk, "name": name, "kind": kind, "size": accepted.size},
    )
    return document


def dossier_may_handle(*, actor: Any, dossier: Dossier) -> bool:
    try:
        dossier_action_check(dossier=dossier, user=actor, action="resolve")
    except (ActionNotAllowedError, NotYoursError):
        try:
            dossier_action_check(dossier=dossier, user=actor, action="forward")
        except (ActionNotAllowedError, NotYoursError):
            return False
    return True


# -- actions ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_act(
    *,
    actor: Any,
    dossier: Dossier,
    action: str,
    note: str = "",
    to_step: int | None = None,
    expected_step: int | None = None,
    new_due_at: dt.datetime | None = None,
    responsible_unit: Unit | None = None,
    responsible_official: Official | None = None,
    return_method: str = "",
    rating: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Take one workflow action on a dossier, or raise NotYoursError / ActionNotAllowedError /
    ValidationError and change nothing."""
    moment = now or timezone.now()
    # The row lock makes two officials acting at once take turns; the second then finds the
    # dossier moved on and is refused.
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    locked = (
        Dossier.objects.select_related(
            "procedure_version", "current_step", "current_unit", "received_unit", "competent_unit"
        )
        .prefetch_related("current_step__outgoing")
        .get(pk=locked.pk)
    )
    if expected_step is not None and locked.current_step_id != expected_step:
        raise ActionNotAllowedError(
            _("Someone else has already moved this dossier on; reload it and try again.")
        )
    dossier_action_check(dossier=locked, user=actor, action=action, now=moment)
    note = note.strip()
    from congvu.dossiers.workflow import ACTIONS

    if ACTIONS[action].note_required and not note:
        raise ValidationError({"note": [_("Please give the reason or the details.")]})
    before = snapshot(locked)
    share, due = stats.open_share(locked), stats.due_share(locked)
    from_status, from_step, step_due = locked.status, locked.current_step, locked.step_due_at
    calendar = work_calendar_get()
    handler = _HANDLERS[action]
    handler(
        locked,
        actor=actor,
        note=note,
        to_step=to_step,
        new_due_at=new_due_at,
        responsible_unit=responsible_unit,
        responsible_official=responsible_official,
        return_method=return_method,
        rating=rating,
        now=moment,
        calendar=calendar,
    )
    # The code and key do not change after submission, and the related rows are loaded and
    # locked above: validate the fields, skip the per-relation and uniqueness queries. The
    # check constraints (one intake supplementation, one extension) were checked by the
    # workflow above and are enforced by the database; Django would spend a query on each.
    locked.full_clean(exclude=_DOSSIER_LOADED, validate_unique=False, validate_constraints=False)
    locked.save()
    _open_bump(locked, share)
    _due_keep(locked, due)
    transition = _record(
        locked,
        actor=actor,
        action=action,
        from_status=from_status,
        from_step=from_step,
        step_due_at=step_due,
        now=moment,
        note=note,
    )
    audit_record(
        actor=actor, action=f"dossiers.{action}", obj=locked, before=before, after=snapshot(locked)
    )
    _notify(locked, transition)
    return locked


def _process_target(dossier: Dossier, action: str, to_step: int | None) -> ProcessTransition:
    options = [t for t in dossier.current_step.outgoing.all() if t.action == action]  # type: ignore[union-attr]
    if to_step is not None:
        options = [t for t in options if t.to_step_id == to_step]
    if len(options) != 1:
        raise ValidationError({"to_step": [_("Choose the step to send the dossier to.")]})
    return options[0]


def _receive(
    d: Dossier, *, actor: Any, now: dt.datetime, calendar: WorkCalendar, **_rest: Any
) -> None:
    version = d.procedure_version
    start = calendar.clock_start(now, version.cutoff_time)
    clock = Clock(
        calendar=calendar,
        budget_seconds=_budget_seconds(version, start, calendar),
        running_since=start,
    )
    d.received_at = now
    _set_status(d, Status.PROCESSING)
    _clock_store(d, clock, calendar)
    d.original_due_at = d.due_at
    first = version.steps.order_by("order").first()
    if first is None:
        raise ValidationError(_("The procedure has no internal process; it cannot be received."))
    _enter_step(d, first, now, calendar)
    d.assignee = _official_of(actor)
    if d.supplement_requests.filter(
        stage=SupplementRequest.Stage.INTAKE, fulfilled_at__isnull=True
    ).exists():
        d.supplement_requests.filter(fulfilled_at__isnull=True).update(fulfilled_at=now)
    field = {
        int(Channel.IN_PERSON): "received_in_person",
        int(Channel.ONLINE): "received_online",
    }.get(d.channel, "received_postal")
    _stat_bump(d, timezone.localdate(now), received=1, **{field: 1})


def _request_intake_supplement(
    d: Dossier, *, actor: Any, note: str, now: dt.datetime, **_rest: Any
) -> None:
    SupplementRequest.objects.create(
        dossier=d,
        stage=SupplementRequest.Stage.INTAKE,
        items=note,
        requested_by=actor,
        requested_at=now,
    )
    d.intake_supplement_count += 1
    _set_status(d, Status.INTAKE_SUPPLEMENT)
    _stat_bump(d, timezone.localdate(now), supplement_requested=1)


def _finish(d: Dossier, status: str, now: dt.datetime) -> None:
    _set_status(d, status)
    d.assignee = None


def _refuse_intake(d: Dossier, *, now: dt.datetime, note: str, **_rest: Any) -> None:
    _finish(d, Status.REFUSED, now)
    d.result_summary = note
    _stat_bump(d, timezone.localdate(now), refused=1)


def _supplement(d: Dossier, *, now: dt.datetime, calendar: WorkCalendar, **_rest: Any) -> None:
    d.supplement_requests.filter(fulfilled_at__isnull=True).update(fulfilled_at=now)
    if d.status == Status.INTAKE_SUPPLEMENT:
        # Back to the desk for the intake decision; the clock has not started yet.
        _set_status(d, Status.SUBMITTED)
        return
    # Complete again during processing: the processing time restarts from zero (domain.md §4).
    clock = _clock(d, calendar)
    clock.restart(now, d.procedure_version.cutoff_time)
    _set_status(d, Status.PROCESSING)
    _clock_store(d, clock, calendar)
    if d.current_step is not None:
        _enter_step(d, d.current_step, now, calendar)


def _move(
    d: Dossier, action: str, *, to_step: int | None, now: dt.datetime, calendar: WorkCalendar
) -> None:
    target = _process_target(d, action, to_step)
    assert target.to_step is not None
    _enter_step(d, target.to_step, now, calendar)


def _forward(
    d: Dossier, *, to_step: int | None, now: dt.datetime, calendar: WorkCalendar, **_rest: Any
) -> None:
    _move(d, "forward", to_step=to_step, now=now, calendar=calendar)


def _send_back(
    d: Dossier, *, to_step: int | None, now: dt.datetime, calendar: WorkCalendar, **_rest: Any
) -> None:
    _move(d, "send_back", to_step=to_step, now=now, calendar=calendar)


def _pause(d: Dossier, status: str, now: dt.datetime, calendar: WorkCalendar) -> None:
    clock = _clock(d, calendar)
    if clock.is_running:
        clock.pause(now)
    _set_status(d, status)
    _clock_store(d, clock, calendar)


def _request_supplement(
    d: Dossier, *, actor: Any, note: str, now: dt.datetime, calendar: WorkCalendar, **_rest: Any
) -> None:
    SupplementRequest.objects.create(
        dossier=d,
        stage=SupplementRequest.Stage.PROCESSING,
        items=note,
        requested_by=actor,
        requested_at=now,
    )
    d.supplement_count += 1
    _pause(d, Status.SUPPLEMENT, now, calendar)
    _stat_bump(d, timezone.localdate(now), supplement_requested=1)


def _request_payment(d: Dossier, *, now: dt.datetime, calendar: WorkCalendar, **_rest: Any) -> None:
    _pause(d, Status.AWAITING_PAYMENT, now, calendar)


def _confirm_payment(d: Dossier, *, now: dt.datetime, calendar: WorkCalendar, **_rest: Any) -> None:
    clock = _clock(d, calendar)
    clock.resume(now)
    _set_status(d, Status.PROCESSING)
    _clock_store(d, clock, calendar)
    _stat_bump(d, timezone.localdate(now), **stats.payment_increments(d))


def _apologize(
    d: Dossier,
    *,
    actor: Any,
    note: str,
    new_due_at: dt.datetime | None,
    responsible_unit: Unit | None,
    responsible_official: Official | None,
    now: dt.datetime,
    calendar: WorkCalendar,
    **_rest: Any,
) -> None:
    previous = d.due_at
    if new_due_at is None or previous is None or new_due_at <= previous:
        raise ValidationError(
            {"new_due_at": [_("The new appointment must be later than the current one.")]}
        )
    clock = _clock(d, calendar)
    # The new appointment is reached by lengthening the budget by the office time between the
    # two appointments, so pauses and restarts keep working on the new one.
    clock.budget_seconds += calendar.working_seconds_between(previous, new_due_at)
    _clock_store(d, clock, calendar)
    d.due_at = new_due_at
    d.at_risk_from = calendar.subtract_working_seconds(
        new_due_at, calendar.office_hours.seconds_per_day
    )
    d.extension_count += 1
    Apology.objects.create(
        dossier=d,
        reason=note,
        responsible_unit=responsible_unit or d.current_unit or d.competent_unit,
        responsible_official=responsible_official,
        previous_due_at=previous,
        new_due_at=new_due_at,
        issued_by=actor,
        issued_at=now,
    )


def _conclude(
    d: Dossier,
    *,
    note: str,
    now: dt.datetime,
    calendar: WorkCalendar,
    action: str,
    to_step: int | None,
) -> None:
    _process_target(d, action, None if to_step is None else to_step)
    clock = _clock(d, calendar)
    used = clock.used_at(now)
    if clock.is_running:
        clock.pause(now)
    _clock_store(d, clock, calendar)
    timeliness = classify(now, d.due_at) if d.due_at else Timeliness.ON_TIME
    # More than one supplementation request counts as late (domain.md §5).
    if stats.late_by_supplements(d):
        timeliness = Timeliness.LATE
    d.timeliness = timeliness
    d.resolved_at = now
    d.result_summary = note
    _set_status(d, Status.RESOLVED)
    d.current_step = None
    d.current_unit = d.received_unit
    d.assignee = None
    _stat_bump(
        d,
        timezone.localdate(now),
        **{f"resolved_{timeliness}": 1, "processing_seconds": used},
        **stats.conclusion_increments(d),
    )


def _resolve(d: Dossier, **kwargs: Any) -> None:
    _conclude(
        d,
        note=kwargs["note"],
        now=kwargs["now"],
        calendar=kwargs["calendar"],
        action="resolve",
        to_step=None,
    )


def _refuse(d: Dossier, **kwargs: Any) -> None:
    _conclude(
        d,
        note=kwargs["note"],
        now=kwargs["now"],
        calendar=kwargs["calendar"],
        action="refuse",
        to_step=None,
    )


def _return_result(d: Dossier, *, now: dt.datetime, return_method: str, **_rest: Any) -> None:
    d.returned_at = now
    d.return_method = return_method.strip() or _("At the desk")
    _finish(d, Status.RETURNED, now)
    _stat_bump(d, timezone.localdate(now), returned=1)


def _request_withdrawal(
    d: Dossier, *, now: dt.datetime, calendar: WorkCalendar, **_rest: Any
) -> None:
    _pause(d, Status.WITHDRAWAL_REQUESTED, now, calendar)


def _stop(d: Dossier, *, now: dt.datetime, **_rest: Any) -> None:
    _finish(d, Status.STOPPED, now)
    d.current_step = None
    _stat_bump(d, timezone.localdate(now), withdrawn=1)


def _rate(
    d: Dossier, *, rating: dict[str, Any] | None, note: str, now: dt.datetime, **_rest: Any
) -> None:
    data = rating or {}
    overall = data.get("overall", "")
    if overall not in Rating.Overall.values:
        raise ValidationError(
            {"overall": [_("Choose: very satisfied, satisfied or not satisfied.")]}
        )
    entry = Rating(
        dossier=d,
        overall=overall,
        on_time=data.get("on_time"),
        visits=data.get("visits"),
        attitude=data.get("attitude", ""),
        comment=note or data.get("comment", ""),
        rated_at=now,
    )
    entry.full_clean()
    entry.save()
    _stat_bump(d, timezone.localdate(now), **stats.rating_increments(overall))


_HANDLERS: dict[str, Any] = {
    "receive": _receive,
    "request_intake_supplement": _request_intake_supplement,
    "refuse_intake": _refuse_intake,
    "supplement": _supplement,
    "forward": _forward,
    "send_back": _send_back,
    "request_supplement": _request_supplement,
    "request_payment": _request_payment,
    "confirm_payment": _confirm_payment,
    "apologize": _apologize,
    "refuse": _refuse,
    "resolve": _resolve,
    "return_result": _return_result,
    "request_withdrawal": _request_withdrawal,
    "stop": _stop,
    "rate": _rate,
}
