"""Core has no pages of its own (the home page is the portal's, `portal:home`); it answers the
health checks of monitoring and load balancers."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from congvu.core.health import health


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Monitoring: database reachable, migrations applied, a task worker alive (200 or 503)."""
    ok, body = health(include_worker=True)
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@require_safe
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Load balancers: may this application server take requests? The task worker runs
    elsewhere and does not decide it."""
    ok, body = health(include_worker=False)
    return JsonResponse(body, status=200 if ok else 503)
