"""Writes of the accounts app: registration, email verification, passwords, API tokens and
the bookkeeping of failed logins."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from congvu.accounts import tokens
from congvu.accounts.models import LoginThrottle, User
from congvu.accounts.roles import Role
from congvu.core import context
from congvu.core.services import audit_record, snapshot

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class LoginRefusal:
    """A login attempt turned away before its password was checked, and until when."""

    until: dt.datetime
    locked: bool

    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def message(self) -> str:
        seconds = self.seconds_left()
        if self.locked:
            minutes = math.ceil(seconds / 60)
            return ngettext(
                "Too many failed login attempts. Logging in is locked for %(minutes)d minute, "
                "until %(until)s. Please try again after that.",
                "Too many failed login attempts. Logging in is locked for %(minutes)d minutes, "
                "until %(until)s. Please try again after that.",
                minutes,
            ) % {"minutes": minutes, "until": local_time_display(self.until)}
        return ngettext(
            "Too many failed login attempts. Please wait %(seconds)d second and try again.",
            "Too many failed login attempts. Please wait %(seconds)d seconds and try again.",
            seconds,
        ) % {"seconds": seconds}


def local_time_display(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam, rounded up so that "until 10:16" is never too early."""
    local = moment.astimezone(VIETNAM_TZ)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return local.strftime("%d/%m/%Y %H:%M")


def _name_key(login_name: str) -> str:
    return f"name:{login_name.strip().lower()}"[:255]


def _address_key(address: str) -> str:
    return f"addr:{context.client_group(address)}"[:255]


def _throttle_keys(login_name: str) -> list[str]:
    keys = [_name_key(login_name)]
    address = context.current().client_address
    if address:
        keys.append(_address_key(address))
    return keys


def _is_stale(throttle: LoginThrottle, now: dt.datetime) -> bool:
    # Failures further apart than a lock lasts are not one run of guessing: the count starts
    # again, which is also what lets a locked user back in once the lock has run out.
    return throttle.last_failure_at is not None and now - throttle.last_failure_at >= dt.timedelta(
        minutes=settings.LOGIN_LOCK_MINUTES
    )


def _limits(key: str) -> tuple[int, int]:
    """(slow down after, lock after) failures for a throttle key.

    An address may be a whole office behind one NAT, so it gets more room than one login name:
    a few typos by colleagues must not lock everybody out.
    """
    factor = settings.LOGIN_ADDRESS_FACTOR if key.startswith("addr:") else 1
    return settings.LOGIN_SLOWDOWN_AFTER * factor, settings.LOGIN_LOCK_AFTER * factor


def _refusal(throttle: LoginThrottle, now: dt.datetime) -> LoginRefusal | None:
    if throttle.locked_until is not None and now < throttle.locked_until:
        return LoginRefusal(until=throttle.locked_until, locked=True)
    slowdown_after, _lock_after = _limits(throttle.key)
    if (
        throttle.failures >= slowdown_after
        and throttle.last_failure_at is not None
        and not _is_stale(throttle, now)
    ):
        exponent = min(throttle.failures - slowdown_after, 20)
        until = throttle.last_failure_at + dt.timedelta(seconds=2**exponent)
        if now < until:
            return LoginRefusal(until=until, locked=False)
    return None


def login_throttle_check(*, login_name: str) -> LoginRefusal | None:
    """Whether an attempt for this login name from the current client must be refused now.

    Both the name and the client address are counted; the longer refusal wins.
    """
    now = timezone.now()
    throttles = LoginThrottle.objects.filter(key__in=_throttle_keys(login_name))
    refusals = [r for t in throttles if (r := _refusal(t, now)) is not None]
    return max(refusals, key=lambda r: r.until, default=None)


@transaction.atomic
def login_failure_record(*, login_name: str) -> None:
    """Count a wrong password (or unknown name) against the name and the client address."""
    now = timezone.now()
    for key in _throttle_keys(login_name):
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        if _is_stale(throttle, now):
            throttle.failures = 0
            throttle.locked_until = None
        throttle.failures += 1
        throttle.last_failure_at = now
        newly_locked = throttle.failures >= _limits(key)[1] and (
            throttle.locked_until is None or throttle.locked_until <= now
        )
        if newly_locked:
            throttle.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        throttle.full_clean()
        throttle.save()
        # Single failures are bookkeeping; a lock shuts someone out and is worth a record.
        if newly_locked:
            audit_record(
                actor=None, action="accounts.login_locked", obj=throttle, after=snapshot(throttle)
            )


@transaction.atomic
def login_success_record(*, login_name: str) -> None:
    """Forget the failures of a login name once its owner has logged in.

    The address key is kept: one correct password from an address does not vouch for the
    other names being tried from it.
    """
    LoginThrottle.objects.filter(key=_name_key(login_name)).delete()


@transaction.atomic
def login_throttle_clear(*, key: str, actor: Any) -> None:
    """Lift the count and any lock of one throttle key, as an administrator does on request."""
    throttle = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if throttle is None:
        return
    audit_record(
        actor=actor, action="accounts.login_unlocked", obj=throttle, before=snapshot(throttle)
    )
    throttle.delete()


_PERSONAL_ID_RE = re.compile(r"^\d{12}$")
_PHONE_RE = re.compile(r"^\+?\d{8,15}$")
# Service arguments whose model field has another name.
_FIELD_FOR_MODEL_FIELD = {"first_name": "full_name"}
_REGISTRATION_AUDIT_FIELDS = [
    "username",
    "first_name",
    "email",
    "phone",
    "personal_id",
    "is_active",
    "email_verified_at",
]


def _registration_errors(user: User, password: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "@" in user.username:
        add("username", _("A username cannot contain “@”; you can log in with your email too."))
    elif user.username and User.objects.filter(username__iexact=user.username).exists():
        add("username", _("This username is already taken."))
    if not user.first_name:
        add("full_name", _("Please enter your full name."))
    if not user.email:
        add("email", _("Please enter your email address."))
    elif User.objects.filter(email__iexact=user.email).exists():
        add("email", _("An account with this email address already exists."))
    if not _PHONE_RE.match(re.sub(r"[ .-]", "", user.phone)):
        add("phone", _("Enter a phone number of 8 to 15 digits."))
    if not _PERSONAL_ID_RE.match(user.personal_id):
        add("personal_id", _("The personal identifier number has exactly 12 digits."))
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    return errors


@transaction.atomic
def user_register(
    *,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    personal_id: str,
    password: str,
    actor: Any = None,
) -> User:
    """Create a citizen's account, inactive until they open the link emailed to them.

    Raises ValidationError keyed by the names of this function's arguments.
    """
    user = User(
        username=username.strip(),
        # Vietnamese names run family name first and do not split into Django's first and
        # last name; the whole name is kept in first_name so get_full_name() gives it as written.
        first_name=" ".join(full_name.split()),
        email=User.objects.normalize_email(email.strip()),
        phone=phone.strip(),
        personal_id=personal_id.strip(),
        is_active=False,
    )
    errors = _registration_errors(user, password)
    user.set_password(password)
    model_fields_with_errors = {
        model_field
        for model_field in ("username", "first_name", "email", "phone", "personal_id")
        if _FIELD_FOR_MODEL_FIELD.get(model_field, model_field) in errors
    }
    try:
        user.full_clean(exclude=model_fields_with_errors)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(_FIELD_FOR_MODEL_FIELD.get(field, field), []).extend(messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two people registered the same name or address at the same moment.
        raise ValidationError(
            {"username": [_("This username or email address was just taken; please try again.")]}
        ) from exc
    citizen, _created = Group.objects.get_or_create(name=Role.CITIZEN)
    user.groups.add(citizen)
    audit_record(
        # Someone registering themselves is the actor of their own registration.
        actor=actor if actor is not None else user,
        action="accounts.user_registered",
        obj=user,
        after={**snapshot(user, _REGISTRATION_AUDIT_FIELDS), "roles": [Role.CITIZEN.value]},
    )
    _verification_email_schedule(user)
    return user


def _verification_email_schedule(user: User) -> None:
    language = translation.get_language() or settings.LANGUAGE_CODE
    user_id = user.pk
    transaction.on_commit(
        lambda: _verification_email_send(user_id=user_id, language=language), robust=True
    )


def _verification_email_send(*, user_id: int, language: str) -> None:
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None or not user.email:
        return
    path = reverse("accounts:verify_email", kwargs={"token": tokens.email_verification_make(user)})
    with translation.override(language):
        context = {
            "user": user,
            "link": settings.SITE_URL.rstrip("/") + path,
            "valid_days": tokens.EMAIL_VERIFICATION_MAX_AGE.days,
            "province_name": settings.CONGVU_PROVINCE_NAME,
        }
        subject = render_to_string("accounts/email/verify_email_subject.txt", context)
        body = render_to_string("accounts/email/verify_email_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def user_verification_resend(*, user: User) -> None:
    """Send a fresh verification link to an account that has not been verified yet.

    Nothing changes in the database, so there is no audit row.
    """
    if user.email_verified_at is None:
        _verification_email_schedule(user)


@transaction.atomic
def user_verify_email(*, user: User, actor: Any) -> User:
    """Mark the user's email as verified and activate the account on its first verification.

    An account that was verified before and later deactivated by an administrator stays
    deactivated: an old link must not undo that decision.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.email_verified_at is not None:
        return locked
    before = snapshot(locked, ["is_active", "email_verified_at"])
    locked.is_active = True
    locked.email_verified_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["is_active", "email_verified_at"])
    audit_record(
        actor=actor if actor is not None else locked,
        action="accounts.email_verified",
        obj=locked,
        before=before,
        after=snapshot(locked, ["is_active", "email_verified_at"]),
    )
    return locked


@transaction.atomic
def user_password_set(*, user: User, password: str, actor: Any) -> User:
    """Give the user a new password (changed by them, or reset through the emailed link).

    Changes `user` in place: the password-change view re-keys the session from that object.
    """
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.password_changed", obj=user)
    return user


@transaction.atomic
def token_issue(*, user: User, actor: Any) -> Token:
    """The user's API token, created on first request.

    The audit row names the user, not the token: the token's key is its primary key and a
    secret, and must not be copied into the log.
    """
    token = Token.objects.filter(user=user).first()
    if token is not None:
        return token
    token = Token(user=user, key=Token.generate_key())
    token.full_clean()
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError:
        # A parallel request of the same user created it first.
        return Token.objects.get(user=user)
    audit_record(actor=actor, action="accounts.token_issued", obj=user)
    return token


@transaction.atomic
def token_revoke(*, user: User, actor: Any) -> None:
    """Delete the user's API token; clients holding it must log in again."""
    token = Token.objects.select_related("user").filter(user=user).first()
    if token is None:
        return
    token.delete()
    # token.user, not `user`: under session authentication that is request.user, a lazy
    # wrapper the audit log cannot take as its object.
    audit_record(actor=actor, action="accounts.token_revoked", obj=token.user)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    personal_id: str = "",
    roles: list[str] | tuple[str, ...] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
    email_verified: bool = True,
) -> User:
    """An account made by an administrator (or the demo), active at once, with its roles."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": [_("Unknown role: %(role)s.") % {"role": sorted(unknown)[0]}]}
        )
    user = User(
        username=username,
        first_name=full_name,
        email=email,
        phone=phone,
        personal_id=personal_id,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
        is_active=True,
        email_verified_at=timezone.now() if email and email_verified else None,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    audit_record(
        actor=actor,
        action="accounts.user_created",
        obj=user,
        after={**snapshot(user), "roles": sorted(roles)},
    )
    return user
