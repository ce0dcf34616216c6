"""Machinery of the reliability proofs, shared by the quick tests and bench/reliability.py.

- real `manage.py db_worker` processes against a database, and the jobs they run;
- a private PostgreSQL cluster (and a streaming replica of it) made with the Debian binaries
  in a temporary directory, so that restarting it never touches the shared server;
- the production HTTP server (gunicorn) in front of a database, and clients that talk to it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Ports set aside for these proofs; any free port will do when they are all taken.
CLUSTER_PORTS = range(5440, 5450)
HTTP_PORTS = range(8106, 8110)


# -- processes and ports ---------------------------------------------------------------------


def wait_for(check: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def free_port(preferred: Sequence[int]) -> int:
    """The first port of `preferred` nobody listens on, else one the kernel picks."""
    for port in [*preferred, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError("no free port")


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an application process (worker, server) as production runs it:
    the database backend for tasks, not the test suite's immediate one."""
    env = {k: v for k, v in os.environ.items() if k not in {"CONGVU_TESTING"}}
    env.update(
        DJANGO_SETTINGS_MODULE="congvu.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="reliability-proofs-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # Each process its own cache unless a proof shares one: rate limits must not
        # carry over between runs through a file left behind.
        CACHE_URL="locmem://",
    )
    env.update(extra)
    return env


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def manage(database_url: str, *args: str, timeout: float = 300, **env: str) -> str:
    """Run a management command against `database_url`; its output."""
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=app_env(database_url, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# -- workers ---------------------------------------------------------------------------------


def enqueue(keys: Sequence[str], *, task_path: str = "tests.reliability.jobs.record") -> None:
    """Queue one job per key as `Task.enqueue` on the database backend does, in bulk."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.bulk_create(
        [
            DBTaskResult(
                args_kwargs={"args": [], "kwargs": {"key": key}},
                task_path=task_path,
                backend_name="default",
                queue_name="default",
                run_after=get_date_max(),
            )
            for key in keys
        ],
        batch_size=1000,
    )


def enqueue_one(task_path: str, **kwargs: Any) -> str:
    from django_tasks_db.models import DBTaskResult, get_date_max

    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": kwargs},
        task_path=task_path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )
    return str(row.pk)


def worker_start(
    database_url: str, worker_id: str, *, batch: bool = True, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """One task worker process, as production runs it (`manage.py worker`: db_worker with a
    heartbeat). In batch mode it exits once the queue is empty."""
    args = [
        PYTHON,
        "manage.py",
        "worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
        "--worker-id",
        worker_id,
        "-v",
        "0",
    ]
    if batch:
        args.append("--batch")
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=app_env(database_url), stdout=out, stderr=out
        )
    finally:
        if log and not isinstance(out, int):
            out.close()


@dataclass
class WorkersReport:
    jobs: int
    workers: int
    seconds: float
    runs: int
    distinct_keys: int
    effects: int
    statuses: dict[str, int]
    claims_per_job: dict[int, int]
    per_worker: dict[str, int]

    @property
    def exactly_once(self) -> bool:
        return (
            self.runs == self.jobs
            and self.distinct_keys == self.jobs
            and self.effects == self.jobs
            and self.statuses == {"SUCCESSFUL": self.jobs}
            and self.claims_per_job == {1: self.jobs}
        )

    def lines(self) -> list[str]:
        return [
            f"{self.jobs:,} jobs, {self.workers} workers: {self.seconds:.1f} s "
            f"({self.jobs / self.seconds:,.0f} jobs/s)",
            f"  runs {self.runs:,}, distinct jobs run {self.distinct_keys:,}, effects "
            f"{self.effects:,}, results {self.statuses}, claims per job {self.claims_per_job}",
            f"  jobs per worker {self.per_worker}",
            f"  each job exactly once: {self.exactly_once}",
        ]


def workers_exactly_once(
    database_url: str, *, jobs: int, workers: int, timeout: float = 600, prefix: str = "j"
) -> WorkersReport:
    """Queue `jobs` jobs, run `workers` worker processes until the queue is empty, and count
    what ran: every run is logged, so a job run twice would show."""
    from collections import Counter

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from tests.reliability import jobs as job_module

    job_module.tables_create()
    keys = [f"{prefix}{n:06d}" for n in range(jobs)]
    enqueue(keys)
    started = time.monotonic()
    names = [f"{prefix}-w{n}-{uuid.uuid4().hex[:8]}" for n in range(workers)]
    processes = {name: worker_start(database_url, name) for name in names}
    try:
        for process in processes.values():
            process.wait(timeout)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT key) FROM reliability_run")
        runs, distinct = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM reliability_effect")
        (effects,) = cursor.fetchone()
    results = DBTaskResult.objects.filter(task_path="tests.reliability.jobs.record")
    statuses = Counter(results.values_list("status", flat=True))
    claimed = list(results.values_list("worker_ids", flat=True))
    claims = Counter(len(w) for w in claimed)
    per_worker = Counter(w[-1] for w in claimed if w)
    return WorkersReport(
        jobs=jobs,
        workers=workers,
        seconds=seconds,
        runs=runs,
        distinct_keys=distinct,
        effects=effects,
        statuses=dict(statuses),
        claims_per_job=dict(claims),
        per_worker=dict(sorted(per_worker.items())),
    )


# -- a private PostgreSQL cluster ------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Where initdb, pg_ctl and pg_basebackup are (Debian keeps them out of PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.insert(0, Path(found).parent)
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return candidate
    return None


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres account then."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--"]
    return ["su", "postgres", "-s", "/bin/sh", "-c"]  # pragma: no cover


@dataclass
class Cluster:
    """A PostgreSQL cluster of our own: its data directory, socket directory and port live in
    a temporary directory that `destroy` removes."""

    bindir: Path
    base: Path
    port: int
    name: str = "primary"
    data: Path = field(init=False)
    standbys: list[Cluster] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data = self.base / self.name

    @property
    def log(self) -> Path:
        return self.base / f"{self.name}.log"

    def _run(self, tool: str, *args: str, timeout: float = 120) -> str:
        command = [*_as_postgres(), str(self.bindir / tool), *args]
        if command[:1] == ["su"]:  # pragma: no cover
            command = [*command[:5], " ".join([str(self.bindir / tool), *args])]
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{tool} {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done.stdout

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._configure()

    def _configure(self) -> None:
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.base}'",
            # A test cluster: durability against power loss is not what is proven here
            # (a fast restart writes a checkpoint either way).
            "fsync": "off",
            "full_page_writes": "off",
            "shared_buffers": "32MB",
            "max_connections": "100",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "hot_standby": "on",
            "logging_collector": "off",
        }
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "restart")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def sql(self, query: str, params: Sequence[Any] = (), database: str = "postgres") -> Any:
        """Run one statement on this cluster; the rows it returns, if any."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def standby(self, name: str, port: int) -> Cluster:
        """A streaming replica of this cluster, made by pg_basebackup and started."""
        replica = Cluster(self.bindir, self.base, port, name)
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            timeout=300,
        )
        with (replica.data / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {port}\n")
        self.standbys.append(replica)
        replica.start()
        return replica


def database_copy(bindir: Path, source_url: str, target_url: str) -> None:
    """Copy a migrated database (schema and the rows migrations wrote) into an empty one:
    much quicker than migrating it again."""
    dump = subprocess.Popen(  # noqa: S603
        [str(bindir / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
        stdout=subprocess.PIPE,
    )
    done = subprocess.run(  # noqa: S603
        [str(bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target_url],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if dump.stdout:
        dump.stdout.close()
    if dump.wait(60) or done.returncode:
        raise RuntimeError(f"copying the database failed: {done.stderr}")


@contextlib.contextmanager
def private_cluster(base: Path | None = None) -> Iterator[Cluster]:
    """A started cluster, stopped and deleted on the way out whatever happened."""
    bindir = postgres_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="congvu-pg-", dir=base))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    os.chmod(root, 0o700)
    cluster = Cluster(bindir, root, free_port(CLUSTER_PORTS))
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        for each in [*cluster.standbys, cluster]:
            with contextlib.suppress(Exception):
                if each.running():
                    each.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


# -- the HTTP server -------------------------------------------------------------------------


_STATIC_COLLECTED: set[str] = set()


def _static_collect(database_url: str, settings: str) -> None:
    # Production settings serve hashed static names from a manifest that only collectstatic
    # writes (as `make serve` does); a clean checkout has none, and every page would be a 500.
    if settings in _STATIC_COLLECTED:
        return
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=app_env(database_url, DJANGO_SETTINGS_MODULE=settings),
        check=True,
        timeout=300,
    )
    _STATIC_COLLECTED.add(settings)


def server_start(
    database_url: str,
    port: int,
    *,
    workers: int = 2,
    threads: int = 8,
    log: Path | None = None,
    settings: str = "congvu.settings",
    **env: str,
) -> subprocess.Popen[bytes]:
    """The production server (gunicorn with deploy/gunicorn.conf.py: gthread workers,
    persistent database connections) serving the application on 127.0.0.1:`port`."""
    _static_collect(database_url, settings)
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        server = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--graceful-timeout",
                "5",
                "congvu.wsgi:application",
            ],
            cwd=ROOT,
            env=app_env(
                database_url,
                DJANGO_SETTINGS_MODULE=settings,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_WORKERS=str(workers),
                GUNICORN_THREADS=str(threads),
                **env,
            ),
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    finally:
        if log and not isinstance(out, int):
            out.close()

    def up() -> bool:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            return request(port, "GET", "/api/v1/")[0] < 500
        except OSError:
            return False

    try:
        wait_for(up, 60, "the HTTP server", step=0.2)
    except BaseException:
        server_stop(server)
        raise
    return server


def server_stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        # SIGINT: gunicorn's quick shutdown, without waiting for idle keep-alive clients.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# -- dossiers over HTTP while the database restarts -------------------------------------------

MARKER = "RELIAB"


@dataclass
class Attempt:
    at: float
    client: int
    key: str
    status: int  # 0: no HTTP answer at all
    code: str = ""


@dataclass
class RestartReport:
    clients: int
    seconds: float
    outage: tuple[float, float]
    attempts: list[Attempt]
    acknowledged: dict[str, str]  # idempotency key -> code
    stored: int
    unique_codes: int
    duplicates_per_key: int
    missing: list[str]
    half_written: list[str]
    errors_during: int
    ok_after: int
    errors_after_recovery: int

    @property
    def errors(self) -> int:
        return sum(1 for a in self.attempts if a.status != 201)

    @property
    def holds(self) -> bool:
        return (
            self.errors_during > 0
            and self.ok_after > 0
            and not self.missing
            and not self.half_written
            and self.stored == len(self.acknowledged) == self.unique_codes
            and self.duplicates_per_key == 0
            and self.errors_after_recovery == 0
        )

    def lines(self) -> list[str]:
        down, up = self.outage
        return [
            f"{self.clients} clients for {self.seconds:.1f} s; database down from {down:.1f} s "
            f"to {up:.1f} s",
            f"  requests {len(self.attempts):,}: acknowledged {len(self.acknowledged):,}, "
            f"errors {self.errors:,} (during the outage {self.errors_during:,}, after "
            f"recovery {self.errors_after_recovery:,}), successes after {self.ok_after:,}",
            f"  stored {self.stored:,}, unique codes {self.unique_codes:,}, acknowledged but "
            f"missing {len(self.missing)}, half-written {len(self.half_written)}",
            f"  holds: {self.holds}",
        ]


SEED = """
import django
django.setup()
import json
from decimal import Decimal
import datetime as dt
from rest_framework.authtoken.models import Token
from congvu.accounts.models import User
from congvu.organizations.models import Unit
from congvu.procedures.models import Field, Procedure, ProcedureVersion

def unit(kind, name, code, parent=None):
    u, _ = Unit.objects.get_or_create(code=code, defaults={"kind": kind, "name": name,
                                                             "parent": parent})
    u.path = (parent.path if parent else "/") + f"{u.pk}/"
    u.save(update_fields=["path"])
    return u

province = unit(Unit.Kind.PROVINCE_COMMITTEE, "UBND tỉnh", "000.00.00.H12")
office = unit(Unit.Kind.OFFICE, "Văn phòng UBND tỉnh", "000.00.01.H12", province)
unit(Unit.Kind.SERVICE_CENTRE, "Trung tâm PVHCC tỉnh", "000.01.01.H12", office)
dept = unit(Unit.Kind.DEPARTMENT, "Sở Tư pháp", "000.00.10.H12", province)
field, _ = Field.objects.get_or_create(code="TP", defaults={"name": "Lý lịch tư pháp"})
procedure, _ = Procedure.objects.get_or_create(
    code="1.000001", defaults={"name": "Cấp Phiếu lý lịch tư pháp", "field": field})
ProcedureVersion.objects.get_or_create(procedure=procedure, defaults=dict(
    name=procedure.name, field=field, level=ProcedureVersion.Level.PROVINCE,
    competent_unit=dept, processing_time=Decimal(5), online_level="full",
    status=ProcedureVersion.Status.PUBLISHED, valid_from=dt.date(2025, 7, 1)))
user, _ = User.objects.get_or_create(username="reliab-citizen")
token, _ = Token.objects.get_or_create(user=user)
print(json.dumps({"token": token.key, "procedure": procedure.code}))
"""


def seed_submissions(database_url: str) -> dict[str, str]:
    """What online submission needs on an empty database: a published procedure of a
    department, the service centre that receives it, and a citizen with an API token."""
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", SEED],
        cwd=ROOT,
        env=app_env(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"seeding failed:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def submit_through_restart(
    cluster: Cluster,
    port: int,
    seed: dict[str, str],
    *,
    clients: int = 16,
    seconds: float = 8.0,
    down_at: float = 2.5,
    down_for: float = 2.0,
    database: str = "congvu",
) -> RestartReport:
    """`clients` threads submit dossiers through the HTTP server for `seconds`; at `down_at`
    the database is stopped (fast: open transactions are cut off) and started again after
    `down_for` seconds. A client retries a submission that got no 201 with the same
    Idempotency-Key until it is acknowledged, as a careful client does."""
    import random
    import threading

    headers = {"Authorization": f"Token {seed['token']}", "Content-Type": "application/json"}
    attempts: list[Attempt] = []
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        mine: list[Attempt] = []
        acks: dict[str, str] = {}
        i = 0
        while True:
            i += 1
            key = f"{MARKER}-{n}-{i}-{uuid.uuid4().hex[:8]}"
            body = json.dumps(
                {
                    "procedure": seed["procedure"],
                    "channel": 2,
                    "applicant": {
                        "name": f"{MARKER} {n}-{i}",
                        "id_number": f"0040{rng.randrange(10**8):08d}",
                        "phone": f"09{rng.randrange(10**8):08d}",
                    },
                }
            ).encode()
            # An unacknowledged submission is retried until acknowledged, even past the end.
            while True:
                try:
                    status, content = request(
                        port,
                        "POST",
                        "/api/v1/dossiers/",
                        body,
                        {**headers, "Idempotency-Key": key},
                        timeout=20,
                    )
                except OSError:
                    status, content = 0, b""
                now = time.monotonic() - started
                code = json.loads(content)["code"] if status == 201 else ""
                mine.append(Attempt(now, n, key, status, code))
                if status == 201:
                    acks[key] = code
                    break
                if time.monotonic() > stop_at + 60:
                    break
                time.sleep(0.1)
            if time.monotonic() > stop_at:
                break
        with lock:
            attempts.extend(mine)
            acknowledged.update(acks)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(down_at)
    down = time.monotonic() - started
    cluster.stop("fast")
    time.sleep(down_for)
    cluster.start()
    up = time.monotonic() - started
    for thread in threads:
        thread.join()
    total = time.monotonic() - started

    rows = cluster.sql(
        "SELECT d.id, d.code, d.idempotency_key, d.status,"
        " (SELECT count(*) FROM dossiers_dossiertransition t WHERE t.dossier_id = d.id"
        "   AND t.action = 'submit' AND t.to_status = d.status),"
        " (SELECT count(*) FROM dossiers_dossiertransition t WHERE t.dossier_id = d.id),"
        " (SELECT count(*) FROM core_auditlog a WHERE a.action = 'dossiers.submitted'"
        "   AND a.object_id = d.id::text),"
        " (SELECT s.last FROM dossiers_dossiercodesequence s"
        "   WHERE d.code LIKE s.agency_code || '-%%'"
        "   AND s.day = (d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)"
        " FROM dossiers_dossier d WHERE d.applicant_name LIKE %s",
        [MARKER + "%"],
        database=database,
    )
    codes = [r[1] for r in rows]
    by_key: dict[str, int] = {}
    for r in rows:
        plain = r[2].split(":", 1)[1] if r[2] else ""
        by_key[plain] = by_key.get(plain, 0) + 1
    half = []
    for _pk, code, _key, status, submit, transitions, audits, last in rows:
        number = int(code.rsplit("-", 1)[1])
        # A dossier is whole when it has its one submission step, nothing else, its audit
        # row, and a code the day's counter has already handed out.
        if not (
            status == "submitted"
            and submit == 1
            and transitions == 1
            and audits == 1
            and last is not None
            and number <= last
        ):
            half.append(code)
    stored_codes = set(codes)
    missing = [c for c in acknowledged.values() if c not in stored_codes]
    grace = 3.0  # the first requests on connections the restart cut off may still fail
    return RestartReport(
        clients=clients,
        seconds=total,
        outage=(down, up),
        attempts=attempts,
        acknowledged=acknowledged,
        stored=len(rows),
        unique_codes=len(stored_codes),
        duplicates_per_key=sum(1 for n in by_key.values() if n > 1),
        missing=missing,
        half_written=half,
        errors_during=sum(1 for a in attempts if a.status != 201 and down <= a.at <= up + 1),
        ok_after=sum(1 for a in attempts if a.status == 201 and a.at > up),
        errors_after_recovery=sum(1 for a in attempts if a.status != 201 and a.at > up + grace),
    )
