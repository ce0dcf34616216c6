"""The checks behind /healthz: the database answers, every migration is applied, and a task
worker has beaten recently. Nothing here reveals a setting, an address or a version."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from congvu.core.routers import replica_configured

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "congvu:health:worker"
# Once every migration is applied it stays so for this process's life (a deploy with new
# migrations restarts the processes); until then the graph is read again at most this often.
_MIGRATIONS_RECHECK_SECONDS = 10.0
_migrations_ok_at: float | None = None
_migrations_checked_at = 0.0
_migrations_last: bool = False
_migrations_lock = threading.Lock()


@dataclass
class Check:
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


def worker_beat(*, worker_id: str) -> None:
    """Record that a task worker is alive; the entry outlives a few missed beats."""
    cache.set(
        HEARTBEAT_KEY,
        {"at": time.time(), "worker": worker_id[:12]},
        timeout=max(settings.WORKER_HEARTBEAT_MAX_AGE * 4, 60),
    )


def check_database(alias: str = "default") -> Check:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health: database %s does not answer", alias)
        return Check(ok=False, detail={"status": "unreachable"})
    return Check(ok=True, detail={"status": "ok"})


def _unapplied_migrations() -> int:
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return len(executor.migration_plan(targets))


def check_migrations() -> Check:
    global _migrations_ok_at, _migrations_checked_at, _migrations_last
    now = time.monotonic()
    with _migrations_lock:
        if _migrations_ok_at is not None:
            return Check(ok=True, detail={"status": "ok"})
        if now - _migrations_checked_at < _MIGRATIONS_RECHECK_SECONDS and _migrations_checked_at:
            return Check(
                ok=_migrations_last, detail={"status": "ok" if _migrations_last else "pending"}
            )
        try:
            pending = _unapplied_migrations()
        except DatabaseError:
            logger.exception("health: cannot read the migration state")
            return Check(ok=False, detail={"status": "unknown"})
        _migrations_checked_at = now
        _migrations_last = pending == 0
        if pending == 0:
            _migrations_ok_at = now
            return Check(ok=True, detail={"status": "ok"})
        return Check(ok=False, detail={"status": "pending", "pending": pending})


def reset_migration_cache() -> None:
    """Forget what the migration check learnt (after migrating in tests)."""
    global _migrations_ok_at, _migrations_checked_at, _migrations_last
    with _migrations_lock:
        _migrations_ok_at = None
        _migrations_checked_at = 0.0
        _migrations_last = False


def check_worker() -> Check:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:  # a cache that does not answer is a failed check, not a crash
        logger.exception("health: the cache does not answer")
        return Check(ok=False, detail={"status": "unknown"})
    if not isinstance(beat, dict) or "at" not in beat:
        return Check(ok=False, detail={"status": "missing"})
    age = max(0.0, time.time() - float(beat["at"]))
    fresh = age <= settings.WORKER_HEARTBEAT_MAX_AGE
    return Check(ok=fresh, detail={"status": "ok" if fresh else "stale", "age_seconds": int(age)})


def health(*, include_worker: bool = True) -> tuple[bool, dict[str, Any]]:
    """All checks: whether everything is healthy, and the per-check answers."""
    checks: dict[str, Check] = {"database": check_database()}
    checks["migrations"] = (
        check_migrations() if checks["database"].ok else Check(False, {"status": "unknown"})
    )
    if include_worker:
        checks["worker"] = check_worker()
    if replica_configured():
        # Reported, not required: a lost replica is an operator's alarm, not a reason to take
        # the application servers out of the load balancer.
        replica = check_database("replica")
        body_replica = replica.detail
    else:
        body_replica = None
    ok = all(c.ok for c in checks.values())
    body: dict[str, Any] = {"status": "ok" if ok else "error"}
    body.update({name: c.detail for name, c in checks.items()})
    if body_replica is not None:
        body["replica"] = body_replica
    return ok, body
