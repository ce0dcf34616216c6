"""Reads of the portal: news for the public and the newsroom, and the province's figures.

The figures come from the summary rows the dossier services keep (`DossierMonthStat`), the
ratings and the public directing documents' tasks: a handful of aggregate queries whatever
the number of dossiers, cached for a few minutes because every home page shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.util import find_spec
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from congvu.accounts.roles import Role, has_role
from congvu.directives.models import DirectingDocument, Schedule, TaskStatus
from congvu.directives.selectors import DONE, WORKING
from congvu.dossiers.models import DossierMonthStat, Rating
from congvu.lib.text import fold
from congvu.organizations.models import Unit
from congvu.organizations.selectors import province_get
from congvu.portal.models import Article, ArticleStatus, Category, Tag

FIGURES_SECONDS = 300


# News --------------------------------------------------------------------------------------


def article_visibility_q(user: Any, now: dt.datetime | None = None) -> Q:
    """Published and due for everyone; own articles for an editor; all for an approver."""
    public = Q(status=ArticleStatus.PUBLISHED, published_at__lte=now or timezone.now())
    if not getattr(user, "is_authenticated", False):
        return public
    if user.is_superuser or has_role(user, Role.NEWS_APPROVER, Role.ADMINISTRATOR):
        return Q()
    if has_role(user, Role.EDITOR):
        return public | Q(author=user)
    return public


def _listing(articles: QuerySet[Article]) -> QuerySet[Article]:
    # Lists show title, summary, time, picture and categories; never the body.
    return articles.defer("body", "search_text").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("sort_order", "name"))
    )


def article_list(
    *,
    category: Category | None = None,
    tag: Tag | None = None,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Article]:
    """Published articles, newest first, optionally of a category or tag or matching every
    word of `q` whatever its accents ("cai cach" finds "cải cách")."""
    articles = Article.objects.published(now)
    if category is not None:
        articles = articles.filter(categories=category)
    if tag is not None:
        articles = articles.filter(tags=tag)
    for word in fold(q).split()[:8]:
        articles = articles.filter(search_text__contains=word)
    return _listing(articles).order_by("-published_at", "-pk")


def article_get(*, slug: str, user: Any) -> Article | None:
    """The article at `slug` if `user` may read it (editors preview their own drafts)."""
    return (
        Article.objects.visible_to(user)
        .filter(slug=slug)
        .select_related("author", "approved_by")
        .prefetch_related("categories", "tags")
        .first()
    )


def article_related(*, article: Article, limit: int = 4) -> list[Article]:
    """Published articles sharing a tag or a category with `article`, newest first."""
    tag_ids = [t.pk for t in article.tags.all()]
    category_ids = [c.pk for c in article.categories.all()]
    if not tag_ids and not category_ids:
        return []
    shared = Q(tags__in=tag_ids) | Q(categories__in=category_ids)
    ids = list(
        Article.objects.published()
        .filter(shared)
        .exclude(pk=article.pk)
        .values_list("pk", "published_at")
        .distinct()
        .order_by("-published_at", "-pk")[:limit]
    )
    return list(
        _listing(Article.objects.filter(pk__in=[pk for pk, _at in ids])).order_by(
            "-published_at", "-pk"
        )
    )


def newsroom_list(*, user: Any, status: str = "") -> QuerySet[Article]:
    """The articles an editor or approver works on: an editor's own, every one for an
    approver; optionally in one status."""
    articles = Article.objects.visible_to(user)
    if not (user.is_superuser or has_role(user, Role.NEWS_APPROVER, Role.ADMINISTRATOR)):
        articles = articles.filter(author=user)
    if status:
        articles = articles.filter(status=status)
    return articles.select_related("author").defer("body", "search_text").order_by("-changed_at")


def newsroom_counts(*, user: Any) -> dict[str, int]:
    rows = newsroom_list(user=user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def category_list() -> list[Category]:
    cached = cache.get("congvu:portal:categories")
    if cached is None:
        cached = list(Category.objects.order_by("sort_order", "name"))
        cache.set("congvu:portal:categories", cached, 60)
    return cached


# Figures -----------------------------------------------------------------------------------


def _percent(part: float, whole: float) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class UnitFigures:
    """One agency's dossiers of the year: received, resolved, on time, online, satisfied."""

    unit_id: int
    name: str
    received: int = 0
    received_online: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _percent(self.resolved_in_time, self.resolved)

    @property
    def online_rate(self) -> Decimal | None:
        return _percent(self.received_online, self.received)

    @property
    def satisfaction(self) -> Decimal | None:
        return _percent(self.satisfied, self.rated)


@dataclass(frozen=True)
class HeadlineFigures:
    """The province's figures of the year on the home page."""

    year: int
    total: UnitFigures
    index_total: Decimal | None = None
    units: list[UnitFigures] = field(default_factory=list)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _agency_of(paths: list[tuple[str, int, str]], path: str) -> tuple[int, str] | None:
    best: tuple[str, int, str] | None = None
    for agency_path, pk, name in paths:
        if path.startswith(agency_path) and (best is None or len(agency_path) > len(best[0])):
            best = (agency_path, pk, name)
    return (best[1], best[2]) if best else None


def unit_figures(*, year: int) -> list[UnitFigures]:
    """Each agency's figures of `year` (its divisions and centres counted with it), most
    dossiers first; agencies without any dossier left out. Three queries."""
    start, end = _year_bounds(year)
    stats = (
        DossierMonthStat.objects.filter(month__gte=start, month__lte=end)
        .values("unit_id", "unit__path")
        .annotate(
            received=Sum("received"),
            received_online=Sum("received_online"),
            early=Sum("resolved_early"),
            on_time=Sum("resolved_on_time"),
            late=Sum("resolved_late"),
        )
        .order_by()
    )
    ratings = (
        Rating.objects.filter(rated_at__date__gte=start, rated_at__date__lte=end)
        .values("dossier__competent_unit_id", "dossier__competent_unit__path")
        .annotate(
            rated=Count("pk"),
            satisfied=Count(
                "pk",
                filter=Q(overall__in=[Rating.Overall.VERY_SATISFIED, Rating.Overall.SATISFIED]),
            ),
        )
        .order_by()
    )
    agencies = [
        (path, pk, short or name)
        for path, pk, short, name in Unit.objects.filter(
            kind__in=[
                Unit.Kind.DEPARTMENT,
                Unit.Kind.COMMUNE_COMMITTEE,
                Unit.Kind.OFFICE,
                Unit.Kind.PUBLIC_SERVICE_UNIT,
            ]
        ).values_list("path", "pk", "short_name", "name")
    ]
    totals: dict[int, dict[str, Any]] = {}

    def slot(path: str) -> dict[str, Any] | None:
        agency = _agency_of(agencies, path)
        if agency is None:
            return None
        return totals.setdefault(agency[0], {"unit_id": agency[0], "name": agency[1]})

    for row in stats:
        entry = slot(row["unit__path"])
        if entry is None:
            continue
        entry["received"] = entry.get("received", 0) + (row["received"] or 0)
        entry["received_online"] = entry.get("received_online", 0) + (row["received_online"] or 0)
        resolved = (row["early"] or 0) + (row["on_time"] or 0) + (row["late"] or 0)
        entry["resolved"] = entry.get("resolved", 0) + resolved
        in_time = (row["early"] or 0) + (row["on_time"] or 0)
        entry["resolved_in_time"] = entry.get("resolved_in_time", 0) + in_time
    for row in ratings:
        entry = slot(row["dossier__competent_unit__path"] or "")
        if entry is None:
            continue
        entry["rated"] = entry.get("rated", 0) + row["rated"]
        entry["satisfied"] = entry.get("satisfied", 0) + row["satisfied"]
    figures = [UnitFigures(**values) for values in totals.values()]
    return sorted(figures, key=lambda f: (-f.received, f.name))


def _service_index_total(province: Unit | None, year: int) -> Decimal | None:
    """The province's 766 score when the indices app provides it; None until then."""
    if province is None or find_spec("congvu.indices.selectors") is None:
        return None
    from congvu.indices import selectors as indices

    getter = getattr(indices, "service_index_get", None)
    if getter is None:
        return None
    index = getter(unit=province, year=year)
    total = getattr(index, "total", None)
    return Decimal(total) if total is not None else None


def headline_figures(*, year: int | None = None) -> HeadlineFigures:
    """The home page's figures for `year` (this year by default), cached FIGURES_SECONDS."""
    year = year or timezone.localdate().year
    key = f"congvu:portal:figures:{year}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    units = unit_figures(year=year)
    total = UnitFigures(
        unit_id=0,
        name="",
        received=sum(u.received for u in units),
        received_online=sum(u.received_online for u in units),
        resolved=sum(u.resolved for u in units),
        resolved_in_time=sum(u.resolved_in_time for u in units),
        rated=sum(u.rated for u in units),
        satisfied=sum(u.satisfied for u in units),
    )
    figures = HeadlineFigures(
        year=year,
        total=total,
        index_total=_service_index_total(province_get(), year),
        units=units,
    )
    cache.set(key, figures, FIGURES_SECONDS)
    return figures


@dataclass(frozen=True)
class IndexRow:
    rank: int
    name: str
    total: Decimal


def service_index_rows(*, year: int) -> list[IndexRow] | None:
    """The 766 ranking of the units for `year`, or None while the indices app has none."""
    if find_spec("congvu.indices.selectors") is None:
        return None
    from congvu.indices import selectors as indices

    ranking = getattr(indices, "service_index_ranking", None)
    if ranking is None:
        return None
    rows = []
    for position, row in enumerate(ranking(year=year), start=1):
        unit = getattr(row, "unit", None)
        rows.append(
            IndexRow(
                rank=int(getattr(row, "rank", position) or position),
                name=getattr(unit, "short_name", "") or getattr(unit, "name", "") or str(unit),
                total=Decimal(getattr(row, "total", 0) or 0),
            )
        )
    return rows


@dataclass(frozen=True)
class DocumentProgress:
    """A public directing document and how its due-date tasks stand."""

    pk: int
    number: str
    title: str
    issued_on: dt.date
    assigned: int
    done: int
    done_on_time: int
    overdue: int

    @property
    def done_rate(self) -> Decimal | None:
        return _percent(self.done, self.assigned)


def public_document_progress(*, now: dt.datetime | None = None) -> list[DocumentProgress]:
    """The public directing documents with their due-date tasks counted, in one query.

    Done means completion reported or accepted, as on the directives' boards.
    """
    now = now or timezone.now()
    counted = Q(tasks__parent__isnull=True, tasks__schedule=Schedule.DUE_DATE) & ~Q(
        tasks__status=TaskStatus.CANCELLED
    )
    done = counted & Q(tasks__status__in=DONE, tasks__completed_at__isnull=False)
    working = counted & Q(tasks__status__in=WORKING)
    rows = (
        DirectingDocument.objects.filter(is_public=True)
        .annotate(
            assigned=Count("tasks", filter=counted),
            done=Count("tasks", filter=done),
            done_on_time=Count(
                "tasks", filter=done & Q(tasks__completed_at__lte=F("tasks__due_at"))
            ),
            overdue=Count("tasks", filter=working & Q(tasks__due_at__lt=now)),
        )
        .values("pk", "number", "title", "issued_on", "assigned", "done", "done_on_time", "overdue")
        .order_by("-issued_on", "-pk")
    )
    return [DocumentProgress(**row) for row in rows]
