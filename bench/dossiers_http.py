"""Benchmark: the public lookup and online submission over HTTP, against the same server.

Run after `bench/dossiers.py` has filled the database (DATABASE_URL, PostgreSQL for the
figures that count). It starts one application server on 127.0.0.1, then measures:

(a) the public lookup `GET /api/v1/public/dossiers/<code>?secret=…` against a trivial view
    served by the same server, with the same number of concurrent clients: p50, p95 and
    requests per second, and the ratio lookup / trivial of requests per second (goal ≥ 0.5);
(b) online submission `POST /api/v1/dossiers/` by 16 concurrent clients: rate and errors
    (goal: 0 errors), every acknowledged dossier existing exactly once with a unique code.

The dossiers it submits are removed again afterwards, so bench/dossiers.py can reuse the data.
The server is the production one: gunicorn with deploy/gunicorn.conf.py (gthread workers,
persistent database connections). Each client keeps its connection open (keep-alive), and
every request comes from its own client address (X-Forwarded-For, as behind the province's
proxy), so the lookup's per-client rate limit stays as configured and is not what is measured.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_bench_1m python bench/dossiers_http.py
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'data' / 'bench-dossiers.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from congvu.accounts.models import User  # noqa: E402
from congvu.dossiers.models import Dossier, DossierCodeSequence  # noqa: E402
from congvu.organizations.models import Unit  # noqa: E402
from congvu.procedures.models import ProcedureVersion  # noqa: E402

PORT = 8106
MARKER = "BENCH-HTTP"


def start_server(workers: int, threads: int, cache_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUST_X_FORWARDED_FOR": "1",
        "DOSSIER_SUBMIT_RATE": "1000000/hour",
        # The cache every server process shares (rate limits): CACHE_URL if given (e.g. a
        # redis:// or unix:// Redis), else the settings' one-machine default, a directory.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL") or f"file://{cache_dir}",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    return server.start(env, PORT, "/bench/trivial/")


def address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


def request(
    method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    return server.request(PORT, method, path, body, headers)


def load(paths: list[str], clients: int, seconds: float) -> tuple[list[float], int, int]:
    """GET the paths round-robin from `clients` threads, each on one keep-alive connection,
    for `seconds`: latencies, ok, errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        i = offset
        mine: list[float] = []
        bad = 0
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)], headers={"X-Forwarded-For": address(i)})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            mine.append(time.perf_counter() - started)
            bad += status != 200
            i += clients
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies) - errors, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def lookups(clients: int, seconds: float) -> None:
    with connection.cursor() as cursor:
        # A sample spread over the whole table, without sorting a million rows to get it.
        cursor.execute(
            "SELECT code, secret FROM dossiers_dossier TABLESAMPLE SYSTEM (1) LIMIT 2000"
        )
        rows = list(cursor.fetchall())
    if not rows:
        sys.exit("No dossiers: run bench/dossiers.py first.")
    lookup_paths = [f"/api/v1/public/dossiers/{code}?secret={secret}" for code, secret in rows]
    load(["/bench/trivial/"], clients, 2.0)  # warm up every worker
    load(lookup_paths, clients, 2.0)
    trivial, t_ok, t_err = load(["/bench/trivial/"], clients, seconds)
    found, l_ok, l_err = load(lookup_paths, clients, seconds)
    t_rate, l_rate = t_ok / seconds, l_ok / seconds
    print(f"(a) HTTP, {clients} concurrent clients, {seconds:.0f} s each")
    print(
        f"    trivial view   p50 {pct(trivial, 0.5) * 1000:.2f} ms  "
        f"p95 {pct(trivial, 0.95) * 1000:.2f} ms  {t_rate:,.0f} req/s  errors {t_err}"
    )
    print(
        f"    public lookup  p50 {pct(found, 0.5) * 1000:.2f} ms  "
        f"p95 {pct(found, 0.95) * 1000:.2f} ms  {l_rate:,.0f} req/s  errors {l_err}"
    )
    print(f"    ratio lookup / trivial (req/s): {l_rate / t_rate:.2f} (goal >= 0.5)")


def submissions(clients: int, each: int) -> None:
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
    # bench/dossiers.py writes its dossiers in bulk, past the code counters; move today's
    # counters past the codes it used, as the services would have.
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
                agency_code=agency,
                day=today,
                defaults={"last": int(last.rsplit("-", 1)[1])},
            )
    user, _ = User.objects.get_or_create(username="bench-http-citizen")
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}", "Content-Type": "application/json"}
    acknowledged: list[str] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(n)
        for i in range(each):
            body = {
                "procedure": version.procedure.code,
                "channel": 2,
                "applicant": {
                    "name": f"{MARKER} {n}-{i}",
                    "id_number": f"0040{rng.randrange(10**8):08d}",
                    "phone": f"09{rng.randrange(10**8):08d}",
                },
            }
            status, content = request(
                "POST",
                "/api/v1/dossiers/",
                json.dumps(body).encode(),
                {**headers, "X-Forwarded-For": address(n * 1000 + i)},
            )
            with lock:
                if status == 201:
                    acknowledged.append(json.loads(content)["code"])
                else:
                    failures.append(status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stored = Dossier.objects.filter(applicant_name__startswith=MARKER)
    codes = list(stored.values_list("code", flat=True))
    print(f"(b) submissions, {clients} concurrent clients x {each}")
    print(
        f"    {len(acknowledged)} acknowledged in {elapsed:.2f} s "
        f"({len(acknowledged) / elapsed:,.1f}/s), errors {len(failures)} {sorted(set(failures))}"
    )
    print(
        f"    stored {len(codes)}, unique codes {len(set(codes))}, every acknowledged stored "
        f"once: {sorted(acknowledged) == sorted(codes)}"
    )


def clean_up() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        like = [MARKER + "%"]
        cursor.execute(
            "DELETE FROM dossiers_dossiertransition WHERE dossier_id IN "
            "(SELECT id FROM dossiers_dossier WHERE applicant_name LIKE %s)",
            like,
        )
        cursor.execute("DELETE FROM dossiers_dossier WHERE applicant_name LIKE %s", like)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="Concurrent clients for lookups.")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--each", type=int, default=25, help="Submissions per client.")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes.")
    parser.add_argument("--threads", type=int, default=2, help="Threads per worker.")
    args = parser.parse_args()
    print(f"dossiers: {Dossier.objects.count():,}   database: {connection.vendor}")
    print(f"server: gunicorn, {args.workers} workers x {args.threads} threads")
    clean_up()
    cache_dir = tempfile.mkdtemp(prefix="congvu-http-cache-")
    gunicorn = start_server(args.workers, args.threads, cache_dir)
    try:
        lookups(args.clients, args.seconds)
        submissions(16, args.each)
    finally:
        server.stop(gunicorn)
        shutil.rmtree(cache_dir, ignore_errors=True)
        clean_up()
        connection.close()


if __name__ == "__main__":
    main()
