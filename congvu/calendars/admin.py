from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from congvu.calendars import services
from congvu.calendars.models import DayOverride, OfficeHours


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin[DayOverride]):
    list_display = ["date", "is_working", "reason", "province"]
    list_filter = ["is_working", "province"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: DayOverride | None = None) -> Any:
        # The service keys an override by (province, date); a different day is a new override.
        return ["province", "date"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: DayOverride, form: ModelForm[Any], change: bool
    ) -> None:
        saved = services.day_override_set(
            actor=request.user,
            province=obj.province,
            date=obj.date,
            is_working=obj.is_working,
            reason=obj.reason,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        services.day_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.day_override_delete(actor=request.user, override=obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin[OfficeHours]):
    list_display = ["province", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]

    def save_model(
        self, request: HttpRequest, obj: OfficeHours, form: ModelForm[Any], change: bool
    ) -> None:
        saved = services.office_hours_set(
            actor=request.user,
            province=obj.province,
            morning=(obj.morning_start, obj.morning_end),
            afternoon=(obj.afternoon_start, obj.afternoon_end),
        )
        obj.pk = saved.pk
