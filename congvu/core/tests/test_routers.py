"""Dashboards and public pages read from the replica; writes, and reads after a write, use the
primary. The replica here is a second connection to the test database (a test mirror)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from congvu.core.routers import (
    STICKY_COOKIE,
    PrimaryReplicaRouter,
    reading_from_replica,
    replica_reads,
)
from congvu.core.tests.test_settings import _run
from congvu.organizations.tests.factories import PASSWORD
from congvu.procedures.models import Field

ROUTER = ["congvu.core.routers.PrimaryReplicaRouter"]
pytestmark = pytest.mark.django_db(
    databases=["default", "replica"], transaction=True, serialized_rollback=True
)


@pytest.fixture(autouse=True)
def _router(settings) -> None:
    settings.DATABASE_ROUTERS = ROUTER


@contextmanager
def queries() -> Iterator[dict[str, CaptureQueriesContext]]:
    captured = {
        alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")
    }
    for ctx in captured.values():
        ctx.__enter__()
    try:
        yield captured
    finally:
        for ctx in captured.values():
            ctx.__exit__(None, None, None)


def _touching(ctx: CaptureQueriesContext, table: str) -> int:
    return sum(table in q["sql"] for q in ctx.captured_queries)


def test_a_marked_public_page_reads_from_the_replica(client):
    with queries() as q:
        assert client.get("/procedures/").status_code == 200
    assert _touching(q["replica"], "procedures_") > 0
    assert _touching(q["default"], "procedures_") == 0


def test_unmarked_pages_and_posts_read_from_the_primary(client):
    with queries() as q:
        client.get("/calendar/")
        client.post("/dossiers/lookup/", {"code": "X", "secret": "Y"})
    assert len(q["replica"]) == 0


def test_reads_after_a_write_go_to_the_primary():
    with replica_reads():
        assert reading_from_replica()
        with queries() as q:
            list(Field.objects.all())
        assert (len(q["replica"]), len(q["default"])) == (1, 0)
        Field.objects.create(code="TP", name="Tư pháp")
        assert not reading_from_replica()
        with queries() as q:
            assert Field.objects.filter(code="TP").exists()
        assert (len(q["replica"]), len(q["default"])) == (0, 1)
    # The block ended: outside it, the primary again.
    assert not reading_from_replica()


def test_reads_inside_a_transaction_go_to_the_primary():
    with replica_reads(), transaction.atomic():
        assert not reading_from_replica()


def test_a_client_that_wrote_stays_on_the_primary_for_a_while(client, citizen, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 15
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False) as traveller:
        response = client.post(
            "/accounts/login/", {"username": citizen.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert STICKY_COOKIE in response.cookies
        assert response.cookies[STICKY_COOKIE]["httponly"]
        with queries() as q:
            client.get("/procedures/")
        assert len(q["replica"]) == 0

        traveller.shift(20)
        with queries() as q:
            assert client.get("/procedures/").status_code == 200
        assert _touching(q["replica"], "procedures_") > 0
        # Who is logged in is always read from the primary.
        assert _touching(q["default"], "django_session") == 1
        assert _touching(q["replica"], "django_session") == 0


def test_the_replica_is_never_migrated():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "dossiers")
    assert not router.allow_migrate("replica", "dossiers")
    assert router.db_for_write(Field) == "default"


def test_the_router_is_on_only_with_a_replica_url():
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DATABASE_ROUTERS, sorted(s.DATABASES), "
        "s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')]))"
    )
    base = {
        "DJANGO_SETTINGS_MODULE": "congvu.settings",
        "SECRET_KEY": "x" * 60,
        "DATABASE_REPLICA_URL": "",
    }
    without = _run(base, f"import django; django.setup(); {code}")
    with_replica = _run(
        {**base, "DATABASE_REPLICA_URL": "postgres://reader@replica.example/congvu"},
        f"import django; django.setup(); {code}",
    )
    assert json.loads(without.stdout) == [[], ["default"], None], without.stderr
    assert json.loads(with_replica.stdout) == [ROUTER, ["default", "replica"], "default"]
