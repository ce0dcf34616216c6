"""Remind units of their self-assessment deadline once, or every --every seconds as a worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from congvu.assessments.services import assessments_sweep


class Command(BaseCommand):
    help = "Remind the units that have not sent their self-assessment of an open round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, sweeping every this many seconds (0: sweep once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            started = time.monotonic()
            result = assessments_sweep()
            self.stdout.write(
                f"examined {result.rounds} open rounds, sent {result.reminders} reminders "
                f"({result.notifications} notifications) in {time.monotonic() - started:.2f}s"
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
