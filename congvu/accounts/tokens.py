"""Signed links sent by email: the account verification link."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils.crypto import salted_hmac

from congvu.accounts.models import User

EMAIL_VERIFICATION_MAX_AGE = dt.timedelta(days=3)
_EMAIL_VERIFICATION_SALT = "congvu.accounts.email-verification"


class EmailVerificationError(Exception):
    """A verification link that cannot be used: tampered with, for another address, or old."""

    def __init__(self, *, expired: bool, user: User | None = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.user = user


def _email_digest(email: str) -> str:
    # Signed data is readable by anyone holding the link, and links end up in server logs:
    # carry a digest of the address rather than the address itself.
    return salted_hmac(_EMAIL_VERIFICATION_SALT, email.lower()).hexdigest()[:20]


def email_verification_make(user: User) -> str:
    # The address is signed too, so a link stops working once the account's email changes.
    return signing.dumps(
        {"user": user.pk, "email": _email_digest(user.email)}, salt=_EMAIL_VERIFICATION_SALT
    )


def email_verification_read(token: str) -> User:
    """The user a verification link was made for.

    Raises EmailVerificationError; for a link that is genuine but too old, its `user` is set
    so that a fresh link can be offered.
    """
    try:
        data = signing.loads(
            token, salt=_EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        data = signing.loads(token, salt=_EMAIL_VERIFICATION_SALT)
        raise EmailVerificationError(expired=True, user=_user_for(data)) from exc
    except signing.BadSignature as exc:
        raise EmailVerificationError(expired=False) from exc
    user = _user_for(data)
    if user is None:
        raise EmailVerificationError(expired=False)
    return user


def _user_for(data: object) -> User | None:
    if not isinstance(data, dict):
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None or _email_digest(user.email) != data.get("email"):
        return None
    return user
