from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in (Tài khoản): an official, a citizen or a business representative.

    Officials also have an `organizations.Official` profile; citizens carry their personal
    identifier number (số định danh cá nhân) and contact details here.
    """

    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    personal_id = models.CharField(
        _("personal identifier number"),
        max_length=20,
        blank=True,
        help_text=_("Số định danh cá nhân (12 digits) or the organisation's tax code."),
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Login accepts an email instead of the username, so an email names one account.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                condition=~models.Q(email=""),
            ),
        ]


class LoginThrottle(models.Model):
    """Failed-login bookkeeping for one login name or one client address.

    After a few failures each new attempt must wait longer; after more the key is locked for a
    while. Kept in the database so every application server sees the same count.
    """

    key = models.CharField(max_length=255, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return self.key
