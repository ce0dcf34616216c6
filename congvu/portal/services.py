"""Writes of the portal: articles through their editorial workflow, and categories.

Every save of an article's text is cleaned (see `richtext`), stored as a new revision and
audited; every workflow step is checked against `workflow.TRANSITIONS` and stored as an
`ArticleEvent`. After a change the public sees, the cached portal pages are dropped (after the
commit, so that no page is cached from a state that was rolled back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.core.services import audit_record, notification_send, snapshot
from congvu.lib.text import fold
from congvu.portal import workflow
from congvu.portal.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    ArticleStatus,
    Category,
    Tag,
)
from congvu.portal.pagecache import page_cache_bump
from congvu.portal.richtext import clean_html, plain_text

# Cover pictures are shown to everyone; only raster formats a browser shows as an image (an
# SVG may carry script) and whose first bytes prove what they are.
COVER_TYPES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
ARTICLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "body",
    "cover_alt",
    "byline",
    "source_name",
    "source_url",
)
_AUDITED = (*ARTICLE_FIELDS, "status", "published_at", "approved_by", "review_comment", "cover")


class ArticleActionError(Exception):
    """The article's present state does not allow the action (HTTP 409 in the API)."""


def cover_max_bytes() -> int:
    return int(getattr(settings, "PORTAL_COVER_MAX_BYTES", 5 * 1024 * 1024))


def _audit_snapshot(article: Article) -> dict[str, Any]:
    data = snapshot(article, [f for f in _AUDITED if f != "cover"])
    data["cover"] = article.cover.name or ""
    return data


def _unique_slug(base: str, *, exclude: int | None = None) -> str:
    root = slugify(fold(base))[:180].strip("-") or "tin"
    slug, n = root, 1
    taken = Article.objects.exclude(pk=exclude) if exclude else Article.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{root}-{n}"
    return slug


def _cover_check(file: UploadedFile) -> str:
    """The cover's sanitised file name, or ValidationError for a wrong type or size."""
    name = PurePath((file.name or "").replace("\\", "/")).name
    suffix = PurePath(name).suffix.lower()
    if suffix not in COVER_TYPES:
        raise ValidationError({"cover": [_("Only JPEG, PNG and WebP pictures are accepted.")]})
    if file.size is None or file.size > cover_max_bytes():
        raise ValidationError(
            {
                "cover": [
                    _("The picture is larger than %(mb)s MB.")
                    % {"mb": cover_max_bytes() // (1024 * 1024)}
                ]
            }
        )
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in COVER_TYPES[suffix]) or (
        suffix == ".webp" and head[8:12] != b"WEBP"
    ):
        raise ValidationError({"cover": [_("The file's content does not match its type.")]})
    stem = slugify(fold(PurePath(name).stem))[:80] or "anh"
    return f"{stem}{suffix}"


def _tags(names: Iterable[str | Tag]) -> list[Tag]:
    tags: list[Tag] = []
    for item in names:
        if isinstance(item, Tag):
            tags.append(item)
            continue
        name = " ".join(str(item).split())[:80]
        if not name:
            continue
        slug = slugify(fold(name))[:100] or "tag"
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _revision(article: Article, actor: Any) -> ArticleRevision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleRevision.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        summary=article.summary,
        body=article.body,
        saved_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _prepare(article: Article) -> None:
    # Title and summary are plain text (feeds, API clients and Open Graph take them as such).
    article.title = " ".join(plain_text(article.title).split())
    article.summary = plain_text(article.summary).strip()
    article.body = clean_html(article.body)
    if article.source_url and not article.source_name:
        raise ValidationError({"source_name": [_("Name the source the link points to.")]})
    if article.cover and not article.cover_alt.strip():
        raise ValidationError(
            {"cover_alt": [_("Describe the picture for visitors who cannot see it.")]}
        )
    if not plain_text(article.body).strip():
        raise ValidationError({"body": [_("The article has no text.")]})
    article.search_text = fold(
        f"{article.title} {article.summary} {plain_text(article.body)} {article.source_name}"
    )


@transaction.atomic
def article_create(
    *,
    actor: Any,
    title: str,
    summary: str,
    body: str,
    categories: Iterable[Category] = (),
    tags: Iterable[str | Tag] = (),
    cover: UploadedFile | None = None,
    cover_alt: str = "",
    byline: str = "",
    source_name: str = "",
    source_url: str = "",
    slug: str = "",
) -> Article:
    """Write a new draft; its author is `actor`, who must be an editor or an approver."""
    if not workflow.is_newsroom_member(actor):
        raise PermissionDenied(_("Only the portal's editors and approvers write articles."))
    article = Article(
        title=title,
        summary=summary,
        body=body,
        cover_alt=cover_alt.strip(),
        byline=byline.strip() or (actor.get_full_name() or actor.get_username()),
        source_name=source_name.strip(),
        source_url=source_url.strip(),
        author=actor,
        status=ArticleStatus.DRAFT,
    )
    if cover is not None:
        article.cover.save(_cover_check(cover), cover, save=False)
    _prepare(article)
    article.slug = _unique_slug(slug or article.title)
    article.full_clean()
    article.save()
    article.categories.set(list(categories))
    article.tags.set(_tags(tags))
    _revision(article, actor)
    audit_record(
        actor=actor, action="portal.article_create", obj=article, after=_audit_snapshot(article)
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    categories: Iterable[Category] | None = None,
    tags: Iterable[str | Tag] | None = None,
    cover: UploadedFile | None = None,
    remove_cover: bool = False,
    **changes: Any,
) -> Article:
    """Change an article's text, picture, categories or tags; the new text is one revision
    more. A published article is withdrawn before it is changed."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not workflow.is_writer(actor, article):
        raise PermissionDenied(_("You may not change this article."))
    if not workflow.may_edit(actor, article):
        raise ArticleActionError(_("Withdraw the article from the portal before changing it."))
    unknown = set(changes) - set(ARTICLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    before = _audit_snapshot(article)
    for name, value in changes.items():
        setattr(
            article, name, value.strip() if isinstance(value, str) and name != "body" else value
        )
    if remove_cover and cover is None:
        article.cover.name = ""
        article.cover_alt = ""
    if cover is not None:
        article.cover.save(_cover_check(cover), cover, save=False)
    _prepare(article)
    if "slug" in changes:
        article.slug = _unique_slug(changes["slug"] or article.title, exclude=article.pk)
    article.full_clean()
    article.save()
    if categories is not None:
        article.categories.set(list(categories))
    if tags is not None:
        article.tags.set(_tags(tags))
    _revision(article, actor)
    audit_record(
        actor=actor,
        action="portal.article_update",
        obj=article,
        before=before,
        after=_audit_snapshot(article),
    )
    return article


def _approvers() -> list[User]:
    return list(User.objects.filter(groups__name=Role.NEWS_APPROVER, is_active=True).distinct())


@transaction.atomic
def article_act(
    *,
    actor: Any,
    article: Article,
    action: str,
    comment: str = "",
    published_at: dt.datetime | None = None,
    notify: bool = True,
) -> Article:
    """Take one step of the editorial workflow (`workflow.TRANSITIONS`).

    `publish` with a `published_at` still to come schedules the article: it is published but
    shown only from that time. `send_back` needs the approver's comment.
    """
    transition = workflow.BY_ACTION.get(action)
    if transition is None:
        raise ValidationError({"action": [_("Unknown action.")]})
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in transition.sources:
        raise ArticleActionError(
            _("The article is %(status)s; it cannot be changed that way now.")
            % {"status": article.get_status_display()}
        )
    if not workflow.may(actor, transition, article):
        raise PermissionDenied(_("You may not do this to the article."))
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": [_("Say what the editor should change.")]})
    before = _audit_snapshot(article)
    source = article.status
    article.status = transition.target
    now = timezone.now()
    if action == "publish":
        article.published_at = published_at or now
        article.approved_by = actor
        article.review_comment = comment
    elif action == "send_back":
        article.review_comment = comment
    elif action == "submit":
        article.review_comment = ""
    article.full_clean()
    article.save()
    ArticleEvent.objects.create(
        article=article,
        action=action,
        from_status=source,
        to_status=article.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=comment,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"portal.article_{action}",
        obj=article,
        before=before,
        after=_audit_snapshot(article),
    )
    if notify:
        _notify_step(article, action=action, actor=actor)
    if action in ("publish", "unpublish"):
        # Now, for this transaction's own later reads, and again after the commit: a page
        # cached meanwhile from the old state by another request is dropped then.
        page_cache_bump()
        transaction.on_commit(page_cache_bump)
    return article


def _notify_step(article: Article, *, action: str, actor: Any) -> None:
    url = f"/newsroom/{article.pk}/"
    actor_pk = getattr(actor, "pk", None)
    if action == "submit":
        users = [u for u in _approvers() if u.pk != actor_pk]
        title = _("An article awaits approval: %(title)s") % {"title": article.title}
    elif action in ("publish", "send_back", "unpublish") and article.author_id != actor_pk:
        users = [article.author]
        titles = {
            "publish": _("Your article was published: %(title)s"),
            "send_back": _("Your article was sent back: %(title)s"),
            "unpublish": _("Your article was withdrawn: %(title)s"),
        }
        title = titles[action] % {"title": article.title}
    else:
        return
    notification_send(users=users, title=title, body=article.review_comment, url=url)


def article_submit(*, actor: Any, article: Article, notify: bool = True) -> Article:
    return article_act(actor=actor, article=article, action="submit", notify=notify)


def article_publish(
    *,
    actor: Any,
    article: Article,
    published_at: dt.datetime | None = None,
    comment: str = "",
    notify: bool = True,
) -> Article:
    return article_act(
        actor=actor,
        article=article,
        action="publish",
        published_at=published_at,
        comment=comment,
        notify=notify,
    )


def article_send_back(
    *, actor: Any, article: Article, comment: str, notify: bool = True
) -> Article:
    return article_act(
        actor=actor, article=article, action="send_back", comment=comment, notify=notify
    )


def article_unpublish(*, actor: Any, article: Article, comment: str = "") -> Article:
    return article_act(actor=actor, article=article, action="unpublish", comment=comment)


@transaction.atomic
def category_create(
    *, actor: Any, name: str, slug: str = "", description: str = "", sort_order: int = 100
) -> Category:
    """Add a news category (approvers and administrators arrange the portal's sections)."""
    # No actor: the demo and commands, run by the operator.
    if actor is not None and not workflow.is_approver(actor):
        raise PermissionDenied(_("Only approvers arrange the portal's categories."))
    category = Category(
        name=" ".join(name.split()),
        slug=slugify(fold(slug or name))[:140],
        description=description.strip(),
        sort_order=sort_order,
    )
    category.full_clean()
    category.save()
    audit_record(
        actor=actor, action="portal.category_create", obj=category, after=snapshot(category)
    )
    transaction.on_commit(page_cache_bump)
    return category
