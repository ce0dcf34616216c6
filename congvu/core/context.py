"""The current request's client address and id, available to services without passing them."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    client_address: str | None = None
    request_id: str = ""


_NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("congvu_request", default=None)


def current() -> RequestContext:
    """The request being served, or an empty context in commands, tasks and tests."""
    return _current.get() or _NO_REQUEST


def set_current(ctx: RequestContext) -> object:
    return _current.set(ctx)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
