"""Task workers against PostgreSQL: every queued job runs exactly once with two and with four
workers, and a job whose worker is killed (SIGKILL) mid-way is retried and completes once."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.reliability.support import (
    database_url,
    enqueue_one,
    wait_for,
    worker_start,
    workers_exactly_once,
)

# The suite's size; bench/reliability.py runs 10,000.
JOBS = 200

# serialized_rollback: the flush of a transactional test removes the rows data migrations
# wrote; they are restored for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("workers", [2, 4])
def test_each_queued_job_runs_exactly_once(job_tables: None, workers: int) -> None:
    report = workers_exactly_once(
        database_url(connection.settings_dict), jobs=JOBS, workers=workers, timeout=240
    )
    assert report.runs == JOBS
    assert report.distinct_keys == JOBS
    assert report.effects == JOBS
    assert report.statuses == {"SUCCESSFUL": JOBS}
    assert report.claims_per_job == {1: JOBS}
    assert report.exactly_once
    # They did share the queue.
    assert len(report.per_worker) >= 2


def _count(table: str, key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE key = %s", [key])  # noqa: S608
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("effect_first", [False, True], ids=["before-effect", "after-effect"])
def test_a_job_whose_worker_is_killed_is_retried_and_completes_once(
    job_tables: None, effect_first: bool, tmp_path: Path
) -> None:
    url = database_url(connection.settings_dict)
    gate = Path(tempfile.mkdtemp()) / "go"
    key = f"held-{effect_first}"
    job = enqueue_one(
        "tests.reliability.jobs.hold", key=key, gate=str(gate), effect_first=effect_first
    )
    doomed = worker_start(url, "doomed", batch=False, log=tmp_path / "doomed.log")
    try:
        wait_for(lambda: _count("reliability_attempt", key) == 1, 60, "the job to start")
        os.kill(doomed.pid, signal.SIGKILL)
        assert doomed.wait(10) == -signal.SIGKILL
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.wait()

    # The dead worker's job is stuck: marked running, and no worker takes it again.
    row = DBTaskResult.objects.get(pk=job)
    assert row.status == "RUNNING"
    assert row.worker_ids == ["doomed"]
    assert _count("reliability_run", key) == 0

    # A lease longer than the job has been running leaves it alone: its worker may be alive.
    call_command("tasks_recover", "--older-than", "3600")
    assert DBTaskResult.objects.get(pk=job).status == "RUNNING"
    # The dead worker named: the job goes back to the queue, once however often it runs.
    call_command("tasks_recover", "--worker", "doomed")
    call_command("tasks_recover", "--worker", "doomed")
    assert DBTaskResult.objects.get(pk=job).status == "READY"

    gate.touch()
    survivor = worker_start(url, "survivor", batch=True, log=tmp_path / "survivor.log")
    try:
        assert survivor.wait(60) == 0
    except subprocess.TimeoutExpired:
        survivor.kill()
        survivor.wait()
        raise
    row = DBTaskResult.objects.get(pk=job)
    assert row.status == "SUCCESSFUL", (tmp_path / "survivor.log").read_text()
    assert row.worker_ids == ["doomed", "survivor"]
    assert _count("reliability_attempt", key) == 2
    assert _count("reliability_run", key) == 1
    assert _count("reliability_effect", key) == 1


def test_recovery_by_lease_requeues_only_old_running_jobs(postgres: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from congvu.core.management.commands.tasks_recover import tasks_recover

    now = timezone.now()
    old = enqueue_one("tests.reliability.jobs.record", key="old")
    young = enqueue_one("tests.reliability.jobs.record", key="young")
    DBTaskResult.objects.filter(pk=old).update(
        status="RUNNING", started_at=now - dt.timedelta(hours=1), worker_ids=["gone"]
    )
    DBTaskResult.objects.filter(pk=young).update(
        status="RUNNING", started_at=now - dt.timedelta(seconds=5), worker_ids=["busy"]
    )
    assert tasks_recover(older_than=900, now=now) == [old]
    assert tasks_recover(older_than=900, now=now) == []
    assert DBTaskResult.objects.get(pk=young).status == "RUNNING"
    with pytest.raises(ValueError, match="dead workers"):
        tasks_recover(now=now)
