from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congvu.accounts.forms import AdminLoginForm
from congvu.accounts.models import LoginThrottle, User
from congvu.accounts.services import login_throttle_clear

# The admin's login page goes through the same throttle; let it say why it refuses.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Contact and identity"), {"fields": ("phone", "personal_id", "email_verified_at")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Contact and identity"), {"fields": ("first_name", "email", "phone", "personal_id")}),
    )
    list_display = ["username", "email", "first_name", "is_active", "is_staff", "email_verified_at"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["username", "first_name", "last_name", "email", "phone", "personal_id"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin[LoginThrottle]):
    list_display = ["key", "failures", "last_failure_at", "locked_until"]
    search_fields = ["key"]
    ordering = ["-last_failure_at"]
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.delete_loginthrottle")

    @admin.action(description=_("Unlock the selected names and addresses"), permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        keys = list(queryset.values_list("key", flat=True))
        for key in keys:
            login_throttle_clear(key=key, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d key unlocked.", "%(count)d keys unlocked.", len(keys))
            % {"count": len(keys)},
            messages.SUCCESS,
        )
