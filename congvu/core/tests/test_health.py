"""/healthz: 200 when the database answers, migrations are applied and a worker beat lately."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from congvu.core import health
from congvu.core.management.commands.worker import _beat_forever


@pytest.fixture(autouse=True)
def _fresh_migration_check() -> Iterator[None]:
    health.reset_migration_cache()
    yield
    health.reset_migration_cache()


def test_healthy(client, db):
    with time_machine.travel(time.time(), tick=False):
        health.worker_beat(worker_id="w1")
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "migrations": {"status": "ok"},
        "worker": {"status": "ok", "age_seconds": 0},
    }
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["X-Request-ID"]


def test_no_worker_ever_is_unhealthy_but_ready(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"status": "missing"}
    # A load balancer's question leaves the worker out.
    assert client.get("/healthz/ready").status_code == 200


def test_stale_heartbeat(client, db, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    with time_machine.travel(time.time() - 120):
        health.worker_beat(worker_id="w1")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"]["status"] == "stale"
    assert body["worker"]["age_seconds"] >= 119
    assert body["database"] == {"status": "ok"}


def test_database_down(client, db):
    health.worker_beat(worker_id="w1")
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
        ready = client.get("/healthz/ready")
    assert response.status_code == 503
    assert ready.status_code == 503
    body = response.json()
    assert body["database"] == {"status": "unreachable"}
    assert body["migrations"] == {"status": "unknown"}
    # No error text, host or setting leaks into the answer.
    assert "gone" not in response.content.decode()


def test_unapplied_migration(client, db):
    health.worker_beat(worker_id="w1")
    # As if a deploy brought a migration not yet applied: the newest one of core is unrecorded.
    (_app, newest) = MigrationLoader(connection).graph.leaf_nodes("core")[0]
    MigrationRecorder.Migration.objects.filter(app="core", name=newest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"status": "pending", "pending": 1}
    assert client.get("/healthz/ready").status_code == 503


def test_only_get_and_head(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz/ready").status_code == 200


def test_worker_heartbeat_thread_beats_while_the_database_answers(db, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 1
    stop = threading.Event()
    thread = threading.Thread(target=_beat_forever, args=("worker-test-id", stop))
    thread.start()
    try:
        for _ in range(50):
            if cache.get(health.HEARTBEAT_KEY):
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=5)
    beat = cache.get(health.HEARTBEAT_KEY)
    assert beat["worker"] == "worker-test-"
    assert health.check_worker().ok
