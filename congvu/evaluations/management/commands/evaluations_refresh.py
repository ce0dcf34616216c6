"""Recompute congvu's proposed levels in the open evaluation rounds."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from congvu.evaluations.models import Round
from congvu.evaluations.services import round_refresh


class Command(BaseCommand):
    help = "Recompute congvu's proposed levels of the undecided evaluations of open rounds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, default=0, help="Only this round (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = Round.objects.filter(status=Round.Status.OPEN).order_by("pk")
        if options["round"]:
            rounds = rounds.filter(pk=options["round"])
        for round_ in rounds:
            changed = round_refresh(actor=None, round=round_)
            self.stdout.write(f"{round_.title}: {changed} proposals changed")
