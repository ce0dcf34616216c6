"""Who may have the account pages and the token API (see tests/matrix.py).

Logging in, registering and resetting a password are for everyone (a signed-in visitor is sent
on from the login and registration pages); the profile and the password change are one's own.
"""

from __future__ import annotations

from django.urls import reverse

from congvu.accounts import tokens
from congvu.accounts.roles import Role
from congvu.organizations.tests.factories import PASSWORD, UserFactory
from tests.matrix import EVERYONE, SIGNED_IN, Case, Cast


def access_cases(cast: Cast) -> list[Case]:
    pending = UserFactory.create(
        username="matrix_pending", roles=[Role.CITIZEN], email="pending@example.vn"
    )
    token = tokens.email_verification_make(pending)
    return [
        Case("GET", reverse("accounts:login"), "accounts:login", EVERYONE, frozenset({200, 302})),
        Case("POST", reverse("accounts:logout"), "accounts:logout", EVERYONE, frozenset({302})),
        Case(
            "GET",
            reverse("accounts:register"),
            "accounts:register",
            EVERYONE,
            frozenset({200, 302}),
        ),
        Case("GET", reverse("accounts:register_done"), "accounts:register_done", EVERYONE),
        # The link itself is the proof: whoever opens it activates the account, then is sent
        # to the login page.
        Case(
            "GET",
            reverse("accounts:verify_email", args=[token]),
            "accounts:verify_email",
            EVERYONE,
            frozenset({302}),
        ),
        Case(
            "POST",
            reverse("accounts:verify_email_resend", args=["not-a-token"]),
            "accounts:verify_email_resend",
            EVERYONE,
            frozenset({302}),
        ),
        Case("GET", reverse("accounts:profile"), "accounts:profile", SIGNED_IN),
        Case("GET", reverse("accounts:password_change"), "accounts:password_change", SIGNED_IN),
        Case(
            "GET",
            reverse("accounts:password_change_done"),
            "accounts:password_change_done",
            SIGNED_IN,
        ),
        Case("GET", reverse("accounts:password_reset"), "accounts:password_reset", EVERYONE),
        Case(
            "GET", reverse("accounts:password_reset_done"), "accounts:password_reset_done", EVERYONE
        ),
        # A link that is not valid shows the "invalid link" page, to anyone.
        Case(
            "GET",
            reverse("accounts:password_reset_confirm", args=["MQ", "set-password"]),
            "accounts:password_reset_confirm",
            EVERYONE,
        ),
        Case(
            "GET",
            reverse("accounts:password_reset_complete"),
            "accounts:password_reset_complete",
            EVERYONE,
        ),
        Case("GET", "/api/v1/auth/me/", "GET /api/v1/auth/me/", SIGNED_IN, api=True),
        Case(
            "POST",
            "/api/v1/auth/token/",
            "POST /api/v1/auth/token/",
            EVERYONE,
            data={"username": cast.users["citizen_b"].username, "password": PASSWORD},
            api=True,
        ),
        Case(
            "DELETE",
            "/api/v1/auth/token/",
            "DELETE /api/v1/auth/token/",
            SIGNED_IN,
            frozenset({204}),
            api=True,
        ),
    ]
