"""Who may have the calendar's pages and API (see tests/matrix.py): all of it is public."""

from __future__ import annotations

from django.urls import reverse

from tests.matrix import EVERYONE, Case, Cast


def access_cases(cast: Cast) -> list[Case]:
    return [
        Case("GET", reverse("calendars:year"), "calendars:year", EVERYONE),
        Case(
            "GET", reverse("calendars:year_detail", args=[2026]), "calendars:year_detail", EVERYONE
        ),
        Case(
            "GET",
            "/api/v1/calendar/appointment?received_at=2026-03-02T09:00:00%2B07:00&working_days=5",
            "GET /api/v1/calendar/appointment",
            EVERYONE,
            api=True,
        ),
        Case("GET", "/api/v1/calendar/2026/", "GET /api/v1/calendar/{year}/", EVERYONE, api=True),
    ]
