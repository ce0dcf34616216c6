"""Background tasks the reliability proofs enqueue, run by real `manage.py db_worker` processes.

Every execution is logged in `reliability_run` (one row per run, never deduplicated, so a job
run twice shows twice); the job's effect goes to `reliability_effect`, keyed by the job's key
and written with ON CONFLICT DO NOTHING, so a job retried after its worker died mid-way still
has its effect exactly once. The tables are plain SQL, made and dropped by the proofs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection, transaction
from django_tasks import task

TABLES = ("reliability_run", "reliability_effect", "reliability_attempt")


def tables_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reliability_run ("
            " id bigserial PRIMARY KEY, key text NOT NULL, pid integer NOT NULL,"
            " at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reliability_effect (key text PRIMARY KEY, pid integer)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reliability_attempt ("
            " id bigserial PRIMARY KEY, key text NOT NULL, pid integer NOT NULL)"
        )


def tables_drop() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


@task()
def record(*, key: str) -> str:
    """A job that does its work once: its effect and the log of this run, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reliability_effect (key, pid) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [key, os.getpid()],
        )
        cursor.execute("INSERT INTO reliability_run (key, pid) VALUES (%s, %s)", [key, os.getpid()])
    return key


@task()
def hold(*, key: str, gate: str, effect_first: bool = False, wait: float = 120.0) -> str:
    """A job that stops half-way until the file `gate` exists: the moment a proof kills its
    worker. The attempt is committed at once, so the proof can see the job has started; with
    `effect_first` the effect is committed before the pause, so a retry must not repeat it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reliability_attempt (key, pid) VALUES (%s, %s)", [key, os.getpid()]
        )
    if effect_first:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reliability_effect (key, pid) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [key, os.getpid()],
            )
    deadline = time.monotonic() + wait
    while not Path(gate).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{gate} never appeared")
        time.sleep(0.05)
    return record.call(key=key)
