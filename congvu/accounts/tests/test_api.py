from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congvu.accounts.models import User
from congvu.accounts.tests.factories import UserFactory
from congvu.core.models import AuditLog

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"


def test_urls_are_where_the_schema_says() -> None:
    assert reverse("auth-token") == TOKEN_URL
    assert reverse("auth-me") == ME_URL


def test_token_for_username_or_email(
    api_client: APIClient, verified_citizen: User, password: str
) -> None:
    by_name = api_client.post(
        TOKEN_URL, {"username": "an.nguyen", "password": password}, format="json"
    )
    by_email = api_client.post(
        TOKEN_URL, {"username": "AN.NGUYEN@example.vn", "password": password}
    )

    assert by_name.status_code == 200
    assert by_email.status_code == 200
    token = Token.objects.get(user=verified_citizen)
    assert by_name.json() == {"token": token.key}
    assert by_email.json() == {"token": token.key}
    entries = AuditLog.objects.filter(action="accounts.token_issued")
    assert entries.count() == 1
    assert token.key not in str([(e.object_id, e.object_label, e.after) for e in entries])


def test_token_with_wrong_password_is_a_400_in_the_error_shape(
    api_client: APIClient, verified_citizen: User
) -> None:
    response = api_client.post(
        TOKEN_URL, {"username": "an.nguyen", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "Unable to log in" in body["errors"]["non_field_errors"][0]
    assert not Token.objects.exists()


def test_token_without_fields_names_them(api_client: APIClient, db: None) -> None:
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_token_for_unverified_account_says_so(
    api_client: APIClient, db: None, password: str
) -> None:
    UserFactory.create(username="new.citizen", is_active=False, email_verified_at=None)
    response = api_client.post(TOKEN_URL, {"username": "new.citizen", "password": password})
    assert response.status_code == 400
    assert "not active yet" in response.json()["detail"]


def test_token_endpoint_locks_after_five_failures(
    api_client: APIClient, verified_citizen: User, password: str, clock: time_machine.Traveller
) -> None:
    for _attempt in range(5):
        response = api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": "wrong"})
        assert response.status_code == 400
        clock.shift(dt.timedelta(seconds=10))

    response = api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": password})
    assert response.status_code == 429
    body = response.json()
    assert body["errors"] == {}
    assert "locked for 15 minutes, until 02/03/2026 09:16" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60

    clock.shift(dt.timedelta(minutes=15))
    response = api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": password})
    assert response.status_code == 200


def test_token_endpoint_is_slowed_down_after_three_failures(
    api_client: APIClient, verified_citizen: User, password: str, clock: time_machine.Traveller
) -> None:
    for _attempt in range(3):
        api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": "wrong"})
    response = api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": password})
    assert response.status_code == 429
    assert "Please wait 1 second" in response.json()["detail"]
    assert response["Retry-After"] == "1"


def test_token_authenticates_me(
    api_client: APIClient, verified_citizen: User, password: str
) -> None:
    key = api_client.post(TOKEN_URL, {"username": "an.nguyen", "password": password}).json()[
        "token"
    ]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "username": "an.nguyen",
        "full_name": "Nguyễn Văn An",
        "email": "An.Nguyen@Example.vn",
        "roles": [{"code": "citizen", "label": "Citizen"}],
    }


def test_anonymous_caller_cannot_read_me(api_client: APIClient, db: None) -> None:
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_token_revocation(api_client: APIClient, verified_citizen: User) -> None:
    token = Token.objects.create(user=verified_citizen)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert api_client.delete(TOKEN_URL).status_code == 204

    assert not Token.objects.filter(user=verified_citizen).exists()
    assert AuditLog.objects.filter(action="accounts.token_revoked").count() == 1
    assert api_client.get(ME_URL).status_code == 401


def test_anonymous_caller_cannot_revoke(api_client: APIClient, db: None) -> None:
    assert api_client.delete(TOKEN_URL).status_code == 401


def test_token_revocation_from_a_browser_session(verified_citizen: User) -> None:
    Token.objects.create(user=verified_citizen)
    client = APIClient()
    client.force_login(verified_citizen)

    assert client.delete(TOKEN_URL).status_code == 204

    assert not Token.objects.filter(user=verified_citizen).exists()
