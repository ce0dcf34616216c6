"""Reliability proofs at full size: the same scenarios as tests/reliability, bigger.

1. Task workers: 10,000 queued jobs processed by two, then by four `manage.py worker`
   processes; every job must run exactly once and every result be SUCCESSFUL.
2. A worker killed with SIGKILL in the middle of a job: `tasks_recover` puts the job back and
   a new worker completes it once.
3. PostgreSQL restarted (stopped fast, started again) while 16 clients submit dossiers through
   gunicorn for a minute: errors during the outage, successes afterwards, and every
   acknowledged dossier stored exactly once, whole, with a unique code.

Everything runs in a private PostgreSQL cluster this script creates in a temporary directory
with the Debian server binaries (never the shared server) and deletes at the end, so it needs
`postgresql-15` installed, but no DATABASE_URL. Run as root or as any user; PostgreSQL itself
runs as the postgres account.

    python bench/reliability.py                 # all of it
    python bench/reliability.py --jobs 2000 --restart-seconds 20   # smaller
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.support import (  # noqa: E402
    HTTP_PORTS,
    Cluster,
    enqueue_one,
    free_port,
    manage,
    private_cluster,
    seed_submissions,
    server_start,
    server_stop,
    submit_through_restart,
    wait_for,
    worker_start,
    workers_exactly_once,
)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["CACHE_URL"] = "locmem://"
    import django

    django.setup()


def workers(url: str, jobs: int) -> bool:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from tests.reliability import jobs as job_module

    ok = True
    for count in (2, 4):
        job_module.tables_drop()
        DBTaskResult.objects.all().delete()
        report = workers_exactly_once(url, jobs=jobs, workers=count, prefix=f"w{count}")
        print("\n".join(report.lines()))
        ok = ok and report.exactly_once
    connection.close()
    return ok


def killed_worker(url: str, base: Path) -> bool:
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from tests.reliability import jobs as job_module

    job_module.tables_drop()
    job_module.tables_create()
    gate = base / "gate"
    job = enqueue_one("tests.reliability.jobs.hold", key="held", gate=str(gate))

    def count(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE key = 'held'")  # noqa: S608
            return int(cursor.fetchone()[0])

    doomed = worker_start(url, "doomed", batch=False)
    wait_for(lambda: count("reliability_attempt") == 1, 60, "the job to start")
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    stuck = DBTaskResult.objects.get(pk=job).status
    call_command("tasks_recover", "--worker", "doomed")
    gate.touch()
    survivor = worker_start(url, "survivor", batch=True)
    survivor.wait(120)
    row = DBTaskResult.objects.get(pk=job)
    ok = (
        stuck == "RUNNING"
        and row.status == "SUCCESSFUL"
        and row.worker_ids == ["doomed", "survivor"]
        and count("reliability_run") == 1
        and count("reliability_effect") == 1
    )
    print(
        f"killed worker: left {stuck}, after recovery {row.status} by {row.worker_ids}, "
        f"attempts {count('reliability_attempt')}, runs {count('reliability_run')}, "
        f"effects {count('reliability_effect')}: completed once: {ok}"
    )
    return ok


def restart(cluster: Cluster, url: str, seconds: float, base: Path) -> bool:
    seed = seed_submissions(url)
    port = free_port(HTTP_PORTS)
    server = server_start(
        url, port, workers=3, threads=4, log=base / "server.log", DOSSIER_SUBMIT_RATE="1000000/min"
    )
    try:
        report = submit_through_restart(
            cluster, port, seed, clients=16, seconds=seconds, down_at=seconds / 3, down_for=5.0
        )
    finally:
        server_stop(server)
    print("\n".join(report.lines()))
    return report.holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--restart-seconds", type=float, default=60.0)
    args = parser.parse_args()
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="congvu-reliability-"))
    with private_cluster() as cluster:
        cluster.sql("CREATE DATABASE congvu")
        url = cluster.url("congvu")
        print(f"private cluster on port {cluster.port}; migrating ...")
        manage(url, "migrate", "--noinput", "-v", "0", timeout=1800)
        setup_django(url)
        results = {
            "workers": workers(url, args.jobs),
            "killed worker": killed_worker(url, base),
        }
        from django.db import connection

        connection.close()
        results["restart"] = restart(cluster, url, args.restart_seconds, base)
    print(f"\nall done in {time.monotonic() - started:.0f} s: {results}")
    if not all(results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
