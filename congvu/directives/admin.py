"""The admin site for directing documents, their tasks and the reminder ladder.

Tasks change state through the services (from their pages); here they are looked up and
corrected. The accountable head is fixed when a task is assigned, so it is read-only. The
reminder ladder is data the provincial office may tune; what was sent is a record only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congvu.directives.models import (
    DirectingDocument,
    ReminderRung,
    ReminderSent,
    Task,
)


@admin.register(DirectingDocument)
class DirectingDocumentAdmin(admin.ModelAdmin[DirectingDocument]):
    list_display = ("number", "title", "kind", "issuer", "issued_on", "is_public")
    list_filter = ("kind", "is_public")
    search_fields = ("number", "title", "summary", "signer", "search_text")
    date_hierarchy = "issued_on"
    raw_id_fields = ("issuer", "created_by")
    filter_horizontal = ("implements",)
    readonly_fields = ("created_by", "created_at")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = (
        "title",
        "document",
        "lead_unit",
        "accountable_head",
        "assignee",
        "due_on",
        "status",
        "progress",
    )
    list_filter = ("status", "schedule", "priority", "cycle", "document__kind")
    search_fields = ("title", "content", "number", "document__number")
    raw_id_fields = ("document", "parent", "lead_unit", "assignee", "assigner")
    filter_horizontal = ("coordinating_units",)
    readonly_fields = (
        "accountable_head",
        "original_due_on",
        "extension_count",
        "due_at",
        "assigned_at",
        "completed_at",
        "accepted_at",
    )
    list_select_related = ("document", "lead_unit", "accountable_head", "assignee")


@admin.register(ReminderRung)
class ReminderRungAdmin(admin.ModelAdmin[ReminderRung]):
    list_display = ("priority", "offset_working_days", "to_assignee", "to_head", "to_assigner")
    list_editable = ("to_assignee", "to_head", "to_assigner")
    list_filter = ("priority",)


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin[ReminderSent]):
    list_display = ("task", "occurrence", "rung", "deadline", "sent_at")
    list_select_related = ("task", "rung")
    raw_id_fields = ("task", "occurrence", "rung")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
