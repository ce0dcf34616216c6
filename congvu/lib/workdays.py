"""The working-day clock: which days are worked, and deadlines counted in office hours.

Pure functions and small objects, no Django. The rules (domain.md §5):

- Working days are Monday to Friday, minus public holidays and official days off, plus the
  make-up working Saturdays of the yearly notice (Bộ luật Lao động 2019 Điều 111–112 and the
  Ministry of Home Affairs' notice, as the `holidays` package records them). The province's own
  overrides win over both.
- A working day has office hours (default 07:30–11:30 and 13:30–17:30, 8 working hours); N
  working days are N times the length of a working day in office hours (NĐ 118/2025/NĐ-CP
  and its guidance count processing time in working days and the internal steps in working
  hours).
- The clock starts at receipt inside office hours of a working day, before the procedure's
  cut-off time if it has one; at the next opening of office hours when received before opening,
  at lunch or after closing; at the start of the next working day when received on a non-working
  day or at/after the cut-off.
- A deadline counted in calendar days that ends on a non-working day moves to the end of the
  next working day (Bộ luật Dân sự 2015 Điều 148 khoản 5).

All arithmetic is done on local wall-clock time of the calendar's zone (Vietnam keeps no
daylight saving time); inputs may be in any zone and results are aware datetimes in the
calendar's zone.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = dt.timedelta(days=1)
# No deadline the law sets is more than a few hundred working days away; a walk longer than this
# means the calendar has no working day at all (every day overridden off), which is a data error.
_MAX_DAYS_WALKED = 366 * 20


class CalendarError(ValueError):
    """The calendar or a request to it cannot be used (no working days, bad office hours)."""


class ClockError(ValueError):
    """An operation that the clock's current state does not allow (pausing a paused clock)."""


@dataclass(frozen=True)
class OfficeHours:
    """Office-hour sessions of a working day, in order, not overlapping."""

    sessions: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 30)),
    )

    def __post_init__(self) -> None:
        if not self.sessions:
            raise CalendarError("Office hours need at least one session.")
        previous_end: dt.time | None = None
        for start, end in self.sessions:
            if start >= end:
                raise CalendarError(f"A session must end after it starts: {start}–{end}.")
            if previous_end is not None and start < previous_end:
                raise CalendarError("Office-hour sessions must be in order and not overlap.")
            previous_end = end

    @cached_property
    def seconds_per_day(self) -> int:
        return sum(_seconds(end) - _seconds(start) for start, end in self.sessions)

    @cached_property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Sessions as (start, end) seconds after midnight."""
        return tuple((_seconds(start), _seconds(end)) for start, end in self.sessions)

    @property
    def opening(self) -> dt.time:
        return self.sessions[0][0]

    @property
    def closing(self) -> dt.time:
        return self.sessions[-1][1]


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _at(day: dt.date, seconds: float) -> dt.datetime:
    """Naive local datetime `seconds` after midnight of `day`."""
    # Naive on purpose: arithmetic runs on local wall-clock time, zone attached at the edges.
    return dt.datetime(day.year, day.month, day.day) + dt.timedelta(seconds=seconds)  # noqa: DTZ001


@lru_cache(maxsize=64)
def vietnam_public_calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Days off and make-up working days of one year, from the `holidays` package.

    Days off include holidays that fall on a weekend (harmless) and the substituted days off
    the yearly notice grants; make-up days are the Saturdays worked in exchange.
    """
    calendar = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    make_up = frozenset(
        day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year
    )
    return days_off, make_up


@dataclass(frozen=True)
class WorkCalendar:
    """A province's working calendar: national days off, its own overrides, its office hours.

    `overrides` maps a date to True (worked, e.g. a cancelled day off or an extra working
    Saturday) or False (an extra day off the province grants); an override always wins.
    """

    office_hours: OfficeHours = field(default_factory=OfficeHours)
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    tz: dt.tzinfo = VIETNAM
    national: Callable[[int], tuple[frozenset[dt.date], frozenset[dt.date]]] = (
        vietnam_public_calendar
    )
    # Working days of the years looked at so far, as sorted ordinals: jumping N working days
    # ahead is then a bisection instead of a walk through every day.
    _ordinals: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _years: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    # -- days -------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        days_off, make_up = self.national(day.year)
        if day in make_up:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def day_kind(self, day: dt.date) -> str:
        """'working', 'weekend', 'day_off' (holiday or province day off) or 'make_up'."""
        override = self.overrides.get(day)
        days_off, make_up = self.national(day.year)
        if override is True or (override is None and day in make_up):
            return "make_up" if day.weekday() >= 5 or day in days_off else "working"
        if override is False or day in days_off:
            return "day_off"
        return "working" if day.weekday() < 5 else "weekend"

    def _cover(self, first_year: int, last_year: int) -> None:
        """Make sure the working-day index spans [first_year, last_year]."""
        if self._years and self._years[0] <= first_year and last_year <= self._years[-1]:
            return
        if last_year - first_year > 40:
            raise CalendarError("The calendar has no working day in the next twenty years.")
        years = sorted(set(self._years) | set(range(first_year, last_year + 1)))
        years = list(range(years[0], years[-1] + 1))
        ordinals: list[int] = []
        for year in years:
            day = dt.date(year, 1, 1)
            while day.year == year:
                if self.is_working_day(day):
                    ordinals.append(day.toordinal())
                day += ONE_DAY
        self._ordinals[:] = ordinals
        self._years[:] = years

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day` (n ≥ 1)."""
        year = day.year
        last = year + max(1, n // 200 + 1)
        for _ in range(20):
            self._cover(min(year, self._years[0]) if self._years else year, last)
            index = bisect_right(self._ordinals, day.toordinal()) + n - 1
            if index < len(self._ordinals):
                return dt.date.fromordinal(self._ordinals[index])
            last += 1
        raise CalendarError("The calendar has no working day in the next twenty years.")

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.nth_working_day_after(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        for _ in range(_MAX_DAYS_WALKED):
            day -= ONE_DAY
            if self.is_working_day(day):
                return day
        raise CalendarError("The calendar has no working day in the previous twenty years.")

    def working_days_in(self, start: dt.date, end: dt.date) -> int:
        """Number of working days in [start, end]."""
        if end < start:
            return 0
        self._cover(min(start.year, self._years[0]) if self._years else start.year, end.year)
        return bisect_right(self._ordinals, end.toordinal()) - bisect_left(
            self._ordinals, start.toordinal()
        )

    # -- moments ----------------------------------------------------------------------------

    def local(self, moment: dt.datetime) -> dt.datetime:
        """`moment` as naive local wall-clock time; naive input is taken as already local."""
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.tz)

    def clock_start(self, received_at: dt.datetime, cutoff: dt.time | None = None) -> dt.datetime:
        """When the clock starts for something received at `received_at` (domain.md §5)."""
        return self.aware(self._clock_start(self.local(received_at), cutoff))

    def _clock_start(self, local: dt.datetime, cutoff: dt.time | None) -> dt.datetime:
        day = local.date()
        if not self.is_working_day(day):
            return self._opening(self.next_working_day(day))
        now = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        if cutoff is not None and now >= _seconds(cutoff):
            return self._opening(self.next_working_day(day))
        for start, end in self.office_hours.spans:
            if now < start:
                return _at(day, start)
            if now < end:
                return local
        return self._opening(self.next_working_day(day))

    def _opening(self, day: dt.date) -> dt.datetime:
        return _at(day, self.office_hours.spans[0][0])

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """Advance through office hours only. A result exactly at a session's end stays there."""
        if seconds < 0:
            return self.subtract_working_seconds(start, -seconds)
        return self.aware(self._add(self.local(start), seconds))

    def _add(self, local: dt.datetime, seconds: float) -> dt.datetime:
        if seconds == 0:
            return local
        day = local.date()
        spans = self.office_hours.spans
        remaining = float(seconds)
        if self.is_working_day(day):
            position = (local - _at(day, 0)).total_seconds()
            for s, e in spans:
                begin = max(s, position)
                if begin >= e:
                    continue
                if remaining <= e - begin:
                    return _at(day, begin + remaining)
                remaining -= e - begin
        # Whole working days are jumped over at once; the last day takes what is left, and a
        # remainder of exactly one day ends at closing time rather than the next opening.
        per_day = self.office_hours.seconds_per_day
        whole = int(remaining // per_day)
        remaining -= whole * per_day
        if remaining == 0:
            whole, remaining = whole - 1, float(per_day)
        day = self.nth_working_day_after(day, whole + 1)
        for s, e in spans:
            if remaining <= e - s:
                return _at(day, s + remaining)
            remaining -= e - s
        raise AssertionError("unreachable: a day's remainder fits in its sessions")

    def subtract_working_seconds(self, end: dt.datetime, seconds: float) -> dt.datetime:
        """Walk back through office hours only; the mirror of `add_working_seconds`."""
        local = self.local(end)
        day = local.date()
        sessions = self.office_hours.spans
        position = (local - _at(day, 0)).total_seconds()
        remaining = float(seconds)
        if remaining == 0:
            return self.aware(local)
        for _ in range(_MAX_DAYS_WALKED):
            if self.is_working_day(day):
                for s, e in reversed(sessions):
                    finish = min(e, position)
                    if finish <= s:
                        continue
                    available = finish - s
                    if remaining <= available:
                        return self.aware(_at(day, finish - remaining))
                    remaining -= available
            day -= ONE_DAY
            position = 86400
        raise CalendarError("The calendar has no working day in the previous twenty years.")

    def _seconds_in_day(self, day: dt.date, lo: float, hi: float) -> float:
        if not self.is_working_day(day):
            return 0.0
        return sum(max(0.0, min(e, hi) - max(s, lo)) for s, e in self.office_hours.spans)

    def working_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office time inside [start, end); negative when end is before start."""
        a, b = self.local(start), self.local(end)
        if b < a:
            return -self.working_seconds_between(end, start)
        first, last = a.date(), b.date()
        lo = (a - _at(first, 0)).total_seconds()
        hi = (b - _at(last, 0)).total_seconds()
        if first == last:
            return self._seconds_in_day(first, lo, hi)
        between = self.working_days_in(first + ONE_DAY, last - ONE_DAY)
        return (
            self._seconds_in_day(first, lo, 86400.0)
            + between * self.office_hours.seconds_per_day
            + self._seconds_in_day(last, 0.0, hi)
        )

    def appointment(
        self,
        received_at: dt.datetime,
        working_days: Decimal | int | float,
        cutoff: dt.time | None = None,
    ) -> tuple[dt.datetime, dt.datetime]:
        """(clock start, due time) for a processing time of `working_days` working days."""
        days = working_days if isinstance(working_days, Decimal) else Decimal(str(working_days))
        if days < 0:
            raise CalendarError("The processing time cannot be negative.")
        start = self._clock_start(self.local(received_at), cutoff)
        due = self._add(start, float(days * self.office_hours.seconds_per_day))
        return self.aware(start), self.aware(due)

    def end_of_day(self, day: dt.date) -> dt.datetime:
        return self.aware(_at(day, _seconds(self.office_hours.closing)))

    def calendar_day_deadline(self, start: dt.date, days: int) -> dt.datetime:
        """Deadline `days` calendar days after `start`: the end of that day's office hours, moved
        to the end of the next working day when it falls on a non-working day (BLDS Điều 148 k5)."""
        last = start + dt.timedelta(days=days)
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self.end_of_day(last)


def classify(finished_at: dt.datetime, due_at: dt.datetime) -> str:
    """'early' before the appointment's day, 'on_time' by the appointment, 'late' after it."""
    if finished_at > due_at:
        return "late"
    if finished_at.astimezone(VIETNAM).date() < due_at.astimezone(VIETNAM).date():
        return "early"
    return "on_time"


@dataclass
class Clock:
    """A running deadline that can be paused, resumed and restarted from zero.

    `budget_seconds` is the processing time in office seconds; `used_seconds` is what was spent
    before the current run; `running_since` is when the current run began (None while paused).
    Time while paused, waiting for the applicant or for payment, does not count (NĐ 118/2025
    and domain.md §4). Restarting from zero is what a completed supplementation does.
    """

    calendar: WorkCalendar
    budget_seconds: float
    used_seconds: float = 0.0
    running_since: dt.datetime | None = None
    paused_at: dt.datetime | None = None

    @classmethod
    def start(
        cls,
        calendar: WorkCalendar,
        *,
        at: dt.datetime,
        working_days: Decimal | int | float,
        cutoff: dt.time | None = None,
    ) -> Clock:
        budget = float(Decimal(str(working_days)) * calendar.office_hours.seconds_per_day)
        if budget < 0:
            raise CalendarError("The processing time cannot be negative.")
        return cls(
            calendar=calendar, budget_seconds=budget, running_since=calendar.clock_start(at, cutoff)
        )

    @property
    def is_running(self) -> bool:
        return self.running_since is not None

    @property
    def due_at(self) -> dt.datetime | None:
        """The due time while running; None while paused (it is not known until resumed)."""
        if self.running_since is None:
            return None
        return self.calendar.add_working_seconds(
            self.running_since, self.budget_seconds - self.used_seconds
        )

    def used_at(self, at: dt.datetime) -> float:
        used = self.used_seconds
        if self.running_since is not None and at > self.running_since:
            used += self.calendar.working_seconds_between(self.running_since, at)
        return used

    def remaining_at(self, at: dt.datetime) -> float:
        """Office seconds left at `at`; negative once overdue."""
        return self.budget_seconds - self.used_at(at)

    def pause(self, at: dt.datetime) -> None:
        if self.running_since is None:
            raise ClockError("The clock is already paused.")
        self.used_seconds = self.used_at(at)
        self.running_since = None
        self.paused_at = at

    def resume(self, at: dt.datetime) -> None:
        if self.running_since is not None:
            raise ClockError("The clock is already running.")
        self.running_since = self.calendar.clock_start(at)
        self.paused_at = None

    def restart(self, at: dt.datetime, cutoff: dt.time | None = None) -> None:
        """Start again from zero, with the whole budget, as if received at `at`."""
        self.used_seconds = 0.0
        self.running_since = self.calendar.clock_start(at, cutoff)
        self.paused_at = None

    def to_state(self) -> dict[str, object]:
        return {
            "budget_seconds": self.budget_seconds,
            "used_seconds": self.used_seconds,
            "running_since": self.running_since.isoformat() if self.running_since else None,
            "paused_at": self.paused_at.isoformat() if self.paused_at else None,
        }

    @classmethod
    def from_state(cls, calendar: WorkCalendar, state: Mapping[str, object]) -> Clock:
        def moment(value: object) -> dt.datetime | None:
            return dt.datetime.fromisoformat(str(value)) if value else None

        return cls(
            calendar=calendar,
            budget_seconds=float(str(state["budget_seconds"])),
            used_seconds=float(str(state.get("used_seconds") or 0)),
            running_since=moment(state.get("running_since")),
            paused_at=moment(state.get("paused_at")),
        )
