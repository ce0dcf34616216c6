"""Benchmark: the 766 dashboard of a province over a year, from the summary rows, against a raw
recount of the dossiers.

The dashboard is what `/indices/` computes: the index of every department and commune (the
ranking) and of the province as a whole, for one calendar year. It is read from the yearly
summary rows the dossier services keep (`DossierYearStat`, one per unit and procedure version);
the dossiers in process now from the counts the services keep (`DossierOpenStat`), and those
past their appointment from their partial index. The recount reads the dossiers and their
transitions instead (`service_index_recount`). Both must give equal indices for every unit.

Prints the p50/p95 latency of the dashboard, the recount's time, and the ratio recount /
dashboard (goal: at least 100x).

The database is DATABASE_URL, by default the PostgreSQL database `congvu_bench_1m` that
bench/dossiers.py fills with 1,000,000 dossiers (run it first; this script only reads, after
migrating).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench_1m python bench/indices.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/congvu_bench_1m")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from congvu.dossiers.models import Dossier, DossierTransition  # noqa: E402
from congvu.indices.selectors import (  # noqa: E402
    Period,
    ServiceIndex,
    _counts,
    ranked_units,
    service_index_dashboard,
    service_index_get,
    service_index_ranking,
    service_index_recount,
)
from congvu.organizations.selectors import province_get  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, default=None, help="Calendar year (default: this)")
    parser.add_argument("--repeat", type=int, default=30, help="Dashboard runs")
    parser.add_argument("--recounts", type=int, default=3, help="Recount runs")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    province = province_get()
    if province is None:
        sys.exit("No province in this database; run bench/dossiers.py first.")
    now = timezone.now()
    year = args.year or timezone.localdate(now).year
    dossiers = Dossier.objects.count()
    transitions = DossierTransition.objects.count()
    units = ranked_units()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}   "
        f"dossiers: {dossiers:,}   transitions: {transitions:,}"
    )
    print(f"year {year}: {len(units)} departments and communes, and the province")

    def dashboard() -> tuple[ServiceIndex | None, list[Any]]:
        return service_index_dashboard(year=year, now=now)

    def recount() -> dict[int, ServiceIndex]:
        return service_index_recount(units=[province, *units], year=year, now=now)

    dashboard()  # warm the connection and the caches
    times, (overall, rows) = timed(dashboard, args.repeat)
    assert overall is not None
    # The dashboard's figures are those of the selectors other apps call.
    assert overall == service_index_get(unit=province, year=year, now=now)
    assert [r.index for r in rows] == [r.index for r in service_index_ranking(year=year, now=now)]
    # The reads alone (summary rows, counts of open dossiers, the overdue ones, feedback,
    # catalogue, figures entered by hand), without the index arithmetic.
    read_times, _read = timed(lambda: _counts([province, *units], Period(year), now), args.repeat)
    recount_times, recounted = timed(recount, args.recounts)

    shown = {row.unit.pk: row.index for row in rows}
    shown[province.pk] = overall
    equal = all(recounted[pk] == index for pk, index in shown.items())
    d50, d95 = pct(times, 0.5), pct(times, 0.95)
    r = statistics.median(recount_times)
    print(
        f"province: {overall.total} / 100   on time "
        f"{overall.indicator('on_time').numerator:,} of "
        f"{overall.indicator('on_time').denominator:,}   "
        f"best unit: {rows[0].unit.name} {rows[0].total}   worst: {rows[-1].unit.name} "
        f"{rows[-1].total}"
    )
    print(f"dashboard (summary rows), {args.repeat} runs: p50 {ms(d50)}   p95 {ms(d95)}")
    print(
        f"  of which the reads (summary rows, open and overdue dossiers, feedback, catalogue, "
        f"figures): p50 {ms(statistics.median(read_times))}"
    )
    print(f"raw recount, {args.recounts} runs: median {ms(r)}")
    print(f"ratio recount / dashboard p95: {r / d95:,.0f}x   (p50: {r / d50:,.0f}x; goal >= 100x)")
    print(f"equal results for all {len(shown)} units: {equal}")
    assert equal, [pk for pk, index in shown.items() if recounted[pk] != index]


if __name__ == "__main__":
    main()
