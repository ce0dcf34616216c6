"""The permission matrix: every page and every API operation, asked as every actor of the cast.

Each app states in `congvu/<app>/tests/access.py` who may have each of its URLs (see
tests/matrix.py). This module collects those cases, fails for any named URL route or OpenAPI
operation that no case covers, then asks every case as every actor: those in `allow` must get
a status in `ok`, everyone else must be refused, and a refusal must not show the object it
refuses (the case's `secret`).

Routes left out of the matrix, and why:
- `admin:*`: the admin site has its own gate (`is_staff` and model permissions); the apps'
  test_admin modules test what each role may do there.
- `set_language` (i18n): stores the visitor's language choice in a cookie; nobody's data.
- `schema`, `swagger-ui`: the published API description, public on purpose
  (tests/test_api_anonymous.py checks they are served).
- The static/media file server: unnamed and mounted only when DEBUG is on.
- Named patterns under /api/v1/ are checked as OpenAPI operations ("GET /api/v1/units/"),
  and each of them must appear in the schema, so an API view cannot leave the matrix by
  leaving the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.matrix import ACTORS, Case, Cast

API_PREFIX = "api/v1/"
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language", "schema", "swagger-ui"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
OPERATION_METHODS = {"get", "post", "put", "patch", "delete"}
REFUSED_SIGNED_IN = {403, 404}
REFUSED_ANONYMOUS_API = {401, 403}
# An HTML page refuses an anonymous visitor with the login page, or with 403/404 where the
# page is public but the object is not (an unpublished directive's public page).
REFUSED_ANONYMOUS_HTML = {403, 404}


# Collecting what must be covered -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "dossiers:detail"; "" for an unnamed pattern
    pattern: str  # the route as written, prefixes joined: "dossiers/<str:code>/"


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        # Joined as Django joins them for ResolverMatch.route: a regex's "^" dropped.
        route = prefix + str(entry.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        else:
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield Route(name=full, pattern=route)


def url_routes() -> list[Route]:
    """Every URL pattern of the project, with its namespaced name."""
    return list(_walk(get_resolver().url_patterns))


def html_routes() -> set[str]:
    """The named HTML routes the matrix must cover (API patterns are covered as operations)."""
    names = set()
    for route in url_routes():
        if route.pattern.startswith(API_PREFIX) or route.name in EXCLUDED_NAMES:
            continue
        if route.pattern.startswith("media/"):
            continue  # the DEBUG-only file server
        names.add(route.name or f"<unnamed: {route.pattern}>")
    return names


def api_operations() -> set[str]:
    """Every operation of the published OpenAPI schema, as "METHOD /api/v1/path/{param}/"."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in OPERATION_METHODS
    }


def api_patterns_outside_schema() -> set[str]:
    """API URL patterns that no operation of the schema resolves to."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    reached = set()
    for path in schema["paths"]:
        try:
            match = resolve(re.sub(r"\{\w+\}", "1", path))
        except Resolver404:
            continue
        reached.add(match.route)
    return {
        route.pattern
        for route in url_routes()
        if route.pattern.startswith(API_PREFIX)
        and route.name not in EXCLUDED_NAMES
        and route.pattern not in reached
    }


def access_modules() -> list[Any]:
    """Every app's `tests/access.py`, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.access"
        if (
            config.name.startswith("congvu.")
            and find_spec(f"{config.name}.tests") is not None
            and find_spec(name) is not None
        ):
            modules.append(import_module(name))
    return modules


# The cast ------------------------------------------------------------------------------------


@pytest.fixture
def cast(
    settings: Any,
    org_tree: dict[str, Any],
    home_affairs: Any,
    citizen: Any,
    citizen_b: Any,
    one_stop_officer: Any,
    official_a: Any,
    head_a: Any,
    outsider_b: Any,
    provincial_office_user: Any,
    appraiser: Any,
    editor: Any,
    news_approver: Any,
    admin_user: Any,
) -> Cast:
    # The leak check compares English source strings and names, whatever the default is.
    settings.LANGUAGE_CODE = "en"
    users = {
        "anonymous": None,
        "citizen_a": citizen,
        "citizen_b": citizen_b,
        "one_stop_officer": one_stop_officer.user,
        "specialist_a": official_a.user,
        "head_a": head_a.user,
        "official_b": outsider_b.user,
        "provincial_office": provincial_office_user,
        "appraiser": appraiser,
        "editor": editor,
        "news_approver": news_approver,
        "administrator": admin_user,
    }
    assert set(users) == set(ACTORS)
    return Cast(users=users, units={**org_tree, "home_affairs": home_affairs})


@pytest.fixture
def cases(cast: Cast) -> list[Case]:
    collected: list[Case] = []
    for module in access_modules():
        collected.extend(module.access_cases(cast))
    return collected


# Asking --------------------------------------------------------------------------------------


class Asker:
    """Sends one case's request as one actor: a fresh logged-in browser for HTML (a case may
    log its client out), the actor's token for the API."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.login_url = reverse("accounts:login")
        # One request handler for all clients: building one loads the middleware, and
        # WhiteNoise's scan of the static files costs more than most requests.
        self.handler = Client().handler
        self.api_handler = APIClient().handler

    def _client(self, actor: str, api: bool) -> Client | APIClient:
        user = self.cast.users[actor]
        if api:
            client = APIClient(raise_request_exception=False)
            client.handler = self.api_handler
            if user is not None:
                # Fetched afresh each time: a case may revoke the actor's token.
                token = Token.objects.get_or_create(user=user)[0]
                client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return client
        # A server error is one wrong answer among the others, not the end of the run.
        browser = Client(raise_request_exception=False)
        browser.handler = self.handler
        if user is not None:
            browser.force_login(user)
        return browser

    def ask(self, case: Case, actor: str) -> Any:
        client = self._client(actor, case.api)
        method = case.method.lower()
        data = dict(case.data) if case.data is not None else None
        for value in (data or {}).values():
            if hasattr(value, "seek"):
                value.seek(0)
        if case.api:
            has_files = any(hasattr(v, "read") for v in (data or {}).values())
            send: Callable[..., Any] = getattr(client, method)
            if method in {"get", "head", "options", "delete"} and not data:
                return send(case.path)
            return send(case.path, data, format="multipart" if has_files else "json")
        # A query string in the path is kept when there is no data to send.
        return getattr(client, method)(case.path, data or {})

    def judge(self, case: Case, actor: str, response: Any) -> str | None:
        """None when the answer is right, else what was wrong."""
        status = response.status_code
        if actor in case.allow:
            if status in case.ok:
                return None
            return f"allowed but got {status}, expected one of {sorted(case.ok)}"
        if actor == "anonymous":
            if case.api:
                refused = status in REFUSED_ANONYMOUS_API
            else:
                location = response.get("Location", "") if status == 302 else ""
                refused = status in REFUSED_ANONYMOUS_HTML or location.startswith(self.login_url)
        else:
            refused = status in REFUSED_SIGNED_IN
        if not refused:
            return f"should be refused but got {status}"
        if case.secret and case.secret.encode() in _body(response):
            return f"refused with {status} but the answer shows {case.secret!r}"
        return None


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b""  # a refusal is never a file
    return bytes(response.content)


def _ordered(cases: list[Case]) -> list[Case]:
    # Reads first, then writes: a write allowed to someone may change what later cases see.
    return [c for c in cases if c.method.upper() in SAFE_METHODS] + [
        c for c in cases if c.method.upper() not in SAFE_METHODS
    ]


def _actors(case: Case) -> list[str]:
    # Refused actors first, the allowed last: an allowed write changes the object.
    return [a for a in ACTORS if a not in case.allow] + [a for a in ACTORS if a in case.allow]


# Tests ---------------------------------------------------------------------------------------


def test_every_route_and_operation_has_a_case(cases: list[Case]) -> None:
    covered = {case.route for case in cases}
    unknown_actors = {a for case in cases for a in case.allow} - set(ACTORS)
    missing_routes = sorted(html_routes() - covered)
    missing_operations = sorted(api_operations() - covered)
    outside = sorted(api_patterns_outside_schema())
    problems = (
        [f"route without a case: {name}" for name in missing_routes]
        + [f"API operation without a case: {op}" for op in missing_operations]
        + [f"API pattern missing from the OpenAPI schema: {p}" for p in outside]
        + [f"unknown actor in a case: {a}" for a in sorted(unknown_actors)]
    )
    assert not problems, "\n".join(problems)


def test_cases_name_real_routes(cases: list[Case]) -> None:
    known = html_routes() | api_operations()
    stale = sorted({case.route for case in cases} - known)
    assert not stale, f"cases name routes that do not exist: {stale}"
    for case in cases:
        if case.api:
            continue
        match = resolve(case.path.split("?")[0])
        assert match.view_name == case.route, (case.path, match.view_name, case.route)


def test_each_actor_gets_what_the_cases_say(cast: Cast, cases: list[Case]) -> None:
    asker = Asker(cast)
    failures = []
    for case in _ordered(cases):
        for actor in _actors(case):
            # Throttles count per client address, and every request here comes from one.
            cache.clear()
            response = asker.ask(case, actor)
            problem = asker.judge(case, actor, response)
            if problem is not None:
                failures.append(f"{case.method} {case.path} [{case.route}] as {actor}: {problem}")
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures)


def test_the_collector_sees_pages_and_operations_but_not_the_exclusions() -> None:
    routes = html_routes()
    assert "dossiers:detail" in routes
    assert not any(name.startswith("admin:") for name in routes)
    assert not EXCLUDED_NAMES & routes
    assert "GET /api/v1/units/{id}/" in api_operations()
    assert not api_patterns_outside_schema()
