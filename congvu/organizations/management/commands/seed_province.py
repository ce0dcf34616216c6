"""Create the units of a province and its communes: `manage.py seed_province "Cao Bằng"`."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congvu.organizations.services import province_seed


class Command(BaseCommand):
    help = "Create the People's Committee, office, departments and communes of a province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "province",
            nargs="?",
            default="Cao Bằng",
            help='Province name, with or without accents: "Cao Bằng", "Hà Nội".',
        )
        parser.add_argument(
            "--all", action="store_true", help="Seed all 34 provinces (for testing)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from vietnam_provinces import Province

        names = [p.name for p in Province.iter_all()] if options["all"] else [options["province"]]
        started = time.monotonic()
        created = unchanged = 0
        for name in names:
            try:
                result = province_seed(actor=None, province_name=name)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            created += result.created
            unchanged += result.unchanged
            self.stdout.write(
                _(
                    "%(province)s: %(created)d units created, %(unchanged)d unchanged, "
                    "%(communes)d communes."
                )
                % {
                    "province": result.province.name,
                    "created": result.created,
                    "unchanged": result.unchanged,
                    "communes": result.communes,
                }
            )
        if len(names) > 1:
            self.stdout.write(
                _("Total: %(created)d units created, %(unchanged)d unchanged in %(seconds).1f s.")
                % {
                    "created": created,
                    "unchanged": unchanged,
                    "seconds": time.monotonic() - started,
                }
            )
