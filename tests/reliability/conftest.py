"""Fixtures of the reliability proofs: what they need from the machine, and a private
PostgreSQL cluster torn down whatever happens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tests.reliability import jobs
from tests.reliability.support import (
    Cluster,
    database_copy,
    database_url,
    postgres_bindir,
    private_cluster,
)

NEEDS_POSTGRES = (
    "runs in the PostgreSQL pass of the suite: the worker and server processes it starts must "
    "reach the test database, and the SQLite one lives in this process's memory"
)


@pytest.fixture
def postgres(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)


@pytest.fixture
def job_tables(postgres: None) -> Iterator[None]:
    jobs.tables_create()
    yield
    jobs.tables_drop()


@pytest.fixture(scope="session")
def cluster_binaries() -> None:
    if postgres_bindir() is None:
        pytest.skip(
            "the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup; Debian package "
            "postgresql-15) are not installed, so no private cluster can be started"
        )


@pytest.fixture(scope="module")
def cluster(cluster_binaries: None, django_db_setup: Any) -> Iterator[Cluster]:
    """A private cluster holding a copy of the freshly migrated test database as `congvu`;
    stopped and deleted afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "runs in the PostgreSQL pass of the suite (it starts a private PostgreSQL cluster "
            "of its own, and once per run is enough)"
        )
    with private_cluster() as primary:
        primary.sql("CREATE DATABASE congvu")
        database_copy(primary.bindir, database_url(connection.settings_dict), primary.url("congvu"))
        yield primary
