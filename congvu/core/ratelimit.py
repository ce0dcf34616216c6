"""Rate limits per client, counted in the shared cache so they hold across processes and
machines. A client is an IPv4 address or an IPv6 /64 (`context.client_group`): one IPv6
subscriber holds a whole /64 and could otherwise rotate through it for ever."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from rest_framework.throttling import BaseThrottle

from congvu.core import context

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'10/hour', '20/min', '5/30s': so many uses in so many seconds."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"not a rate: {text!r}")
        count, multiple, unit = match.groups()
        return cls(limit=int(count), window=int(multiple or 1) * _SECONDS[unit[0]])


def client_key() -> str:
    """The current request's client, as rate limits count it."""
    address = context.current().client_address
    return context.client_group(address) if address else "unknown"


_clients: dict[int, Any] = {}

# Count one use, and give a new counter its lifetime: one command, atomic on the server.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _redis_counter(backend: RedisCache) -> Any:
    """The counting script, registered once per process on a Redis client bound to the cache's
    own connection pool: Django's cache makes a new client object for every call, which costs
    more than the count itself."""
    pool = backend._cache._get_connection_pool(write=True)  # type: ignore[attr-defined]
    counter = _clients.get(id(pool))
    if counter is None:
        client = backend._cache._client(connection_pool=pool)  # type: ignore[attr-defined]
        counter = _clients[id(pool)] = client.register_script(_COUNT_SCRIPT)
    return counter


def _count(key: str, ttl: int) -> int:
    """Add one to the shared counter `key`, which lives `ttl` seconds from its first use.

    On Redis that is one command (a script run by its digest, loaded again if the server lost
    it); on the other caches, add-then-increment.
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django's Redis cache stores integers as plain Redis integers, so INCR applies.
        full = backend.make_and_validate_key(key)
        return int(_redis_counter(backend)(keys=[full], args=[ttl]))
    backend.add(key, 0, ttl)
    try:
        return int(backend.incr(key))
    except ValueError:  # evicted between add and incr
        backend.set(key, 1, ttl)
        return 1


def over_limit(scope: str, rate: Rate | str) -> bool:
    """Count one use of `scope` by the current client; whether that is over `rate`."""
    return hit(scope, rate) > 0


def hit(scope: str, rate: Rate | str, *, key: str | None = None) -> int:
    """Count one use of `scope` by the client in the current window; the seconds to wait if it
    is over the limit, else 0."""
    if isinstance(rate, str):
        rate = Rate.parse(rate)
    now = time.time()
    window_no = int(now // rate.window)
    count = _count(f"congvu:rate:{scope}:{key or client_key()}:{window_no}", rate.window + 5)
    if count <= rate.limit:
        return 0
    return max(1, int((window_no + 1) * rate.window - now))


def limited_message(wait: int) -> str:
    return gettext(
        "Too many requests from your network. Please try again in %(seconds)s seconds."
    ) % {"seconds": wait}


def limited_response(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 page, in the visitor's language, with Retry-After."""
    response = render(
        request,
        "core/rate_limited.html",
        {"message": limited_message(wait), "wait": wait},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _exempt_by_role(user: Any, roles: tuple[str, ...]) -> bool:
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    from congvu.accounts.roles import has_role

    return has_role(user, *roles)


def rate_limit(
    scope: str,
    *,
    rate_setting: str,
    methods: frozenset[str] = frozenset({"POST"}),
    exempt_roles: tuple[str, ...] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit an HTML view's `methods` to settings.<rate_setting> per client; over it, the 429
    page. Users holding one of `exempt_roles` are not counted."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and not _exempt_by_role(request.user, exempt_roles):
                wait = hit(scope, str(getattr(settings, rate_setting)))
                if wait:
                    return limited_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ClientRateThrottle(BaseThrottle):
    """The API's side of `rate_limit`: a DRF throttle counting `methods` per client against
    settings.<rate_setting>. Subclass it and set `scope` and `rate_setting`."""

    scope = ""
    rate_setting = ""
    methods: frozenset[str] = frozenset({"POST"})
    exempt_roles: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.wait_seconds = 0

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method not in self.methods or _exempt_by_role(request.user, self.exempt_roles):
            return True
        self.wait_seconds = hit(self.scope, str(getattr(settings, self.rate_setting)))
        return self.wait_seconds == 0

    def wait(self) -> float | None:
        return float(self.wait_seconds) if self.wait_seconds else None
