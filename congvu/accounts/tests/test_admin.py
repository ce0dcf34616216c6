from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from congvu.accounts.models import LoginThrottle, User
from congvu.core.models import AuditLog


def test_unlock_action_clears_the_throttle_and_is_audited(
    client: Client, admin_user: User, clock: time_machine.Traveller
) -> None:
    locked = LoginThrottle.objects.create(
        key="name:an.nguyen",
        failures=5,
        last_failure_at=dt.datetime(2026, 3, 2, 1, 45, tzinfo=dt.UTC),
        locked_until=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC),
    )
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_loginthrottle_changelist"),
        {"action": "unlock", "_selected_action": [locked.pk]},
    )

    assert response.status_code == 302
    assert not LoginThrottle.objects.exists()
    entry = AuditLog.objects.get(action="accounts.login_unlocked")
    assert entry.actor == admin_user
    assert entry.before is not None
    assert entry.before["key"] == "name:an.nguyen"


def test_throttles_are_read_only_in_the_admin(client: Client, admin_user: User) -> None:
    throttle = LoginThrottle.objects.create(key="addr:192.0.2.1", failures=1)
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_loginthrottle_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_loginthrottle_add")).status_code == 403
    page = client.get(reverse("admin:accounts_loginthrottle_change", args=[throttle.pk]))
    assert 'name="key"' not in page.content.decode()


def test_user_admin_shows_the_extra_fields(
    client: Client, verified_citizen: User, admin_user: User
) -> None:
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:accounts_user_change", args=[verified_citizen.pk])
    ).content.decode()
    assert 'name="personal_id"' in page
    assert 'name="phone"' in page
    assert 'name="email_verified_at' in page


def test_admin_login_says_when_it_is_locked(
    client: Client, admin_user: User, clock: time_machine.Traveller
) -> None:
    for _attempt in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})
        clock.shift(dt.timedelta(seconds=10))

    response = client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})

    assert "Logging in is locked for 15 minutes" in response.content.decode()
