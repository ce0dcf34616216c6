from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congvu.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ["at", "actor_label", "action", "object_label", "client_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_label", "action", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
