"""Who may have the portal's pages and API (see tests/matrix.py).

The public portal is everyone's; the newsroom is for editors, approvers and administrators,
and publishing for approvers and administrators only. An editor's draft is theirs (and the
approvers'); other signed-in people are refused, anonymous visitors sent to log in.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congvu.portal import services
from tests.matrix import EVERYONE, Case, Cast

NEWSROOM = frozenset({"editor", "news_approver", "administrator"})
APPROVERS = frozenset({"news_approver", "administrator"})
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def access_cases(cast: Cast) -> list[Case]:
    editor = cast.users["editor"]
    approver = cast.users["news_approver"]
    category = services.category_create(actor=None, name="Tin hoạt động", slug="tin-hoat-dong")
    live = services.article_create(
        actor=editor,
        title="Bài đã đăng của ma trận",
        summary="Tóm tắt.",
        body="<p>Nội dung.</p>",
        categories=[category],
        tags=["ma trận"],
        cover=SimpleUploadedFile("anh.png", PNG),
        cover_alt="Ảnh minh họa",
    )
    services.article_submit(actor=editor, article=live)
    services.article_publish(actor=approver, article=live)
    draft = services.article_create(
        actor=editor, title="Bản nháp của ma trận", summary="Tóm tắt.", body="<p>Nháp.</p>"
    )
    submitted = services.article_create(
        actor=editor, title="Bài chờ duyệt (HTML)", summary="Tóm tắt.", body="<p>Chờ.</p>"
    )
    services.article_submit(actor=editor, article=submitted)
    submitted_api = services.article_create(
        actor=editor, title="Bài chờ duyệt (API)", summary="Tóm tắt.", body="<p>Chờ.</p>"
    )
    services.article_submit(actor=editor, article=submitted_api)
    tag = live.tags.get()
    new_article = {"title": "Bài mới", "summary": "Tóm tắt.", "body": "<p>Thân bài.</p>"}
    return [
        Case("GET", reverse("portal:home"), "portal:home", EVERYONE),
        Case("GET", reverse("portal:news"), "portal:news", EVERYONE),
        Case("GET", reverse("portal:feed_rss"), "portal:feed_rss", EVERYONE),
        Case("GET", reverse("portal:feed_atom"), "portal:feed_atom", EVERYONE),
        Case("GET", reverse("portal:category", args=[category.slug]), "portal:category", EVERYONE),
        Case("GET", reverse("portal:tag", args=[tag.slug]), "portal:tag", EVERYONE),
        Case("GET", live.get_absolute_url(), "portal:article", EVERYONE),
        # A draft's preview is its author's and the approvers'.
        Case("GET", draft.get_absolute_url(), "portal:article", NEWSROOM),
        Case("GET", reverse("portal:cover", args=[live.slug]), "portal:cover", EVERYONE),
        Case("GET", reverse("portal:search") + "?q=ma+tran", "portal:search", EVERYONE),
        Case("GET", reverse("portal:dashboards"), "portal:dashboards", EVERYONE),
        Case("GET", reverse("portal:sitemap"), "portal:sitemap", EVERYONE),
        Case("GET", reverse("portal:robots"), "portal:robots", EVERYONE),
        Case(
            "GET",
            reverse("portal:language", args=["en"]) + "?next=/news/",
            "portal:language",
            EVERYONE,
            frozenset({302}),
        ),
        Case("GET", reverse("portal:desk"), "portal:desk", NEWSROOM),
        Case("GET", reverse("portal:new"), "portal:new", NEWSROOM),
        Case("GET", reverse("portal:review", args=[draft.pk]), "portal:review", NEWSROOM),
        Case("GET", reverse("portal:edit", args=[draft.pk]), "portal:edit", NEWSROOM),
        Case("GET", reverse("portal:revision", args=[draft.pk, 1]), "portal:revision", NEWSROOM),
        Case(
            "POST",
            reverse("portal:act", args=[submitted.pk, "publish"]),
            "portal:act",
            APPROVERS,
            frozenset({302}),
        ),
        # API
        Case("GET", "/api/v1/news/articles/", "GET /api/v1/news/articles/", EVERYONE, api=True),
        Case(
            "POST",
            "/api/v1/news/articles/",
            "POST /api/v1/news/articles/",
            NEWSROOM,
            frozenset({201}),
            data=new_article,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/news/articles/{live.pk}/",
            "GET /api/v1/news/articles/{id}/",
            EVERYONE,
            api=True,
        ),
        Case(
            "PATCH",
            f"/api/v1/news/articles/{draft.pk}/",
            "PATCH /api/v1/news/articles/{id}/",
            NEWSROOM,
            data={"summary": "Tóm tắt đã sửa."},
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/news/articles/{submitted_api.pk}/actions/",
            "POST /api/v1/news/articles/{id}/actions/",
            APPROVERS,
            frozenset({200, 409}),
            data={"action": "publish"},
            api=True,
        ),
        Case("GET", "/api/v1/news/categories/", "GET /api/v1/news/categories/", EVERYONE, api=True),
        Case("GET", "/api/v1/portal/visitors/", "GET /api/v1/portal/visitors/", EVERYONE, api=True),
        Case("GET", "/api/v1/portal/figures/", "GET /api/v1/portal/figures/", EVERYONE, api=True),
    ]
