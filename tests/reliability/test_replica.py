"""A streaming replica beside the primary: pages marked for it read from it, and a dossier
just written is read back from the primary.

The proof stops the replica replaying the primary's WAL (pg_wal_replay_pause), so anything
written afterwards exists on the primary only: a page that shows it read the primary, a page
that does not read the replica.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.reliability.support import (
    CLUSTER_PORTS,
    HTTP_PORTS,
    PYTHON,
    ROOT,
    Cluster,
    app_env,
    free_port,
    request,
    seed_submissions,
    server_start,
    server_stop,
    wait_for,
)

pytestmark = pytest.mark.django_db

NEW_PROCEDURE = """
import django
django.setup()
import datetime as dt
from decimal import Decimal
from congvu.organizations.models import Unit
from congvu.procedures.models import Field, Procedure, ProcedureVersion
field = Field.objects.get(code="TP")
procedure = Procedure.objects.create(code="9.999999", name="Thủ tục mới toanh", field=field)
ProcedureVersion.objects.create(
    procedure=procedure, name=procedure.name, field=field, level=ProcedureVersion.Level.PROVINCE,
    competent_unit=Unit.objects.get(code="000.00.10.H12"), processing_time=Decimal(5),
    online_level="full", status=ProcedureVersion.Status.PUBLISHED, valid_from=dt.date(2025, 7, 1))
"""


def _submit(port: int, token: str, procedure: str, name: str) -> dict[str, str]:
    body = {
        "procedure": procedure,
        "channel": 2,
        "applicant": {"name": name, "id_number": "004095001234", "phone": "0912345678"},
    }
    status, content = request(
        port,
        "POST",
        "/api/v1/dossiers/",
        json.dumps(body).encode(),
        {"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    assert status == 201, content
    return dict(json.loads(content))


def _replayed(replica: Cluster, code: str) -> bool:
    rows = replica.sql(
        "SELECT count(*) FROM dossiers_dossier WHERE code = %s", [code], database="congvu"
    )
    return bool(rows[0][0])


def test_marked_pages_read_the_replica_and_fresh_writes_read_the_primary(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.url("congvu")
    seed = seed_submissions(url)
    replica = cluster.standby("replica", free_port([p for p in CLUSTER_PORTS if p != cluster.port]))
    assert replica.sql("SELECT pg_is_in_recovery()")[0][0] is True
    port = free_port(HTTP_PORTS)
    server = server_start(
        url,
        port,
        workers=2,
        threads=2,
        log=tmp_path / "server.log",
        DATABASE_REPLICA_URL=replica.url("congvu"),
        DOSSIER_SUBMIT_RATE="1000/min",
        DOSSIER_LOOKUP_RATE="1000/min",
    )
    token = seed["token"]
    auth = {"Authorization": f"Token {token}"}
    try:
        before = _submit(port, token, seed["procedure"], "Trước khi dừng")
        wait_for(lambda: _replayed(replica, before["code"]), 30, "the replica to catch up")

        replica.sql("SELECT pg_wal_replay_pause()")
        wait_for(
            lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
            30,
            "replay to pause",
        )
        fresh = _submit(port, token, seed["procedure"], "Sau khi dừng")
        assert not _replayed(replica, fresh["code"])

        # Written a moment ago and read back at once: from the primary. The submission's own
        # answer was read back in the same request (it carries the new code), and so is the
        # applicant's next look at it.
        status, content = request(port, "GET", f"/api/v1/dossiers/{fresh['code']}/", None, auth)
        assert status == 200, content
        assert json.loads(content)["code"] == fresh["code"]

        # The public lookup is marked for the replica: it knows the earlier dossier and not yet
        # the fresh one ...
        lookup = "/api/v1/public/dossiers/{code}?secret={secret}"
        assert request(port, "GET", lookup.format(**before))[0] == 200
        assert request(port, "GET", lookup.format(**fresh))[0] == 404

        # ... and so is the procedure catalogue: a procedure published on the primary has no
        # public page while the replica is held back.
        done = subprocess.run(  # noqa: S603
            [PYTHON, "-c", NEW_PROCEDURE],
            cwd=ROOT,
            env=app_env(url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        page = "/procedures/9.999999/"
        assert request(port, "GET", page)[0] == 404

        # Replay resumes: the replica catches up, and the same pages show both.
        replica.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: _replayed(replica, fresh["code"]), 30, "the replica to catch up")
        wait_for(
            lambda: request(port, "GET", lookup.format(**fresh))[0] == 200,
            30,
            "the lookup to find the fresh dossier",
        )
        status, content = request(port, "GET", page)
        assert status == 200
        assert "Thủ tục mới toanh" in content.decode()
    finally:
        server_stop(server)
