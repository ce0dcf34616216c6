"""Production hardening: the Content-Security-Policy holds for every template, every POST form
carries a CSRF token and is refused without one, and `check --deploy` is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from congvu.core.tests.test_settings import ROOT, _run

TEMPLATES = sorted(
    p for p in (ROOT / "congvu").rglob("templates/**/*.html") if ".venv" not in p.parts
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post", re.IGNORECASE)


def test_templates_were_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_and_a_csrf_token_in_every_post_form(template: Path):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not EVENT_ATTRIBUTE.search(text), "on...= attribute: bind the event in a static file"
    for match in POST_FORM.finditer(text):
        form = text[match.start() : text.find("</form>", match.start())]
        assert "{% csrf_token %}" in form, f"POST form without csrf_token at {match.start()}"


def test_pages_carry_the_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_swagger_ui_loads_its_script_from_a_url(client, db):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/login/", {"username": "a", "password": "b"}),
        ("/i18n/setlang/", {"language": "en"}),
        ("/dossiers/lookup/", {"code": "X", "secret": "Y"}),
        ("/dossiers/feedback/", {"name": "A"}),
        ("/accounts/register/", {"username": "a"}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(db, path, data):
    response = Client(enforce_csrf_checks=True).post(path, data)
    assert response.status_code == 403


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
        "s.CSRF_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
    )
    result = _run(
        {"DJANGO_SETTINGS_MODULE": "congvu.settings", "SECRET_KEY": "x" * 60},
        f"import django; django.setup(); {code}",
    )
    assert result.stdout.split() == [
        "31536000", "True", "False", "True", "True", "True", "True", "True", "DENY",
        "same-origin", "600", "True", "CompressedManifestStaticFilesStorage",
    ], result.stderr  # fmt: skip


def test_check_deploy_security_is_clean():
    # CI runs the whole `check --deploy`; the security checks are the ones settings decide.
    env = {
        "SECRET_KEY": "deploy-check-" + "k" * 60,
        "ALLOWED_HOSTS": "congvu.example.vn",
        "DJANGO_SETTINGS_MODULE": "congvu.settings",
    }
    result = _run(
        env,
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--tag', 'security', "
        "'--fail-level', 'WARNING'])",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path",
    ["/api/v1/dossiers/A%00B/", "/api/v1/procedures/?search=a%00b", "/procedures/A%00/"],
)
def test_a_nul_character_is_refused_before_the_database(client: Client, path: str) -> None:
    # PostgreSQL cannot store or compare text with NUL: without the check this was a 500.
    response = client.get(path)
    assert response.status_code == 400
    assert response["X-Request-ID"]
