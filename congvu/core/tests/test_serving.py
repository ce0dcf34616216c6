"""Production serving: gunicorn answers on IPv4 and IPv6, `serve` runs the web server, the task
worker and the scheduler, and the scheduler runs each sweep once per interval."""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from congvu.core.management.commands.scheduler import Job, run_job
from congvu.core.management.commands.serve import children
from congvu.core.tests.test_settings import ROOT

CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def test_gunicorn_workers_follow_the_cores_and_bind_both_families(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("PORT", "8123")
    conf = runpy.run_path(str(CONFIG))
    assert conf["workers"] == (os.cpu_count() or 1) * 2 + 1
    assert conf["worker_class"] == "gthread"
    assert conf["bind"] in (["[::]:8123"], ["[::]:8123", "0.0.0.0:8123"], ["0.0.0.0:8123"])
    if socket.has_ipv6:
        assert conf["bind"][0] == "[::]:8123"


def test_serve_runs_web_workers_and_scheduler():
    names = [c.name for c in children(task_workers=2, scheduler=True)]
    assert names == ["web", "worker-1", "worker-2", "scheduler"]
    web = children(task_workers=0, scheduler=False)
    assert [c.name for c in web] == ["web"]
    assert web[0].argv[1:4] == ["-m", "gunicorn", "-c"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET) as s:
        s.bind(("::" if socket.has_ipv6 else "0.0.0.0", 0))  # noqa: S104
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.skipif(not socket.has_ipv6, reason="this machine has no IPv6")
def test_gunicorn_answers_on_ipv4_and_ipv6(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CONGVU_TESTING"}}
    env.update(
        DJANGO_SETTINGS_MODULE="congvu.settings",
        SECRET_KEY="serve-test-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,[::1]",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL=f"file://{tmp_path / 'cache'}",
        PORT=str(port),
        GUNICORN_WORKERS="1",
        DATABASE_REPLICA_URL="",
        LOG_FORMAT="json",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "congvu.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        answers = {}
        for host in ("127.0.0.1", "[::1]"):
            for _ in range(100):
                try:
                    answers[host] = _get(f"http://{host}:{port}/healthz/ready")
                    break
                except OSError:
                    time.sleep(0.2)
        # The database is empty, so not ready (503), but both families answer.
        assert {h: a[0] for h, a in answers.items()} == {"127.0.0.1": 503, "[::1]": 503}
        assert all(a[1].get("X-Request-ID") for a in answers.values())
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    lines = [
        json.loads(line)
        for line in (tmp_path / "gunicorn.log").read_text().splitlines()
        if line.startswith("{")
    ]
    requests = [line for line in lines if line["logger"] == "congvu.request"]
    assert {r["client"] for r in requests} == {"127.0.0.1", "::/64"}


def test_a_sweep_runs_once_per_interval_whoever_asks(db, capsys):
    job = Job(command="check", every=300)
    assert run_job(job, owner="machine-a")
    assert not run_job(job, owner="machine-b")


def test_scheduler_once_runs_every_sweep(db, settings, caplog):
    settings.CONGVU_SCHEDULE = [{"command": "check", "every": 60}]
    caplog.set_level("INFO", logger="congvu.scheduler")
    call_command("scheduler", "--once")
    assert any(r.getMessage() == "check done" for r in caplog.records)
