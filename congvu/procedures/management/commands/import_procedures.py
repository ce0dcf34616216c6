"""Import a procedure catalogue file: `manage.py import_procedures catalogue.xlsx`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congvu.procedures.catalogue import FORMATS
from congvu.procedures.services import catalogue_import


class Command(BaseCommand):
    help = (
        "Import procedure versions, as drafts, from an XLSX or CSV catalogue file; all rows or "
        "none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument(
            "--format", choices=FORMATS, help="File format; by default the file's extension."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        format = options["format"] or path.suffix.lstrip(".").lower()
        if format not in FORMATS:
            raise CommandError(_("Give an .xlsx or a .csv file, or --format."))
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        try:
            with path.open("rb") as file:
                result = catalogue_import(actor=None, file=file, format=format)
        except ValidationError as exc:
            raise CommandError(_("Nothing was imported:") + "\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(
            _(
                "%(rows)d rows read: %(versions)d versions created (%(procedures)d new "
                "procedures), %(skipped)d already present."
            )
            % {
                "rows": result.rows,
                "versions": result.versions_created,
                "procedures": result.procedures_created,
                "skipped": result.skipped,
            }
        )
