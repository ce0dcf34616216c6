"""The working-day clock, without a database: the rules of domain.md §5 on real 2026 dates."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from congvu.lib.workdays import (
    VIETNAM,
    CalendarError,
    Clock,
    ClockError,
    OfficeHours,
    WorkCalendar,
    classify,
)

CAL = WorkCalendar()
HOUR = 3600


def at(day: int, month: int, hour: int = 0, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def test_worked_example_skips_tet():
    start, due = CAL.appointment(at(13, 2, 10), 5)
    assert start == at(13, 2, 10)
    assert due == at(27, 2, 10)


def test_tet_2026_days_are_not_working_days():
    assert [CAL.is_working_day(dt.date(2026, 2, d)) for d in range(16, 24)] == [
        False, False, False, False, False, False, False, True,
    ]  # fmt: skip


def test_one_day_from_friday_afternoon_before_tet_lands_after_tet():
    _, due = CAL.appointment(at(13, 2, 16), 1)
    assert due == at(23, 2, 16)


def test_received_during_tet_starts_at_first_opening_after_tet():
    start, due = CAL.appointment(at(17, 2, 9), 1)
    assert start == at(23, 2, 7, 30)
    assert due == at(23, 2, 17, 30)


def test_make_up_saturday_22_08_2026_is_worked_and_31_08_is_off():
    assert CAL.is_working_day(dt.date(2026, 8, 22))
    assert not CAL.is_working_day(dt.date(2026, 8, 31))
    assert CAL.day_kind(dt.date(2026, 8, 22)) == "make_up"
    # Friday afternoon plus one working day runs into the make-up Saturday.
    assert CAL.appointment(at(21, 8, 16), 1)[1] == at(22, 8, 16)
    # Received on the make-up Saturday itself: the clock starts at once.
    assert CAL.appointment(at(22, 8, 9), 1) == (at(22, 8, 9), at(24, 8, 9))


def test_national_day_break_2026_is_skipped():
    # Fri 28/08 + 1 day: 31/08 (swapped), 01/09 and 02/09 are off.
    assert CAL.appointment(at(28, 8, 10), 1)[1] == at(3, 9, 10)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2, 3, 6, 0), at(2, 3, 7, 30)),  # before opening
        (at(2, 3, 7, 30), at(2, 3, 7, 30)),  # at opening
        (at(2, 3, 9, 15), at(2, 3, 9, 15)),  # inside office hours: the moment itself
        (at(2, 3, 11, 30), at(2, 3, 13, 30)),  # at the end of the morning
        (at(2, 3, 12, 0), at(2, 3, 13, 30)),  # lunch
        (at(2, 3, 17, 30), at(3, 3, 7, 30)),  # at closing
        (at(2, 3, 20, 0), at(3, 3, 7, 30)),  # evening
        (at(7, 3, 10, 0), at(9, 3, 7, 30)),  # Saturday
        (at(8, 3, 10, 0), at(9, 3, 7, 30)),  # Sunday
    ],
)
def test_clock_start(received, expected):
    assert CAL.clock_start(received) == expected


def test_cut_off_moves_the_start_to_the_next_working_day():
    cutoff = dt.time(15, 0)
    assert CAL.clock_start(at(2, 3, 14, 59), cutoff) == at(2, 3, 14, 59)
    assert CAL.clock_start(at(2, 3, 15, 0), cutoff) == at(3, 3, 7, 30)
    assert CAL.clock_start(at(6, 3, 15, 30), cutoff) == at(9, 3, 7, 30)
    assert CAL.appointment(at(2, 3, 15, 0), 1, cutoff) == (at(3, 3, 7, 30), at(3, 3, 17, 30))


def test_due_time_at_the_end_of_a_session_stays_there():
    assert CAL.appointment(at(2, 3, 13, 30), Decimal("0.5"))[1] == at(2, 3, 17, 30)
    assert CAL.appointment(at(2, 3, 7, 30), Decimal("0.5"))[1] == at(2, 3, 11, 30)
    assert CAL.appointment(at(2, 3, 7, 30), 1)[1] == at(2, 3, 17, 30)


def test_zero_working_days_means_the_start_itself():
    assert CAL.appointment(at(2, 3, 12, 0), 0) == (at(2, 3, 13, 30), at(2, 3, 13, 30))


def test_fractions_of_a_day_count_in_working_hours():
    # 0.25 day = 2 working hours, across lunch.
    assert CAL.appointment(at(2, 3, 10, 30), Decimal("0.25"))[1] == at(2, 3, 14, 30)


def test_input_in_another_zone_is_converted():
    received = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam
    assert CAL.appointment(received, 5)[1] == at(27, 2, 10)
    assert CAL.appointment(received, 5)[1].utcoffset() == dt.timedelta(hours=7)


def test_province_added_day_off_wins():
    calendar = WorkCalendar(overrides={dt.date(2026, 2, 23): False})
    assert calendar.appointment(at(13, 2, 10), 5)[1] == at(2, 3, 10)


def test_province_cancelled_day_off_wins():
    calendar = WorkCalendar(overrides={dt.date(2026, 2, 20): True})
    assert calendar.appointment(at(13, 2, 10), 5)[1] == at(26, 2, 10)


def test_province_office_hours():
    hours = OfficeHours(
        sessions=((dt.time(7, 0), dt.time(11, 0)), (dt.time(13, 0), dt.time(17, 0)))
    )
    calendar = WorkCalendar(office_hours=hours)
    assert calendar.appointment(at(2, 3, 17, 15), 1) == (at(3, 3, 7, 0), at(3, 3, 17, 0))


def test_office_hours_must_be_in_order():
    with pytest.raises(CalendarError):
        OfficeHours(sessions=((dt.time(13, 0), dt.time(11, 0)),))
    with pytest.raises(CalendarError):
        OfficeHours(sessions=((dt.time(7, 0), dt.time(12, 0)), (dt.time(11, 0), dt.time(17, 0))))


def test_a_calendar_without_working_days_is_an_error():
    nothing = WorkCalendar(
        overrides={dt.date(2026, 1, 1) + dt.timedelta(days=i): False for i in range(366 * 21)}
    )
    with pytest.raises(CalendarError):
        nothing.appointment(at(2, 3, 9), 1)


def test_negative_processing_time_is_refused():
    with pytest.raises(CalendarError):
        CAL.appointment(at(2, 3, 9), -1)


def test_calendar_day_deadline_moves_past_non_working_days():
    # 10 calendar days from Wed 11/02/2026 is Sat 21/02 (Tết week-end) → end of Mon 23/02.
    assert CAL.calendar_day_deadline(dt.date(2026, 2, 11), 10) == at(23, 2, 17, 30)
    # Ending on a working day: the end of that day.
    assert CAL.calendar_day_deadline(dt.date(2026, 3, 2), 2) == at(4, 3, 17, 30)


def test_working_seconds_between_matches_add():
    rng = random.Random(7)
    for _ in range(300):
        start = CAL.clock_start(at(1, 1) + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60)))
        seconds = rng.randrange(0, 40 * 8 * HOUR, 60)
        due = CAL.add_working_seconds(start, seconds)
        assert CAL.working_seconds_between(start, due) == seconds
        assert CAL.subtract_working_seconds(due, seconds) <= due
        assert (
            CAL.working_seconds_between(CAL.subtract_working_seconds(due, seconds), due) == seconds
        )


def test_clock_pause_does_not_count_waiting_time():
    clock = Clock.start(CAL, at=at(2, 3, 7, 30), working_days=5)
    assert clock.due_at == at(6, 3, 17, 30)
    clock.pause(at(3, 3, 7, 30))  # one working day used, then waiting for the applicant
    assert clock.due_at is None
    assert clock.remaining_at(at(20, 3, 9)) == 4 * 8 * HOUR
    clock.resume(at(10, 3, 12, 0))  # back at lunch: counts from 13:30
    assert clock.running_since == at(10, 3, 13, 30)
    # Tue afternoon, Wed, Thu, Fri, then Monday morning: 4 + 8 + 8 + 8 + 4 hours.
    assert clock.due_at == at(16, 3, 11, 30)


def test_clock_restart_from_zero():
    clock = Clock.start(CAL, at=at(2, 3, 7, 30), working_days=3)
    clock.pause(at(4, 3, 7, 30))
    clock.restart(at(9, 3, 10, 0))
    assert clock.used_seconds == 0
    assert clock.due_at == at(12, 3, 10, 0)


def test_clock_refuses_double_pause_and_double_resume():
    clock = Clock.start(CAL, at=at(2, 3, 8), working_days=1)
    with pytest.raises(ClockError):
        clock.resume(at(2, 3, 9))
    clock.pause(at(2, 3, 9))
    with pytest.raises(ClockError):
        clock.pause(at(2, 3, 10))


def test_clock_overdue_due_time_is_in_the_past():
    clock = Clock.start(CAL, at=at(2, 3, 7, 30), working_days=1)
    clock.pause(at(4, 3, 7, 30))  # two working days used of one
    assert clock.remaining_at(at(4, 3, 7, 30)) == -8 * HOUR
    clock.resume(at(5, 3, 7, 30))
    assert clock.due_at == at(4, 3, 7, 30)


def test_clock_state_round_trip():
    clock = Clock.start(CAL, at=at(2, 3, 9), working_days=2)
    clock.pause(at(3, 3, 9))
    again = Clock.from_state(CAL, clock.to_state())
    assert again == clock


def test_classify_early_on_time_late():
    due = at(6, 3, 10)
    assert classify(at(5, 3, 16), due) == "early"
    assert classify(at(6, 3, 9), due) == "on_time"
    assert classify(at(6, 3, 10), due) == "on_time"
    assert classify(at(6, 3, 10, 1), due) == "late"
