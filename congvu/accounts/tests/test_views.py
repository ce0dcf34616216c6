from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from congvu.accounts import tokens
from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.accounts.tests.factories import PASSWORD, UserFactory
from congvu.accounts.tests.helpers import last_email_path
from congvu.core.models import AuditLog

REGISTRATION = {
    "username": "binh.tran",
    "full_name": "Trần  Thị Bình",
    "email": "binh.tran@example.vn",
    "phone": "0987 654 321",
    "personal_id": "004190001234",
    "password": "Nui-Non-Nuoc-99",
    "password_again": "Nui-Non-Nuoc-99",
}


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_by_username(client: Client, verified_citizen: User, password: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "an.nguyen", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert _logged_in_user_id(client) == str(verified_citizen.pk)


def test_login_by_email_in_any_case(client: Client, verified_citizen: User, password: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "AN.NGUYEN@example.vn", "password": password}
    )
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(verified_citizen.pk)


def test_login_page_labels_the_field_username_or_email(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Username or email" in response.content.decode()


def test_login_with_wrong_password_is_refused(client: Client, verified_citizen: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": "an.nguyen", "password": "no"})
    assert response.status_code == 200
    assert "Please enter a correct username or email and password" in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_logout_needs_post(client: Client, verified_citizen: User) -> None:
    client.force_login(verified_citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert _logged_in_user_id(client) is None


def _register(
    client: Client, capture: DjangoCaptureOnCommitCallbacks, **changes: str
) -> tuple[Any, list[Callable[[], Any]]]:
    with capture(execute=True) as callbacks:
        response = client.post(reverse("accounts:register"), {**REGISTRATION, **changes})
    return response, callbacks


def test_registration_creates_an_inactive_citizen_and_emails_a_link(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    response, callbacks = _register(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get(username="binh.tran")
    assert not user.is_active
    assert user.email_verified_at is None
    assert user.get_full_name() == "Trần Thị Bình"
    assert list(user.groups.values_list("name", flat=True)) == [Role.CITIZEN]
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["binh.tran@example.vn"]
    assert "activate" in mail.outbox[0].body
    assert last_email_path().startswith("/accounts/verify-email/")


def test_registration_writes_an_audit_row_without_the_password(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)

    user = User.objects.get(username="binh.tran")
    entry = AuditLog.objects.get(action="accounts.user_registered")
    assert entry.object_id == str(user.pk)
    assert entry.after is not None
    assert entry.after["username"] == "binh.tran"
    assert entry.after["roles"] == [Role.CITIZEN]
    assert "password" not in entry.after
    assert REGISTRATION["password"] not in str(entry.after)
    assert entry.client_address == "127.0.0.1"


def test_registered_user_cannot_log_in_before_verification(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)

    response = client.post(
        reverse("accounts:login"),
        {"username": "binh.tran", "password": REGISTRATION["password"]},
    )
    assert response.status_code == 200
    assert "not active yet" in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_verification_link_activates_the_account(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)

    response = client.get(last_email_path())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(username="binh.tran")
    assert user.is_active
    assert user.email_verified_at is not None
    assert AuditLog.objects.filter(
        action="accounts.email_verified", object_id=str(user.pk)
    ).exists()
    response = client.post(
        reverse("accounts:login"),
        {"username": "binh.tran@example.vn", "password": REGISTRATION["password"]},
    )
    assert response.status_code == 302


def test_tampered_verification_link_is_refused(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)

    response = client.get(last_email_path().rstrip("/") + "x/")
    assert response.status_code == 400
    assert "This verification link is not valid" in response.content.decode()
    assert not User.objects.get(username="binh.tran").is_active


def test_expired_verification_link_offers_a_new_one(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        _register(client, django_capture_on_commit_callbacks)
        path = last_email_path()
        clock.shift(tokens.EMAIL_VERIFICATION_MAX_AGE + dt.timedelta(minutes=1))

        response = client.get(path)
        assert response.status_code == 400
        assert "This verification link has expired." in response.content.decode()
        assert not User.objects.get(username="binh.tran").is_active

        with django_capture_on_commit_callbacks(execute=True):
            client.post(path + "resend/")
        assert len(mail.outbox) == 2
        assert client.get(last_email_path()).status_code == 302
    assert User.objects.get(username="binh.tran").is_active


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "An.Nguyen"}, "username", "This username is already taken."),
        ({"email": "an.nguyen@EXAMPLE.vn"}, "email", "An account with this email address"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "too common"),
        ({"password_again": "something-else"}, "password_again", "do not match"),
        ({"personal_id": "12345678901a"}, "personal_id", "exactly 12 digits"),
    ],
)
def test_registration_errors_are_shown_on_the_form(
    client: Client,
    verified_citizen: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    response, _callbacks = _register(client, django_capture_on_commit_callbacks, **changes)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not User.objects.filter(username="binh.tran").exists()
    assert mail.outbox == []


def test_password_reset_email_link_sets_a_new_password(
    client: Client, verified_citizen: User
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "an.nguyen@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [verified_citizen.email]

    response = client.get(last_email_path())
    assert response.status_code == 302  # to the same URL with the token kept in the session
    form_url = response["Location"]
    response = client.post(
        form_url, {"new_password1": "Thac-Ban-Gioc-7", "new_password2": "Thac-Ban-Gioc-7"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert AuditLog.objects.filter(action="accounts.password_changed").count() == 1
    assert client.login(username="an.nguyen", password="Thac-Ban-Gioc-7")


def test_password_change_is_audited_and_keeps_the_session(
    client: Client, verified_citizen: User
) -> None:
    client.force_login(verified_citizen)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Pac-Bo-1941-xyz",
            "new_password2": "Pac-Bo-1941-xyz",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert client.get(reverse("accounts:profile")).status_code == 200
    entry = AuditLog.objects.get(action="accounts.password_changed")
    assert entry.before is None
    assert entry.after is None


def test_profile_needs_login(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_account_and_roles(client: Client, verified_citizen: User) -> None:
    client.force_login(verified_citizen)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "an.nguyen" in page
    assert "Nguyễn Văn An" in page
    assert "An.Nguyen@Example.vn" in page
    assert "Citizen" in page
    assert reverse("accounts:password_change") in page


def test_profile_shows_an_officials_unit_and_positions(client: Client, db: None) -> None:
    from congvu.organizations.models import Official, Position, Unit

    user = UserFactory.create(username="chi.le")
    unit = Unit.objects.create(kind=Unit.Kind.DEPARTMENT, name="Sở Tư pháp")
    official = Official.objects.create(user=user, full_name="Lê Thị Chi", unit=unit)
    Position.objects.create(
        official=official, unit=unit, kind=Position.Kind.DEPUTY_HEAD, title="Phó Giám đốc"
    )
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Sở Tư pháp" in page
    assert "Phó Giám đốc" in page
