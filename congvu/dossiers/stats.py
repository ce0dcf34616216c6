"""Dossier statistics for a unit and a period: the counts the service-quality index (QĐ 766/QĐ-TTg,
domain.md §9) and the reports are built from.

`dossier_stats` reads the summary rows the services keep (monthly, and daily for the parts of
months), so its cost does not grow with the number of dossiers. The counts that depend on the
present moment (in process on time or overdue) come from the open dossiers the services count
(`DossierOpenStat`) and the appointments they keep (`DossierDue`) or, for a period that ended,
from a partial index of the open dossiers. It is one SQL statement, whatever the period and
scope.
`dossier_stats_recount` computes the same figures from the dossiers and their transitions, and
`dossier_stats_rebuild` rewrites the summary rows from them; both exist to check and to repair
the summary, not to serve pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncDate, TruncMonth
from django.utils import timezone

from congvu.core.db import prepared_cursor
from congvu.core.services import audit_record
from congvu.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierDocument,
    DossierDue,
    DossierMonthStat,
    DossierOpenStat,
    DossierQuerySet,
    DossierStat,
    DossierTransition,
    DossierYearStat,
    Rating,
    Status,
    Timeliness,
)
from congvu.organizations.models import Unit
from congvu.procedures.models import Procedure, ProcedureVersion

# The counters of a summary row, in the order they are reported.
COUNTERS = (
    "received",
    "received_in_person",
    "received_online",
    "received_postal",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "supplement_requested",
    "withdrawn",
    "returned",
    "paid",
    "paid_online",
    "result_electronic",
    "digitised",
    "rated",
    "rated_unsatisfied",
    "processing_seconds",
)
_CHANNEL_COUNTER = {
    int(Channel.IN_PERSON): "received_in_person",
    int(Channel.ONLINE): "received_online",
    int(Channel.POSTAL): "received_postal",
}
# Refusing to resolve (`refuse`) ends processing as resolving does: the dossier leaves with a
# written answer, national status 9, and counts as resolved early, on time or late. Refusing at
# intake (`refuse_intake`, Mẫu 03) is what the `refused` counter holds.
_CONCLUDING = ("resolve", "refuse")
_SUPPLEMENT_REQUESTS = ("request_intake_supplement", "request_supplement")
# In process with the clock paused, waiting for the applicant.
# The actions that move a counter; the recount and the rebuild read only their rows.
_COUNTED = (
    "receive",
    "refuse_intake",
    "stop",
    "return_result",
    "confirm_payment",
    "rate",
    *_CONCLUDING,
    *_SUPPLEMENT_REQUESTS,
)


def conclusion_increments(dossier: Dossier) -> dict[str, int]:
    """The digitisation counters of a dossier being concluded (QĐ 766/QĐ-TTg, domain.md §9):
    an electronic result, and its documents and result both in electronic form. A result can
    be attached only while the dossier is processed and documents only before, so what the
    dossier holds at its conclusion is what it holds ever after; the recount relies on that."""
    kinds = set(dossier.documents.values_list("kind", flat=True).distinct())
    result = DossierDocument.Kind.RESULT in kinds
    handed_in = bool(kinds & {DossierDocument.Kind.APPLICATION, DossierDocument.Kind.SUPPLEMENT})
    return {"result_electronic": int(result), "digitised": int(result and handed_in)}


def payment_increments(dossier: Dossier) -> dict[str, int]:
    """A confirmed payment; one of a dossier submitted online was paid through the portal's
    payment platform, since the applicant never came to a desk (QĐ 766/QĐ-TTg)."""
    return {"paid": 1, "paid_online": int(dossier.channel == Channel.ONLINE)}


def rating_increments(overall: str) -> dict[str, int]:
    return {"rated": 1, "rated_unsatisfied": int(overall == Rating.Overall.UNSATISFIED)}


# Asked to supplement more than once (at intake and in processing, or twice in processing):
# late whatever the clock says (domain.md §5, §9).
LATE_BY_SUPPLEMENTS = Q(supplement_count__gte=2) | Q(
    supplement_count__gte=1, intake_supplement_count__gte=1
)


def late_by_supplements(dossier: Any) -> bool:
    """`LATE_BY_SUPPLEMENTS` for one dossier: asked to supplement more than once."""
    return dossier.supplement_count + dossier.intake_supplement_count > 1


def open_share(dossier: Dossier) -> tuple[int, int]:
    """What the dossier adds to its `DossierOpenStat` row: (in process, and of those asked to
    supplement more than once), each 0 or 1."""
    if dossier.status not in OPEN_STATUSES:
        return 0, 0
    return 1, int(late_by_supplements(dossier))


def due_share(dossier: Dossier) -> dt.datetime | None:
    """The appointment the dossier has in `DossierDue`: its due time while it is in process
    with the clock running, else None (no row)."""
    if dossier.status != Status.PROCESSING:
        return None
    return dossier.due_at


@dataclass
class OpenNow:
    """The dossiers of a unit in process at a moment: all of them, those asked to supplement
    more than once, those processed past their appointment (`overdue`), and those both."""

    open: int = 0
    late_by_supplements: int = 0
    overdue: int = 0
    overdue_and_late_by_supplements: int = 0

    @property
    def late(self) -> int:
        """In process and late by either rule (QĐ 766/QĐ-TTg, domain.md §9)."""
        return self.late_by_supplements + self.overdue - self.overdue_and_late_by_supplements


def dossier_open_now(*, counted: Q, dossiers: Q, now: dt.datetime) -> dict[int, OpenNow]:
    """The dossiers in process at `now`, by competent unit: the open ones from the counts the
    services keep (`counted` filters `DossierOpenStat`), those past their appointment from the
    dossiers in process (`dossiers` filters `Dossier`), a range of the partial index
    `dossier_processing_due` that holds only them. Two short reads, whatever the number of
    open dossiers."""
    result: dict[int, OpenNow] = defaultdict(OpenNow)
    rows = (
        DossierOpenStat.objects.filter(counted)
        .values("unit_id")
        .annotate(open=Sum("open"), late=Sum("late_by_supplements"))
        .order_by()
    )
    for row in rows:
        entry = result[row["unit_id"]]
        entry.open, entry.late_by_supplements = row["open"] or 0, row["late"] or 0
    overdue = (
        Dossier.objects.filter(dossiers, status=Status.PROCESSING, due_at__lt=now)
        .values("competent_unit_id")
        # Counting a column of the index, not the key, so that the index answers alone.
        .annotate(
            n=Count("competent_unit"),
            both=Count("competent_unit", filter=LATE_BY_SUPPLEMENTS),
        )
        .order_by()
    )
    for row in overdue:
        entry = result[row["competent_unit_id"]]
        entry.overdue, entry.overdue_and_late_by_supplements = row["n"], row["both"]
    return result


def dossier_open_stats_refresh(*, unit: Unit | None = None) -> int:
    """Recount the `DossierOpenStat` rows of `unit` and its parts (default: all) from the
    dossiers, and rewrite their `DossierDue` rows. Returns the number of `DossierOpenStat`
    rows written."""
    old = DossierOpenStat.objects.all()
    old_due = DossierDue.objects.all()
    open_now = Dossier.objects.filter(status__in=OPEN_STATUSES)
    if unit is not None:
        old = old.filter(unit__path__startswith=unit.path)
        old_due = old_due.filter(unit__path__startswith=unit.path)
        open_now = open_now.filter(competent_unit__path__startswith=unit.path)
    grouped = (
        open_now.values("competent_unit_id", "procedure_version_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=LATE_BY_SUPPLEMENTS))
        .order_by()
    )
    fresh = [
        DossierOpenStat(
            unit_id=row["competent_unit_id"],
            procedure_version_id=row["procedure_version_id"],
            open=row["n"],
            late_by_supplements=row["late"],
        )
        for row in grouped
    ]
    due = (
        DossierDue(dossier_id=pk, unit_id=unit_id, procedure_version_id=version_id, due_at=at)
        for pk, unit_id, version_id, at in open_now.filter(
            status=Status.PROCESSING, due_at__isnull=False
        )
        .values_list("pk", "competent_unit_id", "procedure_version_id", "due_at")
        .iterator(chunk_size=5000)
        if at is not None
    )
    with transaction.atomic():
        old.delete()
        DossierOpenStat.objects.bulk_create(fresh, batch_size=1000)
        old_due.delete()
        DossierDue.objects.bulk_create(due, batch_size=5000)
    return len(fresh)


@dataclass(frozen=True)
class DossierStats:
    """What happened to the dossiers of a unit (and a procedure) over a period of days, and how
    many of them are in process now, within or past their appointment."""

    received: int = 0
    received_in_person: int = 0
    received_online: int = 0
    received_postal: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    refused: int = 0
    supplement_requested: int = 0
    withdrawn: int = 0
    returned: int = 0
    paid: int = 0
    paid_online: int = 0
    result_electronic: int = 0
    digitised: int = 0
    rated: int = 0
    rated_unsatisfied: int = 0
    # Office seconds used by the dossiers resolved in the period (waiting time excluded).
    processing_seconds: float = 0.0
    in_process_on_time: int = 0
    in_process_overdue: int = 0

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_process(self) -> int:
        return self.in_process_on_time + self.in_process_overdue

    @property
    def average_processing_hours(self) -> float | None:
        """Average working hours a resolved dossier took; None when none was resolved."""
        if not self.resolved:
            return None
        return self.processing_seconds / self.resolved / 3600

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _stats(counts: dict[str, Any], live: tuple[int, int]) -> DossierStats:
    values = {name: int(counts.get(name) or 0) for name in COUNTERS if name != "processing_seconds"}
    # Sums of floats differ in the last bits with the order of addition; a thousandth of a
    # second is far below anything reported.
    seconds = round(float(counts.get("processing_seconds") or 0.0), 3)
    return DossierStats(
        **values,
        processing_seconds=seconds,
        in_process_on_time=live[0],
        in_process_overdue=live[1],
    )


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of `start` and of the day after `end`, in local time: the services
    file each event under `timezone.localdate` of its moment."""
    zone = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lo, hi


def _unit_q(prefix: str, unit: Unit, include_subunits: bool) -> Q:
    if include_subunits:
        return Q(**{f"{prefix}__path__startswith": unit.path})
    return Q(**{prefix: unit})


def _open_dossiers(
    *,
    unit: Unit,
    procedure: Procedure | None,
    end: dt.date,
    include_subunits: bool,
    statuses: tuple[str, ...] = OPEN_STATUSES,
) -> DossierQuerySet:
    """Dossiers of the unit received by the end of the period that are still in process."""
    _lo, hi = _day_bounds(end, end)
    dossiers = Dossier.objects.filter(
        _unit_q("competent_unit", unit, include_subunits),
        status__in=statuses,
        received_at__lt=hi,
    )
    if procedure is not None:
        dossiers = dossiers.filter(procedure_version__procedure=procedure)
    return dossiers


def _month_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first, last) first-days of the whole months inside [start, end], or None."""
    first = (
        start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    after_end = end + dt.timedelta(days=1)
    last_start = after_end.replace(day=1)  # whole months end the day before this
    if first >= last_start:
        return None
    previous = (last_start - dt.timedelta(days=1)).replace(day=1)
    return first, previous


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


# A range of days, both ends included.
_Days = tuple[dt.date, dt.date]


def _spans(start: dt.date, end: dt.date) -> tuple[_Days | None, list[_Days], list[_Days]]:
    """Which summary rows add up to the days [start, end], fewest first: a range of monthly
    rows (first days of the months, inclusive, or None), then day ranges whose daily rows are
    added, and day ranges whose daily rows are taken away. Whole months come from the monthly
    rows; a month the period only partly covers either from its daily rows, or, when the period
    covers most of it, from its monthly row less the daily rows of the days left out. The
    counters are sums, so both give the same figures; a rolling year ending today then reads
    its last month as one row (the days after today have none)."""
    added: list[_Days] = []
    taken: list[_Days] = []
    first, last = start.replace(day=1), end.replace(day=1)

    def edge(month: dt.date, lo: dt.date, hi: dt.date) -> bool:
        """Whether the part [lo, hi] of `month` is read as the month less its other days."""
        month_end = _month_end(month)
        outside = (lo - month).days + (month_end - hi).days
        if outside + 1 >= (hi - lo).days + 1:
            added.append((lo, hi))
            return False
        if lo > month:
            taken.append((month, lo - dt.timedelta(days=1)))
        if hi < month_end:
            taken.append((hi + dt.timedelta(days=1), month_end))
        return True

    month_lo: dt.date | None
    month_hi: dt.date | None
    if first == last:
        month_lo = month_hi = first if edge(first, start, end) else None
    else:
        # The first and the last month, each whole, less its days outside, or by its days.
        month_lo = first if edge(first, start, _month_end(first)) else _month_end(first)
        if month_lo != first:
            month_lo += dt.timedelta(days=1)
        month_hi = last if edge(last, last, end) else (last - dt.timedelta(days=1)).replace(day=1)
    months = None
    if month_lo is not None and month_hi is not None and month_lo <= month_hi:
        months = (month_lo, month_hi)
    return months, added, taken


def _column(model: type[Any], name: str) -> str:
    return str(model._meta.get_field(name).column)


def _select(what: str, model: type[Any], where: str) -> str:
    # Only names of this code's own tables and columns are put in; every value is a parameter.
    return f"SELECT {what} FROM {model._meta.db_table} WHERE {where}"  # noqa: S608


@functools.lru_cache(maxsize=256)
def _stats_statement(
    vendor: str, subunits: bool, procedure: bool, running: bool, parts: tuple[tuple[int, str], ...]
) -> str:
    """The SQL of `_stats_sql` for one shape of question: whether the unit's parts count, whether
    one procedure is asked for, whether the period runs to today, and the summary rows to add
    up, as (sign, "month" or "day") for each range. Made once per shape and process.

    Its parameters, in order: the unit (its path when its parts count), the procedure if one
    is asked for; the moment after which a dossier is overdue (and for a period that ended,
    the statuses and end that `_stats_sql` lists); then the first and last day of each part."""
    # The units' ids and the procedure's versions are selected once, at the head (`scope_unit`,
    # `scope_version`), and every table read takes them from there: written out in each of
    # them, they cost PostgreSQL more to plan than the reads cost to run. PostgreSQL reads the
    # ids as an array and plans an index scan of each table on it; the versions are a join in
    # the summary rows, whose estimate of one or two rows steers the planner to the
    # (unit, version, day) index.
    within = "= ANY(ARRAY({}))" if vendor == "postgresql" else "IN ({})"
    heads = [
        "scope_unit AS (" + _select("id", Unit, "path LIKE %s" if subunits else "id = %s") + ")"
    ]
    if procedure:
        heads.append(
            "scope_version AS (" + _select("id", ProcedureVersion, "procedure_id = %s") + ")"
        )
    units = within.format("SELECT id FROM scope_unit")
    versions = within.format("SELECT id FROM scope_version")

    def scope(model: type[Any], unit_field: str, of_versions: str) -> str:
        where = f"{_column(model, unit_field)} {units}"
        if procedure:
            where += f" AND {_column(model, 'procedure_version')} {of_versions}"
        return where

    # The dossiers in process (`live`): a period that runs to today counts every open dossier
    # from the counts the services keep (`DossierOpenStat`), and the overdue ones from the
    # appointments they keep (`DossierDue`, the dossiers whose clock runs); a period that ended
    # counts the open dossiers received by its end, from the partial index
    # `dossier_open_received`. A dossier waiting for the applicant has its clock paused, so it
    # is within its appointment (domain.md §5). Counting a column of the index, not the key,
    # lets the index answer alone.
    counted = _column(Dossier, "competent_unit")
    if running:
        open_column = _column(DossierOpenStat, "open")
        in_process = _select(
            f'COALESCE(SUM("{open_column}"), 0)',
            DossierOpenStat,
            scope(DossierOpenStat, "unit", versions),
        )
        overdue = _select(
            f"COUNT({_column(DossierDue, 'unit')})",
            DossierDue,
            f"{scope(DossierDue, 'unit', versions)} AND due_at < %s",
        )
        live = f"({in_process}), ({overdue})"
    else:
        in_dossiers = scope(Dossier, "competent_unit", versions)
        marks = ", ".join("%s" for _ in OPEN_STATUSES)
        late = f"CASE WHEN status = %s AND due_at < %s THEN {counted} END"
        dossiers = _select(
            f"COUNT({counted}) AS in_process, COUNT({late}) AS overdue",
            Dossier,
            f"{in_dossiers} AND status IN ({marks}) AND received_at < %s",
        )
        heads.append(f"live AS ({dossiers})")
        live = "(SELECT in_process FROM live), (SELECT overdue FROM live)"
    columns = ", ".join(COUNTERS)
    joined = "IN (SELECT id FROM scope_version)"
    summed = " UNION ALL ".join(
        _select(
            f"{sign} AS sign, {columns}",
            model,
            f"{scope(model, 'unit', joined)} AND {field} BETWEEN %s AND %s",
        )
        for sign, field in parts
        for model in [DossierMonthStat if field == "month" else DossierStat]
    )
    sums = ", ".join(f"SUM(sign * {name})" for name in COUNTERS)
    return f"WITH {', '.join(heads)} SELECT {live}, {sums} FROM ({summed}) AS summed"  # noqa: S608


def _stats_sql(
    *,
    unit: Unit,
    procedure: Procedure | None,
    start: dt.date,
    end: dt.date,
    include_subunits: bool,
    now: dt.datetime,
) -> tuple[str, list[Any], Any]:
    """The one statement `dossier_stats` runs, its parameters and its connection. It selects
    the dossiers in process at `now` and of those the ones past their appointment, then the
    counters added up from the summary rows `_spans` names (each row signed +1 or -1).

    Written as SQL: a department's figures for one procedure are a handful of short index
    reads, and compiling them as five ORM queries cost more than running them."""
    connection = connections[router.db_for_read(DossierStat)]
    ops = connection.ops
    params: list[Any] = [f"{unit.path}%" if include_subunits else unit.pk]
    if procedure is not None:
        params.append(procedure.pk)
    _lo, hi = _day_bounds(end, end)
    running = hi > now
    moment = ops.adapt_datetimefield_value(now)
    if running:
        params.append(moment)
    else:
        params += [str(Status.PROCESSING), moment, *map(str, OPEN_STATUSES)]
        params.append(ops.adapt_datetimefield_value(hi))
    months, added, taken = _spans(start, end)
    parts: list[tuple[int, str]] = []
    for sign, field, ranges in (
        (1, "month", [months] if months else []),
        (1, "day", added),
        (-1, "day", taken),
    ):
        for lo, last in ranges:
            parts.append((sign, field))
            params += [ops.adapt_datefield_value(lo), ops.adapt_datefield_value(last)]
    statement = _stats_statement(
        connection.vendor, include_subunits, procedure is not None, running, tuple(parts)
    )
    return statement, params, connection


def dossier_month_stats_refresh(
    *, unit: Unit | None = None, months: set[dt.date] | None = None
) -> int:
    """Rewrite the monthly rows of `months` (all when None) from the daily rows, then the
    yearly rows of their years from the monthly rows. Returns the number of monthly rows."""
    old = DossierMonthStat.objects.all()
    days = DossierStat.objects.all()
    old_years = DossierYearStat.objects.all()
    if unit is not None:
        old = old.filter(unit__path__startswith=unit.path)
        days = days.filter(unit__path__startswith=unit.path)
        old_years = old_years.filter(unit__path__startswith=unit.path)
    if months is not None:
        old = old.filter(month__in=months)
        days = days.filter(
            Q(pk__in=[])
            | Q(*[Q(day__year=m.year, day__month=m.month) for m in months], _connector=Q.OR)
        )
    old.delete()
    grouped = (
        days.annotate(month=TruncMonth("day"))
        .values("unit_id", "procedure_version_id", "month")
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by()
    )
    fresh = [DossierMonthStat(**row) for row in grouped]
    DossierMonthStat.objects.bulk_create(fresh, batch_size=1000)

    monthly = DossierMonthStat.objects.all()
    if unit is not None:
        monthly = monthly.filter(unit__path__startswith=unit.path)
    if months is not None:
        years = {m.year for m in months}
        old_years = old_years.filter(year__in=years)
        monthly = monthly.filter(month__year__in=years)
    old_years.delete()
    by_year = (
        monthly.annotate(year=ExtractYear("month"))
        .values("unit_id", "procedure_version_id", "year")
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by()
    )
    DossierYearStat.objects.bulk_create(
        [DossierYearStat(**row) for row in by_year], batch_size=1000
    )
    return len(fresh)


def dossier_stats(
    *,
    unit: Unit,
    procedure: Procedure | None = None,
    start: dt.date,
    end: dt.date,
    include_subunits: bool = True,
    now: dt.datetime | None = None,
) -> DossierStats:
    """The figures of `unit` (and its parts, unless `include_subunits` is False) as competent
    unit, for `procedure` or all, from `start` to `end` inclusive, read from the summary rows
    in one statement (`_stats_sql`).

    The dossiers in process are those received by `end` and still open at `now` (default: the
    present); one in process is overdue when its clock runs past the appointment.
    """
    sql, params, connection = _stats_sql(
        unit=unit,
        procedure=procedure,
        start=start,
        end=end,
        include_subunits=include_subunits,
        now=now or timezone.now(),
    )
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        in_process, overdue, *sums = cursor.fetchone()
    in_process, overdue = int(in_process or 0), int(overdue or 0)
    return _stats(dict(zip(COUNTERS, sums, strict=True)), (in_process - overdue, overdue))


def _transitions(
    *,
    unit: Unit | None,
    procedure: Procedure | None,
    start: dt.date | None,
    end: dt.date | None,
    include_subunits: bool = True,
) -> QuerySet[DossierTransition]:
    rows = DossierTransition.objects.filter(action__in=_COUNTED)
    if unit is not None:
        rows = rows.filter(_unit_q("dossier__competent_unit", unit, include_subunits))
    if procedure is not None:
        rows = rows.filter(dossier__procedure_version__procedure=procedure)
    if start is not None:
        rows = rows.filter(at__gte=_day_bounds(start, start)[0])
    if end is not None:
        rows = rows.filter(at__lt=_day_bounds(end, end)[1])
    return rows


def _with_documents(rows: QuerySet[DossierTransition]) -> QuerySet[DossierTransition]:
    """The transitions, each marked with whether its dossier holds an electronic result and
    documents handed in electronically (see `conclusion_increments`)."""
    documents = DossierDocument.objects.filter(dossier=OuterRef("dossier_id"))
    return rows.annotate(
        has_result=Exists(documents.filter(kind=DossierDocument.Kind.RESULT)),
        has_documents=Exists(documents.exclude(kind=DossierDocument.Kind.RESULT)),
    )


def _recount_aggregates() -> dict[str, Any]:
    """The counters as conditional aggregates over transition rows."""
    concluded = Q(action__in=_CONCLUDING)
    aggregates: dict[str, Any] = {
        "received": Count("pk", filter=Q(action="receive")),
        "refused": Count("pk", filter=Q(action="refuse_intake")),
        "supplement_requested": Count("pk", filter=Q(action__in=_SUPPLEMENT_REQUESTS)),
        "withdrawn": Count("pk", filter=Q(action="stop")),
        "returned": Count("pk", filter=Q(action="return_result")),
        "paid": Count("pk", filter=Q(action="confirm_payment")),
        "paid_online": Count(
            "pk", filter=Q(action="confirm_payment", dossier__channel=Channel.ONLINE)
        ),
        "result_electronic": Count("pk", filter=concluded & Q(has_result=True)),
        "digitised": Count("pk", filter=concluded & Q(has_result=True, has_documents=True)),
        "rated": Count("pk", filter=Q(action="rate")),
        "rated_unsatisfied": Count(
            "pk", filter=Q(action="rate", dossier__rating__overall=Rating.Overall.UNSATISFIED)
        ),
        # A dossier is concluded once and its clock stops then, so the seconds it shows now
        # are the seconds it had used when it was resolved.
        "processing_seconds": Sum("dossier__clock_used_seconds", filter=concluded),
    }
    for channel, name in _CHANNEL_COUNTER.items():
        aggregates[name] = Count("pk", filter=Q(action="receive", dossier__channel=channel))
    for value in Timeliness.values:
        aggregates[f"resolved_{value}"] = Count(
            "pk", filter=concluded & Q(dossier__timeliness=value)
        )
    return aggregates


def dossier_stats_recount(
    *,
    unit: Unit,
    procedure: Procedure | None = None,
    start: dt.date,
    end: dt.date,
    include_subunits: bool = True,
    now: dt.datetime | None = None,
) -> DossierStats:
    """The figures of `dossier_stats`, counted from the dossiers and their transitions without
    the summary rows. Its cost grows with the number of dossiers; it is for checking."""
    moment = now or timezone.now()
    counts = _with_documents(
        _transitions(
            unit=unit,
            procedure=procedure,
            start=start,
            end=end,
            include_subunits=include_subunits,
        )
    ).aggregate(**_recount_aggregates())
    live = _open_dossiers(
        unit=unit, procedure=procedure, end=end, include_subunits=include_subunits
    ).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status=Status.PROCESSING, due_at__lt=moment)),
    )
    return _stats(counts, (live["total"] - live["overdue"], live["overdue"]))


@dataclass(frozen=True)
class RebuildResult:
    deleted: int
    created: int


@transaction.atomic
def dossier_stats_rebuild(
    *,
    actor: Any,
    unit: Unit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> RebuildResult:
    """Rewrite the summary rows of `unit` and its parts (default: every unit) for the days from
    `start` to `end` (default: all) from the transitions. Running it twice gives the same rows.

    The old rows are deleted and the new ones written in one transaction, so a report read
    meanwhile sees either the old rows or the new ones, never a half-built day.
    """
    if start is not None and end is not None and start > end:
        raise ValueError("start must not be after end")
    zone = timezone.get_current_timezone()
    grouped = (
        _with_documents(_transitions(unit=unit, procedure=None, start=start, end=end))
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values(
            "day",
            "action",
            "dossier__competent_unit_id",
            "dossier__procedure_version_id",
            "dossier__channel",
            "dossier__timeliness",
            "dossier__rating__overall",
            "has_result",
            "has_documents",
        )
        .annotate(n=Count("pk"), seconds=Sum("dossier__clock_used_seconds"))
        .order_by()
    )
    totals: dict[tuple[int, int, dt.date], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(COUNTERS, 0)
    )
    for row in grouped:
        key = (row["dossier__competent_unit_id"], row["dossier__procedure_version_id"], row["day"])
        counters = totals[key]
        action, n = row["action"], row["n"]
        if action == "receive":
            counters["received"] += n
            counters[_CHANNEL_COUNTER.get(row["dossier__channel"], "received_postal")] += n
        elif action in _SUPPLEMENT_REQUESTS:
            counters["supplement_requested"] += n
        elif action == "refuse_intake":
            counters["refused"] += n
        elif action in _CONCLUDING:
            counters[f"resolved_{row['dossier__timeliness'] or Timeliness.ON_TIME}"] += n
            counters["processing_seconds"] += row["seconds"] or 0.0
            if row["has_result"]:
                counters["result_electronic"] += n
                if row["has_documents"]:
                    counters["digitised"] += n
        elif action == "confirm_payment":
            counters["paid"] += n
            if row["dossier__channel"] == Channel.ONLINE:
                counters["paid_online"] += n
        elif action == "rate":
            counters["rated"] += n
            if row["dossier__rating__overall"] == Rating.Overall.UNSATISFIED:
                counters["rated_unsatisfied"] += n
        elif action == "stop":
            counters["withdrawn"] += n
        elif action == "return_result":
            counters["returned"] += n

    old = DossierStat.objects.all()
    if unit is not None:
        old = old.filter(unit__path__startswith=unit.path)
    if start is not None:
        old = old.filter(day__gte=start)
    if end is not None:
        old = old.filter(day__lte=end)
    # The months that had rows as well as those that get them: a month whose rows all go
    # (its transitions were removed) must lose its monthly and yearly rows too.
    months = {d.replace(day=1) for d in old.dates("day", "month")}
    deleted, _by_model = old.delete()
    fresh = [
        DossierStat(unit_id=unit_id, procedure_version_id=version_id, day=day, **counters)
        for (unit_id, version_id, day), counters in sorted(totals.items())
    ]
    DossierStat.objects.bulk_create(fresh, batch_size=1000)
    months |= {day.replace(day=1) for (_u, _v, day) in totals}
    if start is not None:
        months.add(start.replace(day=1))
    if end is not None:
        months.add(end.replace(day=1))
    dossier_month_stats_refresh(unit=unit, months=None if start is None and end is None else months)
    # What is in process is a count of the present, not of days: recounted whatever the range.
    dossier_open_stats_refresh(unit=unit)
    audit_record(
        actor=actor,
        action="dossiers.stats_rebuilt",
        obj=unit,
        after={
            "unit": unit.pk if unit is not None else None,
            "start": start,
            "end": end,
            "deleted": deleted,
            "created": len(fresh),
        },
    )
    return RebuildResult(deleted=deleted, created=len(fresh))
