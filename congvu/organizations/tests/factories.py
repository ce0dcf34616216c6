"""Factories for units, officials, positions and delegations.

They write rows directly, without the services and their audit rows: they set up the world a
test starts from, while the services are what the tests exercise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from congvu.organizations.models import Delegation, Official, Position, Unit

PASSWORD = "Cast-password-2025"


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    first_name = ""
    last_name = ""

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        roles = kwargs.pop("roles", ())
        password = kwargs.pop("password", PASSWORD)
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        for role in roles:
            group, _created = Group.objects.get_or_create(name=role)
            user.groups.add(group)
        return user


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    kind = Unit.Kind.DEPARTMENT
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    short_name = ""
    parent = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Unit:
        unit = model_class(*args, **kwargs)
        unit.save()
        unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        return unit


class OfficialFactory(factory.django.DjangoModelFactory[Official]):
    class Meta:
        model = Official

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    unit = factory.SubFactory(UnitFactory)
    phone = factory.Sequence(lambda n: f"0206 385 {n:04d}")
    email = factory.LazyAttribute(lambda o: f"{o.user.username}@caobang.gov.vn")


class PositionFactory(factory.django.DjangoModelFactory[Position]):
    class Meta:
        model = Position

    official = factory.SubFactory(OfficialFactory)
    unit = factory.LazyAttribute(lambda p: p.official.unit)
    kind = Position.Kind.SPECIALIST
    valid_from = dt.date(2025, 7, 1)


class DelegationFactory(factory.django.DjangoModelFactory[Delegation]):
    class Meta:
        model = Delegation

    unit = factory.LazyAttribute(lambda d: d.delegator.unit)
    delegator = factory.SubFactory(OfficialFactory)
    delegate = factory.SubFactory(OfficialFactory)
    scope = Delegation.Scope.ALL
    valid_from = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyAttribute(lambda d: d.valid_from + dt.timedelta(days=7))
