"""The portal's API: public news and figures; the newsroom's writes for editors and
approvers only, with the one error shape."""

from __future__ import annotations

from typing import Any

from congvu.portal.models import Article, ArticleStatus


def test_anyone_reads_published_news(api_client: Any, make_article: Any) -> None:
    published = make_article(title="Tin đã đăng", source_name="Báo Cao Bằng")
    make_article(title="Bản nháp", publish=False)
    response = api_client.get("/api/v1/news/articles/")
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Tin đã đăng"]
    detail = api_client.get(f"/api/v1/news/articles/{published.pk}/").json()
    assert detail["source"] == {"name": "Báo Cao Bằng", "url": ""}
    assert detail["body"] == "<p>Nội dung bài viết.</p>"
    assert api_client.get("/api/v1/news/articles/", {"q": "tin da dang"}).json()["count"] == 1
    assert api_client.get("/api/v1/news/categories/").json()[0]["slug"] == "cai-cach"


def test_editor_writes_and_approver_publishes_through_the_api(
    api_client_for: Any, editor: Any, news_approver: Any, category: Any, api_client: Any
) -> None:
    writer = api_client_for(editor)
    created = writer.post(
        "/api/v1/news/articles/",
        {
            "title": "Tin từ API",
            "summary": "Tóm tắt",
            "body": "<p>Thân bài</p><script>x()</script>",
            "categories": ["cai-cach"],
            "tags": ["api"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["body"] == "<p>Thân bài</p>"
    assert created.json()["actions"] == ["submit"]
    assert api_client.get(f"/api/v1/news/articles/{pk}/").status_code == 404
    patched = writer.patch(f"/api/v1/news/articles/{pk}/", {"title": "Tin từ API (sửa)"}, "json")
    assert patched.json()["title"] == "Tin từ API (sửa)"
    submitted = writer.post(f"/api/v1/news/articles/{pk}/actions/", {"action": "submit"})
    assert submitted.status_code == 200
    refused = writer.post(f"/api/v1/news/articles/{pk}/actions/", {"action": "publish"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "errors"}
    approver = api_client_for(news_approver)
    done = approver.post(f"/api/v1/news/articles/{pk}/actions/", {"action": "publish"})
    assert done.json()["status"] == ArticleStatus.PUBLISHED
    again = approver.post(f"/api/v1/news/articles/{pk}/actions/", {"action": "publish"})
    assert again.status_code == 409
    assert api_client.get(f"/api/v1/news/articles/{pk}/").status_code == 200
    assert Article.objects.get(pk=pk).revisions.count() == 2


def test_others_may_not_write(api_client_for: Any, citizen: Any, make_article: Any) -> None:
    article = make_article()
    client = api_client_for(citizen)
    body = {"title": "x", "summary": "y", "body": "<p>z</p>"}
    assert client.post("/api/v1/news/articles/", body, format="json").status_code == 403
    assert client.patch(f"/api/v1/news/articles/{article.pk}/", body, "json").status_code == 403
    acted = client.post(f"/api/v1/news/articles/{article.pk}/actions/", {"action": "unpublish"})
    assert acted.status_code == 403


def test_visitor_and_headline_figures(api_client: Any, db: Any) -> None:
    assert api_client.get("/api/v1/portal/visitors/").json() == {
        "online": 0,
        "today": 0,
        "month": 0,
        "total": 0,
    }
    figures = api_client.get("/api/v1/portal/figures/").json()
    assert figures["total"]["received"] == 0
    assert figures["total"]["on_time_rate"] is None
