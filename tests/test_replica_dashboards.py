"""The dashboards that only read are answered from the replica (congvu.core.routers): the
index's ranking and unit pages, the assessments' rankings and published results, the portal's
public dashboards, and the API behind them. A just-written row may lag there by a moment; the
primary is left to the work that writes.

The replica here is a second connection to the test database (a test mirror), so which
connection a query used shows where it went. Who is signed in (the session, the user, the API
token) is still read from the primary: a logout or a revoked token takes effect at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from congvu.assessments.tests import access as assessments_access
from tests.matrix import Cast

pytestmark = pytest.mark.django_db(
    databases=["default", "replica"], transaction=True, serialized_rollback=True
)

# The rows of who is asking; everything else a dashboard shows must come from the replica.
WHO_ASKS = ("django_session", "accounts_user", "authtoken_token")


@pytest.fixture(autouse=True)
def _router(settings: Any) -> None:
    settings.DATABASE_ROUTERS = ["congvu.core.routers.PrimaryReplicaRouter"]


@contextmanager
def _queries() -> Iterator[dict[str, CaptureQueriesContext]]:
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


def _where(client: Client, url: str) -> tuple[int, list[str], int]:
    """The status, the primary's queries other than who is asking, the replica's count."""
    cache.clear()  # the portal's page cache would answer without reading anything
    with _queries() as q:
        response = client.get(url)
    primary = [
        query["sql"]
        for query in q["default"].captured_queries
        if not any(table in query["sql"] for table in WHO_ASKS)
    ]
    return response.status_code, primary, len(q["replica"].captured_queries)


def test_read_only_dashboards_read_from_the_replica(
    org_tree: dict[str, Any],
    appraiser: Any,
    admin_user: Any,
    provincial_office_user: Any,
    client_for: Any,
    api_client_for: Any,
) -> None:
    cast = Cast(users={"appraiser": appraiser, "administrator": admin_user}, units=org_tree)
    assessments_access.access_cases(cast)  # for the rounds it makes; one is published
    published = cast.objects["assessments.published_round"].pk
    unit = org_tree["dept_a"].pk
    pages = [
        "/indices/",
        "/indices/export/",
        f"/indices/units/{unit}/",
        f"/indices/units/{unit}/export/",
        f"/indices/units/{unit}/on_time/",
        "/assessments/rankings/",
        "/assessments/rankings/print/",
        "/assessments/rankings/export/",
        f"/assessments/rankings/units/{unit}/",
        f"/assessments/rankings/units/{unit}/dossier_on_time/",
        f"/assessments/results/{published}/",
        "/dashboards/",
    ]
    api = [
        "/api/v1/indices/ranking/",
        f"/api/v1/indices/units/{unit}/",
        f"/api/v1/indices/units/{unit}/indicators/on_time/",
        "/api/v1/indices/configuration/2026/",
        "/api/v1/assessment-rankings/",
        f"/api/v1/public/assessment-results/{published}/",
        "/api/v1/portal/figures/",
    ]
    browser = client_for(provincial_office_user)
    token = api_client_for(provincial_office_user)
    for client, urls in ((browser, pages), (token, api), (Client(), ["/dashboards/"])):
        for url in urls:
            status, primary, replica = _where(client, url)
            assert status == 200, url
            assert primary == [], url
            assert replica > 0, url
