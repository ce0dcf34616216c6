"""The task worker: django-tasks-db's `db_worker`, plus a heartbeat that /healthz reads.

Several workers, on one machine or many, may run against one database: each claims a task
with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction and marks it running before the
transaction ends (django_tasks_db.models.DBTaskResultQuerySet.get_locked and
DBTaskResult.claim), so no task runs twice and no worker waits on another's lock.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from congvu.core.health import worker_beat

logger = logging.getLogger(__name__)


def _beat_forever(worker_id: str, stop: threading.Event) -> None:
    """Beat while the database answers: a worker that cannot reach its queue is not alive."""
    while not stop.is_set():
        try:
            close_old_connections()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            worker_beat(worker_id=worker_id)
        except DatabaseError:
            logger.warning("worker %s: database unreachable, no heartbeat", worker_id[:12])
        except Exception:  # the cache down must not stop the heartbeat thread for good
            logger.exception("worker %s: heartbeat failed", worker_id[:12])
        stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
    connection.close()


class Command(DBWorkerCommand):
    help = "Run a task worker (db_worker) that also reports a heartbeat for /healthz."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat_forever,
            args=(options["worker_id"], stop),
            name="congvu-heartbeat",
            daemon=True,
        )
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
