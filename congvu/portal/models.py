from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A section of the portal's news (Chuyên mục), e.g. "Tin hoạt động", "Cải cách hành
    chính"; an article may sit in several."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:category", args=[self.slug])


class Tag(models.Model):
    """A keyword (Từ khóa) that links articles on one subject across categories."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:tag", args=[self.slug])


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    SENT_BACK = "sent_back", _("Sent back")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Withdrawn")


# States in which the article's text may be changed (a published article is withdrawn first,
# so that what the public read is what an approver approved).
EDITABLE_STATUSES = (
    ArticleStatus.DRAFT,
    ArticleStatus.SENT_BACK,
    ArticleStatus.UNPUBLISHED,
    ArticleStatus.SUBMITTED,
)


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        """What the public sees: approved and past its publication time (a scheduled article
        is published with a future time and stays hidden until then)."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=now or timezone.now())

    def visible_to(self, user: Any) -> ArticleQuerySet:
        """Published articles for everyone; an editor also sees their own articles in any
        state, an approver and an administrator every article."""
        from congvu.portal.selectors import article_visibility_q

        return self.filter(article_visibility_q(user))


class Article(models.Model):
    """A news article of the portal (Tin bài): written by an editor (biên tập viên), approved
    for publication by an approver (người duyệt tin), kept with every revision.

    The body is rich text cleaned to an allow-list when it is saved, so what is stored is what
    may be shown. A scheduled article is a published one whose publication time is still to
    come. The source names where the news comes from ("Nguồn: Báo Cao Bằng").
    """

    Status = ArticleStatus

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("body"))
    cover = models.FileField(
        _("cover image"), upload_to="portal/covers/%Y/", blank=True, max_length=255
    )
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for visitors who cannot see it."),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="portal_articles",
    )
    byline = models.CharField(
        _("byline"), max_length=200, blank=True, help_text=_("The name printed under the title.")
    )
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("approver's comment"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    objects: ClassVar[ArticleQuerySet] = ArticleQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="portal_article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="portal_article_published_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published"),
                name="portal_article_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:article", args=[self.slug])

    def is_live(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class ArticleRevision(models.Model):
    """One saved version of an article's text (Phiên bản), kept for every save so that an
    approver sees what changed and nothing published is ever lost."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="portal_article_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"


class ArticleEvent(models.Model):
    """One step of an article's editorial workflow (submitted, published, sent back,
    withdrawn), with who took it and the approver's comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.action}"


# Visitor statistics ------------------------------------------------------------------------


class VisitorSalt(models.Model):
    """The secret of one day (Khóa băm trong ngày) that visitor ids are hashed with.

    A new salt each day and the old ones deleted: yesterday's visitor ids cannot be recomputed
    or linked to today's, and no address is ever stored.
    """

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("visitor salt")
        verbose_name_plural = _("visitor salts")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"


class VisitorPresence(models.Model):
    """A visitor seen today (Lượt truy cập): a keyed hash of their address group and browser,
    and when they were last seen (seconds since the epoch). Kept for the day only; the day's
    count then goes to `VisitorDay`."""

    visitor = models.CharField(max_length=64, unique=True)
    day = models.DateField(db_index=True)
    last_seen = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("visitor presence")
        verbose_name_plural = _("visitor presence")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.visitor[:8]}"


class VisitorDay(models.Model):
    """Distinct visitors of one finished day (Thống kê truy cập theo ngày)."""

    day = models.DateField(unique=True)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visitors of a day")
        verbose_name_plural = _("visitors by day")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.visitors}"
