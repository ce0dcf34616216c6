"""The news: written by an editor, published by an approver, shown on the home page, the news
list and the feeds; scheduled articles wait for their time; bodies are cleaned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from congvu.portal import services
from congvu.portal.models import Article, ArticleEvent, ArticleRevision, ArticleStatus
from congvu.portal.tests.conftest import VN

HOSTILE = (
    '<p onclick="alert(1)">Xin chào</p><script>alert(2)</script>'
    '<img src="/x.png" onerror="alert(3)" alt="ảnh"><a href="javascript:alert(4)">link</a>'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    '<svg onload="alert(5)"></svg><a href="https://baocaobang.vn/" target="_blank">Báo</a>'
)


def test_editor_drafts_approver_publishes_and_it_reaches_home_and_feeds(
    editor: Any, news_approver: Any, category: Any, client_for: Any
) -> None:
    anonymous = Client()
    assert "Hội nghị trực tuyến" not in anonymous.get("/").content.decode()

    writer = client_for(editor)
    response = writer.post(
        reverse("portal:new"),
        {
            "title": "Hội nghị trực tuyến về cải cách hành chính",
            "summary": "UBND tỉnh họp trực tuyến với các sở, ngành.",
            "body": "<p>Nội dung hội nghị.</p>",
            "categories": [category.pk],
            "tags_text": "cải cách, hội nghị",
            "source_name": "Báo Cao Bằng",
            "source_url": "https://baocaobang.vn/",
        },
    )
    article = Article.objects.get(title="Hội nghị trực tuyến về cải cách hành chính")
    assert response.status_code == 302
    assert article.status == ArticleStatus.DRAFT
    assert article.author == editor
    # A draft is the editor's, not the public's.
    assert anonymous.get(article.get_absolute_url()).status_code == 404
    assert writer.get(article.get_absolute_url()).status_code == 200

    assert writer.post(reverse("portal:act", args=[article.pk, "submit"])).status_code == 302
    # Editors do not publish.
    assert writer.post(reverse("portal:act", args=[article.pk, "publish"])).status_code == 403
    approver = client_for(news_approver)
    assert approver.post(reverse("portal:act", args=[article.pk, "publish"])).status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.approved_by == news_approver

    home = anonymous.get("/").content.decode()
    assert "Hội nghị trực tuyến về cải cách hành chính" in home
    assert article.get_absolute_url() in home
    rss = anonymous.get(reverse("portal:feed_rss")).content.decode()
    atom = anonymous.get(reverse("portal:feed_atom")).content.decode()
    assert "Hội nghị trực tuyến về cải cách hành chính" in rss
    assert "<rss" in rss
    assert "Hội nghị trực tuyến về cải cách hành chính" in atom
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom
    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert "Báo Cao Bằng" in page
    assert 'property="og:title"' in page
    assert [e.action for e in ArticleEvent.objects.filter(article=article)] == [
        "submit",
        "publish",
    ]


def test_scheduled_article_appears_only_after_its_time(
    make_article: Any, news_approver: Any
) -> None:
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN)
    with time_machine.travel(start, tick=False) as traveller:
        article = make_article(
            title="Lịch tiếp công dân tháng Ba", published_at=start + dt.timedelta(hours=2)
        )
        assert article.status == ArticleStatus.PUBLISHED
        visitor = Client()
        assert "Lịch tiếp công dân tháng Ba" not in visitor.get("/").content.decode()
        assert "Lịch tiếp công dân tháng Ba" not in visitor.get("/news/").content.decode()
        assert visitor.get(article.get_absolute_url()).status_code == 404
        assert "Lịch tiếp công dân" not in visitor.get(reverse("portal:feed_rss")).content.decode()

        traveller.move_to(start + dt.timedelta(hours=1, minutes=59))
        assert "Lịch tiếp công dân tháng Ba" not in visitor.get("/").content.decode()

        traveller.move_to(start + dt.timedelta(hours=2, seconds=1))
        # The cached home page of a minute ago is not served past the publication time.
        assert "Lịch tiếp công dân tháng Ba" in visitor.get("/").content.decode()
        assert visitor.get(article.get_absolute_url()).status_code == 200
        assert "Lịch tiếp công dân" in visitor.get(reverse("portal:feed_rss")).content.decode()


def test_script_and_event_handlers_never_reach_a_page(
    make_article: Any, editor: Any, client_for: Any
) -> None:
    article = make_article(
        title="Bài có mã độc", body=HOSTILE, summary="Tóm tắt <script>steal()</script><b>đậm</b>"
    )
    stored = Article.objects.get(pk=article.pk).body
    for needle in ("<script", "onclick", "onerror", "onload", "javascript:", "<iframe", "<style"):
        assert needle not in stored.lower()
    assert "Xin chào" in stored
    assert 'rel="noopener noreferrer"' in stored
    assert ArticleRevision.objects.get(article=article, number=1).body == stored

    pages = [
        Client().get(article.get_absolute_url()),
        Client().get("/"),
        Client().get(reverse("portal:news")),
        Client().get(reverse("portal:search"), {"q": "ma doc"}),
        Client().get(reverse("portal:feed_rss")),
        Client().get(f"/api/v1/news/articles/{article.pk}/"),
        client_for(editor).get(reverse("portal:review", args=[article.pk])),
        client_for(editor).get(reverse("portal:revision", args=[article.pk, 1])),
    ]
    for response in pages:
        body = response.content.decode().lower()
        assert response.status_code == 200
        assert "alert(" not in body, response.wsgi_request.path
        assert "<script>steal" not in body, response.wsgi_request.path
        for needle in ("onclick=", "onerror=", "onload=", "javascript:"):
            assert needle not in body, (response.wsgi_request.path, needle)


def test_an_edit_is_cleaned_too_and_kept_as_a_revision(make_article: Any, editor: Any) -> None:
    article = make_article(publish=False)
    services.article_update(
        actor=editor, article=article, body='<p>Mới</p><img src="x" onerror="alert(1)">'
    )
    article.refresh_from_db()
    assert "onerror" not in article.body
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize("query", ["cai cach", "CẢI CÁCH", "Cải Cách hành", "đẩy mạnh", "day manh"])
def test_search_ignores_accents_and_case(make_article: Any, query: str) -> None:
    make_article(title="Tỉnh đẩy mạnh cải cách hành chính")
    make_article(title="Thông báo lịch nghỉ Tết", summary="Lịch nghỉ.", body="<p>Nghỉ Tết.</p>")
    page = Client().get(reverse("portal:search"), {"q": query}).content.decode()
    assert "Tỉnh đẩy mạnh cải cách hành chính" in page
    assert "Thông báo lịch nghỉ Tết" not in page


def test_category_tag_and_related_articles(make_article: Any, category: Any) -> None:
    first = make_article(title="Bài thứ nhất", tags=["một cửa"])
    second = make_article(title="Bài thứ hai", tags=["một cửa"])
    page = Client().get(first.get_absolute_url()).content.decode()
    assert "Bài thứ hai" in page
    listing = Client().get(reverse("portal:category", args=[category.slug])).content.decode()
    assert "Bài thứ nhất" in listing
    assert "Bài thứ hai" in listing
    tag = second.tags.get()
    assert "Bài thứ nhất" in Client().get(tag.get_absolute_url()).content.decode()


def test_sitemap_and_robots(make_article: Any) -> None:
    article = make_article()
    sitemap = Client().get(reverse("portal:sitemap"))
    assert sitemap["Content-Type"].startswith("application/xml")
    assert f"http://testserver{article.get_absolute_url()}" in sitemap.content.decode()
    robots = Client().get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /newsroom/" in robots


def test_approver_sends_back_with_a_comment(
    make_article: Any, news_approver: Any, editor: Any, client_for: Any
) -> None:
    article = make_article(publish=False)
    services.article_submit(actor=editor, article=article)
    approver = client_for(news_approver)
    url = reverse("portal:act", args=[article.pk, "send_back"])
    response = approver.post(url, {"comment": ""})
    assert response.status_code == 200
    assert "Say what the editor should change." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED
    approver.post(url, {"comment": "Thêm số liệu."})
    article.refresh_from_db()
    assert article.status == ArticleStatus.SENT_BACK
    assert article.review_comment == "Thêm số liệu."
    assert editor.notifications.filter(title__contains="sent back").exists()


def test_a_published_article_is_withdrawn_before_it_changes(
    make_article: Any, news_approver: Any, editor: Any
) -> None:
    article = make_article()
    with pytest.raises(services.ArticleActionError):
        services.article_update(actor=editor, article=article, title="Khác")
    services.article_unpublish(actor=news_approver, article=article)
    assert Client().get(article.get_absolute_url()).status_code == 404
    services.article_update(actor=editor, article=article, title="Tiêu đề mới")
    assert Article.objects.get(pk=article.pk).title == "Tiêu đề mới"


def test_other_editors_drafts_are_not_yours(make_article: Any, client_for: Any) -> None:
    from congvu.accounts.roles import Role
    from congvu.organizations.tests.factories import UserFactory

    article = make_article(publish=False)
    other = UserFactory.create(username="editor_2", roles=[Role.EDITOR])
    client = client_for(other)
    assert client.get(reverse("portal:review", args=[article.pk])).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404
    with pytest.raises(Exception, match="may not"):
        services.article_update(actor=other, article=article, title="x")


def test_cover_picture_is_checked_and_served(make_article: Any, editor: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ValidationError):
        make_article(cover=SimpleUploadedFile("a.png", b"<svg onload=alert(1)>"), cover_alt="x")
    with pytest.raises(ValidationError):
        make_article(cover=SimpleUploadedFile("a.svg", b"<svg/>"), cover_alt="x")
    with pytest.raises(ValidationError):
        make_article(cover=SimpleUploadedFile("a.png", png))  # no description
    article = make_article(
        cover=SimpleUploadedFile("Ảnh hội nghị.PNG", png), cover_alt="Quang cảnh hội nghị"
    )
    response = Client().get(reverse("portal:cover", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.getvalue() == png
    page = Client().get(article.get_absolute_url()).content.decode()
    assert 'alt="Quang cảnh hội nghị"' in page
    assert 'property="og:image"' in page
