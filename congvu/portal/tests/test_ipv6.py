"""The portal answers over IPv6 and IPv4 loopback, from a real WSGI server."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections


def _has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


class _Server(ThreadedWSGIServer):
    def _close_connections(self) -> None:
        # The threads share the test's connection (and its transaction); keep it open.
        pass


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(host: str, ipv6: bool) -> tuple[_Server, threading.Thread]:
    shared = {alias: connections[alias] for alias in connections}
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = _Server(
        (host, 0), _QuietHandler, ipv6=ipv6, allow_reuse_address=False, connections_override=shared
    )
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def servers(db: Any) -> Iterator[dict[str, _Server]]:
    # The server threads share the test's connection, inside the test's transaction: closing
    # "old" connections at the end of a request (on PostgreSQL, a connection not in autocommit
    # counts as unusable) would close it under the test.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    started: dict[str, tuple[_Server, threading.Thread]] = {"127.0.0.1": _serve("127.0.0.1", False)}
    if _has_ipv6_loopback():
        started["::1"] = _serve("::1", True)
    yield {host: server for host, (server, _thread) in started.items()}
    for server, thread in started.values():
        server.shutdown()
        server.server_close()
        thread.join(5)
    for conn in connections.all():
        conn.dec_thread_sharing()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _get(host: str, port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"User-Agent": "Mozilla/5.0 (test)"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_portal_answers_over_ipv4_and_ipv6(servers: dict[str, _Server], make_article: Any) -> None:
    from congvu.portal import visitors

    make_article(title="Cổng thông tin sẵn sàng IPv6")
    if "::1" not in servers:
        pytest.skip("this host has no IPv6 loopback")
    for host, server in servers.items():
        status, body = _get(host, server.server_address[1], "/")
        assert status == 200, host
        assert "Cổng thông tin sẵn sàng IPv6" in body
        assert "IPv6 ready" in body
    # The IPv6 client was counted by its /64, like the IPv4 one by its address.
    assert len(visitors.buffer.seen) == 2
    status, body = _get("::1", servers["::1"].server_address[1], "/robots.txt")
    assert status == 200
    assert f"Sitemap: http://[::1]:{servers['::1'].server_address[1]}/sitemap.xml" in body
