"""Reads of dashboards and public pages from a streaming replica; everything else from the primary.

Active only when `DATABASE_REPLICA_URL` is set (the database alias "replica"). The rules:

- A view reads from the replica only if it is marked: `@replica_reads` on a function view (or
  `method_decorator(replica_reads, name="get")` on a class), or a `with replica_reads():` block.
  Unmarked code always reads from the primary.
- The replica serves only GET and HEAD requests; a POST to a marked view reads the primary.
- Once anything is written in a request, every later read of that request goes to the primary,
  and so does every read inside a transaction.
- After a request that wrote, the client gets a short-lived cookie; while it lasts, its reads
  stay on the primary, so someone who has just saved something sees it on the next page even
  if the replica is a moment behind (DATABASE_REPLICA_STICKY_SECONDS).
- Sessions and API tokens are always read from the primary, so a logout or a revoked token
  takes effect at once.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connections, models
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
STICKY_COOKIE = "congvu_primary"
# Apps whose rows decide who is logged in: never answered from a possibly stale copy.
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken"})

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _State:
    allowed: bool = False  # inside a marked view or block
    safe_request: bool = True  # GET/HEAD, or outside any request
    pinned: bool = False  # the client wrote a moment ago
    wrote: bool = False  # this request (or block) has written


_state: ContextVar[_State | None] = ContextVar("congvu_replica", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and bool(settings.DATABASE_ROUTERS)


@contextmanager
def _allow_replica() -> Iterator[None]:
    state = _state.get()
    if state is None:
        # Outside a request (a command, a task): a scope of its own, ended with the block.
        token = _state.set(_State(allowed=True))
        try:
            yield
        finally:
            _state.reset(token)
        return
    before = state.allowed
    state.allowed = True
    try:
        yield
    finally:
        state.allowed = before


class _ReplicaReads:
    """Context manager and decorator in one: see `replica_reads`."""

    def __enter__(self) -> None:
        self._cm = _allow_replica()
        self._cm.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(None, None, None)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _allow_replica():
                return func(*args, **kwargs)

        return cast(F, wrapper)


def replica_reads(func: F | None = None) -> Any:
    """Mark a read-only view (or a block) whose reads may come from the replica.

    `@replica_reads` and `@replica_reads()` decorate a view; `with replica_reads():` marks a
    block. Without a configured replica it changes nothing.
    """
    if func is None:
        return _ReplicaReads()
    return _ReplicaReads()(func)


def reading_from_replica() -> bool:
    """Whether a read made now would go to the replica (for tests and diagnostics)."""
    return _use_replica(None)


def _use_replica(model: type[models.Model] | None) -> bool:
    state = _state.get()
    if state is None or not state.allowed or state.wrote or state.pinned:
        return False
    if not state.safe_request:
        return False
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return False
    # Inside a transaction the primary's own uncommitted rows are what must be read.
    return not connections[PRIMARY].in_atomic_block


class PrimaryReplicaRouter:
    """Sends marked reads to the replica, and all writes and migrations to the primary."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return str(instance._state.db)
        return REPLICA if _use_replica(model) else PRIMARY

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary's WAL; it is never migrated itself.
        return db == PRIMARY


class ReplicaMiddleware:
    """Starts each request with a clean routing state and keeps a client that has just written
    on the primary for a few seconds (a cookie, so it holds across app servers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        pinned = False
        raw = request.COOKIES.get(STICKY_COOKIE, "")
        try:
            pinned = float(raw) > time.time()
        except ValueError:
            pinned = False
        state = _State(safe_request=request.method in {"GET", "HEAD"}, pinned=pinned)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote or request.method not in {"GET", "HEAD", "OPTIONS"}:
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
