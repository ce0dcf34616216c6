"""The admin site for evaluation rounds and evaluations.

Rounds are opened on their page (which creates the evaluations); here an overseer corrects a
round's deadlines or its cap on HTXSNV. Evaluations change through their steps, so here they
are read only: who, what level and why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congvu.evaluations.models import Evaluation, EvaluationStep, PeriodScore, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    list_display = ("title", "year", "scope", "cadence", "status", "excellent_quota_percent")
    list_filter = ("status", "year", "cadence")
    search_fields = ("title",)
    raw_id_fields = ("scope", "created_by")
    readonly_fields = ("year", "scope", "status", "created_by", "created_at", "closed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A round is opened by `round_open`, which also creates its evaluations.
        return False


class StepInline(admin.TabularInline[EvaluationStep, Evaluation]):
    model = EvaluationStep
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "level", "actor_label", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    list_display = ("official", "round", "agency", "group", "status", "system_level", "level")
    list_filter = ("status", "level", "group", "round")
    search_fields = ("official__full_name", "agency__name")
    inlines = [StepInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Evaluation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodScore)
class PeriodScoreAdmin(admin.ModelAdmin[PeriodScore]):
    list_display = ("evaluation", "period", "score", "scored_by", "scored_at")
    search_fields = ("evaluation__official__full_name", "period")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PeriodScore._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
