"""A published procedure with a three-step process at two units, and the desk officer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from congvu.accounts.roles import Role
from congvu.dossiers.services import Applicant
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.tests.factories import OfficialFactory, PositionFactory, UserFactory
from congvu.procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTransition,
)

VN = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings; test_api checks the Vietnamese default.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def one_stop(org_tree: dict[str, Unit]) -> Official:
    user = UserFactory.create(username="one_stop", roles=[Role.ONE_STOP_OFFICER])
    official = OfficialFactory.create(
        user=user, full_name="Hoàng Thị Mai", unit=org_tree["service_centre"]
    )
    PositionFactory.create(
        official=official,
        unit=org_tree["service_centre"],
        kind=Position.Kind.ONE_STOP_OFFICER,
        valid_from=dt.date(2025, 7, 1),
    )
    return official


def make_version(
    competent: Unit, *, code: str = "1.000001", days: str = "5", online: str = "full"
) -> ProcedureVersion:
    field, _ = Field.objects.get_or_create(code="TP", defaults={"name": "Lý lịch tư pháp"})
    procedure = Procedure.objects.create(code=code, name="Cấp Phiếu lý lịch tư pháp", field=field)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        name=procedure.name,
        field=field,
        level=ProcedureVersion.Level.PROVINCE,
        competent_unit=competent,
        processing_time=Decimal(days),
        online_level=online,
        status=ProcedureVersion.Status.PUBLISHED,
        valid_from=dt.date(2025, 7, 1),
    )
    receive = ProcessStep.objects.create(
        version=version,
        order=1,
        name="Tiếp nhận, chuyển hồ sơ",
        kind=ProcessStep.Kind.RECEIVE,
        responsible=ProcessStep.Responsible.RECEIVING_UNIT,
        position=Position.Kind.ONE_STOP_OFFICER,
        budget_hours=Decimal(4),
    )
    review = ProcessStep.objects.create(
        version=version,
        order=2,
        name="Thẩm định hồ sơ",
        kind=ProcessStep.Kind.REVIEW,
        position=Position.Kind.SPECIALIST,
        budget_hours=Decimal(24),
    )
    approve = ProcessStep.objects.create(
        version=version,
        order=3,
        name="Lãnh đạo Sở phê duyệt, ký",
        kind=ProcessStep.Kind.APPROVE,
        position=Position.Kind.HEAD,
        budget_hours=Decimal(8),
    )
    act = ProcessTransition.Action
    for from_step, to_step, action in [
        (receive, review, act.FORWARD),
        (review, approve, act.FORWARD),
        (review, review, act.REQUEST_SUPPLEMENT),
        (review, review, act.REQUEST_PAYMENT),
        (review, None, act.REFUSE),
        (approve, review, act.SEND_BACK),
        (approve, None, act.RESOLVE),
    ]:
        ProcessTransition.objects.create(
            version=version, from_step=from_step, to_step=to_step, action=action
        )
    return version


@pytest.fixture
def version(org_tree: dict[str, Unit]) -> ProcedureVersion:
    return make_version(org_tree["dept_a"])


@pytest.fixture
def applicant() -> Applicant:
    return Applicant(
        name="Nguyễn Văn An",
        id_number="004095001234",
        phone="0912 345 678",
        email="an@example.vn",
        address="Tổ 5, phường Thục Phán, tỉnh Cao Bằng",
    )


@pytest.fixture
def calendar_province(org_tree: dict[str, Unit]) -> Any:
    return org_tree["province"]
