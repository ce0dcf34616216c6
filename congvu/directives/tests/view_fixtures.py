"""Fixtures of the task pages' tests: a clock, a delegation in Department A, a public
directive and a task of Department A that its deputy acts on. Star-imported by the test
modules that use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from congvu.directives import services
from congvu.directives.models import DirectingDocument, DocumentKind, Task
from congvu.organizations.models import Delegation, Official, Unit
from congvu.organizations.tests.factories import DelegationFactory

__all__ = ["NOW", "_english", "assign", "clock", "delegation", "document", "task"]

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def delegation(head_a: Official, deputy_a: Official) -> Delegation:
    return DelegationFactory.create(
        unit=head_a.unit,
        delegator=head_a,
        delegate=deputy_a,
        scope=Delegation.Scope.ALL,
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=90),
    )


@pytest.fixture
def document(provincial_office_user: Any, org_tree: dict[str, Unit]) -> DirectingDocument:
    return services.document_create(
        actor=provincial_office_user,
        number="15/CT-UBND",
        kind=DocumentKind.DIRECTIVE,
        issuer=org_tree["province"],
        issued_on=dt.date(2026, 2, 20),
        title="Về tăng cường kỷ luật, kỷ cương hành chính",
        is_public=True,
    )


def assign(actor: Any, unit: Unit, document: DirectingDocument | None, **kwargs: Any) -> Task:
    kwargs.setdefault("title", "Rà soát quy chế làm việc")
    kwargs.setdefault("due_on", dt.date(2026, 3, 13))
    return services.task_assign(actor=actor, lead_unit=unit, document=document, **kwargs)


@pytest.fixture
def task(
    provincial_office_user: Any, dept_a: Unit, commune: Unit, document: Any, delegation: Any
) -> Task:
    return assign(provincial_office_user, dept_a, document, coordinating_units=[commune])
