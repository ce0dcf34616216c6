"""An anonymous visitor reaches only the public endpoints of the API.

Every operation in the published OpenAPI schema is tried without credentials. The public ones
are listed here; a new endpoint that answers anonymous callers without being listed fails.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

PUBLIC = {
    ("get", "/api/v1/calendar/appointment"),
    ("get", "/api/v1/calendar/{year}/"),
    ("get", "/api/v1/procedures/"),
    ("get", "/api/v1/procedures/{code}/"),
    ("get", "/api/v1/units/"),
    ("get", "/api/v1/units/{id}/"),
    ("post", "/api/v1/auth/token/"),
    ("get", "/api/v1/public/dossiers/{code}"),
    ("get", "/api/v1/public/assessment-results/{id}/"),
    ("get", "/api/v1/news/articles/"),
    ("get", "/api/v1/news/articles/{id}/"),
    ("get", "/api/v1/news/categories/"),
    ("get", "/api/v1/portal/visitors/"),
    ("get", "/api/v1/portal/figures/"),
}
SAMPLE = {"year": "2026", "id": "1", "code": "X"}


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_schema_lists_the_public_endpoints():
    operations = set(_operations())
    assert operations >= PUBLIC


@pytest.mark.parametrize(("method", "path"), _operations())
def test_anonymous_caller_gets_only_public_endpoints(db, method, path):
    url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), "1"), path)
    response = getattr(APIClient(), method)(url)
    if (method, path) in PUBLIC:
        assert response.status_code not in {401, 403}, (method, path, response.status_code)
    else:
        assert response.status_code in {401, 403}, (method, path, response.status_code)


def test_schema_and_docs_are_served(client, db):
    assert client.get(reverse("schema")).status_code == 200
    docs = client.get(reverse("swagger-ui"))
    assert docs.status_code == 200
    # Swagger UI's files come from the application, not a CDN.
    assert b"cdn.jsdelivr" not in docs.content
