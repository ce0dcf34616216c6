"""Reads of the service-quality index (QĐ 766/QĐ-TTg; domain.md §9): a unit's index for a month,
quarter or year, the ranking of the departments and communes, the trend over the months, and
the rows behind every figure.

The index is computed from the summary rows the dossier services keep (`DossierYearStat` for
a year, `DossierMonthStat` for a quarter or a month), so its cost does not grow with the number
of dossiers. Only what depends
on the present moment (dossiers in process within or past their appointment) is read from the
dossiers, over the partial index of open ones; the catalogue, the feedback and the figures the
units enter by hand are small tables. `service_index_recount` computes the same index from the
dossiers and their transitions, to check the summary, never to serve a page.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.roles import STAFF_ROLES, has_role, is_province_wide
from congvu.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierDocument,
    DossierMonthStat,
    DossierTransition,
    DossierYearStat,
    Feedback,
    Rating,
    Status,
    Timeliness,
)
from congvu.dossiers.stats import LATE_BY_SUPPLEMENTS, dossier_open_now, late_by_supplements
from congvu.indices.catalogue import FORMULAS, GROUP_NAMES, INDICATOR_NAMES
from congvu.indices.models import FigureStatus, IndexVersion, ManualFigure
from congvu.lib import index766
from congvu.lib.index766 import GROUPS, INDICATORS, Scored, share_scored
from congvu.organizations.models import Unit
from congvu.organizations.selectors import agency_paths_for, official_of, province_get
from congvu.procedures.models import Fee, ProcedureVersion

# The units ranked: departments (with the provincial office) and communes (domain.md §9:
# "provinces apply the same index to their departments and communes").
KINDS: dict[str, tuple[str, ...]] = {
    "department": (Unit.Kind.DEPARTMENT, Unit.Kind.OFFICE),
    "commune": (Unit.Kind.COMMUNE_COMMITTEE,),
}
RANKED_KINDS = tuple(k for kinds in KINDS.values() for k in kinds)
ZERO = Decimal(0)
_BY_GROUP = {g.code: [i for i in INDICATORS if i.group == g.code] for g in GROUPS}


# -- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and self.month is not None:
            raise ValueError("a period is a month, a quarter or a year, not two of them")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError("quarter must be 1 to 4")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month must be 1 to 12")
        if not 2000 <= self.year <= 2100:
            raise ValueError("year out of range")

    @property
    def start(self) -> dt.date:
        if self.month is not None:
            return dt.date(self.year, self.month, 1)
        if self.quarter is not None:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.month is not None:
            last = self.month
        elif self.quarter is not None:
            last = 3 * self.quarter
        else:
            last = 12
        return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def quarters(self) -> list[int]:
        if self.month is not None:
            return [(self.month - 1) // 3 + 1]
        if self.quarter is not None:
            return [self.quarter]
        return [1, 2, 3, 4]

    @property
    def label(self) -> str:
        if self.month is not None:
            return f"{self.month:02d}/{self.year}"
        if self.quarter is not None:
            return _("Quarter %(q)s/%(y)s") % {"q": self.quarter, "y": self.year}
        return _("Year %(y)s") % {"y": self.year}

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first moment of the period and of the day after it, in local time: the summary
        rows file each event under the local day of its moment."""
        zone = timezone.get_current_timezone()
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return lo, hi

    def as_query(self) -> dict[str, Any]:
        query: dict[str, Any] = {"year": self.year}
        if self.quarter is not None:
            query["quarter"] = self.quarter
        if self.month is not None:
            query["month"] = self.month
        return query


# -- results ---------------------------------------------------------------------------------


# Indicators and groups are not frozen: a dashboard builds about a thousand of them, and a
# frozen dataclass takes three to four times as long to build. Nothing changes them once made.
@dataclass(slots=True)
class Indicator:
    code: str
    name: str
    formula: str
    source: str  # "computed" or "manual"
    numerator: int | None
    denominator: int | None
    value: Decimal | None  # per cent; hours for the average processing time
    points: Decimal | None  # None: nothing to measure, left out of the total
    max_points: Decimal
    full_at: Decimal
    scored: bool
    note: str = ""


@dataclass(slots=True)
class Group:
    code: str
    name: str
    points: Decimal
    max_points: Decimal
    indicators: list[Indicator]


@dataclass(frozen=True)
class ServiceIndex:
    """A unit's service-quality index for a period. `total` is on 100: the points earned over
    the maxima of the indicators that apply, scaled to 100 (`earned` of `applicable`)."""

    unit: Unit
    period: Period
    total: Decimal
    max_total: Decimal
    earned: Decimal
    applicable: Decimal
    groups: list[Group]
    config_year: int | None

    def indicator(self, code: str) -> Indicator:
        for group in self.groups:
            for item in group.indicators:
                if item.code == code:
                    return item
        raise KeyError(code)


@dataclass(frozen=True)
class RankingRow:
    unit: Unit
    total: Decimal
    rank: int
    index: ServiceIndex


# -- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    points: Decimal
    full_at: Decimal


def weights_get(year: int) -> tuple[int | None, dict[str, Weight]]:
    """The configuration in force for `year`: that year's version, else the latest before it,
    else the defaults of `congvu.lib.index766`. Returns (its year or None, weights)."""
    weights = {i.code: Weight(i.points, i.full_at) for i in INDICATORS}
    # Every version up to `year` with its weights, in one read (a few rows a year); the latest
    # is the one in force. One without weights of its own keeps the defaults, under its year.
    rows = IndexVersion.objects.filter(year__lte=year).order_by("-year", "pk")
    found: int | None = None
    for version_year, code, points, full_at in rows.values_list(
        "year", "weights__indicator", "weights__points", "weights__full_at"
    ):
        if found is None:
            found = version_year
        elif version_year != found:
            break
        if code is not None:
            weights[code] = Weight(points, full_at)
    return found, weights


# -- the counts ------------------------------------------------------------------------------

_SUMMED = (
    "received",
    "received_online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "processing_seconds",
    "paid",
    "paid_online",
    "result_electronic",
    "digitised",
    "rated",
    "rated_unsatisfied",
)


@dataclass
class Counts:
    """Everything the index of one unit (and its parts) needs for one period."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_SUMMED, 0.0))
    received_online_procedures: set[int] = field(default_factory=set)
    received_of_online_procedures: int = 0
    in_process: int = 0
    in_process_late: int = 0
    feedback: int = 0
    feedback_in_time: int = 0
    complaints: int = 0
    procedures: set[int] = field(default_factory=set)
    online_procedures: set[int] = field(default_factory=set)
    fee_procedures: set[int] = field(default_factory=set)
    fee_online_procedures: set[int] = field(default_factory=set)
    manual: dict[str, list[int]] = field(default_factory=dict)


class _Targets:
    """Maps any unit to the targets (units whose index is computed) that contain it."""

    def __init__(self, targets: list[Unit]) -> None:
        self.targets = targets
        self.by_path = {t.path: t.pk for t in targets}
        self._cache: dict[int, list[int]] = {}
        # The paths of the targets are at hand; those of other units (their parts) are read
        # the first time one of them turns up.
        self._paths: dict[int, str] = {t.pk: t.path for t in targets}
        self._all_read = False

    def _path(self, unit_id: int) -> str:
        if unit_id not in self._paths and not self._all_read:
            self._paths.update(Unit.objects.values_list("pk", "path"))
            self._all_read = True
        return self._paths.get(unit_id, "")

    def of(self, unit_id: int | None) -> list[int]:
        if unit_id is None:
            return []
        hit = self._cache.get(unit_id)
        if hit is None:
            path = self._path(unit_id)
            # A unit's path ("/1/10/55/") begins with the path of each of its ancestors.
            ancestors = (path[: i + 1] for i, char in enumerate(path) if char == "/")
            hit = [self.by_path[p] for p in ancestors if p in self.by_path]
            self._cache[unit_id] = hit
        return hit

    def paths(self) -> list[str]:
        """The paths whose units `scope` keeps; empty when it keeps every unit."""
        if len(self.targets) != 1 or self.targets[0].parent_id is None:
            return []
        return list(self.by_path)

    def scope(self, prefix: str) -> Q:
        """A filter on the units under one target. With several (the ranking) or with the
        province, every row is read and `of` attributes it: one pass over the rows beats one
        test of the unit's path per target."""
        if len(self.targets) != 1 or self.targets[0].parent_id is None:
            return Q()
        condition = Q(pk__in=[])
        for path in self.by_path:
            condition |= Q(**{f"{prefix}__path__startswith": path})
        return condition


def _summary_by_unit(period: Period, paths: list[str]) -> list[tuple[Any, ...]]:
    """The summary rows of the period added up by unit, in one statement: (unit id, receipts
    of the procedures offered online, the set of procedures it received online dossiers of,
    then the counters of `_SUMMED`). A year reads its yearly rows, a quarter or a month the
    monthly ones. Written as SQL: the dashboard runs it for every page view, and through the
    ORM building it cost as much as running it."""
    yearly = period.quarter is None and period.month is None
    model: type[Any] = DossierYearStat if yearly else DossierMonthStat
    connection = connections[router.db_for_read(model)]
    params: list[Any]
    if yearly:
        where, params = "s.year = %s", [period.year]
    else:
        where = "s.month >= %s AND s.month <= %s"
        params = [connection.ops.adapt_datefield_value(d) for d in (period.start, period.end)]
    join = ""
    if paths:
        join = f"JOIN {Unit._meta.db_table} u ON u.id = s.unit_id"
        where += " AND (" + " OR ".join("u.path LIKE %s" for _ in paths) + ")"
        params += [f"{path}%" for path in paths]
    if connection.vendor == "postgresql":
        used = "ARRAY_AGG(DISTINCT v.procedure_id) FILTER (WHERE s.received_online > 0)"
    else:
        used = "GROUP_CONCAT(DISTINCT CASE WHEN s.received_online > 0 THEN v.procedure_id END)"
    sums = ", ".join(f"SUM(s.{name})" for name in _SUMMED)
    # Only names of this code's own tables and columns are put in; every value is a parameter.
    sql = " ".join(
        [
            "SELECT s.unit_id, SUM(CASE WHEN v.online_level <> %s THEN s.received ELSE 0 END),",
            f"{used}, {sums}",
            f"FROM {model._meta.db_table} s",
            f"JOIN {ProcedureVersion._meta.db_table} v ON v.id = s.procedure_version_id {join}",
            f"WHERE {where} GROUP BY s.unit_id",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ProcedureVersion.Online.NONE, *params])
        rows = cursor.fetchall()
    result = []
    for unit_id, received_of_online, used_online, *values in rows:
        if isinstance(used_online, str):  # SQLite: "12,40"
            procedures = {int(p) for p in used_online.split(",")}
        else:
            procedures = {p for p in used_online or () if p is not None}
        result.append((unit_id, received_of_online, procedures, *values))
    return result


def _late_q(now: dt.datetime) -> Q:
    # In process past the appointment while the clock runs; or asked to supplement more than
    # once, which counts as late whatever the clock says (domain.md §5, §9).
    return Q(status=Status.PROCESSING, due_at__lt=now) | LATE_BY_SUPPLEMENTS


def _in_force(day: dt.date) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(
        status=ProcedureVersion.Status.PUBLISHED, valid_from__lte=day
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


def _counts(
    targets: list[Unit], period: Period, now: dt.datetime, *, summary: bool = True
) -> dict[int, Counts]:
    """The counts of every target for the period, in a fixed number of queries whatever the
    number of targets and of dossiers (without the summary rows' part when `summary` is
    False: the recount fills it in from the dossiers)."""
    mapping = _Targets(targets)
    result: dict[int, Counts] = {t.pk: Counts() for t in targets}
    lo, hi = period.bounds()

    # 1. The summary rows (periods are whole calendar months): a year's own rows for a year,
    # the monthly rows otherwise, added up by unit in one statement.
    if summary:
        for unit_id, received_of_online, used_online, *values in _summary_by_unit(
            period, mapping.paths()
        ):
            containing = mapping.of(unit_id)
            if not containing:
                continue
            summed = [(name, value) for name, value in zip(_SUMMED, values, strict=True) if value]
            for target in containing:
                counts = result[target]
                for name, value in summed:
                    counts.sums[name] += value
                counts.received_of_online_procedures += received_of_online or 0
                counts.received_online_procedures |= used_online

    # 2. Dossiers in process now, received by the end of the period.
    if summary and hi > now:
        # The current period: every open dossier was received by its end. The services keep
        # their count; those past their appointment are read from their own index.
        entries = dossier_open_now(
            counted=mapping.scope("unit"), dossiers=mapping.scope("competent_unit"), now=now
        )
        for unit_id, open_here in entries.items():
            for target in mapping.of(unit_id):
                result[target].in_process += open_here.open
                result[target].in_process_late += open_here.late
    else:
        # A past period (or the recount): only the dossiers received by its end, counted
        # from the dossiers (index `dossier_open_received`; the covering index
        # `dossier_open_unit_due` answers the recount of the current one alone).
        open_now = Dossier.objects.filter(mapping.scope("competent_unit")).filter(
            status__in=OPEN_STATUSES
        )
        if hi <= now:
            open_now = open_now.filter(received_at__lt=hi)
        live = (
            open_now.values("competent_unit_id")
            # Counting a column of the covering index (not the key): it then answers alone.
            .annotate(
                total=Count("competent_unit"),
                late=Count("competent_unit", filter=_late_q(now)),
            )
            .order_by()
        )
        for open_row in live:
            for target in mapping.of(open_row["competent_unit_id"]):
                result[target].in_process += open_row["total"]
                result[target].in_process_late += open_row["late"]

    # 3. Feedback received in the period (QĐ 766: answered within its due time).
    in_time = Q(answered_at__isnull=False, answered_at__lte=F("due_at")) | Q(
        answered_at__isnull=True, due_at__gte=now
    )
    feedback = (
        Feedback.objects.filter(mapping.scope("unit"))
        .filter(received_at__gte=lo, received_at__lt=hi)
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            in_time=Count("pk", filter=in_time),
            complaints=Count("pk", filter=Q(dossier__isnull=False)),
        )
        .order_by()
    )
    for row in feedback:
        for target in mapping.of(row["unit_id"]):
            result[target].feedback += row["total"]
            result[target].feedback_in_time += row["in_time"]
            result[target].complaints += row["complaints"]

    # 4. The catalogue in force at the end of the period (or today, for the current one).
    day = min(period.end, timezone.localdate(now))
    fee_bearing = Fee.objects.filter(version=OuterRef("pk"), amount__gt=0)
    catalogue = _in_force(day).annotate(fee_bearing=Exists(fee_bearing))
    # The procedures of the communes are every commune's (and the province's): gathered once,
    # then handed to each of them.
    communes = Counts()
    for entry in catalogue.values(
        "procedure_id", "competent_kind", "competent_unit_id", "online_level", "fee_bearing"
    ):
        if entry["competent_kind"] == ProcedureVersion.Competent.COMMUNE:
            owners = [communes]
        else:
            owners = [result[target] for target in mapping.of(entry["competent_unit_id"])]
        online = entry["online_level"] != ProcedureVersion.Online.NONE
        for counts in owners:
            counts.procedures.add(entry["procedure_id"])
            if online:
                counts.online_procedures.add(entry["procedure_id"])
            if entry["fee_bearing"]:
                counts.fee_procedures.add(entry["procedure_id"])
                if online:
                    counts.fee_online_procedures.add(entry["procedure_id"])
    for unit in targets:
        if unit.kind == Unit.Kind.COMMUNE_COMMITTEE or unit.parent_id is None:
            counts = result[unit.pk]
            counts.procedures |= communes.procedures
            counts.online_procedures |= communes.online_procedures
            counts.fee_procedures |= communes.fee_procedures
            counts.fee_online_procedures |= communes.fee_online_procedures

    # 5. The figures entered by hand, once locked by the provincial office.
    manual = (
        ManualFigure.objects.filter(mapping.scope("unit"))
        .filter(year=period.year, quarter__in=period.quarters, status=FigureStatus.LOCKED)
        .values("unit_id", "indicator")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    for row in manual:
        for target in mapping.of(row["unit_id"]):
            pair = result[target].manual.setdefault(row["indicator"], [0, 0])
            pair[0] += row["n"] or 0
            pair[1] += row["d"] or 0
    return result


def _fractions(counts: Counts) -> dict[str, tuple[int, int] | None]:
    """(numerator, denominator) of each indicator; None for a manual figure not entered."""
    s = {k: round(v) if k != "processing_seconds" else 0 for k, v in counts.sums.items()}
    resolved = s["resolved_early"] + s["resolved_on_time"] + s["resolved_late"]
    in_time = (
        s["resolved_early"] + s["resolved_on_time"] + counts.in_process - counts.in_process_late
    )
    against = s["resolved_late"] + s["rated_unsatisfied"] + counts.complaints
    fractions: dict[str, tuple[int, int] | None] = {
        "on_time": (in_time, resolved + counts.in_process),
        "procedures_online": (len(counts.online_procedures), len(counts.procedures)),
        "online_services_used": (
            len(counts.online_procedures & counts.received_online_procedures),
            len(counts.online_procedures),
        ),
        "dossiers_online": (s["received_online"], counts.received_of_online_procedures),
        "procedures_payable_online": (
            len(counts.fee_online_procedures),
            len(counts.fee_procedures),
        ),
        "dossiers_paid_online": (s["paid_online"], s["paid"]),
        "satisfaction": (max(resolved - against, 0), resolved),
        "feedback_in_time": (counts.feedback_in_time, counts.feedback),
        "result_electronic": (s["result_electronic"], resolved),
        "digitised": (s["digitised"], resolved),
    }
    for spec in INDICATORS:
        if spec.source == "manual":
            pair = counts.manual.get(spec.code)
            fractions[spec.code] = (pair[0], pair[1]) if pair else None
    return fractions


@dataclass(frozen=True)
class _Texts:
    """The names, formulas and notes in the current language, looked up once per call rather
    than once per unit and indicator."""

    indicators: dict[str, tuple[str, str]]
    groups: dict[str, str]
    not_entered: str
    nothing: str


def _labels() -> _Texts:
    return _Texts(
        indicators={c: (str(INDICATOR_NAMES[c]), str(FORMULAS[c])) for c in INDICATOR_NAMES},
        groups={code: str(name) for code, name in GROUP_NAMES.items()},
        not_entered=_("Not entered or not yet locked."),
        nothing=_("Nothing to measure in this period."),
    )


def _index(
    unit: Unit,
    period: Period,
    counts: Counts,
    config: tuple[int | None, dict[str, Weight]],
    labels: _Texts | None = None,
) -> ServiceIndex:
    config_year, weights = config
    texts = labels or _labels()
    fractions = _fractions(counts)
    resolved = int(
        counts.sums["resolved_early"]
        + counts.sums["resolved_on_time"]
        + counts.sums["resolved_late"]
    )
    groups: list[Group] = []
    scored: list[Scored] = []
    for group in GROUPS:
        items: list[Indicator] = []
        group_points = group_max = ZERO
        for spec in _BY_GROUP[group.code]:
            weight = weights[spec.code]
            name, formula = texts.indicators[spec.code]
            note = ""
            numerator: int | None
            denominator: int | None
            value: Decimal | None
            points: Decimal | None
            if not spec.scored:
                seconds = counts.sums["processing_seconds"]
                numerator, denominator, points = round(seconds) // 3600, resolved, None
                value = (
                    index766.quantize(Decimal(str(round(seconds, 3))) / resolved / 3600)
                    if resolved
                    else None
                )
            elif (pair := fractions[spec.code]) is None:
                # A figure the unit must enter and has not (or not yet locked) earns nothing.
                numerator = denominator = value = None
                points, note = ZERO, texts.not_entered
            else:
                numerator, denominator = pair
                value, points = share_scored(
                    numerator, denominator, points=weight.points, full_at=weight.full_at
                )
                if points is None:
                    note = texts.nothing
            if spec.scored:
                scored.append(Scored(points, weight.points))
                group_max += weight.points
                if points is not None:
                    group_points += points
            items.append(
                Indicator(
                    code=spec.code,
                    name=name,
                    formula=formula,
                    source=spec.source,
                    numerator=numerator,
                    denominator=denominator,
                    value=value,
                    points=points,
                    max_points=weight.points if spec.scored else ZERO,
                    full_at=weight.full_at,
                    scored=spec.scored,
                    note=note,
                )
            )
        groups.append(
            Group(
                code=group.code,
                name=texts.groups[group.code],
                points=index766.quantize(group_points),
                max_points=group_max,
                indicators=items,
            )
        )
    earned, applicable, total = index766.total_points(scored)
    return ServiceIndex(
        unit=unit,
        period=period,
        total=total,
        max_total=Decimal(100),
        earned=earned,
        applicable=applicable,
        groups=groups,
        config_year=config_year,
    )


# -- the public reads ------------------------------------------------------------------------


def service_index_get(
    *,
    unit: Unit,
    year: int,
    quarter: int | None = None,
    month: int | None = None,
    now: dt.datetime | None = None,
) -> ServiceIndex:
    """The service-quality index of `unit` (a department, a commune, or the province as a
    whole: every unit's dossiers) for a year, a quarter or a month."""
    period = Period(year, quarter, month)
    moment = now or timezone.now()
    counts = _counts([unit], period, moment)[unit.pk]
    return _index(unit, period, counts, weights_get(year))


def ranked_units(kind: str | None = None) -> list[Unit]:
    """The departments and communes in force, ranked on the index."""
    return _ranked_units(kind, province_get())


def _ranked_units(kind: str | None, province: Unit | None) -> list[Unit]:
    kinds = KINDS.get(kind or "", RANKED_KINDS)
    units = Unit.objects.active().filter(kind__in=kinds)
    if province is not None:
        units = units.filter(path__startswith=province.path)
    return list(units.order_by("sort_order", "name"))


def service_index_ranking(
    *,
    year: int,
    quarter: int | None = None,
    month: int | None = None,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> list[RankingRow]:
    """Every department and commune (or those of one `kind`: "department", "commune") with
    its index for the period, best first; equal totals share a rank."""
    period = Period(year, quarter, month)
    moment = now or timezone.now()
    units = ranked_units(kind)
    counts = _counts(units, period, moment)
    config = weights_get(year)
    labels = _labels()
    indices = {u.pk: _index(u, period, counts[u.pk], config, labels) for u in units}
    by_pk = {u.pk: u for u in units}
    ranked = index766.rank((u.pk, indices[u.pk].total) for u in units)
    return [
        RankingRow(unit=by_pk[pk], total=total, rank=place, index=indices[pk])  # type: ignore[index]
        for pk, total, place in ranked
    ]


def service_index_dashboard(
    *,
    year: int,
    quarter: int | None = None,
    month: int | None = None,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[ServiceIndex | None, list[RankingRow]]:
    """The province's index and the ranking of its departments and communes, counted in one
    pass: what the dashboard shows. Equal to `service_index_get` for the province and to
    `service_index_ranking`."""
    period = Period(year, quarter, month)
    moment = now or timezone.now()
    province = province_get()
    units = _ranked_units(kind, province)
    targets = [*units, province] if province is not None else units
    counts = _counts(targets, period, moment)
    config = weights_get(year)
    labels = _labels()
    indices = {u.pk: _index(u, period, counts[u.pk], config, labels) for u in targets}
    by_pk = {u.pk: u for u in units}
    ranked = index766.rank((u.pk, indices[u.pk].total) for u in units)
    rows = [
        RankingRow(unit=by_pk[pk], total=total, rank=place, index=indices[pk])  # type: ignore[index]
        for pk, total, place in ranked
    ]
    return (indices[province.pk] if province is not None else None), rows


def service_index_trend(
    *, unit: Unit, year: int, now: dt.datetime | None = None
) -> list[tuple[Period, ServiceIndex]]:
    """The unit's index month by month through `year`, up to the current month."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    last = 12 if year < today.year else today.month if year == today.year else 0
    config = weights_get(year)
    trend = []
    for month in range(1, last + 1):
        period = Period(year, None, month)
        counts = _counts([unit], period, moment)[unit.pk]
        trend.append((period, _index(unit, period, counts, config)))
    return trend


def service_index_recount(
    *,
    units: list[Unit],
    year: int,
    quarter: int | None = None,
    month: int | None = None,
    now: dt.datetime | None = None,
) -> dict[int, ServiceIndex]:
    """The index of each unit counted from the dossiers and their transitions, without the
    summary rows: for checking them (and for the benchmark), never for pages."""
    period = Period(year, quarter, month)
    moment = now or timezone.now()
    base = _counts(units, period, moment, summary=False)
    mapping = _Targets(units)
    lo, hi = period.bounds()
    documents = DossierDocument.objects.filter(dossier=OuterRef("dossier_id"))
    concluded = Q(action__in=("resolve", "refuse"))
    online_version = ~Q(dossier__procedure_version__online_level=ProcedureVersion.Online.NONE)
    rows = (
        DossierTransition.objects.filter(mapping.scope("dossier__competent_unit"))
        .filter(at__gte=lo, at__lt=hi)
        .filter(action__in=("receive", "resolve", "refuse", "confirm_payment", "rate"))
        .annotate(
            has_result=Exists(documents.filter(kind=DossierDocument.Kind.RESULT)),
            has_documents=Exists(documents.exclude(kind=DossierDocument.Kind.RESULT)),
        )
        .values("dossier__competent_unit_id", "dossier__procedure_version__procedure_id")
        .annotate(
            received=Count("pk", filter=Q(action="receive")),
            received_online=Count("pk", filter=Q(action="receive", dossier__channel=2)),
            received_of_online=Count("pk", filter=Q(action="receive") & online_version),
            resolved_early=Count("pk", filter=concluded & Q(dossier__timeliness="early")),
            resolved_on_time=Count("pk", filter=concluded & Q(dossier__timeliness="on_time")),
            resolved_late=Count("pk", filter=concluded & Q(dossier__timeliness="late")),
            processing_seconds=Sum("dossier__clock_used_seconds", filter=concluded),
            paid=Count("pk", filter=Q(action="confirm_payment")),
            paid_online=Count(
                "pk", filter=Q(action="confirm_payment", dossier__channel=Channel.ONLINE)
            ),
            result_electronic=Count("pk", filter=concluded & Q(has_result=True)),
            digitised=Count("pk", filter=concluded & Q(has_result=True, has_documents=True)),
            rated=Count("pk", filter=Q(action="rate")),
            rated_unsatisfied=Count(
                "pk",
                filter=Q(action="rate", dossier__rating__overall=Rating.Overall.UNSATISFIED),
            ),
        )
        .order_by()
    )
    for row in rows:
        for target in mapping.of(row["dossier__competent_unit_id"]):
            counts = base[target]
            for name in _SUMMED:
                counts.sums[name] += row[name] or 0
            counts.received_of_online_procedures += row["received_of_online"]
            if row["received_online"]:
                counts.received_online_procedures.add(
                    row["dossier__procedure_version__procedure_id"]
                )
    config = weights_get(year)
    return {u.pk: _index(u, period, base[u.pk], config) for u in units}


# -- who may see what ------------------------------------------------------------------------


def may_see_ranking(user: Any) -> bool:
    """Every official and staff role sees the ranking and the totals."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or has_role(user, *STAFF_ROLES) or official_of(user) is not None)


def detail_paths(user: Any) -> list[str] | None:
    """Subtree paths whose figures, numerators and dossiers `user` may open; None: all.
    Province-wide roles and the officials of the provincial People's Committee (the Chairman)
    see every unit; other officials see their own agency."""
    if not may_see_ranking(user):
        return []
    if user.is_superuser or is_province_wide(user):
        return None
    return agency_paths_for(user)


def may_see_details(user: Any, unit: Unit) -> bool:
    paths = detail_paths(user)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


def index_units_visible(user: Any) -> list[Unit]:
    """The units whose index page `user` may open: the province and the ranked units."""
    if not may_see_ranking(user):
        return []
    units = ranked_units()
    province = province_get()
    listed = ([province] if province is not None else []) + units
    return [u for u in listed if may_see_details(user, u)]


def may_review_figures(user: Any) -> bool:
    from congvu.accounts.roles import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or has_role(user, Role.PROVINCIAL_OFFICE, Role.ADMINISTRATOR))
    )


def figure_units_for(user: Any) -> list[Unit]:
    """The ranked units for which `user` may enter figures: those of their own agency."""
    official = official_of(user)
    if official is None:
        return []
    paths = agency_paths_for(user) or []
    return [u for u in ranked_units() if any(u.path.startswith(p) for p in paths)]


def figure_list(*, user: Any, year: int | None = None) -> QuerySet[ManualFigure]:
    figures = ManualFigure.objects.visible_to(user).select_related("unit", "entered_by")
    if year is not None:
        figures = figures.filter(year=year)
    return figures.order_by("-year", "-quarter", "unit__path", "indicator", "pk")


# -- the rows behind a figure ----------------------------------------------------------------


@dataclass(frozen=True)
class DossierRow:
    pk: int
    code: str
    procedure: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    counts: bool  # in the numerator
    why: str


def _dossier_scope(unit: Unit) -> Q:
    if unit.parent_id is None:
        return Q()
    return Q(competent_unit__path__startswith=unit.path)


def _dossier_base(code: str, unit: Unit, period: Period, now: dt.datetime) -> QuerySet[Dossier]:
    lo, hi = period.bounds()
    dossiers = Dossier.objects.filter(_dossier_scope(unit))
    resolved = Q(resolved_at__gte=lo, resolved_at__lt=hi)
    if code == "on_time":
        return dossiers.filter(resolved | Q(status__in=OPEN_STATUSES, received_at__lt=hi))
    if code == "dossiers_online":
        return dossiers.filter(received_at__gte=lo, received_at__lt=hi).exclude(
            procedure_version__online_level=ProcedureVersion.Online.NONE
        )
    if code == "dossiers_paid_online":
        paid = DossierTransition.objects.filter(
            dossier=OuterRef("pk"), action="confirm_payment", at__gte=lo, at__lt=hi
        )
        return dossiers.filter(Exists(paid))
    return dossiers.filter(resolved)


_REASONS = {
    Timeliness.EARLY: _("resolved early"),
    Timeliness.ON_TIME: _("resolved on time"),
    Timeliness.LATE: _("resolved late"),
}


def _why(code: str, d: Any, now: dt.datetime) -> tuple[bool, str]:
    if code == "on_time":
        if d.status in OPEN_STATUSES:
            if late_by_supplements(d):
                return False, _("in process; more than one supplementation request: late")
            if d.status == Status.PROCESSING and d.due_at is not None and d.due_at < now:
                return False, _("in process past its appointment")
            if d.status != Status.PROCESSING:
                return True, _("in process, waiting for the applicant: the clock is stopped")
            return True, _("in process within its appointment")
        if d.timeliness == Timeliness.LATE and late_by_supplements(d):
            return False, _("more than one supplementation request: counts as late")
        return d.timeliness != Timeliness.LATE, str(_REASONS.get(d.timeliness, d.timeliness))
    if code == "processing_hours":
        return True, _("%(h)s working hours used") % {"h": round(d.clock_used_seconds / 3600, 1)}
    if code == "dossiers_online":
        online = d.channel == Channel.ONLINE
        return online, str(Channel(d.channel).label)
    if code == "dossiers_paid_online":
        online = d.channel == Channel.ONLINE
        return online, _("paid online through the portal") if online else _("paid at the desk")
    if code in ("result_electronic", "digitised"):
        result, handed_in = d.has_result, d.has_documents
        ok = result if code == "result_electronic" else result and handed_in
        if ok:
            return True, _("electronic result") if code == "result_electronic" else _(
                "documents and result in electronic form"
            )
        if not result:
            return False, _("no electronic result")
        return False, _("documents not in electronic form")
    if code == "satisfaction":
        reasons = []
        if d.timeliness == Timeliness.LATE:
            reasons.append(_("resolved late"))
        if d.unsatisfied:
            reasons.append(_("rated not satisfied"))
        if d.complained:
            reasons.append(_("feedback received about it"))
        return not reasons, "; ".join(str(r) for r in reasons) or _("no complaint")
    return True, ""


def indicator_dossiers(
    *,
    unit: Unit,
    code: str,
    period: Period,
    before: int | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> list[DossierRow]:
    """The dossiers behind a computed indicator, newest first, `limit` at a time by keyset
    (`before`: the last id of the previous page), each with whether it is in the numerator and
    why. Empty for indicators whose rows are not dossiers."""
    moment = now or timezone.now()
    documents = DossierDocument.objects.filter(dossier=OuterRef("pk"))
    dossiers = (
        _dossier_base(code, unit, period, moment)
        .select_related("procedure_version__procedure")
        .annotate(
            has_result=Exists(documents.filter(kind=DossierDocument.Kind.RESULT)),
            has_documents=Exists(documents.exclude(kind=DossierDocument.Kind.RESULT)),
            unsatisfied=Exists(
                Rating.objects.filter(dossier=OuterRef("pk"), overall=Rating.Overall.UNSATISFIED)
            ),
            complained=Exists(Feedback.objects.filter(dossier=OuterRef("pk"))),
        )
        .only(
            "pk",
            "code",
            "status",
            "channel",
            "received_at",
            "due_at",
            "resolved_at",
            "timeliness",
            "supplement_count",
            "intake_supplement_count",
            "clock_used_seconds",
            "procedure_version__procedure__code",
            "procedure_version__procedure__name",
            "procedure_version__name",
        )
        .order_by("-pk")
    )
    if before is not None:
        dossiers = dossiers.filter(pk__lt=before)
    rows = []
    for d in dossiers[:limit]:
        counts, why = _why(code, d, moment)
        rows.append(
            DossierRow(
                pk=d.pk,
                code=d.code,
                procedure=d.procedure_version.name,
                received_at=d.received_at,
                due_at=d.due_at,
                finished_at=d.resolved_at,
                counts=counts,
                why=why,
            )
        )
    return rows


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    name: str
    online: bool
    fees: bool
    counts: bool
    why: str


def indicator_procedures(
    *, unit: Unit, code: str, period: Period, now: dt.datetime | None = None
) -> list[ProcedureRow]:
    """The procedures behind a catalogue indicator, with whether each is in the numerator."""
    moment = now or timezone.now()
    counts = _counts([unit], period, moment)[unit.pk]
    day = min(period.end, timezone.localdate(moment))
    wanted = counts.fee_procedures if code == "procedures_payable_online" else counts.procedures
    if code == "online_services_used":
        wanted = counts.online_procedures
    versions = (
        _in_force(day)
        .filter(procedure_id__in=wanted)
        .select_related("procedure")
        .order_by("procedure__code", "-number")
    )
    rows: list[ProcedureRow] = []
    seen: set[int] = set()
    for v in versions:
        if v.procedure_id in seen:
            continue
        seen.add(v.procedure_id)
        pid = v.procedure_id
        online = pid in counts.online_procedures
        fees = pid in counts.fee_procedures
        if code == "online_services_used":
            ok = pid in counts.received_online_procedures
            why = _("received online dossiers") if ok else _("no online dossier in the period")
        elif code == "procedures_payable_online":
            ok = pid in counts.fee_online_procedures
            why = _("payable online") if ok else _("not offered online")
        else:
            ok = online
            why = str(ProcedureVersion.Online(v.online_level).label)
        rows.append(ProcedureRow(v.procedure.code, v.name, online, fees, ok, why))
    return rows


def indicator_feedback(
    *, unit: Unit, period: Period, now: dt.datetime | None = None, limit: int = 200
) -> list[tuple[Feedback, bool]]:
    moment = now or timezone.now()
    lo, hi = period.bounds()
    scope = Q() if unit.parent_id is None else Q(unit__path__startswith=unit.path)
    rows = Feedback.objects.filter(scope, received_at__gte=lo, received_at__lt=hi).order_by(
        "-received_at", "-pk"
    )[:limit]
    result = []
    for f in rows:
        if f.answered_at is not None:
            ok = f.due_at is not None and f.answered_at <= f.due_at
        else:
            ok = f.due_at is not None and f.due_at >= moment
        result.append((f, ok))
    return result


def indicator_figures(*, unit: Unit, code: str, period: Period) -> list[ManualFigure]:
    scope = Q() if unit.parent_id is None else Q(unit__path__startswith=unit.path)
    return list(
        ManualFigure.objects.filter(scope, indicator=code, year=period.year)
        .filter(quarter__in=period.quarters)
        .select_related("unit")
        .order_by("unit__path", "quarter")
    )
