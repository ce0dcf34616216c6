"""Run the periodic sweeps of settings.CONGVU_SCHEDULE at their intervals, for ever.

Every sweep is idempotent, so a missed or repeated run does no harm. Where several machines
run a scheduler, a lease in the shared cache lets only one of them run a given sweep in each
interval.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

logger = logging.getLogger("congvu.scheduler")


@dataclass
class Job:
    command: str
    every: int
    args: list[str] = field(default_factory=list)
    next_at: float = 0.0

    @property
    def lease_key(self) -> str:
        return "congvu:schedule:" + "_".join([self.command, *self.args])


def jobs_from_settings() -> list[Job]:
    jobs = []
    for entry in settings.CONGVU_SCHEDULE:
        every = int(entry["every"])
        if every <= 0:
            raise CommandError(f"{entry['command']}: 'every' must be a positive number")
        jobs.append(Job(command=entry["command"], every=every, args=list(entry.get("args", []))))
    return jobs


def run_job(job: Job, *, owner: str) -> bool:
    """Run one sweep unless another scheduler holds its lease; True if it ran."""
    # The lease lasts a little less than the interval so the next run is never skipped for a
    # lease that has not quite expired.
    if not cache.add(job.lease_key, owner, timeout=max(1, job.every - 5)):
        logger.info("%s: run elsewhere in this interval, skipped", job.command)
        return False
    started = time.monotonic()
    out = io.StringIO()
    try:
        call_command(job.command, *job.args, stdout=out, stderr=out)
    except Exception:
        logger.exception("%s failed", job.command, extra={"command": job.command})
        return True
    finally:
        close_old_connections()
    logger.info(
        "%s done",
        job.command,
        extra={
            "command": job.command,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "output": out.getvalue().strip()[-2000:],
        },
    )
    return True


class Command(BaseCommand):
    help = "Run the periodic sweeps (settings.CONGVU_SCHEDULE) at their intervals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every sweep once, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = jobs_from_settings()
        owner = f"{socket.gethostname()}:{os.getpid()}"
        if options["once"]:
            for job in jobs:
                run_job(job, owner=owner)
            return
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("scheduler started with %d sweeps", len(jobs))
        while self.running:
            now = time.monotonic()
            for job in jobs:
                if not self.running:
                    break
                if job.next_at <= now:
                    run_job(job, owner=owner)
                    job.next_at = time.monotonic() + job.every
            wait = min(job.next_at for job in jobs) - time.monotonic() if jobs else 60.0
            # Sleep in short steps so a stop signal is honoured within a second.
            deadline = time.monotonic() + max(0.0, min(wait, 60.0))
            while self.running and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
        logger.info("scheduler stopped")
