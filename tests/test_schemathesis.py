"""The API against its own OpenAPI schema, with generated requests (schemathesis).

Every operation of the published schema is called with requests schemathesis generates from
it, as the administrator (who may reach every operation, so the calls get past the permission
checks into the code behind them), against a database holding the standing cast and what each
app's access cases make: dossiers, a directive and its task, assessment rounds with a unit's
self-assessment and evidence, an evaluation round, a figure of the index and news articles.
Two checks: no answer is a server error, and every answer matches the schema of its status
code. The number of examples per operation is bounded (SCHEMATHESIS_MAX_EXAMPLES, 25 by
default): about 45 seconds on each database CI runs it on.

The run is stateless: drf-spectacular publishes no OpenAPI links between operations for a
stateful run to follow, so the objects the calls find are made beforehand instead.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from congvu.assessments.tests import access as assessments_access
from congvu.directives.tests.access import objects as directive_objects
from congvu.dossiers.tests.access import dossiers
from congvu.evaluations.tests import access as evaluations_access
from congvu.indices.tests import access as indices_access
from congvu.portal.tests import access as portal_access
from tests.matrix import Cast

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))

# Operations whose answers do not match the schema yet, each with what is wrong; their owners
# have been told and take an entry off when it is fixed. Their failures are not counted. (Whether
# one fails depends on the rows the generated ids find, so a passing entry is not an error.)
PENDING: dict[str, str] = {}


@pytest.fixture
def api_schema(
    db: Any,
    settings: Any,
    org_tree: dict[str, Any],
    home_affairs: Any,
    citizen: Any,
    one_stop_officer: Any,
    official_a: Any,
    head_a: Any,
    provincial_office_user: Any,
    appraiser: Any,
    editor: Any,
    news_approver: Any,
    admin_user: Any,
) -> Any:
    # Rate limits would answer 429 long before the examples run out; they have their own tests.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "100000/min"
        ),
    }
    cast = Cast(
        users={
            "citizen_a": citizen,
            "one_stop_officer": one_stop_officer.user,
            "specialist_a": official_a.user,
            "head_a": head_a.user,
            "provincial_office": provincial_office_user,
            "appraiser": appraiser,
            "editor": editor,
            "news_approver": news_approver,
            "administrator": admin_user,
        },
        units={**org_tree, "home_affairs": home_affairs},
    )
    dossiers(cast)
    directive_objects(cast)
    # The newer apps make their objects as they list their cases; the cases are not needed here.
    for access in (assessments_access, evaluations_access, indices_access, portal_access):
        access.access_cases(cast)
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", _in_test_transaction(WSGIHandler()))


def _in_test_transaction(handler: WSGIHandler) -> Any:
    """The WSGI application as Django's test client runs it: the end of a request does not
    close the database connection, which holds the test's transaction (on PostgreSQL)."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


def _token(user: Any) -> str:
    # Fetched afresh for each call: a generated call may revoke it (DELETE /auth/token/).
    return str(Token.objects.get_or_create(user=user)[0].key)


def test_the_api_keeps_to_its_schema(api_schema: Any, admin_user: Any) -> None:
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the schema lists no operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Token {_token(admin_user)}"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # all operations run, then all failures
            if operation.label not in PENDING:
                # The first lines say what and how to reproduce; whole schemas follow.
                lines = str(exc).splitlines()[: int(os.environ.get("SCHEMATHESIS_LINES", "14"))]
                failures.append(f"{operation.label}:\n" + "\n".join(lines))
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
