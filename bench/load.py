"""Load benchmark: a realistic mix of requests against the production server on loopback.

Run after `bench/dossiers.py` has filled a PostgreSQL database with 1,000,000 dossiers:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench_1m python bench/load.py

It starts gunicorn with deploy/gunicorn.conf.py (gthread workers, persistent connections) on
127.0.0.1, sets up what the mix needs (officials with their login sessions, citizens with API
tokens, a provincial office user for the dashboards), then drives, from `--clients` threads
with keep-alive connections:

- 60 % public: dossier lookups (API and page) of existing codes, the portal's home, the
  procedure catalogue and a search in it;
- 25 % officials working their worklists (the tabs of /dossiers/work/), logged in;
- 10 % online submissions through the API with a token;
- 5 % dashboards (the directives board, the indices dashboard, the portal's dashboards page).

Every simulated request comes from its own client address (X-Forwarded-For, as behind the
province's proxy) so the per-client rate limits stay as configured and are not what is
measured. Before the mix, a trivial view is measured under the same server and clients, and
the public lookup alone, so the figures can be judged against the server's floor. Prints, per
kind: requests, req/s, p50/p95/p99 and errors; overall req/s; the ratios. The dossiers it
submits are deleted afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("CACHE_URL", "locmem://")
if "DATABASE_URL" not in os.environ:
    sys.exit("Set DATABASE_URL to the PostgreSQL database bench/dossiers.py filled.")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from congvu.accounts.models import User  # noqa: E402
from congvu.accounts.roles import Role  # noqa: E402
from congvu.dossiers.models import Dossier, DossierCodeSequence  # noqa: E402
from congvu.organizations.models import Official, Position, Unit  # noqa: E402
from congvu.procedures.models import ProcedureVersion  # noqa: E402

PORT = 8107
MARKER = "BENCH-LOAD"
PREFIX = "bench-load-"
TABS = ("inbox", "assigned", "due_soon", "overdue", "waiting", "to_receive")
# Share of each kind in the mix (the 60/25/10/5), the public part split evenly
# between looking up dossiers and reading the portal.
MIX = {
    "lookup_api": 0.15,
    "lookup_page": 0.15,
    "home": 0.10,
    "catalogue": 0.10,
    "search": 0.10,
    "worklist": 0.25,
    "submit": 0.10,
    "dashboard": 0.05,
}
SEARCH_WORDS = ("cấp", "giấy", "đăng ký", "hộ tịch", "đất", "xây dựng", "kinh doanh", "lý lịch")


# -- the server ------------------------------------------------------------------------------


def server_start(workers: int, threads: int, cache_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Behind the province's proxy every citizen has an address of their own.
        "TRUST_X_FORWARDED_FOR": "1",
        # The cache every server process shares (rate limits, sessions' throttles): BENCH_CACHE_URL
        # if given (a redis:// or unix:// Redis), else the settings' one-machine default, a
        # directory of this run.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL") or f"file://{cache_dir}",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    return server.start(env, PORT, "/bench/trivial/")


# -- what the mix needs ----------------------------------------------------------------------


@dataclass
class World:
    lookups: list[tuple[str, str]]
    procedures: list[str]
    officials: list[str]  # session keys
    citizens: list[str]  # API tokens
    office: str  # session key of a provincial office user
    submit_procedure: str


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def bench_user(name: str, role: Role) -> User:
    user, created = User.objects.get_or_create(username=f"{PREFIX}{name}")
    if created:
        user.set_password(None)
        user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def prepare(rng: random.Random, officials: int, citizens: int) -> World:
    """Officials at the units holding the most dossiers, citizens, a provincial office user,
    and samples of existing dossier codes and procedure codes."""
    with connection.cursor() as cursor:
        # A sample spread over the whole table, not its first pages.
        cursor.execute(
            "SELECT code, secret FROM dossiers_dossier TABLESAMPLE SYSTEM (1) LIMIT 5000"
        )
        lookups = list(cursor.fetchall())
        cursor.execute(
            "SELECT current_unit_id FROM dossiers_dossier TABLESAMPLE SYSTEM (1) "
            "WHERE current_unit_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT %s",
            [officials],
        )
        units = [row[0] for row in cursor.fetchall()]
    if not lookups:
        sys.exit("No dossiers: run bench/dossiers.py first.")
    procedures = list(
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .values_list("procedure__code", flat=True)
        .distinct()[:500]
    )
    official_sessions = []
    for n, unit_id in enumerate(units):
        user = bench_user(f"official-{n}", Role.SPECIALIST)
        unit = Unit.objects.get(pk=unit_id)
        official, _ = Official.objects.get_or_create(
            user=user, defaults={"full_name": f"Cán bộ {n}", "unit": unit}
        )
        Position.objects.get_or_create(official=official, unit=unit, kind=Position.Kind.SPECIALIST)
        official_sessions.append(session_for(user))
    tokens = []
    for n in range(citizens):
        user = bench_user(f"citizen-{n}", Role.CITIZEN)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    office = session_for(bench_user("office", Role.PROVINCIAL_OFFICE))
    version = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, competent_kind="unit"
        )
        .exclude(online_level="none")
        .select_related("procedure")
        .first()
    )
    if version is None:
        sys.exit("No published online procedure with a competent unit.")
    counters_past_bulk_codes()
    rng.shuffle(lookups)
    return World(
        lookups=lookups,
        procedures=procedures,
        officials=official_sessions,
        citizens=tokens,
        office=office,
        submit_procedure=version.procedure.code,
    )


def counters_past_bulk_codes() -> None:
    """bench/dossiers.py writes its dossiers in bulk, past the code counters; move today's
    counters past the codes it used, as the services would have."""
    today = timezone.localdate()
    for agency in Unit.objects.exclude(code=None).values_list("code", flat=True):
        prefix = f"{agency}-{today:%y%m%d}-"
        last = (
            Dossier.objects.filter(code__startswith=prefix)
            .order_by("-code")
            .values_list("code", flat=True)
            .first()
        )
        if last:
            DossierCodeSequence.objects.update_or_create(
                agency_code=agency, day=today, defaults={"last": int(last.rsplit("-", 1)[1])}
            )


def clean_up() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        like = [MARKER + "%"]
        for table in ("dossiers_dossiertransition", "dossiers_dossierdocument"):
            cursor.execute(
                f"DELETE FROM {table} WHERE dossier_id IN "  # noqa: S608
                "(SELECT id FROM dossiers_dossier WHERE applicant_name LIKE %s)",
                like,
            )
        cursor.execute("DELETE FROM dossiers_dossier WHERE applicant_name LIKE %s", like)


# -- the clients -----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def add(self, other: Tally) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind].extend(values)
        for kind, n in other.errors.items():
            self.errors[kind] += n
        for kind, counts in other.statuses.items():
            for status, n in counts.items():
                self.statuses[kind][status] += n


def build(
    kind: str, world: World, rng: random.Random, n: int
) -> tuple[str, str, bytes | None, dict[str, str]]:
    """One request of `kind`: method, path, body and headers."""
    headers = {
        "X-Forwarded-For": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    }
    if kind == "trivial":
        return "GET", "/bench/trivial/", None, headers
    if kind == "lookup_api":
        code, secret = world.lookups[n % len(world.lookups)]
        return "GET", f"/api/v1/public/dossiers/{code}?secret={secret}", None, headers
    if kind == "lookup_page":
        code, secret = world.lookups[n % len(world.lookups)]
        return "GET", f"/dossiers/lookup/?code={code}&secret={secret}", None, headers
    if kind == "home":
        return "GET", "/", None, headers
    if kind == "catalogue":
        page = rng.randrange(1, 6)
        return "GET", f"/procedures/?page={page}", None, headers
    if kind == "search":
        from urllib.parse import quote

        return "GET", f"/procedures/?q={quote(rng.choice(SEARCH_WORDS))}", None, headers
    if kind == "worklist":
        headers["Cookie"] = f"sessionid={rng.choice(world.officials)}"
        return "GET", f"/dossiers/work/?tab={rng.choice(TABS)}", None, headers
    if kind == "submit":
        body = {
            "procedure": world.submit_procedure,
            "channel": 2,
            "applicant": {
                "name": f"{MARKER} {n}",
                "id_number": f"0040{rng.randrange(10**8):08d}",
                "phone": f"09{rng.randrange(10**8):08d}",
            },
        }
        headers.update(
            {
                "Authorization": f"Token {rng.choice(world.citizens)}",
                "Content-Type": "application/json",
            }
        )
        return "POST", "/api/v1/dossiers/", json.dumps(body).encode(), headers
    if kind == "dashboard":
        headers["Cookie"] = f"sessionid={world.office}"
        return "GET", rng.choice(("/tasks/board/", "/indices/", "/dashboards/")), None, headers
    raise ValueError(kind)


def drive(
    kinds: dict[str, float], world: World, clients: int, seconds: float
) -> tuple[Tally, float]:
    """`clients` threads, each on one keep-alive connection, send requests drawn from
    `kinds` for `seconds`."""
    total = Tally()
    lock = threading.Lock()
    names, weights = list(kinds), list(kinds.values())
    start = time.perf_counter()
    stop = start + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        mine = Tally()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        n = index
        while time.perf_counter() < stop:
            kind = rng.choices(names, weights)[0]
            method, path, body, headers = build(kind, world, rng, n)
            n += clients
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            mine.latencies[kind].append(time.perf_counter() - started)
            mine.statuses[kind][status] += 1
            expected = 201 if kind == "submit" else 200
            if status != expected:
                mine.errors[kind] += 1
        conn.close()
        with lock:
            total.add(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total, time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(title: str, tally: Tally, elapsed: float) -> float:
    print(title)
    print(
        f"  {'kind':<12} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    count = 0
    for kind in sorted(tally.latencies, key=lambda k: -len(tally.latencies[k])):
        values = tally.latencies[kind]
        count += len(values)
        print(
            f"  {kind:<12} {len(values):>9,} {len(values) / elapsed:>8,.1f} "
            f"{pct(values, 0.50):>8.1f} {pct(values, 0.95):>8.1f} {pct(values, 0.99):>8.1f} "
            f"{tally.errors.get(kind, 0):>7}"
        )
        bad = {s: n for s, n in tally.statuses[kind].items() if s not in (200, 201)}
        if bad:
            print(f"  {'':<12} statuses other than success: {dict(bad)}")
    errors = sum(tally.errors.values())
    rate = (count - errors) / elapsed
    print(
        f"  all          {count:>9,} {count / elapsed:>8,.1f}   successful {rate:,.1f}/s, "
        f"errors {errors}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of the mixed run.")
    parser.add_argument("--floor-seconds", type=float, default=15.0, help="Trivial/lookup runs.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes.")
    parser.add_argument("--threads", type=int, default=2, help="Threads per worker.")
    parser.add_argument("--officials", type=int, default=20)
    parser.add_argument("--citizens", type=int, default=50)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The figures that count are on PostgreSQL: set DATABASE_URL to it.")
    print(
        f"dossiers: {Dossier.objects.count():,}   database: {connection.vendor}   "
        f"cores: {os.cpu_count()}   server: gunicorn {args.workers} workers x {args.threads} "
        f"threads   clients: {args.clients}"
    )
    clean_up()
    world = prepare(random.Random(2026), args.officials, args.citizens)
    connection.close()
    cache_dir = Path(tempfile.mkdtemp(prefix="congvu-load-cache-"))
    gunicorn = server_start(args.workers, args.threads, cache_dir)
    try:
        drive({"trivial": 1.0}, world, args.clients, 3.0)  # warm up every worker
        drive({"lookup_api": 1.0, "lookup_page": 1.0}, world, args.clients, 3.0)
        trivial, elapsed = drive({"trivial": 1.0}, world, args.clients, args.floor_seconds)
        floor = report("trivial view (the server's floor)", trivial, elapsed)
        found, elapsed = drive({"lookup_api": 1.0}, world, args.clients, args.floor_seconds)
        lookup = report("public lookup alone (API)", found, elapsed)
        print(f"  ratio lookup / trivial (req/s): {lookup / floor:.2f} (goal >= 0.5)")
        mixed, elapsed = drive(MIX, world, args.clients, args.seconds)
        overall = report(
            f"the mix for {args.seconds:.0f} s (60 % public, 25 % worklists, 10 % submissions, "
            "5 % dashboards)",
            mixed,
            elapsed,
        )
        print(f"  ratio mix / trivial (req/s): {overall / floor:.2f}")
    finally:
        server.stop(gunicorn)
        shutil.rmtree(cache_dir, ignore_errors=True)
        clean_up()
        connection.close()


if __name__ == "__main__":
    main()
