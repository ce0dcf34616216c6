from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from pytest_django.fixtures import Settings

from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.accounts.tests.factories import PASSWORD, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _english(settings: Settings) -> None:
    # Assertions read the English source strings, whatever the Vietnamese catalogue says.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def verified_citizen(db: None) -> User:
    """A citizen whose email was verified; the address is in mixed case on purpose."""
    user = UserFactory.create(username="an.nguyen", email="An.Nguyen@Example.vn")
    user.groups.add(Group.objects.get(name=Role.CITIZEN))
    return user


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
