"""Benchmark: the portal's home page and an article page for anonymous visitors, against a
static file served by the same server.

It starts the production server (gunicorn with deploy/gunicorn.conf.py: gthread workers,
DEBUG off, static files by WhiteNoise from a collected, hashed STATIC_ROOT) on a free loopback
port, over the demo data on SQLite (built in a temporary folder unless DATABASE_URL names a
database that has it), warms it up, then loads each URL in turn from several client processes,
each on one keep-alive connection, with a browser's user agent (so every request is counted as
a visit). It prints requests per second, p50 and p95 for each, and the ratio page / static
file of requests per second (goal >= 0.3).

    python bench/portal.py                      # fresh demo database, 2 workers x 4 threads
    python bench/portal.py --seconds 20 --clients 16 --workers 3
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402

AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_settings(folder: Path) -> None:
    """Production settings with STATIC_ROOT in the bench's own folder."""
    (folder / "portal_bench_settings.py").write_text(
        f"from congvu.settings import *  # noqa: F403\nSTATIC_ROOT = {str(folder / 'static')!r}\n"
    )


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(env: dict[str, str], fresh: bool) -> None:
    if fresh:
        print("Building the demo database (migrate, seed_demo, demo news)...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--force", "--dossiers", "100")
    manage(env, "shell", "-c", "from congvu.portal.demo import demo_news_seed; demo_news_seed()")
    manage(env, "collectstatic", "--noinput")


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return server.start(env, port, "/robots.txt")


def get(port: int, path: str) -> tuple[int, bytes]:
    return server.request(port, "GET", path, headers={"User-Agent": AGENT})


def _client(args: tuple[int, str, float]) -> tuple[list[float], int]:
    """One client: GET `path` on one keep-alive connection until the deadline."""
    port, path, deadline = args
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"User-Agent": AGENT})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - started)
        errors += not ok
    conn.close()
    return latencies, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def measure(
    pool: multiprocessing.pool.Pool, port: int, path: str, clients: int, seconds: float
) -> tuple[float, float, float, int]:
    """(requests per second, p50 ms, p95 ms, errors) of `clients` clients for `seconds`."""
    deadline = time.time() + seconds
    started = time.perf_counter()
    results = pool.map(_client, [(port, path, deadline)] * clients)
    elapsed = time.perf_counter() - started
    latencies = [t for mine, _errors in results for t in mine]
    errors = sum(e for _mine, e in results)
    return len(latencies) / elapsed, pct(latencies, 0.5) * 1000, pct(latencies, 0.95) * 1000, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="congvu-bench-portal-"))
    write_settings(folder)
    fresh = "DATABASE_URL" not in os.environ
    env = {
        **os.environ,
        "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "portal_bench_settings",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'demo.sqlite3'}"),
        "SECRET_KEY": "bench-only-not-a-secret",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_URL": os.environ.get("CACHE_URL", f"file://{folder / 'cache'}"),
        "LOG_LEVEL": "WARNING",
        # The demo's workflow would send its notices by SMTP with DEBUG off.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GUNICORN_WORKERS": str(options.workers),
        "GUNICORN_THREADS": str(options.threads),
    }
    prepare(env, fresh)
    port = free_port()
    gunicorn = start_server(env, port)
    try:
        home = get(port, "/")[1].decode()
        marker = 'href="/news/'
        start = home.index(marker, home.index('class="lead-story"'))
        article = home[start + len('href="') : home.index('"', start + len('href="'))]
        css = home[home.index('href="/static/congvu/css/site.') :].split('"')[1]
        paths = {"home page": "/", "article page": article, "static file": css}
        print(
            f"gunicorn {options.workers} workers x {options.threads} threads on 127.0.0.1:{port}, "
            f"{options.clients} keep-alive clients, {options.seconds:.0f} s each, "
            f"cache {env['CACHE_URL'].split(':')[0]}, database {env['DATABASE_URL'].split(':')[0]}"
        )
        with multiprocessing.Pool(options.clients) as pool:
            for path in paths.values():
                measure(pool, port, path, options.clients, 2)  # warm up
            results = {
                name: measure(pool, port, path, options.clients, options.seconds)
                for name, path in paths.items()
            }
        print(f"{'':14}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}  path")
        for name, (rate, p50, p95, errors) in results.items():
            print(f"{name:14}{rate:10.0f}{p50:10.1f}{p95:10.1f}{errors:8d}  {paths[name]}")
        static = results["static file"][0]
        for name in ("home page", "article page"):
            ratio = results[name][0] / static if static else 0.0
            verdict = "ok" if ratio >= 0.3 else "BELOW GOAL"
            print(f"ratio {name} / static file: {ratio:.2f} (goal >= 0.3: {verdict})")
    finally:
        server.stop(gunicorn)


if __name__ == "__main__":
    main()
