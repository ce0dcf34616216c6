from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congvu.calendars.models import DayOverride, OfficeHours
from congvu.calendars.selectors import work_calendar_invalidate
from congvu.core.services import audit_record, snapshot
from congvu.organizations.models import Unit


def _require_province(province: Unit) -> None:
    if province.kind != Unit.Kind.PROVINCE_COMMITTEE:
        raise ValidationError(_("Calendar settings belong to a provincial People's Committee."))


@transaction.atomic
def day_override_set(
    *, actor: Any, province: Unit, date: dt.date, is_working: bool, reason: str
) -> DayOverride:
    """Declare a day worked or off for the province; the province's word beats the national
    calendar (domain.md §5: the province must be able to add or cancel days itself)."""
    _require_province(province)
    override = DayOverride.objects.select_for_update().filter(province=province, date=date).first()
    before = snapshot(override) if override else None
    if override is None:
        override = DayOverride(province=province, date=date)
    override.is_working = is_working
    override.reason = reason.strip()
    override.full_clean()
    override.save()
    audit_record(
        actor=actor,
        action="calendars.day_override_set",
        obj=override,
        before=before,
        after=snapshot(override),
    )
    transaction.on_commit(lambda: work_calendar_invalidate(province))
    return override


@transaction.atomic
def day_override_delete(*, actor: Any, override: DayOverride) -> None:
    province = override.province
    before = snapshot(override)
    audit_record(actor=actor, action="calendars.day_override_deleted", obj=override, before=before)
    override.delete()
    transaction.on_commit(lambda: work_calendar_invalidate(province))


@transaction.atomic
def office_hours_set(
    *,
    actor: Any,
    province: Unit,
    morning: tuple[dt.time, dt.time],
    afternoon: tuple[dt.time, dt.time],
) -> OfficeHours:
    _require_province(province)
    hours = OfficeHours.objects.select_for_update().filter(province=province).first()
    before = snapshot(hours) if hours else None
    if hours is None:
        hours = OfficeHours(province=province)
    hours.morning_start, hours.morning_end = morning
    hours.afternoon_start, hours.afternoon_end = afternoon
    if not (hours.morning_start < hours.morning_end <= hours.afternoon_start < hours.afternoon_end):
        raise ValidationError(
            _("Office hours must run morning then afternoon, each ending after it starts.")
        )
    hours.full_clean()
    hours.save()
    audit_record(
        actor=actor,
        action="calendars.office_hours_set",
        obj=hours,
        before=before,
        after=snapshot(hours),
    )
    transaction.on_commit(lambda: work_calendar_invalidate(province))
    return hours
