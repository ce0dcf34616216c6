"""Restore a backup made by `manage.py backup` into an empty database and empty file roots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congvu.core.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = (
        "Restore DIRECTORY (made by `manage.py backup`) into the database of DATABASE_URL (or "
        "--database-url), MEDIA_ROOT and PRIVATE_ROOT, all of which must be empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database-url", help="Restore into this database instead.")
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument("--private-root", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        database = (
            dict(dj_database_url.parse(options["database_url"]))
            if options["database_url"]
            else dict(settings.DATABASES["default"])
        )
        target = Target(
            database=database,
            media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
            private_root=options["private_root"] or Path(settings.PRIVATE_ROOT),
        )
        try:
            manifest = restore(options["directory"], target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the backup of {manifest['created_at']}: "
            f"{sum(manifest['rows'].values())} rows, {manifest['files']} files; row counts match"
        )
