"""Dossiers are read in the admin, never edited there: every change goes through the workflow
services so that the clock, the transitions and the audit log stay whole."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congvu.dossiers.models import Dossier, DossierTransition, Feedback


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(ReadOnlyMixin, admin.TabularInline[DossierTransition, Dossier]):
    model = DossierTransition
    fields = (
        "at",
        "action",
        "from_status",
        "to_status",
        "giver_label",
        "receiver",
        "timeliness",
        "note",
    )
    readonly_fields = fields
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin[Dossier]):
    list_display = [
        "code",
        "procedure_version",
        "applicant_name",
        "status",
        "received_at",
        "due_at",
    ]
    list_filter = ["status", "channel", "received_unit"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["procedure_version__procedure"]
    date_hierarchy = "submitted_at"
    inlines = [TransitionInline]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyMixin, admin.ModelAdmin[Feedback]):
    list_display = ["name", "unit", "state", "received_at", "due_at"]
    list_filter = ["state"]
