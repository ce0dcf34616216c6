"""PostgreSQL restarted while 16 clients submit dossiers through the production server:
errors during the outage, successes afterwards, and every acknowledged dossier stored exactly
once, whole, with a unique code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.support import (
    HTTP_PORTS,
    Cluster,
    free_port,
    seed_submissions,
    server_start,
    server_stop,
    submit_through_restart,
)

# The private cluster starts as a copy of the test database.
pytestmark = pytest.mark.django_db


def test_submissions_survive_a_database_restart(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.url("congvu")
    seed = seed_submissions(url)
    port = free_port(HTTP_PORTS)
    server = server_start(
        url,
        port,
        workers=2,
        threads=8,
        log=tmp_path / "server.log",
        DOSSIER_SUBMIT_RATE="1000000/min",
    )
    try:
        report = submit_through_restart(
            cluster, port, seed, clients=16, seconds=7.0, down_at=2.0, down_for=2.0
        )
    finally:
        server_stop(server)
    summary = "\n".join(report.lines())
    # Clients were told something went wrong while the database was away ...
    assert report.errors_during > 0, summary
    # ... and were served again once it was back, without errors past the first moments.
    assert report.ok_after > 0, summary
    assert report.errors_after_recovery == 0, summary
    # Every acknowledged dossier exists exactly once, with a unique code, and whole.
    assert report.missing == [], summary
    assert report.stored == len(report.acknowledged) == report.unique_codes, summary
    assert report.duplicates_per_key == 0, summary
    assert report.half_written == [], summary
    assert report.holds, summary
