"""Log in with a username or an email address, with failed attempts slowed down and locked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from congvu.accounts.models import User
from congvu.accounts.selectors import user_get_by_login
from congvu.accounts.services import (
    LoginRefusal,
    login_failure_record,
    login_success_record,
    login_throttle_check,
)

# authenticate() can only answer "no user"; these tell the login form and the token endpoint
# why, so that they can say so.
_REFUSAL_ATTR = "_congvu_login_refusal"
_INACTIVE_ATTR = "_congvu_login_inactive"


def login_refusal_get(request: HttpRequest | None) -> LoginRefusal | None:
    """The throttle refusal of the last authenticate() call on this request, if any."""
    return getattr(request, _REFUSAL_ATTR, None)


def login_inactive_reason(request: HttpRequest | None) -> str | None:
    """ "unverified" or "inactive" when the password was right but the account may not log in."""
    return getattr(request, _INACTIVE_ATTR, None)


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts the account's email and throttles failed attempts."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_get_by_login(login=username)
        # Count by the account's username, so that switching between the username and the
        # email does not buy a second series of attempts.
        login_name = user.get_username() if user is not None else username
        refusal = login_throttle_check(login_name=login_name)
        if refusal is not None:
            if request is not None:
                setattr(request, _REFUSAL_ATTR, refusal)
            # PermissionDenied stops authenticate() from asking any other backend.
            raise PermissionDenied
        if user is None:
            # Hash anyway, so the response time does not tell which names exist.
            User().set_password(password)
            login_failure_record(login_name=login_name)
            return None
        if not user.check_password(password):
            login_failure_record(login_name=login_name)
            return None
        if not self.user_can_authenticate(user):
            if request is not None:
                reason = "unverified" if user.email_verified_at is None else "inactive"
                setattr(request, _INACTIVE_ATTR, reason)
            return None
        login_success_record(login_name=login_name)
        return user
