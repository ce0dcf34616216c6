"""Everything one machine needs, under one command: the gunicorn application server, the task
worker(s) and the scheduler of periodic sweeps.

A small supervisor rather than honcho or supervisord: it adds no dependency, restarts a child
that dies (with a growing pause, so a crash loop does not spin), and stops them all cleanly on
Ctrl+C or SIGTERM. On several machines, or where systemd is at hand, run the same three
commands as the units in deploy/systemd/ instead.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# A child that stayed up this long is healthy again: its next crash restarts it at once.
_HEALTHY_AFTER = 60.0
_MAX_PAUSE = 30.0
_STOP_GRACE = 30.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    pause: float = 0.0
    restart_at: float = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)  # noqa: S603
        self.started_at = time.monotonic()


def children(*, task_workers: int, scheduler: bool) -> list[Child]:
    python = sys.executable
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    config = str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py")
    result = [Child("web", [python, "-m", "gunicorn", "-c", config, "congvu.wsgi"])]
    result += [
        Child(f"worker-{n}", [python, manage, "worker", "--no-reload", "--queue-name", "*"])
        for n in range(1, task_workers + 1)
    ]
    if scheduler:
        result.append(Child("scheduler", [python, manage, "scheduler"]))
    return result


class Command(BaseCommand):
    help = "Serve the application with gunicorn, the task worker(s) and the sweep scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--task-workers", type=int, default=1, help="How many task workers (default 1)."
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not run the periodic sweeps here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        procs = children(
            task_workers=options["task_workers"], scheduler=not options["no_scheduler"]
        )
        self.stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in procs:
            child.start()
            self.stdout.write(f"started {child.name}: {' '.join(child.argv[1:])}")
        try:
            while not self.stopping:
                self._watch(procs)
                time.sleep(0.5)
        finally:
            self._stop_all(procs)

    def _watch(self, procs: list[Child]) -> None:
        now = time.monotonic()
        for child in procs:
            if child.process is None:
                if now >= child.restart_at:
                    child.start()
                    self.stdout.write(f"restarted {child.name}")
                continue
            code = child.process.poll()
            if code is None:
                continue
            ran = now - child.started_at
            child.pause = 1.0 if ran >= _HEALTHY_AFTER else min(_MAX_PAUSE, child.pause * 2 or 1.0)
            child.restart_at = now + child.pause
            child.process = None
            self.stderr.write(
                f"{child.name} exited with {code} after {ran:.0f}s; restarting in "
                f"{child.pause:.0f}s"
            )

    def _stop_all(self, procs: list[Child]) -> None:
        running = [c.process for c in procs if c.process is not None and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.stdout.write("stopped")
