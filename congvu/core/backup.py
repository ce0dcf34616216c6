"""Backups of the whole installation, and their restore into an empty database.

A backup is a directory holding:

- `database.sqlite3` (SQLite, copied with SQLite's online backup API while the application
  runs) or `database.pgdump` (PostgreSQL, `pg_dump --format=custom`, a consistent snapshot);
- `files.tar.gz`: MEDIA_ROOT under `media/` and PRIVATE_ROOT (dossier documents) under
  `private/`;
- `manifest.json`: when it was taken, the database engine, the applied migrations, the number
  of rows of every table and the SHA-256 of each file above.

A restore checks the checksums first, refuses a database or a file directory that is not
empty, restores (PostgreSQL in one transaction), then counts the rows again and compares them
with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.db import connections

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or a restore that cannot go on; nothing was changed by it."""


@dataclass(frozen=True)
class Target:
    """Where a restore writes: a database (a Django DATABASES entry) and two file roots."""

    database: dict[str, Any]
    media_root: Path
    private_root: Path


def _vendor(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Unsupported database engine: {engine}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> dict[str, str]:
    """Every table the project's models own: model label -> table name."""
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict[str, Any]) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return [*args, "--dbname", str(database["NAME"])]


def _run(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def _connect(database: dict[str, Any]) -> Any:
    """A plain DB-API connection to `database`, outside Django's connection handling."""
    if _vendor(database) == "sqlite":
        # uri=True as Django does: test databases are named "file:...?mode=memory".
        return sqlite3.connect(str(database["NAME"]), uri=True)
    import psycopg

    return psycopg.connect(
        dbname=str(database["NAME"]),
        host=str(database.get("HOST") or "") or None,
        port=str(database.get("PORT") or "") or None,
        user=str(database.get("USER") or "") or None,
        password=str(database.get("PASSWORD") or "") or None,
        autocommit=True,
    )


def count_rows(database: dict[str, Any]) -> dict[str, int]:
    """The number of rows of each model's table in `database` (missing tables are absent)."""
    connection = _connect(database)
    try:
        return _count(connection, _vendor(database))
    finally:
        connection.close()


def _count(connection: Any, vendor: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    existing = _existing_tables(connection, vendor)
    cursor = connection.cursor()
    for label, table in sorted(_tables().items()):
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[label] = int(cursor.fetchone()[0])
    return counts


def _migrations(connection: Any) -> list[str]:
    cursor = connection.cursor()
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def _existing_tables(connection: Any, vendor: str) -> set[str]:
    cursor = connection.cursor()
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {row[0] for row in cursor.fetchall()}


def _add_tree(archive: tarfile.TarFile, root: Path, arcname: str) -> int:
    added = 0
    if not root.is_dir():
        return added
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            archive.add(path, arcname=f"{arcname}/{path.relative_to(root).as_posix()}")
            added += 1
    return added


def backup(
    destination: Path, *, alias: str = "default", media_root: Path, private_root: Path
) -> dict[str, Any]:
    """Write a backup of database `alias` and both file roots into `destination` (new or
    empty); returns the manifest."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    database = dict(connection.settings_dict)
    vendor = _vendor(database)
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(str(destination / SQLITE_FILE))
        try:
            # The online backup API copies a consistent image while others keep writing.
            connection.connection.backup(copy)
            rows, applied = _count(copy, vendor), _migrations(copy)
        finally:
            copy.close()
        db_file = SQLITE_FILE
    else:
        db_file = PG_FILE
        snapshot = _connect(database)
        try:
            # Counted in the very snapshot pg_dump copies, so the manifest matches the dump
            # however busy the database is meanwhile.
            snapshot.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
            rows, applied = _count(snapshot, vendor), _migrations(snapshot)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot_id}", "--file", str(destination / db_file),
                 *_pg_args(database)],
                _pg_env(database),
            )  # fmt: skip
            snapshot.execute("COMMIT")
        finally:
            snapshot.close()
    with tarfile.open(destination / FILES, "w:gz") as archive:
        file_count = _add_tree(archive, media_root, "media")
        file_count += _add_tree(archive, private_root, "private")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "django": django.get_version(),
        "engine": vendor,
        "database_file": db_file,
        "migrations": applied,
        "rows": rows,
        "files": file_count,
        "checksums": {name: _sha256(destination / name) for name in (db_file, FILES)},
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["checksums"].items():
        if not (source / name).is_file() or _sha256(source / name) != expected:
            raise BackupError(f"{name} is missing or damaged (checksum mismatch)")
    return manifest


def _empty_dir(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def restore(source: Path, target: Target) -> dict[str, Any]:
    """Restore the backup in `source` into the empty `target`; returns the manifest."""
    manifest = read_manifest(source)
    vendor = _vendor(target.database)
    if vendor != manifest["engine"]:
        raise BackupError(f"The backup is of {manifest['engine']}; the target database is {vendor}")
    for root in (target.media_root, target.private_root):
        if not _empty_dir(root):
            raise BackupError(f"{root} is not empty")
    connection = _connect(target.database)
    try:
        if _existing_tables(connection, vendor):
            raise BackupError("The target database is not empty; restore into a new database")
    finally:
        connection.close()

    if vendor == "sqlite":
        source_db = sqlite3.connect(str(source / SQLITE_FILE))
        target_db = sqlite3.connect(str(target.database["NAME"]))
        try:
            source_db.backup(target_db)
        finally:
            source_db.close()
            target_db.close()
    else:
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", *_pg_args(target.database), str(source / PG_FILE)],
            _pg_env(target.database),
        )  # fmt: skip

    roots = {"media": target.media_root, "private": target.private_root}
    with tarfile.open(source / FILES, "r:gz") as archive:
        for member in archive.getmembers():
            top, _sep, rest = member.name.partition("/")
            if top not in roots or not rest:
                raise BackupError(f"Unexpected entry in {FILES}: {member.name}")
            root = roots[top]
            member.name = rest
            root.mkdir(parents=True, exist_ok=True)
            # The data filter refuses absolute paths, links out of the tree and device files.
            archive.extract(member, root, filter="data")

    rows = count_rows(target.database)
    if rows != manifest["rows"]:
        differ = sorted(
            k for k in set(rows) | set(manifest["rows"]) if rows.get(k) != manifest["rows"].get(k)
        )
        raise BackupError(f"Row counts differ after the restore: {', '.join(differ)}")
    return manifest
