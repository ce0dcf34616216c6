"""The demo's evaluation round: this year's province-wide round with quarterly scores, at
every stage — an official who has assessed herself, a deputy proposed by her head, a deputy
decided, a commune chairman waiting for the provincial chairman, and congvu's proposal with
its reasons for each.

The heads of departments and communes are evaluated by the chairman of the provincial
People's Committee, so the demo adds him (`chutich.tinh`) when the province has no head yet.
Everything is written through the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from congvu.accounts.models import User
from congvu.accounts.roles import Role
from congvu.accounts.services import user_create
from congvu.evaluations import services
from congvu.evaluations.models import Cadence, Evaluation, Level, Round
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.services import official_create, position_assign

CHAIRMAN = "chutich.tinh"
CHAIRMAN_NAME = "Hoàng Xuân Ánh"
PASSWORD = "congvu-demo"  # noqa: S105  (the demo's published password)


def _chairman(province: Unit) -> Official:
    """The head of the provincial People's Committee, made for the demo if missing."""
    position = (
        Position.objects.active()
        .filter(unit=province, kind=Position.Kind.HEAD)
        .select_related("official")
        .first()
    )
    if position is not None:
        return position.official
    user = user_create(
        actor=None,
        username=CHAIRMAN,
        full_name=CHAIRMAN_NAME,
        password=PASSWORD,
        email=f"{CHAIRMAN}@demo.congvu.vn",
        roles=[Role.HEAD],
    )
    official = official_create(
        actor=None,
        user=user,
        full_name=CHAIRMAN_NAME,
        unit=province,
        title="Chủ tịch UBND tỉnh",
        email=user.email,
    )
    position_assign(
        actor=None,
        official=official,
        unit=province,
        kind=Position.Kind.HEAD,
        title="Chủ tịch UBND tỉnh",
        valid_from=dt.date(2025, 7, 1),
    )
    return official


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _evaluation(round_: Round, username: str) -> Evaluation | None:
    return (
        Evaluation.objects.select_related("round", "official")
        .filter(round=round_, official__user__username=username)
        .first()
    )


def _self(round_: Round, username: str, level: str, text: str) -> Evaluation | None:
    evaluation = _evaluation(round_, username)
    user = _user(username)
    if evaluation is None or user is None:
        return None
    return services.evaluation_self_assess(
        actor=user, evaluation=evaluation, text=text, level=level
    )


def _by(evaluation: Evaluation, role: str) -> Any:
    official = evaluation.evaluator if role == "evaluator" else evaluation.decider
    return official.user if official is not None else None


@transaction.atomic
def demo_evaluations_seed(*, now: dt.datetime | None = None) -> int:
    """Open this year's province-wide round and take some evaluations through their steps;
    return the number of evaluations made (0 if the round is already there)."""
    now = now or timezone.now()
    year = timezone.localdate(now).year
    province = Unit.objects.filter(seed_key="P04").first()
    office = _user("noivu")
    if province is None or office is None:
        return 0
    if Round.objects.filter(year=year, scope__isnull=True).exists():
        return 0
    _chairman(province)
    round_ = services.round_open(actor=office, year=year, cadence=Cadence.QUARTERLY, now=now)
    # The specialist of Justice has assessed herself.
    _self(
        round_,
        "chuyenvien",
        Level.GOOD,
        "Hoàn thành đúng hạn các hồ sơ lý lịch tư pháp được giao; tham gia rà soát quy chế "
        "làm việc của Sở.",
    )
    # The Deputy Director of Home Affairs: assessed, proposed and decided by her Director.
    deputy = _self(
        round_,
        "phogiamdoc.noivu",
        Level.EXCELLENT,
        "Chủ trì cụ thể hóa các nhiệm vụ cải cách hành chính theo Nghị quyết 76/NQ-CP; "
        "các báo cáo tháng nộp đúng hạn.",
    )
    if deputy is not None and _by(deputy, "evaluator") is not None:
        for quarter, score in ((1, "86"), (2, "88"), (3, "91")):
            services.period_score_record(
                actor=_by(deputy, "evaluator"),
                evaluation=deputy,
                period=f"{year}-Q{quarter}",
                score=Decimal(score),
            )
        deputy.refresh_from_db()
        services.evaluation_propose(
            actor=_by(deputy, "evaluator"),
            evaluation=deputy,
            level=Level.GOOD,
            comment="Hoàn thành tốt; nhiệm vụ chuyển đổi số còn đang thực hiện.",
        )
        services.evaluation_decide(
            actor=_by(deputy, "decider"),
            evaluation=deputy,
            level=Level.GOOD,
            reason="" if deputy.system_level == Level.GOOD else "Thống nhất với đề xuất.",
        )
    # The Deputy Director of Justice acts for the Director: her own evaluation is proposed
    # by the Director and waits for his decision.
    justice = _self(
        round_,
        "phogiamdoc",
        Level.GOOD,
        "Điều hành công việc của Sở theo ủy quyền của Giám đốc; xử lý hồ sơ đúng hạn.",
    )
    if justice is not None and _by(justice, "evaluator") is not None:
        justice.refresh_from_db()
        services.evaluation_propose(
            actor=_by(justice, "evaluator"),
            evaluation=justice,
            level=Level.DONE,
            comment="" if justice.system_level == Level.DONE else (
                "Còn nhiệm vụ cải thiện chỉ số PCI, DDCI quá hạn."
            ),
        )  # fmt: skip
    # The chairman of Nguyên Bình has assessed himself; the provincial chairman proposes.
    _self(
        round_,
        "chutich.xa",
        Level.GOOD,
        "Chỉ đạo nâng tỷ lệ hồ sơ trực tuyến; rà soát thủ tục tại bộ phận một cửa.",
    )
    return round_.evaluations.count()
