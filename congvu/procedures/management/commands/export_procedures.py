"""Export the procedure catalogue: `manage.py export_procedures catalogue.xlsx`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congvu.procedures.catalogue import FORMATS
from congvu.procedures.selectors import catalogue_export


class Command(BaseCommand):
    help = "Write every procedure version that is not withdrawn to an XLSX or CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .xlsx or .csv file to write.")
        parser.add_argument(
            "--format", choices=FORMATS, help="File format; by default the file's extension."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        format = options["format"] or path.suffix.lstrip(".").lower()
        if format not in FORMATS:
            raise CommandError(_("Give an .xlsx or a .csv file, or --format."))
        path.write_bytes(catalogue_export(format))
        self.stdout.write(_("Catalogue written to %(path)s.") % {"path": path})
