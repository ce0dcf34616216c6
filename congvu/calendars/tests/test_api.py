"""The public appointment endpoint and the province's own calendar (domain.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from congvu.calendars.services import day_override_set, office_hours_set
from congvu.core.models import AuditLog
from congvu.organizations.models import Unit

URL = "/api/v1/calendar/appointment"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province(db):
    return Unit.objects.create(
        kind=Unit.Kind.PROVINCE_COMMITTEE, name="Ủy ban nhân dân tỉnh Cao Bằng", path="/"
    )


@pytest.fixture
def api():
    return APIClient()


def test_worked_example(api, db):
    response = api.get(URL, {"received_at": "2026-02-13T10:00:00+07:00", "working_days": "5"})
    assert response.status_code == 200
    assert response.json() == {
        "clock_start": "2026-02-13T10:00:00+07:00",
        "due_at": "2026-02-27T10:00:00+07:00",
    }


def test_naive_time_is_vietnam_time_and_utc_is_converted(api, db):
    naive = api.get(URL, {"received_at": "2026-02-13T10:00", "working_days": "5"}).json()
    utc = api.get(URL, {"received_at": "2026-02-13T03:00:00Z", "working_days": "5"}).json()
    assert naive == utc
    assert naive["due_at"] == "2026-02-27T10:00:00+07:00"


def test_unescaped_plus_in_query_string(api, db):
    response = api.get(URL + "?received_at=2026-02-13T10:00:00+07:00&working_days=5")
    assert response.status_code == 200
    assert response.json()["due_at"] == "2026-02-27T10:00:00+07:00"


def test_make_up_saturday(api, db):
    response = api.get(URL, {"received_at": "2026-08-21T16:00:00+07:00", "working_days": "1"})
    assert response.json()["due_at"] == "2026-08-22T16:00:00+07:00"


def test_cutoff(api, db):
    params = {"received_at": "2026-03-02T15:20:00+07:00", "working_days": "1", "cutoff": "15:00"}
    assert api.get(URL, params).json() == {
        "clock_start": "2026-03-03T07:30:00+07:00",
        "due_at": "2026-03-03T17:30:00+07:00",
    }


def test_province_added_day_off_moves_the_appointment(api, province):
    day_override_set(
        actor=None,
        province=province,
        date=dt.date(2026, 2, 23),
        is_working=False,
        reason="Nghỉ bù lễ hội của tỉnh",
    )
    response = api.get(URL, {"received_at": "2026-02-13T10:00:00+07:00", "working_days": "5"})
    assert response.json()["due_at"] == "2026-03-02T10:00:00+07:00"
    assert AuditLog.objects.filter(action="calendars.day_override_set").count() == 1


def test_province_office_hours_apply(api, province):
    office_hours_set(
        actor=None,
        province=province,
        morning=(dt.time(7, 0), dt.time(11, 0)),
        afternoon=(dt.time(13, 0), dt.time(17, 0)),
    )
    response = api.get(URL, {"received_at": "2026-03-02T17:10:00+07:00", "working_days": "1"})
    assert response.json() == {
        "clock_start": "2026-03-03T07:00:00+07:00",
        "due_at": "2026-03-03T17:00:00+07:00",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"working_days": "5"}, "received_at"),
        ({"received_at": "13/02/2026", "working_days": "5"}, "received_at"),
        ({"received_at": "2026-02-13T10:00"}, "working_days"),
        ({"received_at": "2026-02-13T10:00", "working_days": "năm"}, "working_days"),
        ({"received_at": "2026-02-13T10:00", "working_days": "-1"}, "working_days"),
        ({"received_at": "2026-02-13T10:00", "working_days": "100000"}, "working_days"),
        ({"received_at": "2026-02-13T10:00", "working_days": "1", "cutoff": "3pm"}, "cutoff"),
    ],
)
def test_bad_parameter_says_which_and_why(api, db, params, field):
    response = api.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert field in body["detail"]
    assert body["errors"][field][0]


def test_error_message_is_in_vietnamese_by_default(api, db):
    response = api.get(URL, {"received_at": "2026-02-13T10:00", "working_days": "-1"})
    assert response.status_code == 400
    assert "âm" in response.json()["errors"]["working_days"][0]


def test_year_endpoint_lists_days_off_and_make_up_days(api, db):
    days = {row["date"]: row["kind"] for row in api.get("/api/v1/calendar/2026/").json()}
    assert days["2026-02-17"] == "day_off"
    assert days["2026-08-22"] == "make_up"
    assert days["2026-08-31"] == "day_off"
    assert "2026-03-02" not in days


def test_calendar_page_shows_the_year(client, db):
    response = client.get("/calendar/2026/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tết Nguyên Đán" in body
    assert "22/08/2026" in body
