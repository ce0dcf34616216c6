"""Writes of the service-quality index: the yearly configuration of the indicator weights, and
the figures units enter by hand with their evidence, which the provincial office locks or
returns (QĐ 766/QĐ-TTg; domain.md §9)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.core.services import audit_record, snapshot
from congvu.dossiers.uploads import upload_validate
from congvu.indices.catalogue import GROUP_NAMES
from congvu.indices.models import (
    MANUAL_CODES,
    FigureStatus,
    IndexVersion,
    IndicatorWeight,
    ManualFigure,
)
from congvu.indices.selectors import figure_units_for, may_review_figures
from congvu.lib.index766 import INDICATOR_BY_CODE, weights_errors
from congvu.organizations.models import Unit


def _snapshot(figure: ManualFigure) -> dict[str, Any]:
    data = snapshot(figure)
    data["evidence"] = figure.evidence.name or ""
    return data


def _is_admin_or_office(actor: Any) -> bool:
    return may_review_figures(actor)


@transaction.atomic
def index_version_save(
    *,
    actor: Any,
    year: int,
    weights: dict[str, tuple[Decimal, Decimal]],
    decision: str = "",
    note: str = "",
) -> IndexVersion:
    """Create or replace the configuration of `year`: for each indicator its points and the
    share (per cent) at which they are full. The points of each group must add up to the
    group's statutory maximum (QĐ 766/QĐ-TTg: 18/20/12/10/18/22)."""
    if not _is_admin_or_office(actor):
        raise PermissionDenied(_("Only the provincial office sets the index configuration."))
    clean: dict[str, tuple[Decimal, Decimal]] = {}
    errors: dict[str, list[str]] = {}
    for code, spec in INDICATOR_BY_CODE.items():
        points, full_at = weights.get(code, (spec.points, spec.full_at))
        try:
            points, full_at = Decimal(points), Decimal(full_at)
        except (InvalidOperation, TypeError):
            errors[code] = [_("Enter numbers.")]
            continue
        if not spec.scored:
            points = Decimal(0)
        if points < 0 or not Decimal(0) < full_at <= Decimal(100):
            errors[code] = [_("Points must not be negative; full points at 1 to 100 %.")]
        clean[code] = (points, full_at)
    for group, found in weights_errors({c: p for c, (p, _f) in clean.items()}).items():
        errors.setdefault("weights", []).append(
            _("The indicators of “%(group)s” add up to %(found)s points, not its maximum.")
            % {"group": GROUP_NAMES[group], "found": found}
        )
    if errors:
        raise ValidationError(errors)
    version = IndexVersion.objects.select_for_update().filter(year=year).first()
    before = None
    if version is None:
        version = IndexVersion(year=year)
    else:
        before = {w.indicator: [str(w.points), str(w.full_at)] for w in version.weights.all()}
    version.decision = decision.strip()
    version.note = note.strip()
    version.full_clean()
    version.save()
    version.weights.all().delete()
    rows = [
        IndicatorWeight(version=version, indicator=code, points=points, full_at=full_at)
        for code, (points, full_at) in clean.items()
    ]
    for row in rows:
        row.full_clean(exclude=["version"])
    IndicatorWeight.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="indices.version_saved",
        obj=version,
        before=before,
        after={code: [str(p), str(f)] for code, (p, f) in clean.items()},
    )
    return version


def _evidence_check(file: UploadedFile | None) -> tuple[str, str]:
    """(sanitised name, content type) of an evidence file, checked as dossier documents are
    (`upload_validate`): PDF, images, DOCX or XLSX within the upload size, the format sniffed
    from its bytes and matching its name."""
    if file is None:
        raise ValidationError({"evidence": [_("Attach the evidence file.")]})
    try:
        accepted = upload_validate(file)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from None
    return accepted.name, accepted.content_type


@transaction.atomic
def figure_submit(
    *,
    actor: Any,
    unit: Unit,
    indicator: str,
    year: int,
    quarter: int,
    numerator: int,
    denominator: int,
    evidence: UploadedFile | None,
    note: str = "",
) -> ManualFigure:
    """Enter (or correct, while not locked) a unit's figure for an indicator the system cannot
    count, with its evidence. Only the unit's own officials enter its figures."""
    if unit.pk not in {u.pk for u in figure_units_for(actor)}:
        raise PermissionDenied(_("You may enter figures only for your own unit."))
    errors: dict[str, list[str]] = {}
    if indicator not in MANUAL_CODES:
        errors["indicator"] = [_("This indicator is computed by the system.")]
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = [_("Choose a quarter from 1 to 4.")]
    if numerator < 0 or denominator <= 0:
        errors["denominator"] = [_("The denominator must be a positive number.")]
    elif numerator > denominator:
        errors["numerator"] = [_("The numerator cannot be larger than the denominator.")]
    if errors:
        raise ValidationError(errors)
    name, content_type = _evidence_check(evidence)
    assert evidence is not None
    figure = (
        ManualFigure.objects.select_for_update()
        .filter(unit=unit, indicator=indicator, year=year, quarter=quarter)
        .first()
    )
    before = None
    if figure is not None:
        if figure.status == FigureStatus.LOCKED:
            raise ValidationError(
                {"status": [_("This figure is locked; ask the provincial office to return it.")]}
            )
        before = _snapshot(figure)
    else:
        figure = ManualFigure(unit=unit, indicator=indicator, year=year, quarter=quarter)
    figure.numerator = numerator
    figure.denominator = denominator
    figure.note = note.strip()
    figure.status = FigureStatus.SUBMITTED
    figure.entered_by = actor
    figure.entered_at = timezone.now()
    figure.evidence_name = name
    figure.evidence_type = content_type
    figure.evidence.save(name, evidence, save=False)
    figure.full_clean(exclude=["unit", "entered_by", "reviewed_by"])
    figure.save()
    audit_record(
        actor=actor,
        action="indices.figure_submitted",
        obj=figure,
        before=before,
        after=_snapshot(figure),
    )
    return figure


@transaction.atomic
def figure_review(*, actor: Any, figure: ManualFigure, lock: bool, note: str = "") -> ManualFigure:
    """Lock a submitted figure (it then counts in the index), or return it to the unit with
    the reason. Only the provincial office reviews."""
    if not _is_admin_or_office(actor):
        raise PermissionDenied(_("Only the provincial office reviews the units' figures."))
    locked = ManualFigure.objects.select_for_update().get(pk=figure.pk)
    if locked.status != FigureStatus.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted figure can be reviewed.")]})
    note = note.strip()
    if not lock and not note:
        raise ValidationError({"note": [_("Say why the figure is returned.")]})
    before = _snapshot(locked)
    locked.status = FigureStatus.LOCKED if lock else FigureStatus.RETURNED
    locked.review_note = note
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.full_clean(exclude=["unit", "entered_by", "reviewed_by", "evidence"])
    locked.save()
    audit_record(
        actor=actor,
        action="indices.figure_locked" if lock else "indices.figure_returned",
        obj=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked
