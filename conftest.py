"""The standing cast every app's tests can use.

A small province: its People's Committee, the Office with the provincial service centre,
Department A (Sở Tư pháp) with one division, Department B (Sở Y tế), and one commune with its
centre. People: the head, deputy and a specialist of A, a specialist of B (the outsider), a
provincial office user, an administrator and a citizen. Anonymous visitors are plain clients.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congvu.accounts.roles import Role
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.tests.factories import (
    PASSWORD,
    OfficialFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)

CAST_PASSWORD = PASSWORD
SINCE = dt.date(2025, 7, 1)

# The demo's seeding goes through the same services on every database, and each seeding takes
# seconds: its tests run on SQLite, and on PostgreSQL only when asked (CONGVU_DEMO_TESTS=1),
# which keeps CI within its time on both databases.
_DEMO_TEST_FILES = {"test_demo.py", "test_seed_demo.py"}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if not on_postgres or os.environ.get("CONGVU_DEMO_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="demo seeding is tested on SQLite (CONGVU_DEMO_TESTS=1 here)")
    for item in items:
        if item.path.name in _DEMO_TEST_FILES:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The province id is cached, and so are the lookup's names per process; a row of one test
    # must not leak into the next.
    from congvu.dossiers import lookup

    cache.clear()
    lookup.names.clear()
    lookup.answers.clear()
    yield
    cache.clear()


# Units -------------------------------------------------------------------------------------


@pytest.fixture
def province(db: Any) -> Unit:
    """The provincial People's Committee, root of the cast's tree."""
    return UnitFactory.create(
        kind=Unit.Kind.PROVINCE_COMMITTEE,
        name="Ủy ban nhân dân tỉnh Cao Bằng",
        short_name="UBND tỉnh Cao Bằng",
        code="000.00.00.H12",
        admin_code="P04",
    )


@pytest.fixture
def office(province: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.OFFICE,
        name="Văn phòng Ủy ban nhân dân tỉnh Cao Bằng",
        short_name="Văn phòng UBND tỉnh",
        code="000.00.01.H12",
        parent=province,
        sort_order=10,
    )


@pytest.fixture
def service_centre(office: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.SERVICE_CENTRE,
        name="Trung tâm Phục vụ hành chính công tỉnh Cao Bằng",
        short_name="TTPVHCC tỉnh",
        code="000.01.01.H12",
        parent=office,
    )


@pytest.fixture
def dept_a(province: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.DEPARTMENT,
        name="Sở Tư pháp",
        short_name="Sở Tư pháp",
        code="000.00.04.H12",
        parent=province,
        sort_order=14,
    )


@pytest.fixture
def division_a(dept_a: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.DIVISION,
        name="Phòng Hành chính tư pháp",
        short_name="Phòng HCTP",
        parent=dept_a,
    )


@pytest.fixture
def dept_b(province: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.DEPARTMENT,
        name="Sở Y tế",
        short_name="Sở Y tế",
        code="000.00.10.H12",
        parent=province,
        sort_order=20,
    )


@pytest.fixture
def commune(province: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.COMMUNE_COMMITTEE,
        name="Ủy ban nhân dân phường Thục Phán",
        short_name="UBND phường Thục Phán",
        code="000.01.00.H12",
        admin_code="W01273",
        parent=province,
        sort_order=1000,
    )


@pytest.fixture
def commune_centre(commune: Unit) -> Unit:
    return UnitFactory.create(
        kind=Unit.Kind.COMMUNE_CENTRE,
        name="Trung tâm Phục vụ hành chính công phường Thục Phán",
        short_name="TTPVHCC phường Thục Phán",
        code="001.01.00.H12",
        parent=commune,
    )


@pytest.fixture
def org_tree(
    province: Unit,
    office: Unit,
    service_centre: Unit,
    dept_a: Unit,
    division_a: Unit,
    dept_b: Unit,
    commune: Unit,
    commune_centre: Unit,
) -> dict[str, Unit]:
    """Every unit of the cast's province, by fixture name."""
    return {
        "province": province,
        "office": office,
        "service_centre": service_centre,
        "dept_a": dept_a,
        "division_a": division_a,
        "dept_b": dept_b,
        "commune": commune,
        "commune_centre": commune_centre,
    }


# People ------------------------------------------------------------------------------------


def _official(
    username: str,
    full_name: str,
    unit: Unit,
    kind: str,
    roles: list[str],
    title: str = "",
) -> Official:
    user = UserFactory.create(username=username, roles=roles)
    official = OfficialFactory.create(user=user, full_name=full_name, unit=unit, title=title)
    PositionFactory.create(official=official, unit=unit, kind=kind, title=title, valid_from=SINCE)
    return official


@pytest.fixture
def head_a(org_tree: dict[str, Unit]) -> Official:
    """The Director of Department A: holds its head position."""
    return _official(
        "head_a", "Hoàng Văn Thụ", org_tree["dept_a"], Position.Kind.HEAD, [Role.HEAD], "Giám đốc"
    )


@pytest.fixture
def deputy_a(org_tree: dict[str, Unit]) -> Official:
    return _official(
        "deputy_a",
        "Nông Thị Lan",
        org_tree["dept_a"],
        Position.Kind.DEPUTY_HEAD,
        [Role.UNIT_LEADER],
        "Phó Giám đốc",
    )


@pytest.fixture
def official_a(org_tree: dict[str, Unit]) -> Official:
    """A specialist in Department A's division."""
    return _official(
        "official_a",
        "Lục Văn Minh",
        org_tree["division_a"],
        Position.Kind.SPECIALIST,
        [Role.SPECIALIST],
        "Chuyên viên",
    )


@pytest.fixture
def outsider_b(org_tree: dict[str, Unit]) -> Official:
    """A specialist of Department B: an outsider to everything of A."""
    return _official(
        "outsider_b",
        "Bế Thị Hoa",
        org_tree["dept_b"],
        Position.Kind.SPECIALIST,
        [Role.SPECIALIST],
        "Chuyên viên",
    )


@pytest.fixture
def provincial_office_user(org_tree: dict[str, Unit]) -> Any:
    """A specialist of the Office of the People's Committee with the province-wide role."""
    official = _official(
        "provincial_office",
        "Đàm Quang Trung",
        org_tree["office"],
        Position.Kind.SPECIALIST,
        [Role.PROVINCIAL_OFFICE],
        "Chuyên viên",
    )
    return official.user


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory.create(
        username="admin", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
    )


@pytest.fixture
def citizen(db: Any) -> Any:
    return UserFactory.create(username="citizen", roles=[Role.CITIZEN], personal_id="004099001234")


@pytest.fixture
def citizen_b(db: Any) -> Any:
    """A second citizen: nothing of citizen A's is theirs."""
    return UserFactory.create(
        username="citizen_b", roles=[Role.CITIZEN], personal_id="004099005678"
    )


@pytest.fixture
def one_stop_officer(org_tree: dict[str, Unit]) -> Official:
    """An officer at the provincial service centre's one-stop desk."""
    return _official(
        "one_stop_officer",
        "Hoàng Thị Mai",
        org_tree["service_centre"],
        Position.Kind.ONE_STOP_OFFICER,
        [Role.ONE_STOP_OFFICER],
        "Chuyên viên",
    )


@pytest.fixture
def home_affairs(province: Unit) -> Unit:
    """The Department of Home Affairs (Sở Nội vụ): scores, appraises and ranks."""
    return UnitFactory.create(
        kind=Unit.Kind.DEPARTMENT,
        name="Sở Nội vụ",
        short_name="Sở Nội vụ",
        parent=province,
        code="000.00.20.H12",
    )


@pytest.fixture
def appraiser(org_tree: dict[str, Unit], home_affairs: Unit) -> Any:
    """A specialist of the Department of Home Affairs with the appraiser's role."""
    official = _official(
        "appraiser",
        "Lương Thị Hạnh",
        home_affairs,
        Position.Kind.SPECIALIST,
        [Role.HOME_AFFAIRS_APPRAISER],
        "Chuyên viên",
    )
    return official.user


@pytest.fixture
def editor(db: Any) -> Any:
    """A news editor of the portal: writes drafts."""
    return UserFactory.create(username="editor", roles=[Role.EDITOR])


@pytest.fixture
def news_approver(db: Any) -> Any:
    """The portal's approver: publishes or sends back."""
    return UserFactory.create(username="news_approver", roles=[Role.NEWS_APPROVER])


# Clients -----------------------------------------------------------------------------------


@pytest.fixture
def api_client() -> APIClient:
    """An API client with no credentials: the anonymous visitor."""
    return APIClient()


@pytest.fixture
def api_client_for(db: Any) -> Callable[[Any], APIClient]:
    """A function giving an API client that sends `user`'s token."""

    def make(user: Any) -> APIClient:
        token, _created = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def client_for(db: Any) -> Callable[[Any], Client]:
    """A function giving a browser client logged in as `user`."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
