"""One JSON log line per request, with the request id that the response echoes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from congvu.core.logs import JsonFormatter
from congvu.core.tests.test_settings import _run


@pytest.fixture
def log_lines() -> Iterator[Callable[[str], list[dict[str, Any]]]]:
    """What a JSON console handler on the root logger writes, as production does, per logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines(logger: str) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines() if line]
        return [p for p in parsed if p["logger"] == logger]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_one_json_line_per_request(client, db, log_lines):
    response = client.get("/healthz/ready?secret=do-not-log", REMOTE_ADDR="2001:db8:1:2:aaaa::7")
    [line] = log_lines("congvu.request")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert line["method"] == "GET"
    assert line["path"] == "/healthz/ready"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["client"] == "2001:db8:1:2::/64"
    assert line["user_id"] is None
    assert "do-not-log" not in json.dumps(line)


def test_signed_in_user_and_ipv4_client(client_for, citizen, log_lines):
    client_for(citizen).get("/accounts/profile/", REMOTE_ADDR="203.113.0.5")
    line = log_lines("congvu.request")[-1]
    assert line["user_id"] == citizen.pk
    assert line["client"] == "203.113.0.5"


def test_request_id_from_the_proxy_is_kept_if_plain(client, db):
    given = client.get("/healthz/ready", HTTP_X_REQUEST_ID="lb-1234.abcd")
    assert given["X-Request-ID"] == "lb-1234.abcd"
    forged = client.get("/healthz/ready", HTTP_X_REQUEST_ID="bad id\r\nX-Evil: 1")
    assert forged["X-Request-ID"] != "bad id\r\nX-Evil: 1"
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.urls("congvu.core.tests.urls_errors")
def test_errors_are_logged_with_the_request_id_and_traceback(db, log_lines):
    response = Client(raise_request_exception=False).get("/broken/?key=secret")
    assert response.status_code == 500
    request_line = log_lines("congvu.request")[-1]
    assert request_line["level"] == "ERROR"
    assert request_line["status"] == 500
    [error] = log_lines("django.request")
    assert error["request_id"] == response["X-Request-ID"] == request_line["request_id"]
    assert "RuntimeError: broken on purpose" in error["exception"]
    assert "key=secret" not in json.dumps(error)


def test_json_logs_in_production_text_in_debug():
    code = "from django.conf import settings as s; print(s.LOG_FORMAT)"
    env = {"DJANGO_SETTINGS_MODULE": "congvu.settings"}
    production = _run({**env, "SECRET_KEY": "x" * 60}, f"import django; django.setup(); {code}")
    debug = _run({**env, "DEBUG": "1"}, f"import django; django.setup(); {code}")
    assert production.stdout.strip() == "json", production.stderr
    assert debug.stdout.strip() == "text", debug.stderr
