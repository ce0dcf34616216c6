"""Who may have the core pages (see tests/matrix.py): only the health checks, which anyone may
ask (load balancers and monitoring do not log in); the home page is the portal's
(congvu/portal/tests/access.py)."""

from __future__ import annotations

from tests.matrix import EVERYONE, Case, Cast

# Healthy or not (no task worker runs beside the tests), the answer is given to everyone.
_HEALTH = frozenset({200, 503})


def access_cases(cast: Cast) -> list[Case]:
    return [
        Case("GET", "/healthz", "core:healthz", EVERYONE, ok=_HEALTH),
        Case("GET", "/healthz/ready", "core:healthz-ready", EVERYONE, ok=_HEALTH),
    ]
