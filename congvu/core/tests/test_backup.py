"""A backup restores into an empty database with every dossier, transition, file and audit row."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from congvu.core import backup as bk
from congvu.core.models import AuditLog
from congvu.dossiers.models import Channel, Dossier, DossierDocument, DossierTransition
from congvu.dossiers.services import dossier_act, dossier_document_add, dossier_submit
from congvu.dossiers.tests.conftest import at, make_version

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# serialized_rollback: pg_dump and SQLite's backup read committed rows only, so these tests
# commit; the data-migration rows the flush removes are put back for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def dossiers(citizen: Any, org_tree: Any, one_stop_officer: Any) -> list[Dossier]:
    from congvu.dossiers.services import Applicant

    version = make_version(org_tree["dept_a"])
    applicant = Applicant(
        name="Nguyễn Văn An", id_number="004095001234", phone="0912 345 678",
        email="an@example.vn", address="Tổ 5, phường Thục Phán",
    )  # fmt: skip
    made = []
    for n in range(3):
        with time_machine.travel(at(13, 2, 9 + n), tick=False):
            d = dossier_submit(
                actor=citizen,
                procedure_code=version.procedure.code,
                channel=Channel.ONLINE,
                applicant=applicant,
            )
            dossier_document_add(
                actor=citizen,
                dossier=d,
                file=SimpleUploadedFile(f"to-khai-{n}.pdf", PDF + str(n).encode()),
            )
            d = dossier_act(actor=one_stop_officer.user, dossier=d, action="receive")
        made.append(d)
    return made


def _rows(database: dict[str, Any], sql: str) -> set[tuple[Any, ...]]:
    conn = bk._connect(database)
    try:
        cursor = conn.cursor()
        cursor.execute(sql)
        return {tuple(str(v) for v in row) for row in cursor.fetchall()}
    finally:
        conn.close()


@pytest.fixture
def empty_target(tmp_path: Path) -> Any:
    """A new, empty database of the same engine as the tests', and empty file roots."""
    source = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database = {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        yield bk.Target(database, tmp_path / "media", tmp_path / "private")
        return
    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = bk._connect(source)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield bk.Target({**source, "NAME": name}, tmp_path / "media", tmp_path / "private")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_restores_every_dossier_transition_file_and_audit_row(
    dossiers: list[Dossier], tmp_path: Path, empty_target: bk.Target
) -> None:
    source = dict(connection.settings_dict)
    queries = {
        "dossiers": "SELECT id, code, status, secret FROM dossiers_dossier",
        "transitions": "SELECT id, dossier_id, action FROM dossiers_dossiertransition",
        "documents": "SELECT id, dossier_id, file FROM dossiers_dossierdocument",
        "audit": "SELECT id, action, object_id, request_id FROM core_auditlog",
    }
    before = {k: _rows(source, q) for k, q in queries.items()}
    assert len(before["dossiers"]) == 3
    assert len(before["transitions"]) == DossierTransition.objects.count() >= 6
    assert len(before["documents"]) == 3
    assert len(before["audit"]) == AuditLog.objects.count() >= 9

    call_command("backup", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["rows"]["dossiers.Dossier"] == 3
    assert "dossiers.0001_initial" in manifest["migrations"]
    sources = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}
    files = {
        (name, p.relative_to(root).as_posix()): p.read_bytes()
        for name, root in sources.items()
        if root.is_dir()
        for p in root.rglob("*")
        if p.is_file()
    }
    assert manifest["files"] == len(files) >= 3

    bk.restore(tmp_path / "bk", empty_target)

    after = {k: _rows(empty_target.database, q) for k, q in queries.items()}
    assert after == before
    for document in DossierDocument.objects.all():
        restored = empty_target.private_root / document.file.name
        assert restored.read_bytes() == document.file.read()
    targets = {"media": empty_target.media_root, "private": empty_target.private_root}
    for (name, relative), content in files.items():
        assert (targets[name] / relative).read_bytes() == content


def test_restore_refuses_a_damaged_backup_or_a_database_in_use(
    dossiers: list[Dossier], tmp_path: Path, empty_target: bk.Target
) -> None:
    bk.backup(
        tmp_path / "bk",
        media_root=Path(settings.MEDIA_ROOT),
        private_root=Path(settings.PRIVATE_ROOT),
    )
    # Into the database it came from: not empty, refused, nothing touched.
    with pytest.raises(bk.BackupError, match="not empty"):
        bk.restore(
            tmp_path / "bk",
            bk.Target(dict(connection.settings_dict), tmp_path / "m", tmp_path / "p"),
        )
    assert Dossier.objects.count() == 3
    with (tmp_path / "bk" / bk.FILES).open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(bk.BackupError, match="damaged"):
        bk.restore(tmp_path / "bk", empty_target)
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "bk"))
