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


def client_group(address: str | None) -> str:
    """The unit a client is counted in by rate limits: its IPv4 address, or its IPv6 /64.

    One IPv6 subscriber usually holds a whole /64; counting single addresses would let one
    client rotate through it and never be slowed down.
    """
    import ipaddress

    if not address:
        # A server on a Unix socket may pass no address at all; such clients count as one.
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
