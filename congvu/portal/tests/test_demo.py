"""The demo's news: a dozen articles at every stage, seeded once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from congvu.demo.tests.once import seeded_once
from congvu.portal.demo import demo_news_seed
from congvu.portal.models import Article, ArticleStatus, Category


@pytest.fixture(scope="module")
def _seeded_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    def seed() -> None:
        call_command("seed_demo", "--dossiers", "0", stdout=io.StringIO())

    with seeded_once(django_db_blocker, seed, DEBUG=True):
        yield


@pytest.fixture
def seeded(db: Any, _seeded_module: None) -> None:
    """The demo, seeded once for this module's tests."""
    demo_news_seed()


def test_demo_news(seeded: None) -> None:
    assert Category.objects.count() == 5
    assert Article.objects.count() >= 12
    live = Article.objects.published()
    assert live.count() >= 9
    assert Article.objects.filter(status=ArticleStatus.DRAFT).count() == 1
    assert Article.objects.filter(status=ArticleStatus.SENT_BACK).count() == 1
    scheduled = Article.objects.filter(status=ArticleStatus.PUBLISHED).exclude(pk__in=live)
    assert scheduled.count() == 1
    directive = Article.objects.get(title__contains="người đứng đầu trong thực thi công vụ")
    assert directive.source_name == "Báo Cao Bằng"
    assert directive.source_url.startswith("https://baocaobang.vn")
    assert "15/CT-UBND" in directive.body
    assert directive.author.username == "bientap"
    assert directive.approved_by is not None
    assert directive.approved_by.username == "duyettin"


def test_seeding_twice_adds_nothing(seeded: None) -> None:
    count = Article.objects.count()
    assert demo_news_seed() == 0
    assert Article.objects.count() == count


def test_demo_pages_render(seeded: None) -> None:
    client = Client()
    home = client.get("/").content.decode()
    assert "Trung tâm Phục vụ hành chính công tỉnh giải quyết hồ sơ đúng hạn" in home
    news = client.get("/news/?page=2").content.decode()
    assert "Nâng cao trách nhiệm của người đứng đầu trong thực thi công vụ" in news
    client.login(username="duyettin", password="congvu-demo")
    assert client.get("/newsroom/").status_code == 200
