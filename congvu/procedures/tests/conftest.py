from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from congvu.procedures import services
from congvu.procedures.demo import demo_process
from congvu.procedures.models import Field, ProcedureVersion

V1_FROM = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings, whatever the Vietnamese catalogue says.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def civil_status(db: Any) -> Field:
    return services.field_create(actor=None, code="ho-tich", name="Hộ tịch")


@pytest.fixture
def certification(db: Any) -> Field:
    return services.field_create(actor=None, code="chung-thuc", name="Chứng thực")


@pytest.fixture
def make_version(admin_user: Any, civil_status: Field) -> Callable[..., ProcedureVersion]:
    """A function making a version with a valid process (published unless `publish=False`)."""

    def make(
        code: str = "1.001193",
        name: str = "Đăng ký khai sinh",
        *,
        publish: bool = True,
        **fields: Any,
    ) -> ProcedureVersion:
        values: dict[str, Any] = {
            "field": civil_status,
            "level": ProcedureVersion.Level.COMMUNE,
            "competent_kind": ProcedureVersion.Competent.COMMUNE,
            "processing_time": Decimal(1),
            "valid_from": V1_FROM,
            "cutoff_time": dt.time(15, 0),
            "online_level": ProcedureVersion.Online.FULL,
            "documents": [services.DocumentSpec("Tờ khai đăng ký khai sinh", 1, 0)],
            "fees": [services.FeeSpec("Lệ phí đăng ký khai sinh quá hạn", 8000)],
            **fields,
        }
        hours = Decimal(values["processing_time"])
        if values.get("processing_unit") != ProcedureVersion.TimeUnit.WORKING_HOURS:
            hours *= 8
        steps, transitions = demo_process(hours, commune=True)
        version = services.procedure_version_create(
            actor=admin_user,
            procedure_code=code,
            name=name,
            steps=steps,
            transitions=transitions,
            **values,
        )
        if publish:
            version = services.procedure_version_publish(actor=admin_user, version=version)
        return version

    return make
