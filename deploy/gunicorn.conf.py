"""gunicorn settings for congvu: `gunicorn -c deploy/gunicorn.conf.py congvu.wsgi`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, PORT) without editing this file.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from pathlib import Path


def _bind_addresses(port: str) -> list[str]:
    """IPv6 and IPv4 on `port`.

    Where the kernel answers IPv4 on an IPv6 socket (Linux's default, bindv6only=0), one socket
    on [::] serves both and a second one on 0.0.0.0 would collide with it; where it does not,
    or IPv6 is switched off, each family gets its own socket.
    """
    if not socket.has_ipv6:
        return [f"0.0.0.0:{port}"]
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError:
        return [f"0.0.0.0:{port}"]
    probe.close()
    v6only = Path("/proc/sys/net/ipv6/bindv6only")
    if v6only.exists() and v6only.read_text().strip() == "0":
        return [f"[::]:{port}"]
    return [f"[::]:{port}", f"0.0.0.0:{port}"]


_port = os.environ.get("PORT", "8000")
bind = [b for b in os.environ.get("GUNICORN_BIND", "").split(",") if b] or _bind_addresses(_port)

# Two processes per core plus one keeps every core busy while others wait on the database;
# two threads in each let a process serve a second request while the first waits for a slow
# client or a lock. Each thread keeps its own persistent database connection, so PostgreSQL
# needs max_connections >= app servers x workers x threads + task workers + a margin.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak cannot grow without end.
max_requests = 2000
max_requests_jitter = 200
# Uploads of up to 20 MB pass through; headers stay small.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "congvu"

# The application writes one JSON line per request itself (congvu.core.middleware), so
# gunicorn's access log is off; its own messages go to stderr in the same JSON shape.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "congvu.core.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["console"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
