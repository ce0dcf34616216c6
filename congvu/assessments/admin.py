"""The admin site for assessment rounds. Rounds move through their pages (the services);
here they are looked up. Criteria of a draft round may be corrected one by one, through
`criterion_save`; results, scores and evidence are records, read only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congvu.assessments.models import (
    Criterion,
    GradeBand,
    Round,
    RoundStatus,
    UnitAssessment,
)
from congvu.assessments.services import criterion_save


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GradeBandInline(admin.TabularInline[GradeBand, Round]):
    model = GradeBand
    extra = 0
    can_delete = False
    readonly_fields = ("label", "min_index")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "year", "status", "due_at", "published_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "decision")
    inlines = [GradeBandInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin[Criterion]):
    list_display = (
        "code",
        "title",
        "round",
        "level",
        "max_points",
        "applies_to",
        "kind",
        "measure",
    )
    list_filter = ("round", "level", "kind", "applies_to", "measure")
    search_fields = ("code", "title")
    raw_id_fields = ("parent",)
    ordering = ("round", "order", "id")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.round.status != RoundStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Criterion, form: Any, change: bool) -> None:
        criterion_save(actor=request.user, criterion=obj)


@admin.register(UnitAssessment)
class UnitAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("unit", "round", "group", "status", "index_value", "rank", "grade")
    list_filter = ("round", "group", "status")
    search_fields = ("unit__name",)
