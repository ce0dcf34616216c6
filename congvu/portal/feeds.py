"""The news as RSS 2.0 and Atom 1.0 feeds: the newest published articles."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from congvu.portal import selectors
from congvu.portal.models import Article
from congvu.portal.pagecache import public_page

FEED_SIZE = 30


class LatestNewsFeed(Feed):
    def title(self) -> str:
        return _("Latest news")

    def link(self) -> str:
        return reverse("portal:news")

    def description(self) -> str:
        return _("News of the People's Committee's portal.")

    def items(self) -> list[Article]:
        return list(selectors.article_list()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.changed_at

    def item_author_name(self, item: Article) -> str:
        return item.byline

    def item_categories(self, item: Article) -> list[str]:
        return [c.name for c in item.categories.all()]


class AtomNewsFeed(LatestNewsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


_rss = LatestNewsFeed()
_atom = AtomNewsFeed()


@public_page
def rss(request: HttpRequest) -> HttpResponse:
    return _rss(request)


@public_page
def atom(request: HttpRequest) -> HttpResponse:
    return _atom(request)
