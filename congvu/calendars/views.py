from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from congvu.calendars.selectors import work_calendar_get, year_calendar
from congvu.organizations.selectors import province_get


def year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The province's working calendar for a year: days off, make-up days, office hours."""
    year = year or timezone.localdate().year
    if not 1990 <= year <= 2100:
        raise Http404
    province = province_get()
    calendar = work_calendar_get(province)
    months = year_calendar(province=province, year=year)
    special = [
        day
        for _month, weeks in months
        for week in weeks
        for day in week
        if day.in_month and day.kind in {"day_off", "make_up"}
    ]
    return render(
        request,
        "calendars/year.html",
        {
            "year": year,
            "months": months,
            "special_days": special,
            "sessions": calendar.office_hours.sessions,
            "hours_per_day": calendar.office_hours.seconds_per_day / 3600,
            "working_days": sum(
                1
                for _m, weeks in months
                for w in weeks
                for d in w
                if d.in_month and d.kind in {"working", "make_up"}
            ),
        },
    )
