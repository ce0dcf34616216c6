"""The cache of the portal's public pages for anonymous visitors.

A page is cached whole, keyed by its path and query, the language and a version of the news:
the time of the last change to any article and their number. Publishing or withdrawing
(`page_cache_bump`) drops the version at once in this process; other processes, each with its
own cache when the cache is per-process, read the version again within VERSION_SECONDS. A
page is kept no longer than until the next scheduled article's publication time, so a
scheduled article appears when its time comes, not a cache period later.

Signed-in users never get a cached page and their pages say `private, no-cache`: the header
shows their name. Anonymous pages carry no CSRF token and nothing about the visitor.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "congvu:portal:pages:version"
VERSION_SECONDS = 10


def page_seconds() -> int:
    """How long a public page is kept, and how long browsers and proxies may keep it."""
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 60))


def _version() -> tuple[str, float | None]:
    """(version of the news, epoch seconds of the next scheduled publication or None)."""
    state = cache.get(VERSION_KEY)
    if state is not None:
        return state
    from congvu.portal.models import Article, ArticleStatus

    now = timezone.now()
    row = Article.objects.aggregate(
        changed=Max("changed_at"),
        count=Count("pk"),
        upcoming=Min(
            "published_at", filter=Q(status=ArticleStatus.PUBLISHED, published_at__gt=now)
        ),
    )
    changed = row["changed"].timestamp() if row["changed"] else 0.0
    upcoming = row["upcoming"].timestamp() if row["upcoming"] else None
    state = (f"{changed:.6f}-{row['count']}", upcoming)
    cache.set(VERSION_KEY, state, VERSION_SECONDS)
    return state


def page_cache_bump() -> None:
    """Forget the version of the news: every cached page is rebuilt on its next request."""
    cache.delete(VERSION_KEY)


def _key(request: HttpRequest, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"congvu:portal:page:{version}:{translation.get_language()}:{path}"


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(messages.get_messages(request)) == 0
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count the visit, then serve an anonymous visitor from the page cache when it can."""
    from congvu.portal.visitors import visit_record

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        visit_record(request)
        if not _cacheable_request(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        version, upcoming = _version()
        key = _key(request, version)
        stored = cache.get(key)
        if stored is not None:
            content, content_type, seconds = stored
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            if hasattr(response, "render"):
                response.render()
            seconds = page_seconds()
            if upcoming is not None:
                seconds = max(1, min(seconds, int(upcoming - timezone.now().timestamp())))
            cache.set(key, (response.content, response["Content-Type"], seconds), seconds)
        patch_cache_control(response, public=True, max_age=seconds)
        # Signed-in visitors carry a session cookie and must not be served this page.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped
