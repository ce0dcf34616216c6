from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty
from django.views.defaults import bad_request

from congvu.core import context

request_log = logging.getLogger("congvu.request")
# A request id from the client or a proxy is kept only if it is plain: it is echoed in a header
# and written to the logs.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, IPv4 or IPv6, normalised.

    X-Forwarded-For is trusted only when the deployment says a proxy sits in front of us.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[0].strip()
    try:
        address = ipaddress.ip_address(raw.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def _user_id(request: HttpRequest) -> int | None:
    """The id of the user the request was served for, without loading a session to find out."""
    user: Any = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user.__dict__.get("_wrapped") is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestContextMiddleware:
    """Records the client address and a request id for the audit log and the logs, echoes the
    id as X-Request-ID, and writes one log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        address = client_address(request)
        token = context.set_current(
            context.RequestContext(client_address=address, request_id=request_id)
        )
        try:
            response: HttpResponse
            if _has_nul(request):
                # PostgreSQL text cannot hold a NUL character: such a request can only fail in
                # the database, so it is refused before it gets there.
                response = bad_request(request, SuspiciousOperation("NUL character in request"))
            else:
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            _log_request(request, response.status_code, started, address)
        finally:
            context.reset(token)
        return response


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _log_request(request: HttpRequest, status: int, started: float, address: str | None) -> None:
    # The path only: query strings may carry a dossier's lookup key.
    level = logging.ERROR if status >= 500 else logging.INFO
    request_log.log(
        level,
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "client": context.client_group(address) if address else None,
            "user_id": _user_id(request),
        },
    )


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of settings.CONTENT_SECURITY_POLICY on every answer.

    The policy is one fixed header (no nonces: no template has an inline script), which is all
    a dependency such as django-csp would add here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose otherwise.

    Pages ignore the browser's Accept-Language: many people in Vietnam run browsers set to
    English, and a provincial portal speaks Vietnamese until asked (the language switcher sets
    a cookie). API clients are programs that say what they want, so the API honours the header.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
