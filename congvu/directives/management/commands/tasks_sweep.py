"""Send due task reminders and escalations once, or every --every seconds as a worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from congvu.directives.services import tasks_sweep


class Command(BaseCommand):
    help = "Send due task reminders and escalations and create the coming reporting obligations."

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
            result = tasks_sweep()
            self.stdout.write(
                f"examined {result.tasks_examined} tasks and {result.occurrences_examined} "
                f"obligations, sent {result.reminders_sent} reminders "
                f"({result.notifications} notifications), created "
                f"{result.occurrences_created} obligations in "
                f"{time.monotonic() - started:.2f}s"
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
