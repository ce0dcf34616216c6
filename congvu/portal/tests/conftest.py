"""Fixtures of the portal's tests: English pages, a fresh visitor buffer, articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from congvu.portal import services, visitors
from congvu.portal.models import Article, Category

VN = dt.timezone(dt.timedelta(hours=7))
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_visits() -> Iterator[None]:
    # The buffer lives in the process; one test's visitors must not reach the next's database.
    visitors.buffer.reset()
    yield
    visitors.buffer.reset()


@pytest.fixture
def category(db: Any) -> Category:
    return services.category_create(actor=None, name="Cải cách hành chính", slug="cai-cach")


@pytest.fixture
def make_article(editor: Any, news_approver: Any, category: Category) -> Callable[..., Article]:
    """An article written by the editor; published by the approver unless `publish=False`."""

    def make(
        title: str = "Tỉnh đẩy mạnh cải cách hành chính",
        body: str = "<p>Nội dung bài viết.</p>",
        publish: bool = True,
        published_at: dt.datetime | None = None,
        **extra: Any,
    ) -> Article:
        article = services.article_create(
            actor=editor,
            title=title,
            summary=extra.pop("summary", "Tóm tắt bài viết."),
            body=body,
            categories=[category],
            **extra,
        )
        if publish:
            services.article_submit(actor=editor, article=article)
            article = services.article_publish(
                actor=news_approver, article=article, published_at=published_at
            )
        return article

    return make
