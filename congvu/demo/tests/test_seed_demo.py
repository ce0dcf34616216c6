"""The demo: the README's accounts exist with their roles, and loading twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.core.models import AuditLog
from congvu.demo.services import DEMO_PASSWORD
from congvu.demo.tests.once import seeded_once
from congvu.organizations.models import Delegation, Official, Unit
from congvu.organizations.selectors import responsibility_resolve

README_ACCOUNTS = {
    "admin": Role.ADMINISTRATOR,
    "vanphong": Role.PROVINCIAL_OFFICE,
    "motcua": Role.ONE_STOP_OFFICER,
    "chuyenvien": Role.SPECIALIST,
    "giamdoc": Role.HEAD,
    "phogiamdoc": Role.UNIT_LEADER,
    "motcua.xa": Role.ONE_STOP_OFFICER,
    "chutich.xa": Role.HEAD,
    "noivu": Role.HOME_AFFAIRS_APPRAISER,
    "bientap": Role.EDITOR,
    "duyettin": Role.NEWS_APPROVER,
    "congdan": Role.CITIZEN,
    "congdan2": Role.CITIZEN,
}


@pytest.fixture(scope="module")
def _demo_module(django_db_setup, django_db_blocker):
    def seed():
        call_command("seed_demo", "--dossiers", "20", stdout=io.StringIO())

    with seeded_once(django_db_blocker, seed, DEBUG=True):
        yield


@pytest.fixture
def demo(db, _demo_module):
    """The demo with 20 dossiers, seeded once for this module's tests."""


def test_readme_accounts_log_in_with_their_roles(demo):
    for username, role in README_ACCOUNTS.items():
        user = authenticate(None, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert role in set(user.groups.values_list("name", flat=True)), username


def test_cao_bang_is_seeded_with_its_56_communes(demo):
    assert Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE).count() == 56
    assert Unit.objects.get(seed_key="P04").name == "Ủy ban nhân dân tỉnh Cao Bằng"


def test_deputy_acts_by_delegation_and_director_stays_accountable(demo):
    justice = Official.objects.get(user__username="giamdoc").unit
    duty = responsibility_resolve(unit=justice, at=timezone.now(), scope=Delegation.Scope.TASKS)
    assert duty.accountable is not None
    assert duty.accountable.user.username == "giamdoc"
    assert duty.acting is not None
    assert duty.acting.user.username == "phogiamdoc"


def test_second_run_changes_nothing(demo):
    users, units, audit = User.objects.count(), Unit.objects.count(), AuditLog.objects.count()
    call_command("seed_demo", "--dossiers", "20", stdout=io.StringIO())
    assert (User.objects.count(), Unit.objects.count(), AuditLog.objects.count()) == (
        users,
        units,
        audit,
    )


def test_refused_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    before = (User.objects.count(), Unit.objects.count(), AuditLog.objects.count())
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert (User.objects.count(), Unit.objects.count(), AuditLog.objects.count()) == before
