"""Benchmark: a province's year of dossiers, and the three reads that must not slow down as
they pile up.

Generates N dossiers (default 1,000,000, a large province's year; domain.md §13) with their
counted transitions and the matching daily summary rows, straight into the database with bulk
inserts, then measures:

(a) the public lookup by code and secret, against a trivial query on the same database;
(b) statistics from the summary rows against a recount of the dossiers: equal results, and
    the recount's time over the summary's (goal: at least 50x);
(c) a worklist's page 1 against page 1,000 by keyset (goal: a ratio near 1), with OFFSET
    paging for comparison.

The database is DATABASE_URL (PostgreSQL: postgres://...), or by default a SQLite file of its
own, data/bench-dossiers.sqlite3, never the development database. Only the benchmark's own
dossiers (procedures coded BENCH.*) are deleted; a database holding any other dossier is
refused. A second run with the same --count reuses the data (--fresh generates it again).

    python bench/dossiers.py --count 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench python bench/dossiers.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'bench-dossiers.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402

from congvu.dossiers.models import (  # noqa: E402
    NATIONAL_STATUS,
    Dossier,
    DossierDue,
    DossierMonthStat,
    DossierOpenStat,
    DossierStat,
    DossierTransition,
    DossierYearStat,
    Status,
    Timeliness,
)
from congvu.dossiers.selectors import dossier_public_answer  # noqa: E402
from congvu.dossiers.stats import (  # noqa: E402
    COUNTERS,
    dossier_month_stats_refresh,
    dossier_open_stats_refresh,
    dossier_stats,
    dossier_stats_recount,
)
from congvu.lib.workdays import classify  # noqa: E402
from congvu.organizations.models import Unit  # noqa: E402
from congvu.organizations.services import province_seed  # noqa: E402
from congvu.procedures.models import Field, Procedure, ProcedureVersion  # noqa: E402

PREFIX = "BENCH."
PAGE = 50
HOUR = 3600.0
ZONE = timezone.get_default_timezone()

# Final states, open ones, and those still at the desk, with their shares of a year's
# dossiers: at any moment only the last few weeks' dossiers are still open.
STATES: list[tuple[str, float]] = [
    (Status.RETURNED, 0.85),
    (Status.RESOLVED, 0.03),
    (Status.REFUSED, 0.03),
    (Status.STOPPED, 0.02),
    (Status.PROCESSING, 0.05),
    (Status.SUPPLEMENT, 0.006),
    (Status.AWAITING_PAYMENT, 0.003),
    (Status.WITHDRAWAL_REQUESTED, 0.001),
    (Status.SUBMITTED, 0.006),
    (Status.INTAKE_SUPPLEMENT, 0.004),
]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Seconds of each of `repeat` calls, and the last call's result."""
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
    return f"{seconds * 1000:.3f} ms"


# -- data ------------------------------------------------------------------------------------


def bench_versions(province: Unit) -> list[tuple[ProcedureVersion, list[Unit]]]:
    """Forty procedures of the benchmark: ten of departments, thirty of the communes, each with
    the units that may be competent for it."""
    field, _ = Field.objects.get_or_create(code="bench", defaults={"name": "Benchmark"})
    departments = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, parent=province))
    communes = list(Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, parent=province))
    chosen = []
    for number in range(40):
        code = f"{PREFIX}{number:03d}"
        provincial = number < 10
        procedure, _ = Procedure.objects.get_or_create(
            code=code, defaults={"name": f"Thủ tục thử {number}", "field": field}
        )
        version, _ = ProcedureVersion.objects.get_or_create(
            procedure=procedure,
            number=1,
            defaults={
                "name": procedure.name,
                "field": field,
                "level": "province" if provincial else "commune",
                "competent_kind": "unit" if provincial else "commune",
                "competent_unit": departments[number % len(departments)] if provincial else None,
                "processing_time": Decimal((1, 3, 5, 10, 15, 20)[number % 6]),
                "online_level": "full",
                "status": ProcedureVersion.Status.PUBLISHED,
                "valid_from": dt.date(2025, 7, 1),
            },
        )
        units = [version.competent_unit] if version.competent_unit else communes
        chosen.append((version, units))
    return chosen


def wipe() -> None:
    """Delete the benchmark's rows with plain SQL: a cascade through the ORM would load them."""
    pattern = [PREFIX + "%"]
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            "DELETE FROM dossiers_dossiertransition WHERE dossier_id IN ("
            " SELECT d.id FROM dossiers_dossier d"
            " JOIN procedures_procedureversion v ON v.id = d.procedure_version_id"
            " JOIN procedures_procedure p ON p.id = v.procedure_id WHERE p.code LIKE %s)",
            pattern,
        )
        cursor.execute(
            "DELETE FROM dossiers_dossier WHERE procedure_version_id IN ("
            " SELECT v.id FROM procedures_procedureversion v"
            " JOIN procedures_procedure p ON p.id = v.procedure_id WHERE p.code LIKE %s)",
            pattern,
        )
        for model in (DossierStat, DossierMonthStat, DossierYearStat, DossierOpenStat, DossierDue):
            model.objects.filter(procedure_version__procedure__code__startswith=PREFIX).delete()


def generate(n: int, rng: random.Random, now: dt.datetime) -> None:
    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE_COMMITTEE, parent=None).first()
    if province is None:
        province = province_seed(actor=None, province_name="Cao Bằng").province
    versions = bench_versions(province)
    rng.shuffle(versions)
    centre = Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("path").first()
    assert centre is not None
    commune_centres = {u.parent_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_CENTRE)}
    # A few procedures (civil status, certification) and the larger communes take most of
    # the dossiers, as they do in life: Zipf-like shares.
    version_weights = list(itertools.accumulate(1 / (i + 1) ** 1.1 for i in range(len(versions))))
    communes = max(len(units) for _, units in versions)
    commune_weights = list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(communes)))
    states = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    sequences: dict[tuple[str, dt.date], int] = defaultdict(int)
    stats: dict[tuple[int, int, dt.date], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(COUNTERS, 0)
    )
    final = (Status.RETURNED, Status.RESOLVED, Status.REFUSED, Status.STOPPED)
    # Decide every dossier first and insert them oldest first, so that, as in life, the
    # table's order follows time and the open dossiers sit together at its end.
    picks: list[tuple[float, str, int, int]] = []
    for _ in range(n):
        v = rng.choices(range(len(versions)), cum_weights=version_weights)[0]
        units = versions[v][1]
        c = 0 if len(units) == 1 else rng.choices(range(len(units)), cum_weights=commune_weights)[0]
        status = rng.choices(states, weights)[0]
        budget_days = float(versions[v][0].processing_time)
        if status in final:
            age_days = rng.uniform(0, 365)
        elif status in (Status.SUBMITTED, Status.INTAKE_SUPPLEMENT):
            age_days = rng.uniform(0, 3)
        else:
            # Received within about its processing time: a few are past their appointment.
            age_days = rng.uniform(0, budget_days * 7 / 5 * 1.15)
        picks.append((age_days * 86400 + rng.randrange(36000), status, v, c))
    picks.sort(reverse=True)
    chunk = 10_000
    made = 0
    started = time.perf_counter()
    while made < n:
        size = min(chunk, n - made)
        dossiers: list[Dossier] = []
        plans: list[list[tuple[str, dt.datetime]]] = []
        for age, status, v, c in picks[made : made + size]:
            version, units = versions[v]
            competent = units[c]
            received_unit = centre if version.competent_unit else commune_centres[competent.pk]
            submitted = now - dt.timedelta(seconds=age)
            day = timezone.localdate(submitted, ZONE)
            code_unit = received_unit.code or f"U{received_unit.pk:05d}"
            sequences[(code_unit, day)] += 1
            channel = rng.choices((1, 2, 3), (0.4, 0.55, 0.05))[0]
            budget_days = float(version.processing_time)
            d = Dossier(
                code=f"{code_unit}-{day:%y%m%d}-{sequences[(code_unit, day)]:04d}",
                secret=f"{rng.getrandbits(64):016x}",
                procedure_version=version,
                received_unit=received_unit,
                competent_unit=competent,
                current_unit=received_unit,
                channel=channel,
                status=status,
                national_status=NATIONAL_STATUS[status],
                applicant_name="Nông Văn An",
                applicant_id_number=f"004{rng.randrange(10**9):09d}",
                applicant_phone=f"09{rng.randrange(10**8):08d}",
                submitted_at=submitted,
                clock_budget_seconds=budget_days * 8 * HOUR,
            )
            plan: list[tuple[str, dt.datetime]] = [("submit", submitted)]
            if status in (Status.SUBMITTED, Status.INTAKE_SUPPLEMENT, Status.REFUSED):
                if status != Status.SUBMITTED and rng.random() < 0.5:
                    plan.append(("request_intake_supplement", submitted + dt.timedelta(hours=1)))
                if status == Status.REFUSED:
                    plan.append(("refuse_intake", submitted + dt.timedelta(hours=30)))
            else:
                received = submitted + dt.timedelta(minutes=rng.randrange(5, 600))
                d.received_at = received
                # Working days run at about five to seven calendar days.
                d.due_at = received + dt.timedelta(days=budget_days * 7 / 5)
                d.original_due_at = d.due_at
                plan.append(("receive", received))
                if status == Status.SUPPLEMENT or rng.random() < 0.05:
                    plan.append(("request_supplement", received + dt.timedelta(hours=20)))
                if status in (Status.RETURNED, Status.RESOLVED):
                    resolved = received + dt.timedelta(
                        days=budget_days * 1.4 * rng.uniform(0.2, 1.3)
                    )
                    resolved = min(resolved, now - dt.timedelta(minutes=5))
                    d.resolved_at = resolved
                    d.timeliness = classify(resolved, d.due_at)
                    d.clock_used_seconds = float(
                        int(budget_days * 8 * HOUR * rng.uniform(0.1, 1.2))
                    )
                    d.current_unit = received_unit
                    plan.append(("refuse" if rng.random() < 0.03 else "resolve", resolved))
                    if status == Status.RETURNED:
                        returned = min(resolved + dt.timedelta(hours=rng.uniform(1, 48)), now)
                        d.returned_at = returned
                        plan.append(("return_result", returned))
                elif status == Status.STOPPED:
                    plan.append(("request_withdrawal", received + dt.timedelta(hours=2)))
                    plan.append(("stop", received + dt.timedelta(hours=5)))
                else:
                    d.current_unit = competent
            dossiers.append(d)
            plans.append(plan)
        with transaction.atomic():
            Dossier.objects.bulk_create(dossiers, batch_size=2000)
            transitions = []
            for d, plan in zip(dossiers, plans, strict=True):
                for action, at in plan:
                    transitions.append(
                        DossierTransition(dossier_id=d.pk, action=action, to_status=d.status, at=at)
                    )
                    key = (
                        d.competent_unit_id,
                        d.procedure_version_id,
                        timezone.localdate(at, ZONE),
                    )
                    count(stats[key], action, d)
            DossierTransition.objects.bulk_create(transitions, batch_size=5000)
        made += size
        rate = made / (time.perf_counter() - started)
        print(f"  generated {made:,} dossiers ({rate:,.0f}/s)", end="\r", flush=True)
    print()
    DossierStat.objects.bulk_create(
        [
            DossierStat(unit_id=u, procedure_version_id=v, day=day, **counters)
            for (u, v, day), counters in stats.items()
        ],
        batch_size=5000,
    )
    dossier_month_stats_refresh()
    dossier_open_stats_refresh()
    with connection.cursor() as cursor:
        # Fresh planner statistics, and on PostgreSQL no dead rows of an earlier run left in
        # the indexes.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def count(counters: dict[str, float], action: str, d: Dossier) -> None:
    """Add one transition to a day's counters, as the services do."""
    if action == "receive":
        counters["received"] += 1
        field = {1: "received_in_person", 2: "received_online"}.get(d.channel, "received_postal")
        counters[field] += 1
    elif action in ("request_intake_supplement", "request_supplement"):
        counters["supplement_requested"] += 1
    elif action == "refuse_intake":
        counters["refused"] += 1
    elif action in ("resolve", "refuse"):
        counters[f"resolved_{d.timeliness or Timeliness.ON_TIME}"] += 1
        counters["processing_seconds"] += d.clock_used_seconds
    elif action == "stop":
        counters["withdrawn"] += 1
    elif action == "return_result":
        counters["returned"] += 1


def bench_dossiers() -> Any:
    return Dossier.objects.filter(procedure_version__procedure__code__startswith=PREFIX)


def prepare(n: int, now: dt.datetime, *, fresh: bool) -> None:
    if Dossier.objects.exclude(procedure_version__procedure__code__startswith=PREFIX).exists():
        sys.exit("This database holds dossiers that are not the benchmark's; refusing to run.")
    existing = bench_dossiers().count()
    if existing == n and not fresh:
        print(f"reusing {n:,} dossiers already generated")
        if not DossierMonthStat.objects.exists():
            dossier_month_stats_refresh()
        return
    if existing:
        print(f"removing {existing:,} dossiers of an earlier run")
        wipe()
    generate(n, random.Random(2026), now)


# -- measurements ----------------------------------------------------------------------------


def lookups(rng: random.Random, samples: int) -> None:
    span = Dossier.objects.aggregate(lo=Min("id"), hi=Max("id"))
    ids = [rng.randint(span["lo"], span["hi"]) for _ in range(samples * 2)]
    rows = list(Dossier.objects.filter(id__in=ids).values_list("id", "code", "secret"))
    rng.shuffle(rows)
    rows = rows[:samples]
    pairs = [(code, secret) for _pk, code, secret in rows]
    for code, secret in pairs[:50]:  # warm the caches and the connection
        dossier_public_answer(code=code, secret=secret)

    def trivial() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    found = 0
    times = []
    for code, secret in pairs:
        started = time.perf_counter()
        if dossier_public_answer(code=code, secret=secret) is not None:
            found += 1
        times.append(time.perf_counter() - started)
    floor, _ = timed(trivial, len(pairs))
    by_pk = []
    for pk, _code, _secret in rows:
        started = time.perf_counter()
        Dossier.objects.filter(pk=pk).first()
        by_pk.append(time.perf_counter() - started)
    assert found == len(pairs), "every lookup by code and secret must find its dossier"
    p50, f50 = pct(times, 0.5), pct(floor, 0.5)
    print(f"(a) public lookup (code + secret), {len(pairs):,} lookups")
    for label, values in [
        ("dossier_public_answer", times),
        ("trivial SELECT 1", floor),
        ("ORM get by primary key", by_pk),
    ]:
        print(
            f"    {label:<24}p50 {ms(pct(values, 0.5))}  p95 {ms(pct(values, 0.95))}  "
            f"{len(values) / sum(values):,.0f}/s"
        )
    print(f"    ratio lookup / trivial (p50): {p50 / f50:.1f}x")
    print(f"    ratio lookup / primary-key get (p50): {p50 / pct(by_pk, 0.5):.2f}x")


def stats(now: dt.datetime) -> None:
    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE_COMMITTEE, parent=None).first()
    assert province is not None
    today = timezone.localdate(now)
    # The indices report by calendar month, quarter and year: the last twelve whole months is
    # the period they ask for; a rolling 365 days is measured too.
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    year_start = (month_end.replace(day=1) - dt.timedelta(days=334)).replace(day=1)
    periods = {
        "12 whole months": (year_start, month_end),
        "rolling 365 days": (today - dt.timedelta(days=365), today),
    }
    cases: list[tuple[str, dict[str, Any]]] = [
        (f"province, {name}", {"unit": province, "period": period})
        for name, period in periods.items()
    ]
    dept = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, parent=province).first()
    version = ProcedureVersion.objects.filter(
        procedure__code__startswith=PREFIX, competent_unit=dept
    ).first()
    if dept is not None and version is not None:
        for name, period in periods.items():
            cases.append(
                (
                    f"one department and procedure, {name}",
                    {"unit": dept, "procedure": version.procedure, "period": period},
                )
            )
    print("(b) statistics: summary rows vs recount of the dossiers")
    for label, scope in cases:
        start, end = scope.pop("period")
        arguments = {**scope, "start": start, "end": end, "now": now}
        summary_times, summary = timed(lambda a=arguments: dossier_stats(**a), 7)  # type: ignore[misc]
        recount_times, recount = timed(lambda a=arguments: dossier_stats_recount(**a), 3)  # type: ignore[misc]
        s, r = statistics.median(summary_times), statistics.median(recount_times)
        print(
            f"    {label}: received {summary.received:,}, resolved {summary.resolved:,}, "
            f"in process {summary.in_process:,} ({summary.in_process_overdue:,} overdue)"
        )
        print(f"      equal results: {summary == recount}")
        print(
            f"      summary {ms(s)}   recount {ms(r)}   "
            f"ratio recount / summary: {r / s:.1f}x (goal >= 50x)"
        )
        assert summary == recount, (summary, recount)


def worklist() -> None:
    def rows(before: int | None) -> list[Dossier]:
        qs = Dossier.objects.select_related(
            "procedure_version__procedure", "received_unit", "competent_unit", "current_unit"
        ).order_by("-id")
        if before is not None:
            qs = qs.filter(id__lt=before)
        return list(qs[:PAGE])

    total = Dossier.objects.count()
    page = min(1000, max(1, total // PAGE))
    cursor_ids = list(
        Dossier.objects.order_by("-id").values_list("id", flat=True)[
            (page - 1) * PAGE - 1 : (page - 1) * PAGE
        ]
    )
    before = cursor_ids[0] if cursor_ids else None
    rows(None), rows(before)  # warm up

    first, _ = timed(lambda: rows(None), 30)
    later, last_rows = timed(lambda: rows(before), 30)

    def offset() -> list[Dossier]:
        qs = Dossier.objects.select_related(
            "procedure_version__procedure", "received_unit", "competent_unit", "current_unit"
        ).order_by("-id")
        return list(qs[(page - 1) * PAGE : page * PAGE])

    by_offset, offset_rows = timed(offset, 10)
    assert [d.pk for d in offset_rows] == [d.pk for d in last_rows]
    f, p, o = statistics.median(first), statistics.median(later), statistics.median(by_offset)
    print(f"(c) worklist, {PAGE} rows a page, newest first ({total:,} dossiers)")
    print(
        f"    keyset page 1 {ms(f)}   page {page:,} {ms(p)}   "
        f"ratio page {page:,} / page 1: {p / f:.2f}x (goal ~1)"
    )
    print(
        f"    OFFSET page {page:,} {ms(o)}   ratio OFFSET / keyset at page {page:,}: {o / p:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--fresh", action="store_true", help="Generate again even if present.")
    args = parser.parse_args()
    vendor = connection.vendor
    (ROOT / "data").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    now = timezone.now()
    prepare(args.count, now, fresh=args.fresh)
    print(f"dossiers: {bench_dossiers().count():,}   database: {vendor}")
    lookups(random.Random(1), args.lookups)
    stats(now)
    worklist()


if __name__ == "__main__":
    main()
