"""Fixtures of the evaluations tests: a clock late in 2026, the chairman of the province, the
head of Department A's division, and helpers that put tasks on an official's or a unit's
record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from congvu.accounts.roles import Role
from congvu.directives.models import Schedule, Task, TaskStatus
from congvu.evaluations import services
from congvu.evaluations.models import Round
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.tests.factories import OfficialFactory, PositionFactory, UserFactory

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=VN)
YEAR = 2026


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def person(
    username: str, full_name: str, unit: Unit, kind: str, roles: list[str], title: str = ""
) -> Official:
    user = UserFactory.create(
        username=username, roles=roles, personal_id=f"0040{len(username):08d}"
    )
    official = OfficialFactory.create(user=user, full_name=full_name, unit=unit, title=title)
    PositionFactory.create(
        official=official, unit=unit, kind=kind, title=title, valid_from=dt.date(2025, 7, 1)
    )
    return official


@pytest.fixture
def chairman(org_tree: dict[str, Unit]) -> Official:
    """The chairman of the provincial People's Committee: evaluates the heads of agencies."""
    return person(
        "chairman", "Hoàng Xuân Ánh", org_tree["province"], Position.Kind.HEAD, [Role.HEAD],
        "Chủ tịch UBND tỉnh",
    )  # fmt: skip


@pytest.fixture
def division_head(org_tree: dict[str, Unit]) -> Official:
    """The head of Department A's division: a head, evaluated by the Director."""
    return person(
        "division_head", "Đinh Văn Khoa", org_tree["division_a"], Position.Kind.HEAD,
        [Role.UNIT_LEADER], "Trưởng phòng",
    )  # fmt: skip


@pytest.fixture
def people(
    chairman: Official,
    head_a: Official,
    deputy_a: Official,
    official_a: Official,
    division_head: Official,
    outsider_b: Official,
) -> dict[str, Official]:
    return {
        "chairman": chairman,
        "head_a": head_a,
        "deputy_a": deputy_a,
        "official_a": official_a,
        "division_head": division_head,
        "outsider_b": outsider_b,
    }


def add_tasks(
    *,
    unit: Unit,
    assignee: Official | None = None,
    on_time: int = 0,
    early: int = 0,
    late: int = 0,
    overdue: int = 0,
) -> None:
    """Tasks due in 2026 led by `unit`: done on time (the day before), done early (ten days
    before), done late, or still open past their deadline."""
    due = dt.date(2026, 10, 15)
    due_at = dt.datetime(2026, 10, 15, 17, 30, tzinfo=VN)
    rows = (
        [(TaskStatus.ACCEPTED, due_at - dt.timedelta(days=1))] * on_time
        + [(TaskStatus.ACCEPTED, due_at - dt.timedelta(days=10))] * early
        + [(TaskStatus.ACCEPTED, due_at + dt.timedelta(days=3))] * late
        + [(TaskStatus.IN_PROGRESS, None)] * overdue
    )
    Task.objects.bulk_create(
        [
            Task(
                title=f"Nhiệm vụ {n}",
                lead_unit=unit,
                assignee=assignee,
                schedule=Schedule.DUE_DATE,
                due_on=due,
                due_at=due_at,
                original_due_on=due,
                status=status,
                completed_at=completed,
                progress=100 if completed else 50,
            )
            for n, (status, completed) in enumerate(rows)
        ]
    )


@pytest.fixture
def open_round(people: dict[str, Official], appraiser: Any) -> Any:
    """A function opening the province-wide round of 2026 as the appraiser."""

    def make(**kwargs: Any) -> Round:
        kwargs.setdefault("year", YEAR)
        return services.round_open(actor=appraiser, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _reform_results(request: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PAR and 766 results come from the assessments and indices apps; where their
    tables are not there yet, the reform results read as not published."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from django.apps import apps
    from django.db import connection

    from congvu.evaluations import selectors

    tables = set(connection.introspection.table_names())
    wanted = {
        model._meta.db_table
        for label in ("assessments", "indices")
        if apps.is_installed(f"congvu.{label}")
        for model in apps.get_app_config(label).get_models()
    }
    if not wanted <= tables:
        monkeypatch.setattr(
            selectors, "reform_results", lambda *, unit, year: {"par": None, "index766": None}
        )
