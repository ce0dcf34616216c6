"""The figures congvu keeps about each unit, read from the apps that keep them, for the
automatic criteria of an index and for the combined rankings.

- Dossier on-time rate, online share and satisfaction come from the dossier summary rows
  (`DossierMonthStat` for whole months, `DossierStat` for the days around them), as
  `congvu.dossiers.stats` reads them: resolved early or on time over resolved; received
  online over received; rated not "not satisfied" over rated (QĐ 766/QĐ-TTg, domain.md §8–9).
- Task on-time rate comes from the directives board (`directives.selectors.board`): tasks
  with a due date in the period, done on time over done or overdue.
- The service-quality index (766) comes from `congvu.indices.selectors.service_index_get`.

Each figure is counted for an agency and all its parts (a department's divisions, a commune's
centre), in a bounded number of queries whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse

from congvu.assessments.models import Measure
from congvu.assessments.scoring import q2, share
from congvu.organizations.models import Unit

DOSSIER_COUNTERS = (
    "received",
    "received_online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "rated",
    "rated_unsatisfied",
)
TASK_COUNTERS = ("assigned", "done_on_time", "done_late", "overdue", "in_progress")


@dataclass(frozen=True)
class Figure:
    """A figure of a unit: the value (a percentage, or the 766 index), the counts it comes
    from when it is a share, and the page that shows the rows behind it."""

    value: Decimal | None
    part: int | None = None
    whole: int | None = None
    url: str = ""


def rows_url(unit: Unit | int, metric: str, start: dt.date, end: dt.date) -> str:
    pk = unit.pk if isinstance(unit, Unit) else unit
    return (
        reverse("assessments:rankings_rows", args=[pk, metric])
        + f"?start={start:%d/%m/%Y}&end={end:%d/%m/%Y}"
    )


def _owner(paths: dict[int, str], targets: Sequence[Unit]) -> dict[int, int]:
    """For each unit id, the target agency it belongs to (its own or an ancestor's)."""
    by_path = sorted(((t.path, t.pk) for t in targets), key=lambda item: -len(item[0]))
    owner: dict[int, int] = {}
    for unit_id, path in paths.items():
        for target_path, target_id in by_path:
            if path.startswith(target_path):
                owner[unit_id] = target_id
                break
    return owner


def _unit_paths(targets: Sequence[Unit]) -> dict[int, str]:
    condition = Q(pk__in=[])
    for target in targets:
        condition |= Q(path__startswith=target.path)
    return dict(Unit.objects.filter(condition).values_list("pk", "path"))


def _month_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first day of the first, first day of the last) whole month inside [start, end]."""
    first = (
        start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    )
    after = (end + dt.timedelta(days=1)).replace(day=1)
    if first >= after:
        return None
    return first, (after - dt.timedelta(days=1)).replace(day=1)


def dossier_counts(
    targets: Sequence[Unit], *, start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """The dossier counters of each target (with its parts) over [start, end]."""
    from congvu.dossiers.models import DossierMonthStat, DossierStat

    if not targets:
        return {}
    paths = _unit_paths(targets)
    owner = _owner(paths, targets)
    where = Q(unit_id__in=list(paths))
    sums = {name: Sum(name) for name in DOSSIER_COUNTERS}
    queries: list[Any] = []
    span = _month_span(start, end)
    if span is None:
        queries.append(DossierStat.objects.filter(where, day__gte=start, day__lte=end))
    else:
        first, last = span
        after_last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        queries.append(DossierMonthStat.objects.filter(where, month__gte=first, month__lte=last))
        if start < first:
            queries.append(DossierStat.objects.filter(where, day__gte=start, day__lt=first))
        if after_last <= end:
            queries.append(DossierStat.objects.filter(where, day__gte=after_last, day__lte=end))
    totals: dict[int, dict[str, int]] = {t.pk: dict.fromkeys(DOSSIER_COUNTERS, 0) for t in targets}
    for query in queries:
        for row in query.values("unit_id").annotate(**sums).order_by():
            target = owner.get(row["unit_id"])
            if target is None:
                continue
            for name in DOSSIER_COUNTERS:
                totals[target][name] += int(row[name] or 0)
    return totals


def task_counts(
    targets: Sequence[Unit], *, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    """The task counters of each target (tasks its parts lead included) due in [start, end]."""
    from congvu.directives.selectors import board

    if not targets:
        return {}
    lines = board(start=start, end=end, now=now, overdue_limit=0).by_unit
    paths = dict(
        Unit.objects.filter(pk__in=[line["lead_unit_id"] for line in lines]).values_list(
            "pk", "path"
        )
    )
    owner = _owner(paths, targets)
    totals: dict[int, dict[str, int]] = {t.pk: dict.fromkeys(TASK_COUNTERS, 0) for t in targets}
    for line in lines:
        target = owner.get(line["lead_unit_id"])
        if target is None:
            continue
        for name in TASK_COUNTERS:
            totals[target][name] += int(line[name] or 0)
    return totals


def service_index_values(targets: Sequence[Unit], *, year: int) -> dict[int, Decimal | None]:
    """The 766 index of each target for `year`: one ranking of every unit when there are
    several, the unit's own index otherwise."""
    from congvu.indices.selectors import service_index_get, service_index_ranking

    values: dict[int, Decimal | None] = {}
    if len(targets) > 1:
        wanted = {t.pk for t in targets}
        kinds = {t.kind for t in targets}
        kind = (
            "commune"
            if kinds <= {Unit.Kind.COMMUNE_COMMITTEE}
            else "department"
            if kinds <= {Unit.Kind.DEPARTMENT, Unit.Kind.OFFICE}
            else None
        )
        for row in service_index_ranking(year=year, kind=kind):
            if row.unit.pk in wanted:
                values[row.unit.pk] = q2(Decimal(row.total))
    for target in targets:
        if target.pk not in values:
            values[target.pk] = q2(Decimal(service_index_get(unit=target, year=year).total))
    return values


def service_index_url(unit: Unit, year: int) -> str:
    """The indices app's page of a unit's 766 index, when that page exists."""
    from django.urls import NoReverseMatch

    for name, args in (("indices:unit", [unit.pk]), ("indices:index", [])):
        try:
            return reverse(name, args=args) + f"?year={year}"
        except NoReverseMatch:
            continue
    return ""


def dossier_figures(counts: dict[str, int]) -> dict[str, tuple[int, int]]:
    """(part, whole) of the dossier measures from a target's counters."""
    resolved = counts["resolved_early"] + counts["resolved_on_time"] + counts["resolved_late"]
    return {
        Measure.DOSSIER_ON_TIME: (counts["resolved_early"] + counts["resolved_on_time"], resolved),
        Measure.ONLINE_SHARE: (counts["received_online"], counts["received"]),
        Measure.SATISFACTION: (counts["rated"] - counts["rated_unsatisfied"], counts["rated"]),
    }


def task_figure(counts: dict[str, int]) -> tuple[int, int]:
    finished = counts["done_on_time"] + counts["done_late"] + counts["overdue"]
    return counts["done_on_time"], finished


def measure_figures(
    targets: Sequence[Unit],
    *,
    measures: set[str],
    start: dt.date,
    end: dt.date,
    year: int,
    now: dt.datetime | None = None,
) -> dict[int, dict[str, Figure]]:
    """The figures `measures` of each target over [start, end] (the 766 index: of `year`)."""
    result: dict[int, dict[str, Figure]] = defaultdict(dict)
    dossier_measures = measures & {
        Measure.DOSSIER_ON_TIME,
        Measure.ONLINE_SHARE,
        Measure.SATISFACTION,
    }
    if dossier_measures:
        for target_id, counts in dossier_counts(targets, start=start, end=end).items():
            for measure, (part, whole) in dossier_figures(counts).items():
                if measure in dossier_measures:
                    result[target_id][measure] = Figure(
                        share(part, whole), part, whole, rows_url(target_id, measure, start, end)
                    )
    if Measure.TASK_ON_TIME in measures:
        for target_id, counts in task_counts(targets, start=start, end=end, now=now).items():
            part, whole = task_figure(counts)
            result[target_id][Measure.TASK_ON_TIME] = Figure(
                share(part, whole),
                part,
                whole,
                rows_url(target_id, Measure.TASK_ON_TIME, start, end),
            )
    if Measure.SERVICE_INDEX in measures:
        values = service_index_values(targets, year=year)
        for target in targets:
            result[target.pk][Measure.SERVICE_INDEX] = Figure(
                values.get(target.pk),
                url=rows_url(target, Measure.SERVICE_INDEX, start, end),
            )
    return dict(result)
