"""Back up the database and the uploaded files into a new directory (see congvu.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congvu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, MEDIA_ROOT and PRIVATE_ROOT into DIRECTORY (new or empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(
                options["directory"],
                media_root=Path(settings.MEDIA_ROOT),
                private_root=Path(settings.PRIVATE_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backed up {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables "
            f"and {manifest['files']} files into {options['directory']}"
        )
