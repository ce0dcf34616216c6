"""Public pages are cacheable for anonymous visitors and dropped from the cache on publish;
signed-in users get private pages; anonymous pages carry no CSRF token."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from congvu.portal import services


def test_anonymous_pages_are_public_and_signed_in_pages_private(
    make_article: Any, client_for: Any, editor: Any
) -> None:
    make_article()
    anonymous = Client().get("/")
    assert "public" in anonymous["Cache-Control"]
    assert "max-age=60" in anonymous["Cache-Control"]
    assert "Cookie" in anonymous["Vary"]
    signed_in = client_for(editor).get("/")
    assert "private" in signed_in["Cache-Control"]
    assert "no-cache" in signed_in["Cache-Control"]


def test_anonymous_pages_carry_no_csrf_token_or_cookie(make_article: Any) -> None:
    article = make_article()
    for url in ("/", reverse("portal:news"), article.get_absolute_url(), reverse("portal:search")):
        response = Client().get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "X-CSRFToken" not in response.content.decode()
        assert "csrftoken" not in response.cookies


def test_a_cached_page_is_served_without_queries_and_dropped_on_publish(
    make_article: Any, editor: Any, news_approver: Any, django_assert_max_num_queries: Any
) -> None:
    make_article(title="Bài đầu tiên")
    visitor = Client()
    assert "Bài đầu tiên" in visitor.get("/").content.decode()
    with django_assert_max_num_queries(0):
        again = visitor.get("/")
    assert "Bài đầu tiên" in again.content.decode()
    draft = make_article(title="Bài vừa duyệt", publish=False)
    services.article_submit(actor=editor, article=draft)
    assert "Bài vừa duyệt" not in visitor.get("/").content.decode()
    services.article_publish(actor=news_approver, article=draft)
    assert "Bài vừa duyệt" in visitor.get("/").content.decode()
    services.article_unpublish(actor=news_approver, article=draft)
    assert "Bài vừa duyệt" not in visitor.get("/").content.decode()


def test_language_links_switch_and_return(make_article: Any) -> None:
    visitor = Client()
    response = visitor.get(reverse("portal:language", args=["vi"]), {"next": "/news/"})
    assert response.status_code == 302
    assert response["Location"] == "/news/"
    assert visitor.get("/news/")["Content-Language"] == "vi"
    outside = visitor.get(
        reverse("portal:language", args=["en"]), {"next": "https://evil.example/"}
    )
    assert outside["Location"] == "/"
    assert visitor.get("/news/")["Content-Language"] == "en"
    assert Client().get(reverse("portal:language", args=["xx"])).status_code == 404


def test_news_list_query_count_does_not_grow(
    make_article: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        make_article(title=f"Bài {n}")
    with CaptureQueriesContext(connection) as small:
        Client().get(reverse("portal:news"))
    for n in range(3, 15):
        make_article(title=f"Bài {n}", tags=[f"thẻ {n}"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        Client().get(reverse("portal:news"), {"page": "1"})
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        Client().get("/")
