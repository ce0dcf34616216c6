"""The index's numerators and denominators counted by hand from the raw rows (dossiers, their
supplementation requests, transitions, documents, ratings, feedback, the catalogue), without the
summary rows and without the selectors' code: what the tests compare the dashboard with."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q

from congvu.dossiers.models import (
    OPEN_STATUSES,
    Dossier,
    DossierDocument,
    DossierTransition,
    Feedback,
    Rating,
    Status,
)
from congvu.indices.models import ManualFigure
from congvu.indices.selectors import Period
from congvu.organizations.models import Unit
from congvu.procedures.models import Fee, ProcedureVersion


def _late(d: Dossier, supplements: int, now: dt.datetime | None = None) -> bool:
    if supplements > 1:  # more than one supplementation request counts as late
        return True
    if now is not None:  # in process: past the appointment while the clock runs
        return d.status == Status.PROCESSING and d.due_at is not None and d.due_at < now
    assert d.resolved_at is not None
    assert d.due_at is not None
    return d.resolved_at > d.due_at


def hand_count(unit: Unit, period: Period, now: dt.datetime) -> dict[str, tuple[int, int]]:
    lo, hi = period.bounds()
    mine = Dossier.objects.filter(competent_unit__path__startswith=unit.path).annotate(
        supplements=Count("supplement_requests", distinct=True)
    )
    resolved = list(mine.filter(resolved_at__gte=lo, resolved_at__lt=hi))
    open_ = list(mine.filter(status__in=OPEN_STATUSES, received_at__lt=hi))
    late = [d for d in resolved if _late(d, d.supplements)]  # type: ignore[attr-defined]
    open_late = [d for d in open_ if _late(d, d.supplements, now)]  # type: ignore[attr-defined]
    counts: dict[str, tuple[int, int]] = {
        "on_time": (
            len(resolved) - len(late) + len(open_) - len(open_late),
            len(resolved) + len(open_),
        )
    }
    # The catalogue in force at the end of the period (or today).
    day = min(period.end, now.date())
    versions = [
        v
        for v in ProcedureVersion.objects.filter(status="published")
        if v.is_in_force_on(day)
        and (
            v.competent_kind == "commune"
            if unit.kind == Unit.Kind.COMMUNE_COMMITTEE
            else v.competent_unit is not None and v.competent_unit.path.startswith(unit.path)
        )
    ]
    procedures = {v.procedure_id for v in versions}
    online = {v.procedure_id for v in versions if v.online_level != "none"}
    fees = {
        v.procedure_id for v in versions if Fee.objects.filter(version=v, amount__gt=0).exists()
    }
    counts["procedures_online"] = (len(online), len(procedures))
    counts["procedures_payable_online"] = (len(fees & online), len(fees))
    received = list(
        mine.filter(received_at__gte=lo, received_at__lt=hi).select_related("procedure_version")
    )
    used = {
        d.procedure_version.procedure_id
        for d in received
        if d.channel == 2 and d.procedure_version.online_level != "none"
    }
    counts["online_services_used"] = (len(online & used), len(online))
    of_online = [d for d in received if d.procedure_version.online_level != "none"]
    counts["dossiers_online"] = (sum(d.channel == 2 for d in of_online), len(of_online))
    payments = DossierTransition.objects.filter(
        dossier__in=mine.values("pk"), action="confirm_payment", at__gte=lo, at__lt=hi
    ).select_related("dossier")
    counts["dossiers_paid_online"] = (
        sum(t.dossier.channel == 2 for t in payments),
        len(payments),
    )
    unsatisfied = Rating.objects.filter(
        dossier__in=mine.values("pk"), overall="unsatisfied", rated_at__gte=lo, rated_at__lt=hi
    ).count()
    feedback = Feedback.objects.filter(
        unit__path__startswith=unit.path, received_at__gte=lo, received_at__lt=hi
    )
    complaints = feedback.filter(dossier__isnull=False).count()
    counts["satisfaction"] = (
        max(len(resolved) - len(late) - unsatisfied - complaints, 0),
        len(resolved),
    )
    in_time = feedback.filter(
        Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
        | Q(answered_at__isnull=True, due_at__gte=now)
    ).count()
    counts["feedback_in_time"] = (in_time, feedback.count())
    with_result = set(
        DossierDocument.objects.filter(
            dossier__in=[d.pk for d in resolved], kind="result"
        ).values_list("dossier_id", flat=True)
    )
    handed = set(
        DossierDocument.objects.filter(dossier__in=[d.pk for d in resolved])
        .exclude(kind="result")
        .values_list("dossier_id", flat=True)
    )
    counts["result_electronic"] = (len(with_result), len(resolved))
    counts["digitised"] = (len(with_result & handed), len(resolved))
    for code in ("published_on_time", "synchronised", "data_reused"):
        figures = ManualFigure.objects.filter(
            unit__path__startswith=unit.path,
            indicator=code,
            year=period.year,
            quarter__in=period.quarters,
            status="locked",
        )
        if figures:
            counts[code] = (
                sum(f.numerator for f in figures),
                sum(f.denominator for f in figures),
            )
    return counts
