"""The demo province: Cao Bằng with people in two departments and two communes.

Every account has the password DEMO_PASSWORD. Loading is all or nothing, and a database that
already has the demo is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.accounts.services import user_create
from congvu.assessments.demo import demo_assessments_seed
from congvu.directives.demo import demo_tasks_seed
from congvu.dossiers.demo import demo_dossiers_seed
from congvu.evaluations.demo import demo_evaluations_seed
from congvu.indices.demo import demo_indices_seed
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.services import (
    delegation_create,
    official_create,
    position_assign,
    province_seed,
    unit_create,
)
from congvu.portal.demo import demo_news_seed
from congvu.procedures.demo import demo_procedures_seed

DEMO_PASSWORD = "congvu-demo"  # noqa: S105  (published in the README on purpose)
PROVINCE = "Cao Bằng"
SINCE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    roles: tuple[str, ...]
    unit_key: str  # a seed key of the province's units, or "" for a citizen
    position: str = ""
    title: str = ""
    is_staff: bool = False
    personal_id: str = ""


# Seed keys come from organizations.services.province_seed: P04 is Cao Bằng, W01273 is
# Phường Thục Phán, W01726 is Xã Nguyên Bình; the divisions are created by the demo.
DIV_JUSTICE = "demo/tu-phap/hanh-chinh-tu-phap"
DIV_HOME_AFFAIRS = "demo/noi-vu/cai-cach-hanh-chinh"

PEOPLE: list[DemoPerson] = [
    DemoPerson("admin", "Quản trị hệ thống", (Role.ADMINISTRATOR,), "", is_staff=True),
    DemoPerson(
        "vanphong", "Nông Thị Hà", (Role.PROVINCIAL_OFFICE,), "P04/office",
        Position.Kind.SPECIALIST, "Chuyên viên theo dõi nhiệm vụ", is_staff=True,
    ),
    DemoPerson(
        "motcua", "Hoàng Văn Bình", (Role.ONE_STOP_OFFICER,), "P04/office/centre",
        Position.Kind.ONE_STOP_OFFICER, "Công chức tiếp nhận và trả kết quả",
    ),
    DemoPerson(
        "giamdoc", "Bế Văn Dũng", (Role.HEAD,), "P04/dept/tu-phap",
        Position.Kind.HEAD, "Giám đốc Sở Tư pháp",
    ),
    DemoPerson(
        "phogiamdoc", "Đàm Thị Lan", (Role.UNIT_LEADER,), "P04/dept/tu-phap",
        Position.Kind.DEPUTY_HEAD, "Phó Giám đốc Sở Tư pháp",
    ),
    DemoPerson(
        "chuyenvien", "Lương Thị Mai", (Role.SPECIALIST,), DIV_JUSTICE,
        Position.Kind.SPECIALIST, "Chuyên viên Phòng Hành chính tư pháp",
    ),
    DemoPerson(
        "giamdoc.noivu", "Nông Văn Quân", (Role.HEAD,), "P04/dept/noi-vu",
        Position.Kind.HEAD, "Giám đốc Sở Nội vụ",
    ),
    DemoPerson(
        "phogiamdoc.noivu", "Lý Thị Hoa", (Role.UNIT_LEADER,), "P04/dept/noi-vu",
        Position.Kind.DEPUTY_HEAD, "Phó Giám đốc Sở Nội vụ",
    ),
    DemoPerson(
        "noivu", "Hà Thị Thu", (Role.HOME_AFFAIRS_APPRAISER,), DIV_HOME_AFFAIRS,
        Position.Kind.SPECIALIST, "Chuyên viên Phòng Cải cách hành chính",
    ),
    DemoPerson(
        "chutich.xa", "Triệu Văn Hải", (Role.HEAD,), "W01726",
        Position.Kind.HEAD, "Chủ tịch UBND xã Nguyên Bình",
    ),
    DemoPerson(
        "phochutich.xa", "Sầm Văn Khánh", (Role.UNIT_LEADER,), "W01726",
        Position.Kind.DEPUTY_HEAD, "Phó Chủ tịch UBND xã Nguyên Bình",
    ),
    DemoPerson(
        "motcua.xa", "Lục Văn Tùng", (Role.ONE_STOP_OFFICER,), "W01726/centre",
        Position.Kind.ONE_STOP_OFFICER, "Công chức một cửa xã Nguyên Bình",
    ),
    DemoPerson(
        "chutich.phuong", "Mã Văn Sơn", (Role.HEAD,), "W01273",
        Position.Kind.HEAD, "Chủ tịch UBND phường Thục Phán",
    ),
    DemoPerson(
        "motcua.phuong", "Vi Thị Nga", (Role.ONE_STOP_OFFICER,), "W01273/centre",
        Position.Kind.ONE_STOP_OFFICER, "Công chức một cửa phường Thục Phán",
    ),
    DemoPerson(
        "bientap", "Phùng Thị Yến", (Role.EDITOR,), "P04/office",
        Position.Kind.SPECIALIST, "Biên tập viên Cổng thông tin điện tử",
    ),
    DemoPerson(
        "duyettin", "Ngọc Văn Trường", (Role.NEWS_APPROVER,), "P04/office",
        Position.Kind.DEPUTY_HEAD, "Phó Chánh Văn phòng UBND tỉnh",
    ),
    DemoPerson("congdan", "Nguyễn Văn An", (Role.CITIZEN,), "", personal_id="004095001234"),
    DemoPerson("congdan2", "Trần Thị Bích", (Role.CITIZEN,), "", personal_id="004196005678"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False when the demo was already there
    people: list[DemoPerson]


def demo_is_loaded() -> bool:
    return (
        User.objects.filter(username="admin").exists()
        and Unit.objects.filter(seed_key=DIV_JUSTICE).exists()
    )


@transaction.atomic
def demo_seed(*, actor: Any = None, dossiers: int = 300) -> DemoResult:
    """Load the demo province and its people; a second call changes nothing."""
    if demo_is_loaded():
        return DemoResult(loaded=False, people=PEOPLE)
    province_seed(actor=actor, province_name=PROVINCE)
    units = {u.seed_key: u for u in Unit.objects.filter(seed_key__isnull=False)}
    for key, parent_key, name, short in [
        (DIV_JUSTICE, "P04/dept/tu-phap", "Phòng Hành chính tư pháp", "Phòng HCTP"),
        (DIV_HOME_AFFAIRS, "P04/dept/noi-vu", "Phòng Cải cách hành chính", "Phòng CCHC"),
    ]:
        division = unit_create(
            actor=actor,
            kind=Unit.Kind.DIVISION,
            name=name,
            short_name=short,
            parent=units[parent_key],
            valid_from=SINCE,
        )
        # The seed key lets a later run find the demo's own units, as it finds the province's.
        Unit.objects.filter(pk=division.pk).update(seed_key=key)
        units[key] = division

    officials: dict[str, Official] = {}
    for person in PEOPLE:
        user = user_create(
            actor=actor,
            username=person.username,
            full_name=person.full_name,
            password=DEMO_PASSWORD,
            email=f"{person.username}@demo.congvu.vn",
            personal_id=person.personal_id,
            roles=person.roles,
            is_staff=person.is_staff,
            is_superuser=Role.ADMINISTRATOR in person.roles,
        )
        if not person.unit_key:
            continue
        unit = units[person.unit_key]
        official = official_create(
            actor=actor,
            user=user,
            full_name=person.full_name,
            unit=unit,
            title=person.title,
            email=user.email,
            phone="0206 3852 " + f"{len(officials) + 100:03d}",
        )
        position_assign(
            actor=actor,
            official=official,
            unit=unit,
            kind=person.position,
            title=person.title,
            valid_from=SINCE,
        )
        officials[person.username] = official

    # The Director of Justice delegates his work to the Deputy Director: she acts, he stays
    # accountable (Chỉ thị 15/CT-UBND).
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(today.replace(day=1), dt.time(0, 0), tzinfo=zone)
    end = dt.datetime(today.year + 1, 12, 31, 23, 59, tzinfo=zone)
    delegation_create(
        actor=officials["giamdoc"].user,
        delegator=officials["giamdoc"],
        delegate=officials["phogiamdoc"],
        unit=units["P04/dept/tu-phap"],
        scope=Delegation.Scope.ALL,
        valid_from=start,
        valid_until=end,
        reason="Giám đốc đi công tác, học tập dài ngày; Phó Giám đốc điều hành công việc của Sở.",
    )
    # The catalogue, then a year of dossiers handled by the people above (after the
    # delegation, so that the Deputy Director signs this month's dossiers).
    demo_procedures_seed(actor=actor, province=units["P04"])
    demo_dossiers_seed(count=dossiers)
    # Chỉ thị 15/CT-UBND and its tasks, handed to the people above.
    demo_tasks_seed()
    # The scores read the dossiers and tasks above: the 766 index's entered figures, last
    # year's published PAR and DDCI rounds and this year's open one, this year's evaluations.
    demo_indices_seed()
    demo_assessments_seed()
    demo_evaluations_seed()
    # The portal's news, written by the editor and published by the approver.
    demo_news_seed()
    return DemoResult(loaded=True, people=PEOPLE)
