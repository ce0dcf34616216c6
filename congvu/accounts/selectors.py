"""Reads of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from congvu.accounts.models import User
from congvu.accounts.roles import Role, user_roles

if TYPE_CHECKING:
    from congvu.organizations.models import Official, Position


def user_get_by_login(*, login: str) -> User | None:
    """The account a login name designates: a username, or else an email in any case."""
    login = login.strip()
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is None and "@" in login:
        user = User.objects.filter(email__iexact=login).first()
    return user


def user_role_list(*, user: Any) -> list[Role]:
    """The user's roles in the order Role declares them."""
    names = user_roles(user)
    return [role for role in Role if role.value in names]


def user_official_get(*, user: Any) -> Official | None:
    """The official's record of a user, if they are one (citizens are not)."""
    try:
        return user.official
    except (AttributeError, ObjectDoesNotExist):
        return None


def official_position_list(*, official: Official) -> list[Position]:
    """The positions the official holds today."""
    today = timezone.localdate()
    positions = official.positions.select_related("unit").order_by("unit__path", "kind")
    return [p for p in positions if p.is_active_on(today)]
