"""Writes of the procedure catalogue: fields, procedure versions and their internal process.

Every function here takes the acting user, validates, saves and writes one audit row per
object it changes. Who may call them is decided by the caller (the admin site checks the model
permissions of each role; the catalogue page asks for the same permissions).

A published version is never edited: a dossier pins the version it was received under, so the
rules it is judged by cannot change after the fact (NĐ 118/2025/NĐ-CP). A change of a published
procedure is a new version, usually made with `procedure_version_copy`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.services import audit_record, snapshot
from congvu.lib.text import fold
from congvu.organizations.models import Position, Unit
from congvu.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTransition,
    RequiredDocument,
)

# Fields of a version that may be given at creation and changed while it is a draft.
VERSION_FIELDS = frozenset(
    {
        "name",
        "field",
        "level",
        "competent_kind",
        "competent_unit",
        "processing_time",
        "processing_unit",
        "cutoff_time",
        "result_type",
        "paper_result_required",
        "legal_basis",
        "applicants",
        "online_level",
        "decision",
        "valid_from",
        "valid_until",
    }
)


@dataclasses.dataclass(frozen=True)
class DocumentSpec:
    """A required document as given to the services (Thành phần hồ sơ)."""

    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True


@dataclasses.dataclass(frozen=True)
class FeeSpec:
    """A fee or charge as given to the services, in đồng."""

    description: str
    amount: Decimal | int
    kind: str = Fee.Kind.CHARGE


@dataclasses.dataclass(frozen=True)
class StepSpec:
    """A step of an internal process; transitions name steps by their `order`."""

    order: int
    name: str
    kind: str
    responsible: str = ProcessStep.Responsible.COMPETENT_UNIT
    position: str = Position.Kind.SPECIALIST
    budget_hours: Decimal | int | str = Decimal(0)
    unit: Unit | None = None


@dataclasses.dataclass(frozen=True)
class TransitionSpec:
    """A move from the step of order `from_order` to that of `to_order` (None: the dossier
    leaves the process, as resolving or refusing it does)."""

    from_order: int
    to_order: int | None
    action: str


def _spec(cls: type[Any], item: Any) -> Any:
    """Accept a spec dataclass or a mapping of its fields (as the import and callers give)."""
    if isinstance(item, cls):
        return item
    if isinstance(item, Mapping):
        return cls(**item)
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(item).__name__}")


# Fields ------------------------------------------------------------------------------------


@transaction.atomic
def field_create(*, actor: Any, code: str, name: str) -> Field:
    """Create a field of procedures (Lĩnh vực)."""
    field = Field(code=code.strip(), name=name.strip())
    field.full_clean()
    field.save()
    audit_record(actor=actor, action="procedures.field_created", obj=field, after=snapshot(field))
    return field


@transaction.atomic
def field_update(*, actor: Any, field: Field, name: str) -> Field:
    """Rename a field; the search text of its procedures follows."""
    field = Field.objects.select_for_update().get(pk=field.pk)
    before = snapshot(field)
    field.name = name.strip()
    field.full_clean()
    field.save(update_fields=["name"])
    for procedure in Procedure.objects.filter(field=field):
        _procedure_sync(procedure)
    audit_record(
        actor=actor,
        action="procedures.field_updated",
        obj=field,
        before=before,
        after=snapshot(field),
    )
    return field


# Versions ----------------------------------------------------------------------------------


def _search_text(code: str, name: str, field: Field) -> str:
    return fold(f"{code} {name} {field.name}")


def _procedure_sync(procedure: Procedure) -> None:
    """Keep the procedure's name, field and search text those of the version that stands for
    it: the one in force today, else the latest published, else the latest of all."""
    today = timezone.localdate()
    versions = list(
        ProcedureVersion.objects.filter(procedure=procedure)
        .exclude(status=ProcedureVersion.Status.WITHDRAWN)
        .select_related("field")
        .order_by("-number")
    ) or list(ProcedureVersion.objects.filter(procedure=procedure).order_by("-number"))
    if not versions:
        return
    standing = (
        next((v for v in versions if v.is_in_force_on(today)), None)
        or next((v for v in versions if v.status == ProcedureVersion.Status.PUBLISHED), None)
        or versions[0]
    )
    text = _search_text(procedure.code, standing.name, standing.field)
    if (procedure.name, procedure.field_id, procedure.search_text) != (
        standing.name,
        standing.field_id,
        text,
    ):
        procedure.name, procedure.field, procedure.search_text = standing.name, standing.field, text
        procedure.full_clean()
        procedure.save(update_fields=["name", "field", "search_text"])


def version_check(version: ProcedureVersion) -> None:
    """Rules of a version beyond those of its fields."""
    if version.competent_kind == ProcedureVersion.Competent.UNIT and version.competent_unit is None:
        raise ValidationError(
            {"competent_unit": _("Name the unit competent to resolve this procedure.")}
        )
    if (
        version.competent_kind == ProcedureVersion.Competent.COMMUNE
        and version.competent_unit is not None
    ):
        raise ValidationError(
            {
                "competent_unit": _(
                    "A procedure resolved by the commune concerned names no competent unit."
                )
            }
        )


def _draft_required(version: ProcedureVersion) -> None:
    if version.status != ProcedureVersion.Status.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)d of %(code)s is %(status)s and can no longer be edited; "
                "make a new version (copy it) and publish that instead."
            )
            % {
                "number": version.number,
                "code": version.procedure.code,
                "status": version.get_status_display().lower(),
            }
        )


def _documents_replace(version: ProcedureVersion, documents: Iterable[Any]) -> list[Any]:
    version.documents.all().delete()
    rows = []
    for order, item in enumerate(documents, start=1):
        spec: DocumentSpec = _spec(DocumentSpec, item)
        document = RequiredDocument(
            version=version,
            order=order,
            name=spec.name.strip(),
            originals=spec.originals,
            copies=spec.copies,
            mandatory=spec.mandatory,
        )
        document.full_clean()
        rows.append(document)
    RequiredDocument.objects.bulk_create(rows)
    return [snapshot(d, ["name", "originals", "copies", "mandatory"]) for d in rows]


def _fees_replace(version: ProcedureVersion, fees: Iterable[Any]) -> list[Any]:
    version.fees.all().delete()
    rows = []
    for item in fees:
        spec: FeeSpec = _spec(FeeSpec, item)
        fee = Fee(
            version=version,
            kind=spec.kind,
            description=spec.description.strip(),
            amount=Decimal(spec.amount),
        )
        fee.full_clean()
        rows.append(fee)
    Fee.objects.bulk_create(rows)
    return [snapshot(f, ["kind", "description", "amount"]) for f in rows]


def _version_picture(version: ProcedureVersion) -> dict[str, Any]:
    return {
        **snapshot(version),
        "documents": [
            snapshot(d, ["name", "originals", "copies", "mandatory"])
            for d in version.documents.all()
        ],
        "fees": [snapshot(f, ["kind", "description", "amount"]) for f in version.fees.all()],
    }


@transaction.atomic
def procedure_version_create(
    *,
    actor: Any,
    procedure_code: str,
    name: str,
    field: Field,
    level: str,
    valid_from: dt.date | None = None,
    competent_kind: str = ProcedureVersion.Competent.UNIT,
    competent_unit: Unit | None = None,
    processing_time: Decimal | int | str = Decimal(0),
    processing_unit: str = ProcedureVersion.TimeUnit.WORKING_DAYS,
    cutoff_time: dt.time | None = None,
    result_type: str = "",
    paper_result_required: bool = False,
    legal_basis: str = "",
    applicants: str = "",
    online_level: str = ProcedureVersion.Online.NONE,
    decision: str = "",
    valid_until: dt.date | None = None,
    documents: Iterable[DocumentSpec | Mapping[str, Any]] = (),
    fees: Iterable[FeeSpec | Mapping[str, Any]] = (),
    steps: Iterable[StepSpec | Mapping[str, Any]] | None = None,
    transitions: Iterable[TransitionSpec | Mapping[str, Any]] = (),
) -> ProcedureVersion:
    """Create a draft version of the procedure `procedure_code`, and the procedure itself if it
    is new. The version takes the next number; with `steps` its internal process is set too."""
    code = procedure_code.strip()
    if not code:
        raise ValidationError({"procedure": _("A procedure needs its code.")})
    procedure = Procedure.objects.select_for_update().filter(code=code).first()
    procedure_created = procedure is None
    if procedure is None:
        procedure = Procedure(
            code=code,
            name=name.strip(),
            field=field,
            search_text=_search_text(code, name.strip(), field),
        )
        procedure.full_clean()
        procedure.save()
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion(
        procedure=procedure,
        number=last + 1,
        name=name.strip(),
        field=field,
        level=level,
        competent_kind=competent_kind,
        competent_unit=competent_unit,
        processing_time=Decimal(processing_time),
        processing_unit=processing_unit,
        cutoff_time=cutoff_time,
        result_type=result_type,
        paper_result_required=paper_result_required,
        legal_basis=legal_basis,
        applicants=applicants,
        online_level=online_level,
        decision=decision,
        valid_from=valid_from or timezone.localdate(),
        valid_until=valid_until,
        status=ProcedureVersion.Status.DRAFT,
    )
    version_check(version)
    version.full_clean()
    version.save()
    after = {
        **snapshot(version),
        "procedure_created": procedure_created,
        "documents": _documents_replace(version, documents),
        "fees": _fees_replace(version, fees),
    }
    _procedure_sync(procedure)
    audit_record(actor=actor, action="procedures.version_created", obj=version, after=after)
    if steps is not None:
        process_set(actor=actor, version=version, steps=steps, transitions=transitions)
    return version


@transaction.atomic
def procedure_version_update(
    *,
    actor: Any,
    version: ProcedureVersion,
    documents: Iterable[DocumentSpec | Mapping[str, Any]] | None = None,
    fees: Iterable[FeeSpec | Mapping[str, Any]] | None = None,
    **changes: Any,
) -> ProcedureVersion:
    """Change a draft version; `documents` and `fees`, when given, replace the lists."""
    unknown = set(changes) - VERSION_FIELDS
    if unknown:
        raise TypeError(f"procedure_version_update() cannot change {', '.join(sorted(unknown))}")
    version = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    _draft_required(version)
    before = _version_picture(version)
    for name, value in changes.items():
        setattr(version, name, value)
    version_check(version)
    version.full_clean()
    version.save()
    if documents is not None:
        _documents_replace(version, documents)
    if fees is not None:
        _fees_replace(version, fees)
    after = _version_picture(version)
    _procedure_sync(version.procedure)
    if after != before:
        audit_record(
            actor=actor,
            action="procedures.version_updated",
            obj=version,
            before=before,
            after=after,
        )
    return version


@transaction.atomic
def procedure_version_publish(*, actor: Any, version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft version from its `valid_from` (Quyết định công bố thủ tục hành chính).

    The version in force before it ends the day the new one starts, so that on any day exactly
    one version applies to a dossier received that day: a dossier is handled under the
    procedure as published when it was received (NĐ 118/2025/NĐ-CP; article to be verified).
    """
    # Locking the procedure serialises two publications of it, which could otherwise both
    # leave their predecessor open.
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = (
        ProcedureVersion.objects.select_for_update(of=("self",))
        .select_related("procedure", "field", "competent_unit")
        .get(pk=version.pk)
    )
    if version.status != ProcedureVersion.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be published; version %(number)d is %(status)s.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )
    version_check(version)
    errors = process_validate(version)
    if errors:
        raise ValidationError(errors)
    others = list(
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=version.procedure_id, status=ProcedureVersion.Status.PUBLISHED)
        .exclude(pk=version.pk)
        .order_by("valid_from")
    )
    for other in others:
        if other.valid_from >= version.valid_from and (
            version.valid_until is None or other.valid_from < version.valid_until
        ):
            raise ValidationError(
                _(
                    "Version %(other)d is published from %(start)s; a new version must start "
                    "after it."
                )
                % {"other": other.number, "start": other.valid_from.strftime("%d/%m/%Y")}
            )
    before = snapshot(version)
    version.status = ProcedureVersion.Status.PUBLISHED
    version.full_clean()
    version.save(update_fields=["status"])
    for other in others:
        if other.valid_from < version.valid_from and (
            other.valid_until is None or other.valid_until > version.valid_from
        ):
            other_before = snapshot(other)
            other.valid_until = version.valid_from
            other.full_clean()
            other.save(update_fields=["valid_until"])
            audit_record(
                actor=actor,
                action="procedures.version_superseded",
                obj=other,
                before=other_before,
                after={**snapshot(other), "superseded_by": version.pk},
            )
    _procedure_sync(version.procedure)
    audit_record(
        actor=actor,
        action="procedures.version_published",
        obj=version,
        before=before,
        after=snapshot(version),
    )
    return version


@transaction.atomic
def procedure_version_withdraw(
    *, actor: Any, version: ProcedureVersion, on: dt.date | None = None
) -> ProcedureVersion:
    """Withdraw a version (the procedure is abolished, or a draft is abandoned).

    A published version stops applying from `on` (today unless given). One withdrawn before
    it started hands the days it would have covered back to the version it was to replace.
    Dossiers already received under it keep it.
    """
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    if version.status == ProcedureVersion.Status.WITHDRAWN:
        raise ValidationError(_("This version has already been withdrawn."))
    day = on or timezone.localdate()
    before = snapshot(version)
    was_published = version.status == ProcedureVersion.Status.PUBLISHED
    version.status = ProcedureVersion.Status.WITHDRAWN
    if was_published and day > version.valid_from:
        if version.valid_until is None or version.valid_until > day:
            version.valid_until = day
    elif was_published:
        predecessor = (
            ProcedureVersion.objects.select_for_update()
            .filter(
                procedure_id=version.procedure_id,
                status=ProcedureVersion.Status.PUBLISHED,
                valid_until=version.valid_from,
            )
            .exclude(pk=version.pk)
            .first()
        )
        if predecessor is not None:
            predecessor_before = snapshot(predecessor)
            predecessor.valid_until = version.valid_until
            predecessor.full_clean()
            predecessor.save(update_fields=["valid_until"])
            audit_record(
                actor=actor,
                action="procedures.version_reinstated",
                obj=predecessor,
                before=predecessor_before,
                after=snapshot(predecessor),
            )
    version.full_clean()
    version.save(update_fields=["status", "valid_until"])
    _procedure_sync(version.procedure)
    audit_record(
        actor=actor,
        action="procedures.version_withdrawn",
        obj=version,
        before=before,
        after=snapshot(version),
    )
    return version


@transaction.atomic
def procedure_version_copy(
    *, actor: Any, version: ProcedureVersion, valid_from: dt.date | None = None
) -> ProcedureVersion:
    """A new draft that repeats `version`: its fields, documents, fees and internal process.
    This is how a published procedure is changed."""
    source = ProcedureVersion.objects.select_related("procedure", "field").get(pk=version.pk)
    start = valid_from or max(timezone.localdate(), source.valid_from + dt.timedelta(days=1))
    steps = list(source.steps.all())
    order_of = {s.pk: s.order for s in steps}
    fields = {name: getattr(source, name) for name in VERSION_FIELDS}
    fields.update(valid_from=start, valid_until=None)
    copy = procedure_version_create(
        actor=actor,
        procedure_code=source.procedure.code,
        documents=[
            DocumentSpec(d.name, d.originals, d.copies, d.mandatory) for d in source.documents.all()
        ],
        fees=[FeeSpec(f.description, f.amount, f.kind) for f in source.fees.all()],
        **fields,
    )
    if steps:
        process_set(
            actor=actor,
            version=copy,
            steps=[
                StepSpec(
                    order=s.order,
                    name=s.name,
                    kind=s.kind,
                    responsible=s.responsible,
                    position=s.position,
                    budget_hours=s.budget_hours,
                    unit=s.unit,
                )
                for s in steps
            ],
            transitions=[
                TransitionSpec(
                    order_of[t.from_step_id],
                    order_of[t.to_step_id] if t.to_step_id else None,
                    t.action,
                )
                for t in source.transitions.all()
            ],
        )
    return copy


# The internal process ----------------------------------------------------------------------


def process_validate(version: ProcedureVersion) -> list[str]:
    """What is wrong with the internal process (Quy trình nội bộ) of `version` as stored, as
    messages naming the step; an empty list when it may be published. See `process_check`."""
    steps = list(version.steps.select_related("unit").order_by("order"))
    order_of = {s.pk: s.order for s in steps}
    transitions = [
        TransitionSpec(
            order_of.get(t.from_step_id, -1),
            order_of.get(t.to_step_id, -1) if t.to_step_id else None,
            t.action,
        )
        for t in ProcessTransition.objects.filter(version=version)
    ]
    specs = [
        StepSpec(
            order=s.order,
            name=s.name,
            kind=s.kind,
            responsible=s.responsible,
            position=s.position,
            budget_hours=s.budget_hours,
            unit=s.unit if s.unit_id else None,
        )
        for s in steps
    ]
    return process_check(specs, transitions, processing_hours=version.processing_hours)


def process_check(
    steps: Iterable[StepSpec | Mapping[str, Any]],
    transitions: Iterable[TransitionSpec | Mapping[str, Any]],
    *,
    processing_hours: Decimal,
) -> list[str]:
    """What is wrong with a process given as steps and transitions (by step order); the admin
    checks a process with it before anything is saved.

    Under NĐ 118/2025/NĐ-CP every dossier is received at a one-stop desk, so the process starts
    there; every step must be reachable and every path must end in a result or a refusal; and
    the steps' budgets are a split of the statutory processing time, which they may not exceed
    (the control sheet, Mẫu 06 of TT 03/2025/TT-VPCP, follows these steps and their times).
    """
    step_list: list[StepSpec] = sorted((_spec(StepSpec, s) for s in steps), key=lambda s: s.order)
    moves: list[TransitionSpec] = [_spec(TransitionSpec, t) for t in transitions]
    if not step_list:
        return [_("The internal process has no steps.")]
    errors: list[str] = []
    by_order = {s.order: s for s in step_list}
    first = step_list[0]
    if first.kind != ProcessStep.Kind.RECEIVE:
        errors.append(
            _("The first step, “%(step)s”, must be receiving the dossier.") % {"step": first.name}
        )
    for step in step_list:
        if step.responsible == ProcessStep.Responsible.NAMED_UNIT and step.unit is None:
            errors.append(
                _("Step “%(step)s” is done at a named unit but names none.") % {"step": step.name}
            )
    forward: dict[int, set[int]] = {s.order: set() for s in step_list}
    backward: dict[int, set[int]] = {s.order: set() for s in step_list}
    ends: set[int] = set()
    ending_actions = {ProcessTransition.Action.RESOLVE, ProcessTransition.Action.REFUSE}
    for move in moves:
        source = by_order.get(move.from_order)
        target = by_order.get(move.to_order) if move.to_order is not None else None
        if source is None or (move.to_order is not None and target is None):
            errors.append(
                _("A transition names step %(order)s, which does not exist.")
                % {"order": move.to_order if source is not None else move.from_order}
            )
            continue
        label = ProcessTransition.Action(move.action).label
        if target is None:
            if move.action not in ending_actions:
                errors.append(
                    _(
                        "The transition “%(action)s” from step “%(step)s” leads nowhere; only "
                        "resolving or refusing ends the process."
                    )
                    % {"action": label, "step": source.name}
                )
                continue
            ends.add(source.order)
            continue
        if move.action == ProcessTransition.Action.SEND_BACK and target.order >= source.order:
            errors.append(
                _("Step “%(step)s” sends back to “%(target)s”, which is not an earlier step.")
                % {"step": source.name, "target": target.name}
            )
        if move.action == ProcessTransition.Action.FORWARD and target.order <= source.order:
            errors.append(
                _("Step “%(step)s” forwards to “%(target)s”, which is not a later step.")
                % {"step": source.name, "target": target.name}
            )
        forward[source.order].add(target.order)
        backward[target.order].add(source.order)

    reached = _walk(first.order, forward)
    for step in step_list:
        if step.order not in reached:
            errors.append(
                _("Step “%(step)s” cannot be reached from the first step.") % {"step": step.name}
            )
    ending: set[int] = set()
    for order in ends:
        ending |= _walk(order, backward)
    for step in step_list:
        if step.order not in ending:
            errors.append(
                _(
                    "From step “%(step)s” no path ends the process (resolving or refusing the "
                    "dossier)."
                )
                % {"step": step.name}
            )
    total = sum((Decimal(s.budget_hours) for s in step_list), Decimal(0))
    if total > processing_hours:
        errors.append(
            _(
                "The steps' budgets add up to %(total)s working hours, more than the %(allowed)s "
                "working hours of the statutory processing time (8 working hours to a day)."
            )
            % {"total": _hours(total), "allowed": _hours(processing_hours)}
        )
    return errors


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _walk(start: int, edges: Mapping[int, set[int]]) -> set[int]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@transaction.atomic
def process_set(
    *,
    actor: Any,
    version: ProcedureVersion,
    steps: Iterable[StepSpec | Mapping[str, Any]],
    transitions: Iterable[TransitionSpec | Mapping[str, Any]],
) -> list[ProcessStep]:
    """Replace the internal process of a draft version with `steps` and `transitions`, which
    name steps by their order. Nothing changes unless the new process passes
    `process_validate`; an empty process clears it."""
    version = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    _draft_required(version)
    before = _process_picture(version)
    ProcessTransition.objects.filter(version=version).delete()
    ProcessStep.objects.filter(version=version).delete()
    created: dict[int, ProcessStep] = {}
    for item in steps:
        spec: StepSpec = _spec(StepSpec, item)
        if spec.order in created:
            raise ValidationError(_("Two steps have the order %(order)d.") % {"order": spec.order})
        step = ProcessStep(
            version=version,
            order=spec.order,
            name=spec.name.strip(),
            kind=spec.kind,
            responsible=spec.responsible,
            unit=spec.unit,
            position=spec.position,
            budget_hours=Decimal(spec.budget_hours),
        )
        if step.responsible == ProcessStep.Responsible.NAMED_UNIT and step.unit is None:
            raise ValidationError(
                _("Step “%(step)s” is done at a named unit but names none.") % {"step": step.name}
            )
        step.full_clean()
        step.save()
        created[spec.order] = step
    for move_item in transitions:
        move: TransitionSpec = _spec(TransitionSpec, move_item)
        for order in (move.from_order, move.to_order):
            if order is not None and order not in created:
                raise ValidationError(
                    _("A transition names step %(order)d, which does not exist.") % {"order": order}
                )
        transition = ProcessTransition(
            version=version,
            from_step=created[move.from_order],
            to_step=created[move.to_order] if move.to_order is not None else None,
            action=move.action,
        )
        transition.full_clean()
        transition.save()
    # A draft may be saved before its process is written; it cannot be published so.
    errors = process_validate(version) if created else []
    if errors:
        # Raising rolls the replacement back: the previous process stays as it was.
        raise ValidationError(errors)
    after = _process_picture(version)
    if after != before:
        audit_record(
            actor=actor,
            action="procedures.process_set",
            obj=version,
            before=before,
            after=after,
        )
    return list(created.values())


def _process_picture(version: ProcedureVersion) -> dict[str, Any]:
    steps = list(version.steps.order_by("order"))
    order_of = {s.pk: s.order for s in steps}
    return {
        "steps": [
            snapshot(
                s, ["order", "name", "kind", "responsible", "unit", "position", "budget_hours"]
            )
            for s in steps
        ],
        "transitions": sorted(
            [
                [order_of.get(t.from_step_id), order_of.get(t.to_step_id or 0), t.action]
                for t in ProcessTransition.objects.filter(version=version)
            ],
            key=lambda row: (row[0] or 0, row[1] or 0, row[2]),
        ),
    }


# The catalogue as a file -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImportResult:
    """What one import of the catalogue did."""

    rows: int
    procedures_created: int
    versions_created: int
    skipped: int


@transaction.atomic
def catalogue_import(*, actor: Any, file: Any, format: str) -> ImportResult:
    """Create a draft version for each row of a catalogue file (see `catalogue` for its columns).

    All or nothing: if any row is wrong, a ValidationError lists every wrong row with its number
    and the reason, and nothing is imported. A row whose procedure already has a version from
    the same day is skipped, so importing the same file twice adds nothing. The versions are
    drafts: each gets its internal process before it is published.
    """
    from congvu.procedures import catalogue

    try:
        rows = catalogue.rows_read(file, format)
    except catalogue.RowError as exc:
        raise ValidationError([str(exc)]) from exc
    fields = {f.code: f for f in Field.objects.all()}
    unit_codes = {row.cells.get("competent_unit_code", "") for row in rows} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    existing = set(ProcedureVersion.objects.values_list("procedure__code", "valid_from"))
    known_codes = set(Procedure.objects.values_list("code", flat=True))
    errors: list[str] = []
    seen: dict[tuple[str, dt.date], int] = {}
    planned: list[tuple[int, dict[str, Any]]] = []
    skipped = 0
    for row in rows:
        try:
            values = _catalogue_row(row.cells, fields, units)
        except catalogue.RowError as exc:
            errors.append(_("Row %(row)d: %(reason)s") % {"row": row.number, "reason": exc})
            continue
        key = (values["procedure_code"], values["valid_from"])
        if key in seen:
            errors.append(
                _("Row %(row)d: the same version as row %(other)d.")
                % {"row": row.number, "other": seen[key]}
            )
            continue
        seen[key] = row.number
        if key in existing:
            skipped += 1
            continue
        planned.append((row.number, values))
    created_codes: set[str] = set()
    versions_created = 0
    if not errors:
        for number, values in planned:
            try:
                # A savepoint per row: a refused row leaves the transaction usable, so the
                # remaining rows are still checked and every error is reported at once.
                with transaction.atomic():
                    procedure_version_create(actor=actor, **values)
            except ValidationError as exc:
                errors.append(
                    _("Row %(row)d: %(reason)s") % {"row": number, "reason": " ".join(exc.messages)}
                )
                continue
            versions_created += 1
            if values["procedure_code"] not in known_codes:
                created_codes.add(values["procedure_code"])
    if errors:
        # Raising rolls back the rows already written: the import is all or nothing.
        raise ValidationError(errors)
    result = ImportResult(
        rows=len(rows),
        procedures_created=len(created_codes),
        versions_created=versions_created,
        skipped=skipped,
    )
    audit_record(
        actor=actor,
        action="procedures.catalogue_imported",
        after={"format": format, **dataclasses.asdict(result)},
    )
    return result


def _catalogue_row(
    cells: dict[str, str], fields: dict[str, Field], units: dict[str | None, Unit]
) -> dict[str, Any]:
    """The arguments of `procedure_version_create` for one row of the catalogue."""
    from congvu.procedures import catalogue

    code = cells.get("code", "").strip()
    if not code:
        raise catalogue.RowError(_("the procedure code is missing."))
    name = cells.get("name", "").strip()
    if not name:
        raise catalogue.RowError(_("the name is missing."))
    field_code = cells.get("field_code", "").strip()
    field = fields.get(field_code)
    if field is None:
        raise catalogue.RowError(
            _("field_code: no field has the code “%(code)s”.") % {"code": field_code}
        )
    level = catalogue.level_read(cells.get("level", ""))
    unit_code = cells.get("competent_unit_code", "").strip()
    competent_unit = None
    if unit_code:
        competent_unit = units.get(unit_code)
        if competent_unit is None:
            raise catalogue.RowError(
                _("competent_unit_code: no unit has the code “%(code)s”.") % {"code": unit_code}
            )
    elif level != ProcedureVersion.Level.COMMUNE:
        raise catalogue.RowError(
            _(
                "competent_unit_code: a competent unit is required, except for a commune-level "
                "procedure resolved by the commune concerned."
            )
        )
    return {
        "procedure_code": code,
        "name": name,
        "field": field,
        "level": level,
        "competent_kind": (
            ProcedureVersion.Competent.UNIT
            if competent_unit
            else ProcedureVersion.Competent.COMMUNE
        ),
        "competent_unit": competent_unit,
        "processing_time": catalogue.decimal_read(
            cells.get("processing_time", ""), "processing_time"
        ),
        "processing_unit": catalogue.time_unit_read(cells.get("processing_unit", "")),
        "cutoff_time": catalogue.time_read(cells.get("cutoff_time", "")),
        "online_level": catalogue.online_read(cells.get("online_level", "")),
        "paper_result_required": catalogue.bool_read(cells.get("paper_result_required", "")),
        "result_type": cells.get("result_type", ""),
        "legal_basis": cells.get("legal_basis", ""),
        "fees": catalogue.fees_read(cells.get("fees", "")),
        "documents": catalogue.documents_read(cells.get("documents", "")),
        "valid_from": catalogue.date_read(cells.get("valid_from", ""), "valid_from"),
        "decision": cells.get("decision", ""),
    }
