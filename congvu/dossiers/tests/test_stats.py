"""Dossier statistics: the summary rows the services keep agree with a recount of the dossiers,
and `stats_rebuild` writes back exactly the rows the services had written."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

from congvu.calendars.selectors import work_calendar_get
from congvu.core.models import AuditLog
from congvu.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierDue,
    DossierMonthStat,
    DossierOpenStat,
    DossierStat,
    DossierYearStat,
    Status,
)
from congvu.dossiers.services import Applicant, dossier_act, dossier_submit
from congvu.dossiers.stats import COUNTERS, dossier_stats, dossier_stats_recount

from .conftest import at, make_version

HOUR = 3600.0
NOW = at(29, 5, 17)  # Friday 29/05/2026, after every scripted event
APPLICANT = Applicant(name="Nông Văn Hùng", id_number="004088012345", phone="0915 222 333")

# One path per dossier; the script below runs each at a different moment of March–April 2026.
PATHS = [
    "submitted", "intake_pending", "intake_refused", "refused", "early", "early", "on_time",
    "late", "late", "supplemented", "two_supplements", "payment", "withdrawn_processing",
    "withdrawn_at_intake", "returned", "returned", "returned_rated", "refused_in_review",
    "open_on_time", "open_on_time", "open_overdue", "open_overdue", "apology_on_time",
    "apology_late", "awaiting_payment", "awaiting_supplement", "withdrawal_requested",
    "intake_supplemented", "early", "returned",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # The command speaks the site's language; the tests read its English source.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def second_version(org_tree: dict[str, Any]) -> Any:
    """Another procedure of Department A, offered only at the desk."""
    return make_version(org_tree["dept_a"], code="1.000002", days="3", online="none")


class Script:
    """Drives dossiers through the services at chosen moments of the working-day clock."""

    def __init__(self, cast: dict[str, Any]) -> None:
        self.cast = cast
        self.calendar = work_calendar_get()
        self.dossier: Dossier | None = None
        self.moment = NOW

    def later(self, hours: float) -> dt.datetime:
        return self.calendar.add_working_seconds(self.moment, hours * HOUR)

    def submit(self, version: Any, channel: int, moment: dt.datetime) -> None:
        actor = self.cast["citizen"] if channel == Channel.ONLINE else self.cast["one_stop"]
        self.moment = moment
        self.dossier = dossier_submit(
            actor=actor,
            procedure_code=version.procedure.code,
            channel=channel,
            applicant=APPLICANT,
            now=moment,
        )

    def act(self, who: str, action: str, *, hours: float = 1, at_: Any = None, **kw: Any) -> None:
        assert self.dossier is not None
        if who == "applicant":
            who = "citizen" if self.dossier.applicant_user_id else "one_stop"
        self.moment = at_ if at_ is not None else self.later(hours)
        self.dossier = dossier_act(
            actor=self.cast[who], dossier=self.dossier, action=action, now=self.moment, **kw
        )

    def to_head(self, hours: float = 4) -> None:
        self.act("one_stop", "receive", hours=0.5)
        self.act("one_stop", "forward", hours=0.5)
        self.act("official", "forward", hours=hours)

    @property
    def due(self) -> dt.datetime:
        assert self.dossier is not None
        assert self.dossier.due_at is not None
        return self.dossier.due_at

    def run(self, path: str) -> None:
        if path == "intake_pending":
            self.act("one_stop", "request_intake_supplement", note="Thiếu tờ khai")
        elif path == "intake_refused":
            self.act("one_stop", "request_intake_supplement", note="Thiếu tờ khai")
            self.act("one_stop", "refuse_intake", hours=16, note="Không bổ sung")
        elif path == "refused":
            self.act("one_stop", "refuse_intake", note="Không thuộc thẩm quyền")
        elif path == "intake_supplemented":
            self.act("one_stop", "request_intake_supplement", note="Thiếu bản sao")
            self.act("applicant", "supplement", hours=3)
            self.to_head()
            self.act("head", "resolve", hours=2, note="Đã cấp")
        elif path in ("early", "returned", "returned_rated"):
            self.to_head()
            self.act("head", "resolve", hours=2, note="Đã cấp")
            if path != "early":
                self.act("one_stop", "return_result", hours=4, return_method="Trực tiếp")
            if path == "returned_rated":
                self.act("applicant", "rate", rating={"overall": "satisfied"})
        elif path == "on_time":
            self.to_head()
            self.act("head", "resolve", at_=self.due, note="Đúng hẹn")
        elif path == "late":
            self.to_head()
            self.act("head", "resolve", at_=self.calendar.add_working_seconds(self.due, 10 * HOUR))
        elif path in ("supplemented", "two_supplements"):
            if path == "two_supplements":
                self.act("one_stop", "request_intake_supplement", note="Thiếu")
                self.act("applicant", "supplement", hours=2)
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
            self.act("official", "request_supplement", hours=4, note="Bổ sung bản sao")
            self.act("applicant", "supplement", hours=20)
            self.act("official", "forward", hours=4)
            self.act("head", "resolve", hours=2, note="Đã cấp")
        elif path == "payment":
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
            self.act("official", "request_payment", hours=1)
            self.act("official", "confirm_payment", hours=6)
            self.act("official", "forward", hours=2)
            self.act("head", "resolve", hours=2, note="Đã cấp")
        elif path == "withdrawn_processing":
            self.act("one_stop", "receive")
            self.act("applicant", "request_withdrawal", hours=3)
            self.act("one_stop", "stop", hours=1)
        elif path == "withdrawn_at_intake":
            self.act("applicant", "request_withdrawal")
            self.act("one_stop", "stop", hours=1)
        elif path == "withdrawal_requested":
            self.act("one_stop", "receive")
            self.act("applicant", "request_withdrawal", hours=3)
        elif path == "refused_in_review":
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
            self.act("official", "refuse", hours=6, note="Không đủ điều kiện")
        elif path == "open_on_time":
            # Submitted the day before NOW: the appointment is still ahead.
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
        elif path == "open_overdue":
            self.to_head()
        elif path in ("apology_on_time", "apology_late"):
            self.to_head()
            assert self.dossier is not None
            assert self.dossier.at_risk_from is not None
            new_due = self.calendar.add_working_seconds(self.due, 16 * HOUR)
            self.act(
                "head",
                "apologize",
                at_=self.calendar.add_working_seconds(self.dossier.at_risk_from, HOUR),
                note="Chờ kết quả xác minh",
                new_due_at=new_due,
            )
            finish = new_due
            if path == "apology_late":
                finish = self.calendar.add_working_seconds(new_due, 4 * HOUR)
            self.act("head", "resolve", at_=finish, note="Đã cấp")
        elif path == "awaiting_payment":
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
            self.act("official", "request_payment", hours=1)
        elif path == "awaiting_supplement":
            self.act("one_stop", "receive")
            self.act("one_stop", "forward", hours=0.5)
            self.act("official", "request_supplement", hours=1, note="Bổ sung")
        else:
            assert path == "submitted", path


@pytest.fixture
def cast(citizen: Any, one_stop: Any, official_a: Any, head_a: Any) -> dict[str, Any]:
    """Who acts in a `Script`, by the names its steps use."""
    return {
        "citizen": citizen,
        "one_stop": one_stop.user,
        "official": official_a.user,
        "head": head_a.user,
    }


@pytest.fixture
def history(frozen: None, version: Any, second_version: Any, cast: dict[str, Any]) -> list[Dossier]:
    """Thirty dossiers of two procedures through every kind of path over March–April 2026."""
    calendar = work_calendar_get()
    rng = random.Random(11)
    days = [
        day
        for day in (dt.date(2026, 3, 2) + dt.timedelta(days=n) for n in range(60))
        if calendar.is_working_day(day)
    ]
    dossiers = []
    for number, path in enumerate(PATHS):
        procedure = version if number % 3 else second_version
        channel = Channel.IN_PERSON if procedure is second_version else Channel.ONLINE
        if number % 7 == 4:
            channel = Channel.POSTAL
        day = rng.choice(days)
        moment = at(day.day, day.month, rng.choice([7, 8, 9, 10, 14, 15, 16]), rng.choice([0, 45]))
        if path == "open_on_time":
            moment = calendar.subtract_working_seconds(NOW, 10 * HOUR)
        script = Script(cast)
        script.submit(procedure, channel, moment)
        script.run(path)
        assert script.dossier is not None
        assert script.moment <= NOW, path
        dossiers.append(script.dossier)
    return dossiers


def _rows() -> dict[tuple[int, int, dt.date], tuple[float, ...]]:
    return {
        (row.unit_id, row.procedure_version_id, row.day): tuple(
            getattr(row, name) for name in COUNTERS
        )
        for row in DossierStat.objects.all()
    }


def test_history_covers_every_state(history: list[Dossier]) -> None:
    states = {d.status for d in Dossier.objects.all()}
    assert states == set(Status.values)
    assert {d.timeliness for d in Dossier.objects.exclude(timeliness="")} == {
        "early",
        "on_time",
        "late",
    }


def test_summary_equals_recount_over_periods_units_and_procedures(
    history: list[Dossier], org_tree: dict[str, Any], version: Any, second_version: Any
) -> None:
    periods = [
        (dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 16)),
    ]
    scopes: list[dict[str, Any]] = [
        {"unit": org_tree["province"]},
        {"unit": org_tree["province"], "include_subunits": False},
        {"unit": org_tree["dept_a"], "include_subunits": False},
        {"unit": org_tree["division_a"]},
        {"unit": org_tree["dept_b"]},
        {"unit": org_tree["dept_a"], "procedure": version.procedure},
        {"unit": org_tree["dept_a"], "procedure": second_version.procedure},
    ]
    for start, end in periods:
        for scope in scopes:
            summary = dossier_stats(start=start, end=end, **scope)
            assert summary == dossier_stats_recount(start=start, end=end, **scope), (scope, start)

    whole = dossier_stats(unit=org_tree["province"], start=periods[0][0], end=periods[0][1])
    received = Dossier.objects.exclude(received_at=None).count()
    assert whole.received == received
    assert whole.received == whole.received_in_person + whole.received_online + (
        whole.received_postal
    )
    assert whole.received_postal > 0
    assert whole.received_online > 0
    assert whole.received_in_person > 0
    assert whole.refused == 2
    assert whole.withdrawn == 2
    assert whole.resolved == Dossier.objects.exclude(resolved_at=None).count()
    assert whole.resolved_late >= 4  # late, late, two supplements, apology late
    assert whole.returned == 4
    assert whole.in_process_overdue == 2
    # Two open and three waiting for the applicant (payment, supplement, withdrawal).
    assert whole.in_process_on_time == 5
    assert whole.average_processing_hours is not None
    assert 0 < whole.average_processing_hours < 60
    nothing = dossier_stats(unit=org_tree["dept_b"], start=periods[0][0], end=periods[0][1])
    assert nothing.received == 0
    assert nothing.average_processing_hours is None


def test_in_process_depends_on_now(history: list[Dossier], org_tree: dict[str, Any]) -> None:
    start, end = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
    early_now = at(1, 6, 8)
    later = at(30, 6, 8)
    soon = dossier_stats(unit=org_tree["dept_a"], start=start, end=end, now=early_now)
    late = dossier_stats(unit=org_tree["dept_a"], start=start, end=end, now=later)
    # By the end of June the two dossiers received the day before NOW are overdue too.
    assert late.in_process_overdue == soon.in_process_overdue + 2
    assert late.in_process == soon.in_process
    assert late == dossier_stats_recount(unit=org_tree["dept_a"], start=start, end=end, now=later)


def _month_rows() -> list[tuple[Any, ...]]:
    fields = ["unit_id", "procedure_version_id", "month", *COUNTERS]
    return [
        tuple(round(v, 3) if isinstance(v, float) else v for v in row)
        for row in DossierMonthStat.objects.order_by(*fields[:3]).values_list(*fields)
    ]


def _year_rows() -> list[tuple[Any, ...]]:
    fields = ["unit_id", "procedure_version_id", "year", *COUNTERS]
    return [
        tuple(round(v, 3) if isinstance(v, float) else v for v in row)
        for row in DossierYearStat.objects.order_by(*fields[:3]).values_list(*fields)
    ]


def _open_rows() -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (row.unit_id, row.procedure_version_id): (row.open, row.late_by_supplements)
        for row in DossierOpenStat.objects.all()
        if row.open or row.late_by_supplements
    }


def _open_counted() -> dict[tuple[int, int], tuple[int, int]]:
    counted: dict[tuple[int, int], list[int]] = {}
    for d in Dossier.objects.filter(status__in=OPEN_STATUSES):
        pair = counted.setdefault((d.competent_unit_id, d.procedure_version_id), [0, 0])
        pair[0] += 1
        pair[1] += d.supplement_count + d.intake_supplement_count >= 2
    return {key: (pair[0], pair[1]) for key, pair in counted.items()}


def test_services_keep_the_count_of_open_dossiers(
    history: list[Dossier], version: Any, cast: dict[str, Any]
) -> None:
    assert _open_rows() == _open_counted()
    # Waiting for the applicant or for payment, asking to withdraw: all still in process.
    assert sum(n for n, _late in _open_rows().values()) == 7
    assert not any(late for _n, late in _open_rows().values())

    # Asked to supplement at intake and again in processing: late whatever the clock says,
    # from the second request until it leaves the open states.
    script = Script(cast)
    script.submit(version, Channel.ONLINE, at(18, 5, 9))
    script.act("one_stop", "request_intake_supplement", note="Thiếu tờ khai")
    script.act("applicant", "supplement", hours=2)
    assert _open_rows() == _open_counted()
    script.act("one_stop", "receive")
    script.act("one_stop", "forward", hours=0.5)
    assert sum(n for n, _late in _open_rows().values()) == 8
    script.act("official", "request_supplement", hours=1, note="Bổ sung bản sao")
    assert _open_rows() == _open_counted()
    assert sum(late for _n, late in _open_rows().values()) == 1
    script.act("applicant", "supplement", hours=4)
    script.act("official", "forward", hours=2)
    assert _open_rows() == _open_counted()
    assert sum(late for _n, late in _open_rows().values()) == 1
    script.act("head", "resolve", hours=2, note="Đã cấp")
    assert _open_rows() == _open_counted()
    assert sum(n for n, _late in _open_rows().values()) == 7
    assert not any(late for _n, late in _open_rows().values())


def _due_rows() -> dict[int, tuple[int, int, dt.datetime | None]]:
    return {
        row.dossier_id: (row.unit_id, row.procedure_version_id, row.due_at)
        for row in DossierDue.objects.all()
    }


def _due_of_dossiers() -> dict[int, tuple[int, int, dt.datetime | None]]:
    return {
        d.pk: (d.competent_unit_id, d.procedure_version_id, d.due_at)
        for d in Dossier.objects.filter(status=Status.PROCESSING)
    }


def test_services_keep_the_appointments_of_dossiers_in_process(
    history: list[Dossier], version: Any, cast: dict[str, Any]
) -> None:
    """The overdue counts read `DossierDue`: it must hold every dossier whose clock runs, with
    its appointment as it moves (supplementation restarts the clock, payment pauses it, an
    apology sets a new appointment), and no other."""
    assert _due_rows() == _due_of_dossiers()
    assert len(_due_rows()) >= 3
    script = Script(cast)
    script.submit(version, Channel.ONLINE, at(18, 5, 9))
    assert script.dossier is not None
    pk = script.dossier.pk
    assert pk not in _due_rows()
    appointments: list[dt.datetime] = []
    for who, action, extra in (
        ("one_stop", "receive", {}),
        ("one_stop", "forward", {}),
        ("official", "request_supplement", {"note": "Bổ sung bản sao"}),
        ("applicant", "supplement", {}),
        ("official", "request_payment", {}),
        ("official", "confirm_payment", {"hours": 6}),
    ):
        script.act(who, action, **extra)
        assert _due_rows() == _due_of_dossiers(), action
        running = script.dossier.status == Status.PROCESSING
        assert (pk in _due_rows()) == running, action
        if running:
            appointments.append(script.due)
    # Restarted after the supplement, moved on by the paused hours after the payment.
    assert len(set(appointments)) == 3
    assert appointments == sorted(appointments)
    script.act("official", "forward", hours=1)
    assert script.dossier.at_risk_from is not None
    new_due = script.calendar.add_working_seconds(script.due, 16 * HOUR)
    script.act(
        "head",
        "apologize",
        at_=script.calendar.add_working_seconds(script.dossier.at_risk_from, HOUR),
        note="Chờ kết quả xác minh",
        new_due_at=new_due,
    )
    assert _due_rows()[pk][2] == new_due
    script.act("head", "resolve", hours=1, note="Đã cấp")
    assert pk not in _due_rows()
    assert _due_rows() == _due_of_dossiers()


def test_rebuild_writes_back_what_the_services_wrote(
    history: list[Dossier], org_tree: dict[str, Any]
) -> None:
    kept = _rows()
    months = _month_rows()
    years = _year_rows()
    open_now = _open_rows()
    assert len(kept) > 20
    assert len(months) >= 3
    # The services keep each year's rows equal to the sum of its months'.
    summed: dict[tuple[int, int, int], list[float]] = {}
    for unit_id, version_id, month, *values in months:
        key = (unit_id, version_id, month.year)
        before = summed.get(key, [0] * len(COUNTERS))
        summed[key] = [a + b for a, b in zip(before, values, strict=True)]
    assert years == [
        (*key, *(round(v, 3) for v in values)) for key, values in sorted(summed.items())
    ]
    DossierStat.objects.all().delete()
    DossierMonthStat.objects.all().delete()
    DossierYearStat.objects.all().delete()
    DossierOpenStat.objects.update(open=99)
    due = _due_rows()
    assert due == _due_of_dossiers()
    DossierDue.objects.all().delete()
    out = io.StringIO()
    call_command("stats_rebuild", stdout=out)
    assert _rows() == kept
    assert _month_rows() == months
    assert _year_rows() == years
    assert _open_rows() == open_now
    assert _due_rows() == due
    assert f"{len(kept)} rows written" in out.getvalue()

    # Idempotent: a second run leaves the same rows.
    call_command("stats_rebuild", stdout=io.StringIO())
    assert _rows() == kept
    assert AuditLog.objects.filter(action="dossiers.stats_rebuilt").count() == 2


def test_rebuild_of_a_unit_and_range_touches_only_them(
    history: list[Dossier], org_tree: dict[str, Any]
) -> None:
    kept = _rows()
    april = DossierStat.objects.filter(day__month=4)
    march = DossierStat.objects.filter(day__month=3)
    assert april.exists()
    assert march.exists()
    april.update(received=99, processing_seconds=1.5)
    march.update(returned=77)
    call_command(
        "stats_rebuild",
        "--unit",
        str(org_tree["dept_a"].pk),
        "--from",
        "01/04/2026",
        "--to",
        "30/04/2026",
        stdout=io.StringIO(),
    )
    rows = _rows()
    for key, counters in kept.items():
        if key[2].month == 4:
            assert rows[key] == counters
    assert set(DossierStat.objects.filter(day__month=3).values_list("returned", flat=True)) == {77}
    entry = AuditLog.objects.get(action="dossiers.stats_rebuilt")
    assert entry.after is not None
    assert entry.after["unit"] == org_tree["dept_a"].pk
    assert entry.after["start"] == "2026-04-01"

    # A rebuild of another unit leaves Department A's rows alone.
    call_command("stats_rebuild", "--unit", str(org_tree["dept_b"].pk), stdout=io.StringIO())
    assert _rows() == rows


def test_rebuild_of_a_range_removes_a_month_left_without_transitions(
    history: list[Dossier], org_tree: dict[str, Any]
) -> None:
    months, years = _month_rows(), _year_rows()
    # Counters of a January day that no transition backs (as if its dossiers were removed),
    # in all three kinds of row, with a March day's counters around it.
    row = DossierStat.objects.filter(day__month=3).first()
    assert row is not None
    key = {"unit_id": row.unit_id, "procedure_version_id": row.procedure_version_id}
    DossierStat.objects.create(**key, day=dt.date(2026, 1, 20), received=5)
    DossierMonthStat.objects.create(**key, month=dt.date(2026, 1, 1), received=5)
    DossierYearStat.objects.filter(**key, year=2026).update(received=F("received") + 5)
    call_command(
        "stats_rebuild", "--from", "01/12/2025", "--to", "28/02/2026", stdout=io.StringIO()
    )
    assert not DossierStat.objects.filter(day__month=1).exists()
    assert _month_rows() == months
    assert _year_rows() == years


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-04-01"], "dd/mm/yyyy"),
        (["--from", "30/04/2026", "--to", "01/04/2026"], "must not be after"),
        (["--unit", "999999"], "No unit"),
    ],
)
def test_rebuild_refuses_bad_arguments(db: Any, arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("stats_rebuild", *arguments, stdout=io.StringIO())


def test_stats_of_three_known_dossiers(
    frozen: None, version: Any, cast: dict[str, Any], org_tree: dict[str, Any]
) -> None:
    runs: list[tuple[int, str]] = [
        (Channel.ONLINE, "early"),
        (Channel.IN_PERSON, "refused"),
        (Channel.POSTAL, "open_overdue"),
    ]
    for channel, path in runs:
        script = Script(cast)
        script.submit(version, channel, at(2, 3, 8))
        script.run(path)
    stats = dossier_stats(unit=org_tree["dept_a"], start=dt.date(2026, 3, 2), end=NOW.date())
    assert (stats.received, stats.received_online, stats.received_postal) == (2, 1, 1)
    assert (stats.received_in_person, stats.refused, stats.resolved_early) == (0, 1, 1)
    assert (stats.in_process_on_time, stats.in_process_overdue) == (0, 1)
    # Received at 08:30, resolved 0.5 + 4 + 2 working hours later.
    assert stats.processing_seconds == 6.5 * HOUR
    assert stats.average_processing_hours == 6.5


def test_partial_months_read_either_way_give_the_recount(
    history: list[Dossier], org_tree: dict[str, Any], version: Any
) -> None:
    """A month the period mostly covers is its monthly row less the days left out; one it
    barely covers is its days: both equal a recount of the dossiers, at every edge."""
    periods = [
        (dt.date(2026, 3, 2), dt.date(2026, 4, 29)),  # most of March, most of April
        (dt.date(2026, 3, 30), dt.date(2026, 4, 2)),  # a few days of each
        (dt.date(2026, 3, 2), dt.date(2026, 3, 30)),  # most of one month, both ends cut
        (dt.date(2026, 2, 15), dt.date(2026, 5, 20)),
        (dt.date(2026, 3, 16), dt.date(2026, 5, 31)),
    ]
    for start, end in periods:
        for scope in (
            {"unit": org_tree["province"]},
            {"unit": org_tree["dept_a"], "procedure": version.procedure},
        ):
            summary = dossier_stats(start=start, end=end, **scope)
            assert summary == dossier_stats_recount(start=start, end=end, **scope), (start, end)


def test_figures_cost_one_query_whatever_the_period(
    history: list[Dossier],
    org_tree: dict[str, Any],
    version: Any,
    django_assert_num_queries: Any,
) -> None:
    """A dashboard asks for many scopes and periods; each costs one statement, the summary rows
    of partial months included, and in process now or at the end of a past period alike."""
    periods = [
        (dt.date(2026, 3, 2), dt.date(2026, 4, 29)),
        (dt.date(2026, 3, 1), NOW.date()),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 16)),
    ]
    for start, end in periods:
        for scope in (
            {"unit": org_tree["province"]},
            {"unit": org_tree["dept_a"], "procedure": version.procedure},
            {"unit": org_tree["dept_a"], "include_subunits": False},
        ):
            with django_assert_num_queries(1):
                dossier_stats(start=start, end=end, now=NOW, **scope)
