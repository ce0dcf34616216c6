"""Put back in the queue the background jobs whose worker died while running them."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from congvu.core.services import audit_record

# Longer than any job of ours may take (an e-mail, a sweep, an export): a job still marked
# running after this long has lost its worker.
DEFAULT_LEASE_SECONDS = 900


def tasks_recover(
    *, workers: list[str] | None = None, older_than: float | None = None, now: dt.datetime
) -> list[str]:
    """Requeue RUNNING jobs last claimed by one of `workers` (known to be dead), or, without
    `workers`, started more than `older_than` seconds ago. Returns the ids requeued.

    `db_worker` marks a job RUNNING in one transaction and runs it outside any; a worker
    killed in between leaves the job RUNNING for ever, and no worker looks at it again. The
    job goes back to READY with its claim history kept, so the next worker appends its id.
    Running it again finds nothing more to do.
    """
    if not workers and older_than is None:
        raise ValueError("Name the dead workers or give a lease.")
    with transaction.atomic():
        # Two recoveries at once must not both requeue (and so double-run) the same job.
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        if not workers and older_than is not None:
            running = running.filter(started_at__lt=now - dt.timedelta(seconds=older_than))
        found = list(running.order_by().values_list("pk", "worker_ids"))
        chosen = [
            str(pk)
            for pk, claimed in found
            if not workers or (claimed and claimed[-1] in set(workers))
        ]
        if not chosen:
            return []
        DBTaskResult.objects.filter(pk__in=chosen, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        audit_record(
            actor=None,
            action="tasks.requeued",
            after={"jobs": chosen, "workers": workers or [], "older_than": older_than},
        )
    return chosen


class Command(BaseCommand):
    help = (
        "Requeue background jobs left running by a worker that died: those of the named "
        "workers, or those running for longer than a lease."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker",
            action="append",
            default=[],
            metavar="ID",
            help="A worker id (db_worker --worker-id) known to be dead; may be repeated.",
        )
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="SECONDS",
            help=f"Requeue jobs running for longer than this (default {DEFAULT_LEASE_SECONDS} "
            "when no --worker is given).",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, checking every this many seconds (0: once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers: list[str] = options["worker"]
        older_than: float | None = options["older_than"]
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must not be negative.")
        if not workers and older_than is None:
            older_than = DEFAULT_LEASE_SECONDS
        while True:
            requeued = tasks_recover(workers=workers, older_than=older_than, now=timezone.now())
            self.stdout.write(f"requeued {len(requeued)} jobs")
            for pk in requeued:
                self.stdout.write(f"  {pk}")
            if not options["every"]:
                return
            time.sleep(options["every"])
