from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from congvu.accounts import services
from congvu.accounts.models import LoginThrottle, User
from congvu.accounts.tests.factories import UserFactory
from congvu.core.models import AuditLog

ARGUMENTS = {
    "username": "binh.tran",
    "full_name": "Trần Thị Bình",
    "email": "binh.tran@example.vn",
    "phone": "0987654321",
    "personal_id": "004190001234",
    "password": "Nui-Non-Nuoc-99",
}


def test_user_register_reports_errors_by_argument_name(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        services.user_register(**{**ARGUMENTS, "full_name": " ", "email": "", "phone": "12"})
    assert set(caught.value.message_dict) == {"full_name", "email", "phone"}
    assert not User.objects.exists()


def test_user_register_refuses_an_at_sign_in_the_username(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        services.user_register(**{**ARGUMENTS, "username": "someone@example.vn"})
    assert set(caught.value.message_dict) == {"username"}


def test_user_verify_email_does_not_reactivate_a_deactivated_account(db: None) -> None:
    user = UserFactory.create(is_active=False)
    services.user_verify_email(user=user, actor=None)
    user.refresh_from_db()
    assert not user.is_active
    assert not AuditLog.objects.filter(action="accounts.email_verified").exists()


def test_token_issue_returns_the_same_token_and_audits_once(db: None) -> None:
    user = UserFactory.create()
    first = services.token_issue(user=user, actor=user)
    second = services.token_issue(user=user, actor=user)
    assert first.key == second.key
    assert AuditLog.objects.filter(action="accounts.token_issued").count() == 1


def test_login_throttle_clear_of_an_unknown_key_does_nothing(db: None) -> None:
    services.login_throttle_clear(key="name:nobody", actor=None)
    assert not AuditLog.objects.exists()


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False)
def test_lock_message_gives_vietnam_time_rounded_up(db: None) -> None:
    refusal = services.LoginRefusal(
        until=dt.datetime(2026, 3, 2, 2, 14, 1, tzinfo=dt.UTC), locked=True
    )
    assert refusal.seconds_left() == 14 * 60 + 1
    assert "locked for 15 minutes, until 02/03/2026 09:15" in refusal.message


def test_login_failure_record_locks_on_the_fifth_failure(db: None) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _attempt in range(5):
            assert services.login_throttle_check(login_name="An.Nguyen") is None
            services.login_failure_record(login_name="An.Nguyen")
            clock.shift(dt.timedelta(seconds=30))
    throttle = LoginThrottle.objects.get(key="name:an.nguyen")
    assert throttle.failures == 5
    assert throttle.locked_until == dt.datetime(2026, 3, 2, 2, 17, tzinfo=dt.UTC)
    # No request, no client address: only the name is counted.
    assert LoginThrottle.objects.count() == 1
    assert AuditLog.objects.get(action="accounts.login_locked").actor is None
