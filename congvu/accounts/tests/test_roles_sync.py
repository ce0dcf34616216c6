"""Role groups get their permissions on a fresh database, whichever app defines them."""

from __future__ import annotations

from django.contrib.auth.models import Group

from congvu.accounts.roles import Role


def test_permissions_of_later_apps_reach_their_roles(db):
    office = Group.objects.get(name=Role.PROVINCIAL_OFFICE)
    names = set(office.permissions.values_list("content_type__app_label", "codename"))
    assert ("calendars", "add_dayoverride") in names
    assert ("procedures", "change_procedureversion") in names
    assert Group.objects.get(name=Role.CITIZEN).permissions.count() == 0
