"""The editorial workflow of an article, as data.

An editor writes a draft and submits it; an approver publishes it (now or at a set time) or
sends it back with a comment; a published article can be withdrawn and, after editing,
submitted again. Every transition is stored as an `ArticleEvent`. Views and the API ask
`actions_for(user, article)` what to offer; the services check the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congvu.accounts.roles import Role, has_role
from congvu.portal.models import Article, ArticleStatus

S = ArticleStatus
WRITER = "writer"  # the article's author, or an approver
APPROVER = "approver"


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    who: str
    # The approver must say why (sending back); publishing may carry a time.
    needs_comment: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", _("Submit for approval"), (S.DRAFT, S.SENT_BACK, S.UNPUBLISHED), S.SUBMITTED,
        WRITER,
    ),
    Transition("publish", _("Publish"), (S.SUBMITTED, S.UNPUBLISHED), S.PUBLISHED, APPROVER),
    Transition(
        "send_back", _("Send back to the editor"), (S.SUBMITTED,), S.SENT_BACK, APPROVER,
        needs_comment=True,
    ),
    Transition("unpublish", _("Withdraw from the portal"), (S.PUBLISHED,), S.UNPUBLISHED, APPROVER),
)  # fmt: skip
BY_ACTION = {t.action: t for t in TRANSITIONS}


def is_approver(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.NEWS_APPROVER, Role.ADMINISTRATOR
    )


def is_newsroom_member(user: Any) -> bool:
    """Editors and approvers: the people who write and publish the portal's news."""
    return is_approver(user) or has_role(user, Role.EDITOR)


def is_writer(user: Any, article: Article) -> bool:
    """The author (while still an editor) or any approver may change the article."""
    if is_approver(user):
        return True
    return article.author_id == getattr(user, "pk", None) and has_role(user, Role.EDITOR)


def may(user: Any, transition: Transition, article: Article) -> bool:
    if article.status not in transition.sources:
        return False
    if transition.who == APPROVER:
        return is_approver(user)
    return is_writer(user, article)


def actions_for(user: Any, article: Article) -> list[Transition]:
    """The transitions `user` may take on `article` now."""
    return [t for t in TRANSITIONS if may(user, t, article)]


def may_edit(user: Any, article: Article) -> bool:
    """Text may change before publication; a published article is withdrawn first."""
    return article.status != S.PUBLISHED and is_writer(user, article)
