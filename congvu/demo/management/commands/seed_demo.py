from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from congvu.accounts.roles import Role
from congvu.demo.services import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Load the demo province (Cao Bằng) and its demo accounts, unless already loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (the accounts have a published password).",
        )
        parser.add_argument(
            "--dossiers",
            type=int,
            default=300,
            help="How many demo dossiers to spread over the last twelve months.",
        )

    def handle(self, *args: Any, force: bool = False, dossiers: int = 300, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "The demo accounts share a published password; refusing with DEBUG off. "
                    "Use --force to load them anyway."
                )
            )
        translation.activate(settings.LANGUAGE_CODE)
        result = demo_seed(dossiers=dossiers)
        if result.loaded:
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        else:
            self.stdout.write(_("Demo data already loaded; nothing changed."))
        labels = dict(Role.choices)
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password: %(password)s)") % {"password": DEMO_PASSWORD})
        for person in result.people:
            roles = ", ".join(str(labels[r]) for r in person.roles)
            where = f" · {person.title}" if person.title else ""
            self.stdout.write(f"  {person.username:<18} {roles}{where}")
