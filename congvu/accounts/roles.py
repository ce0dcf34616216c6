"""Roles are groups; this module is the one place that says what each role may do.

Apps above accounts say what their models allow each role in their own `permissions.py`
(a `ROLE_PERMISSIONS` dict of the same shape), merged here by `role_permissions()`; a permission
named that does not exist yet is skipped, not an error.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    HEAD = "head", _("Head of agency")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
    HOME_AFFAIRS_APPRAISER = "home_affairs_appraiser", _("Home affairs appraiser")
    EDITOR = "editor", _("News editor")
    NEWS_APPROVER = "news_approver", _("News approver")
    ADMINISTRATOR = "administrator", _("Administrator")


_VIEW_ORG = [
    "organizations.view_unit",
    "organizations.view_official",
    "organizations.view_position",
    "organizations.view_delegation",
]

# The provincial office keeps the catalogue of procedures and their internal processes.
_MANAGE_PROCEDURES = [
    f"procedures.{action}_{model}"
    for model in (
        "field",
        "procedure",
        "procedureversion",
        "requireddocument",
        "fee",
        "processstep",
        "processtransition",
    )
    for action in ("view", "add", "change")
] + [
    # The parts of a draft version's process are removed from it in the admin's inlines.
    f"procedures.delete_{model}"
    for model in ("requireddocument", "fee", "processstep", "processtransition")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CITIZEN: [],
    Role.ONE_STOP_OFFICER: [*_VIEW_ORG, "calendars.view_dayoverride"],
    Role.SPECIALIST: [*_VIEW_ORG, "calendars.view_dayoverride"],
    Role.UNIT_LEADER: [*_VIEW_ORG, "calendars.view_dayoverride"],
    Role.HEAD: [
        *_VIEW_ORG,
        "organizations.add_delegation",
        "organizations.change_delegation",
        "calendars.view_dayoverride",
    ],
    Role.PROVINCIAL_OFFICE: [
        *_VIEW_ORG,
        "organizations.add_unit",
        "organizations.change_unit",
        "organizations.add_official",
        "organizations.change_official",
        "organizations.add_position",
        "organizations.change_position",
        "calendars.view_dayoverride",
        "calendars.add_dayoverride",
        "calendars.change_dayoverride",
        "calendars.delete_dayoverride",
        "calendars.view_officehours",
        "calendars.change_officehours",
        "core.view_auditlog",
        *_MANAGE_PROCEDURES,
    ],
    Role.HOME_AFFAIRS_APPRAISER: [*_VIEW_ORG],
    Role.EDITOR: [],
    Role.NEWS_APPROVER: [],
    Role.ADMINISTRATOR: ["*"],
}

# Roles whose holders see every unit's non-public data (officials' contacts, delegations).
PROVINCE_WIDE_ROLES = frozenset(
    {Role.PROVINCIAL_OFFICE, Role.HOME_AFFAIRS_APPRAISER, Role.ADMINISTRATOR}
)
# Roles whose holders work at the one-stop desk or in an agency and may use the admin site.
STAFF_ROLES = frozenset(set(Role) - {Role.CITIZEN})


def role_permissions() -> dict[str, list[str]]:
    """ROLE_PERMISSIONS above merged with each installed congvu app's `permissions.py`."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    merged = {role: list(names) for role, names in ROLE_PERMISSIONS.items()}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.permissions"
        if not config.name.startswith("congvu.") or find_spec(module_name) is None:
            continue
        for role, names in import_module(module_name).ROLE_PERMISSIONS.items():
            if merged.get(role) != ["*"]:
                merged.setdefault(role, []).extend(names)
    return merged


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    all_permissions = list(Permission.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_permissions}
    for role, names in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = all_permissions if names == ["*"] else [by_name[n] for n in names if n in by_name]
        group.permissions.set(wanted)


def sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    # post_migrate fires once per app; the permissions of every app exist only after the last.
    from django.apps import apps

    configs = [c for c in apps.get_app_configs() if c.models_module is not None]
    if configs and getattr(sender, "label", None) != configs[-1].label:
        return
    roles_sync()


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_congvu_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._congvu_roles = cached
    return set(cached)


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_province_wide(user: Any) -> bool:
    return bool(user_roles(user) & PROVINCE_WIDE_ROLES)
