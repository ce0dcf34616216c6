from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from congvu.accounts.models import LoginThrottle, User
from congvu.core.models import AuditLog


def _login(client: Client, username: str, password: str) -> bool:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def _wrong(client: Client, verified_citizen: User) -> str:
    response = client.post(
        reverse("accounts:login"), {"username": verified_citizen.username, "password": "wrong"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_authenticate_accepts_username_and_email_in_any_case(
    verified_citizen: User, password: str
) -> None:
    assert authenticate(None, username="an.nguyen", password=password) == verified_citizen
    assert (
        authenticate(None, username="an.nguyen@example.VN", password=password) == verified_citizen
    )
    assert (
        authenticate(None, username="AN.NGUYEN@EXAMPLE.VN", password=password) == verified_citizen
    )


def test_authenticate_refuses_wrong_password_and_unknown_name(verified_citizen: User) -> None:
    assert authenticate(None, username="an.nguyen", password="wrong") is None
    assert authenticate(None, username="nobody", password="wrong") is None


def test_failures_by_username_and_by_email_count_together(verified_citizen: User) -> None:
    authenticate(None, username="an.nguyen", password="wrong")
    authenticate(None, username="an.nguyen@example.vn", password="wrong")
    assert LoginThrottle.objects.get(key="name:an.nguyen").failures == 2


def test_failures_slow_down_then_lock_until_the_lock_expires(
    client: Client, verified_citizen: User, password: str, clock: time_machine.Traveller
) -> None:
    for _attempt in range(3):
        assert "correct username or email" in _wrong(client, verified_citizen)

    # Three failures: the next attempt must wait 2**0 seconds, even with the right password.
    page = _wrong(client, verified_citizen)
    assert "Please wait 1 second and try again." in page
    assert not _login(client, verified_citizen.username, password)

    clock.shift(dt.timedelta(seconds=1))
    _wrong(client, verified_citizen)  # fourth failure, at 09:00:01: wait 2 seconds
    assert "Please wait 2 seconds" in _wrong(client, verified_citizen)

    clock.shift(dt.timedelta(seconds=2))
    _wrong(client, verified_citizen)  # fifth failure, at 09:00:03: locked until 09:15:03
    # The name is locked; the address, which may be a whole office, is not yet.
    assert AuditLog.objects.filter(action="accounts.login_locked").count() == 1

    response = client.post(
        reverse("accounts:login"), {"username": verified_citizen.username, "password": password}
    )
    assert response.status_code == 200
    assert "locked for 15 minutes, until 02/03/2026 09:16" in response.content.decode()
    assert "_auth_user_id" not in client.session

    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert not _login(client, verified_citizen.username, password)
    clock.shift(dt.timedelta(seconds=1))
    assert _login(client, verified_citizen.username, password)
    assert not LoginThrottle.objects.filter(key="name:an.nguyen").exists()


def test_client_address_is_locked_across_names(
    client: Client, verified_citizen: User, password: str, clock: time_machine.Traveller
) -> None:
    # Five typos by colleagues behind one address do not lock the office out...
    for number in range(5):
        client.post(reverse("accounts:login"), {"username": f"guess{number}", "password": "x"})
        clock.shift(dt.timedelta(seconds=200))
    assert LoginThrottle.objects.get(key="addr:127.0.0.1").locked_until is None
    assert _login(client, verified_citizen.username, password)
    client.logout()
    # ...but someone trying name after name from it is locked out.
    for number in range(5, 20):
        client.post(reverse("accounts:login"), {"username": f"guess{number}", "password": "x"})
        clock.shift(dt.timedelta(seconds=200))
    locked = LoginThrottle.objects.get(key="addr:127.0.0.1")
    assert locked.locked_until is not None
    assert not _login(client, verified_citizen.username, password)
    assert _login(Client(REMOTE_ADDR="192.0.2.7"), verified_citizen.username, password)


def test_ipv6_clients_are_counted_by_their_64_prefix(verified_citizen: User) -> None:
    for suffix in ("1", "2"):
        Client(REMOTE_ADDR=f"2001:db8:0:1::{suffix}").post(
            reverse("accounts:login"), {"username": "nobody", "password": "x"}
        )
    assert LoginThrottle.objects.get(key="addr:2001:db8:0:1::/64").failures == 2


def test_failures_far_apart_start_a_new_count(
    client: Client, verified_citizen: User, clock: time_machine.Traveller
) -> None:
    for _attempt in range(3):
        _wrong(client, verified_citizen)
    clock.shift(dt.timedelta(minutes=20))
    _wrong(client, verified_citizen)
    assert LoginThrottle.objects.get(key="name:an.nguyen").failures == 1
