from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from django.core.cache import cache
from django.utils.translation import get_language, gettext

from congvu.calendars.models import DayOverride, OfficeHours
from congvu.lib.workdays import VIETNAM, WorkCalendar
from congvu.lib.workdays import OfficeHours as OfficeHoursSpec
from congvu.organizations.models import Unit
from congvu.organizations.selectors import province_get

# The calendar changes a few times a year; every deadline computation reads it. Each process
# keeps it for a minute, and the services that change it drop the cached copy at once.
CACHE_SECONDS = 60


def _cache_key(province_id: int | None) -> str:
    return f"congvu:work-calendar:{province_id or 0}"


def work_calendar_invalidate(province: Unit | None) -> None:
    cache.delete(_cache_key(province.pk if province else None))


def work_calendar_get(province: Unit | None = None) -> WorkCalendar:
    """The working calendar of `province` (default: this installation's province)."""
    if province is None:
        province = province_get()
    key = _cache_key(province.pk if province else None)
    calendar = cache.get(key)
    if calendar is not None:
        return calendar
    office = OfficeHoursSpec()
    overrides: dict[dt.date, bool] = {}
    if province is not None:
        hours = OfficeHours.objects.filter(province=province).first()
        if hours is not None:
            office = OfficeHoursSpec(
                sessions=(
                    (hours.morning_start, hours.morning_end),
                    (hours.afternoon_start, hours.afternoon_end),
                )
            )
        overrides = dict(
            DayOverride.objects.filter(province=province).values_list("date", "is_working")
        )
    calendar = WorkCalendar(office_hours=office, overrides=overrides, tz=VIETNAM)
    cache.set(key, calendar, CACHE_SECONDS)
    return calendar


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    kind: str
    reason: str
    in_month: bool


def year_calendar(*, province: Unit | None, year: int) -> list[tuple[int, list[list[CalendarDay]]]]:
    """Twelve months of weeks (Monday first), each day with its kind and the reason it is off."""
    calendar = work_calendar_get(province)
    language = "vi" if (get_language() or "vi").startswith("vi") else "en_US"
    names = holidays.country_holidays("VN", years=year, language=language)
    reasons: dict[dt.date, str] = {day: str(name) for day, name in names.items()}
    for day in getattr(names, "weekend_workdays", ()):
        reasons[day] = gettext("Make-up working day")
    if province is not None:
        for override in DayOverride.objects.filter(province=province, date__year=year):
            reasons[override.date] = override.reason
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        start = first - dt.timedelta(days=first.weekday())
        weeks: list[list[CalendarDay]] = []
        day = start
        while True:
            week = []
            for _ in range(7):
                week.append(
                    CalendarDay(
                        date=day,
                        kind=calendar.day_kind(day),
                        reason=reasons.get(day, ""),
                        in_month=day.month == month,
                    )
                )
                day += dt.timedelta(days=1)
            weeks.append(week)
            if day.month != month or day.year != year:
                break
        months.append((month, weeks))
    return months
