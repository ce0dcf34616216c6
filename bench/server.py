"""The production server as the HTTP benchmarks start it: gunicorn with deploy/gunicorn.conf.py
(gthread workers, persistent database connections) on 127.0.0.1, in a process group of its own
so that stopping it stops every worker."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request on a connection of its own: status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start(env: dict[str, str], port: int, ready_path: str) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:`port` with `env` (GUNICORN_WORKERS, GUNICORN_THREADS, settings…),
    once `ready_path` answers 200; exits the benchmark if it never does."""
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "congvu.wsgi:application",
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if request(port, "GET", ready_path)[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    sys.exit("The server did not start.")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers: gracefully, then by force after 30 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
