"""Demo dossiers: a few hundred dossiers of the demo procedures over the last twelve months, in
every state, received at the provincial centre and at the demo communes' centres.

Every dossier is made by the services (`dossier_submit`, `dossier_act`) acting as the demo
accounts at moments in the past (`now=`), so its transitions, clock, appointment, apology,
rating and the daily statistics are exactly what real use would have left. The moments advance
through office hours on the province's working calendar. A seeded random generator makes two
runs with the same seed produce the same history relative to the moment they are run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from congvu.calendars.selectors import work_calendar_get
from congvu.dossiers.models import Channel, Dossier, Status, Timeliness
from congvu.dossiers.selectors import ActionNotAllowedError, NotYoursError
from congvu.dossiers.services import Applicant, dossier_act, dossier_submit
from congvu.dossiers.workflow import ACTIONS, Actor
from congvu.lib.workdays import WorkCalendar
from congvu.organizations.models import Official, Position, Unit
from congvu.procedures.models import ProcedureVersion, ProcessStep, ProcessTransition

# The demo dossiers carry this in their idempotency key: that is how a later run finds them.
KEY_PREFIX = "demo-dossier-"

# The accounts of the demo province (congvu.demo.services.PEOPLE) that handle dossiers.
DEMO_OFFICIALS = (
    "motcua",
    "chuyenvien",
    "phogiamdoc",
    "giamdoc",
    "motcua.xa",
    "phochutich.xa",
    "chutich.xa",
    "motcua.phuong",
    "chutich.phuong",
)
DEMO_CITIZENS = ("congdan", "congdan2")

HOUR = 3600.0
Kind = Position.Kind

# How the demo's dossiers are spread over their states (shares of the total).
STORIES: dict[str, float] = {
    "returned": 0.40,
    "resolved": 0.07,
    "processing": 0.12,
    "overdue": 0.05,
    "submitted": 0.05,
    "intake_supplement": 0.04,
    "refused": 0.04,
    "supplement": 0.04,
    "awaiting_payment": 0.03,
    "withdrawal_requested": 0.02,
    "stopped": 0.04,
}
STORY_STATUS = {
    "returned": Status.RETURNED,
    "resolved": Status.RESOLVED,
    "processing": Status.PROCESSING,
    "overdue": Status.PROCESSING,
    "submitted": Status.SUBMITTED,
    "intake_supplement": Status.INTAKE_SUPPLEMENT,
    "refused": Status.REFUSED,
    "supplement": Status.SUPPLEMENT,
    "awaiting_payment": Status.AWAITING_PAYMENT,
    "withdrawal_requested": Status.WITHDRAWAL_REQUESTED,
    "stopped": Status.STOPPED,
}

# Names common in Cao Bằng (Tày, Nùng and Kinh families).
SURNAMES = (
    "Nông", "Hoàng", "Bế", "Đàm", "Lục", "Lương", "Triệu", "Vi", "Sầm", "Hà", "Lý", "Mã",
    "Nguyễn", "Trần", "Lê", "Phạm", "La", "Lăng", "Đinh", "Dương",
)  # fmt: skip
MALE = (
    ("Văn", "An"), ("Văn", "Bình"), ("Đức", "Cường"), ("Văn", "Dũng"), ("Văn", "Hải"),
    ("Minh", "Hùng"), ("Văn", "Khánh"), ("Văn", "Long"), ("Hoài", "Nam"), ("Văn", "Phúc"),
    ("Quang", "Sơn"), ("Văn", "Thắng"), ("Anh", "Tuấn"), ("Văn", "Tùng"), ("Đức", "Việt"),
)  # fmt: skip
FEMALE = (
    ("Thị", "Dung"), ("Thị", "Giang"), ("Thị", "Hạnh"), ("Thu", "Hiền"), ("Thị", "Hương"),
    ("Thị", "Lan"), ("Thùy", "Linh"), ("Thị", "Mai"), ("Thị", "Nga"), ("Thị", "Phương"),
    ("Thu", "Thảo"), ("Thị", "Trang"), ("Thị", "Vân"), ("Hải", "Yến"), ("Ngọc", "Ánh"),
)  # fmt: skip
HAMLETS = (
    "Nà Bao", "Cốc Lầy", "Nà Pùng", "Khuổi Pẩu", "Bản Chang", "Nà Mạ", "Pác Tẻm", "Thôm Ngòa",
)  # fmt: skip
APOLOGY_REASONS = (
    "Chờ kết quả xác minh của cơ quan có liên quan.",
    "Hồ sơ cần lấy thêm ý kiến của cơ quan chuyên môn.",
    "Chờ văn bản trả lời của Công an tỉnh.",
    "Cán bộ thụ lý đi công tác đột xuất, chưa kịp trình ký.",
)
INTAKE_GAPS = (
    "Thiếu tờ khai theo mẫu; bản sao giấy tờ tùy thân chưa được chứng thực.",
    "Tờ khai chưa ghi đủ thông tin; thiếu văn bản ủy quyền của người nộp thay.",
    "Thiếu giấy tờ chứng minh nơi cư trú.",
)
PROCESSING_GAPS = (
    "Đề nghị bổ sung bản sao giấy tờ chứng minh quan hệ nhân thân.",
    "Thông tin trên tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư; đề nghị kiểm tra, "
    "bổ sung.",
)
REFUSALS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết; đề nghị nộp tại cơ quan có thẩm quyền.",
    "Người nộp không bổ sung hồ sơ theo Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.",
)
COMMENTS = (
    "Cán bộ hướng dẫn nhiệt tình, trả kết quả sớm.",
    "Thủ tục nhanh gọn.",
    "Phải đi lại hai lần do chưa được hướng dẫn đầy đủ.",
    "Hài lòng.",
)


# Whom to ask first for a step done by a position. The Deputy Director comes before the
# Director: she acts by delegation while one is in force, and otherwise the check refuses her
# and the Director signs.
_PREFERRED: dict[str, tuple[str, ...]] = {
    Kind.HEAD: (Kind.DEPUTY_HEAD, Kind.HEAD),
    Kind.DEPUTY_HEAD: (Kind.DEPUTY_HEAD, Kind.HEAD),
    Kind.ONE_STOP_OFFICER: (Kind.ONE_STOP_OFFICER,),
}


class _LaterError(Exception):
    """The next moment of the story would be in the future: the story stops where it is."""


class _StuckError(Exception):
    """No demo account may take the next action: the story stops where it is."""


@dataclass(frozen=True)
class _Person:
    user: Any
    official: Official
    path: str
    kind: str


@dataclass(frozen=True)
class _Lane:
    """Where a dossier goes: a procedure version, the centre that receives it, its desk
    officer, and the commune it is for when the commune is competent."""

    version: ProcedureVersion
    centre: Unit
    desk: _Person
    commune: Unit | None


@dataclass
class _World:
    now: dt.datetime
    calendar: WorkCalendar
    people: list[_Person]
    citizens: list[Any]
    provincial: list[_Lane]
    communal: list[_Lane]
    person_of: dict[int, _Person] = field(default_factory=dict)  # user id -> person
    forward_of: dict[int, int] = field(default_factory=dict)  # step id -> next step id
    offers: dict[int, set[str]] = field(default_factory=dict)  # step id -> actions offered

    @property
    def limit(self) -> dt.datetime:
        return self.now - dt.timedelta(minutes=2)

    def hours_after(self, moment: dt.datetime, hours: float) -> dt.datetime:
        return self.calendar.add_working_seconds(moment, hours * HOUR)

    def hours_before(self, moment: dt.datetime, hours: float) -> dt.datetime:
        return self.calendar.subtract_working_seconds(moment, hours * HOUR)

    def between(self, rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        """A random moment of office time between `lo` and `hi`."""
        span = max(0.0, self.calendar.working_seconds_between(lo, hi))
        return self.calendar.add_working_seconds(self.calendar.clock_start(lo), rng.random() * span)

    def actors_for(self, dossier: Dossier, action: str) -> list[Any]:
        """The demo accounts that might take `action`, the likeliest first; the service's own
        check decides among them."""
        spec = ACTIONS[action]
        if spec.actor == Actor.APPLICANT and dossier.applicant_user_id is not None:
            return [c for c in self.citizens if c.pk == dossier.applicant_user_id]
        if spec.actor in (Actor.APPLICANT, Actor.RECEIVING):
            unit = dossier.received_unit
            preferred: tuple[str, ...] = (Kind.ONE_STOP_OFFICER,)
        elif spec.actor == Actor.HANDLING:
            unit = dossier.current_unit or dossier.competent_unit
            step = dossier.current_step
            position = step.position if step is not None else Kind.SPECIALIST
            preferred = _PREFERRED.get(
                position, (Kind.SPECIALIST, Kind.ONE_STOP_OFFICER, Kind.CLERK)
            )
        else:
            unit = dossier.competent_unit
            preferred = (Kind.DEPUTY_HEAD, Kind.HEAD)
        candidates = sorted(
            (p for p in self.people if p.path.startswith(unit.path)),
            key=lambda p: preferred.index(p.kind) if p.kind in preferred else len(preferred),
        )
        return [p.user for p in candidates]

    def hops(self, step_id: int | None, final: str) -> int:
        """Forwards needed from `step_id` to a step that offers `final`."""
        count = 0
        while step_id is not None and final not in self.offers.get(step_id, set()):
            step_id = self.forward_of.get(step_id)
            count += 1
            if count > 20:
                raise _StuckError(final)
        if step_id is None:
            raise _StuckError(final)
        return count


def demo_dossiers_exist() -> bool:
    return Dossier.objects.filter(idempotency_key__contains=f":{KEY_PREFIX}").exists()


def _people() -> list[_Person]:
    people = []
    officials = Official.objects.filter(user__username__in=DEMO_OFFICIALS).select_related(
        "user", "unit"
    )
    for official in officials:
        position = Position.objects.active(timezone.localdate()).filter(official=official).first()
        people.append(
            _Person(
                user=official.user,
                official=official,
                path=official.unit.path,
                kind=position.kind if position is not None else Kind.SPECIALIST,
            )
        )
    # A stable order, so the same seed gives the same story.
    return sorted(people, key=lambda p: DEMO_OFFICIALS.index(p.user.username))


def _feasible(version: ProcedureVersion, competent: Unit, people: list[_Person]) -> bool:
    """Whether the demo accounts cover every step of the version done at the competent unit
    or a named unit, and someone there may sign."""
    for step in version.steps.all():
        if step.responsible == ProcessStep.Responsible.RECEIVING_UNIT:
            continue
        unit = step.unit if step.responsible == ProcessStep.Responsible.NAMED_UNIT else competent
        if unit is None or not any(p.path.startswith(unit.path) for p in people):
            return False
    return any(p.path.startswith(competent.path) and p.kind == Kind.HEAD for p in people)


def _world(now: dt.datetime) -> _World | None:
    people = _people()
    citizens = list(
        get_user_model().objects.filter(username__in=DEMO_CITIZENS).order_by("username")
    )
    desks = [p for p in people if p.kind == Kind.ONE_STOP_OFFICER]
    today = timezone.localdate(now)
    versions = list(
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, valid_from__lte=today
        )
        .exclude(valid_until__lte=today)
        .select_related("procedure", "competent_unit")
        .prefetch_related("steps", "transitions")
        .order_by("procedure__code", "-number")
    )
    seen: set[int] = set()
    provincial: list[_Lane] = []
    communal: list[_Lane] = []
    world = _World(
        now=now,
        calendar=work_calendar_get(),
        people=people,
        citizens=citizens,
        provincial=provincial,
        communal=communal,
    )
    world.person_of = {p.user.pk: p for p in people}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[p.official.unit_id for p in desks])}
    for version in versions:
        if version.procedure_id in seen:
            continue
        seen.add(version.procedure_id)
        transitions: Iterable[ProcessTransition] = version.transitions.all()
        for t in transitions:
            world.offers.setdefault(t.from_step_id, set()).add(t.action)
            if t.action == ProcessTransition.Action.FORWARD and t.to_step_id is not None:
                world.forward_of.setdefault(t.from_step_id, t.to_step_id)
        for desk in desks:
            centre = units[desk.official.unit_id]
            if version.competent_kind == ProcedureVersion.Competent.COMMUNE:
                commune = centre.parent if centre.kind == Unit.Kind.COMMUNE_CENTRE else None
                if commune is not None and _feasible(version, commune, people):
                    communal.append(_Lane(version, centre, desk, commune))
            elif (
                centre.kind == Unit.Kind.SERVICE_CENTRE
                and version.competent_unit is not None
                and _feasible(version, version.competent_unit, people)
            ):
                provincial.append(_Lane(version, centre, desk, None))
    if not people or not citizens or not (provincial or communal):
        return None
    return world


class _Story:
    """One dossier's history, played forward through the services."""

    def __init__(self, world: _World, rng: random.Random, lane: _Lane, number: int) -> None:
        self.world = world
        self.rng = rng
        self.lane = lane
        self.number = number
        self.dossier: Dossier | None = None
        # The moment of the last event; a story only moves forward from it.
        self.moment = world.now - dt.timedelta(days=800)
        version = lane.version
        self.budget_hours = float(version.processing_hours or Decimal(8))
        online = version.online_level != ProcedureVersion.Online.NONE
        roll = rng.random()
        if online and roll < 0.55:
            self.channel = int(Channel.ONLINE)
        elif roll > (0.93 if online else 0.9):
            self.channel = int(Channel.POSTAL)
        else:
            self.channel = int(Channel.IN_PERSON)
        self.specialist: Official | None = None

    # -- moments ---------------------------------------------------------------------------

    def check(self, moment: dt.datetime) -> dt.datetime:
        if moment > self.world.limit:
            raise _LaterError
        return max(moment, self.moment)

    def after(self, low: float, high: float) -> dt.datetime:
        """A moment `low`–`high` working hours after the last one."""
        return self.world.hours_after(self.moment, self.rng.uniform(low, high))

    def before_now(self, low: float, high: float) -> dt.datetime:
        return self.world.hours_before(self.world.now, self.rng.uniform(low, high))

    # -- acting ----------------------------------------------------------------------------

    def applicant(self, citizen: Any | None) -> Applicant:
        rng = self.rng
        if citizen is not None and rng.random() < 0.55:
            return Applicant(
                name=citizen.get_full_name() or citizen.get_username(),
                id_number=citizen.personal_id,
                phone=f"09{citizen.pk % 100:02d}{citizen.pk * 7919 % 1_000_000:06d}",
                address=self.address(),
            )
        female = rng.random() < 0.5
        middle, given = rng.choice(FEMALE if female else MALE)
        born = rng.randint(1950, 2006)
        # The personal identifier number: province 004 (Cao Bằng), then century and sex,
        # the year of birth, and six digits.
        century_sex = (0 if born < 2000 else 2) + (1 if female else 0)
        id_number = f"004{century_sex}{born % 100:02d}{rng.randrange(1_000_000):06d}"
        return Applicant(
            name=f"{rng.choice(SURNAMES)} {middle} {given}",
            id_number=id_number,
            phone=f"09{rng.randrange(100_000_000):08d}",
            address=self.address(),
            representative=(citizen.get_full_name() or "") if citizen is not None else "",
        )

    def address(self) -> str:
        rng = self.rng
        commune = self.lane.commune
        if commune is not None:
            place = commune.name.removeprefix("Ủy ban nhân dân ")
            return f"Xóm {rng.choice(HAMLETS)}, {place}, tỉnh Cao Bằng"
        ward = rng.choice(("phường Thục Phán", "phường Nùng Trí Cao", "phường Tân Giang"))
        return f"Tổ {rng.randint(1, 25)}, {ward}, tỉnh Cao Bằng"

    def submit(self, moment: dt.datetime) -> None:
        lane = self.lane
        citizen = None
        if self.channel == Channel.ONLINE:
            citizen = self.rng.choice(self.world.citizens)
            actor = citizen
        else:
            actor = lane.desk.user
        self.moment = self.check(moment)
        self.dossier = dossier_submit(
            actor=actor,
            procedure_code=lane.version.procedure.code,
            channel=self.channel,
            applicant=self.applicant(citizen),
            received_unit=lane.centre,
            commune=lane.commune,
            request=lane.version.name,
            idempotency_key=f"{KEY_PREFIX}{self.number:05d}",
            now=self.moment,
        )

    def act(self, action: str, moment: dt.datetime, **kwargs: Any) -> None:
        assert self.dossier is not None
        moment = self.check(moment)
        step = self.dossier.current_step
        for user in self.world.actors_for(self.dossier, action):
            try:
                # The service checks who may act and changes nothing when it refuses.
                self.dossier = dossier_act(
                    actor=user, dossier=self.dossier, action=action, now=moment, **kwargs
                )
            except NotYoursError:
                continue
            break
        else:
            raise _StuckError(action)
        self.moment = moment
        if step is not None and step.position == Kind.SPECIALIST:
            person = self.world.person_of.get(user.pk)
            self.specialist = person.official if person is not None else None

    @property
    def step_id(self) -> int | None:
        assert self.dossier is not None
        return self.dossier.current_step_id

    def offers(self, action: str) -> bool:
        return action in self.world.offers.get(self.step_id or 0, set())

    def forward_until(self, action: str, by: dt.datetime) -> None:
        """Forward step by step, spread evenly up to `by`, to a step offering `action`."""
        calendar = self.world.calendar
        for left in range(self.world.hops(self.step_id, action), 0, -1):
            span = max(0.0, calendar.working_seconds_between(self.moment, by))
            self.act("forward", calendar.add_working_seconds(self.moment, span / (left + 1)))

    # -- beginnings ------------------------------------------------------------------------

    def start(self, moment: dt.datetime) -> None:
        """Submit at `moment` (moved into office hours at a desk)."""
        if self.channel != Channel.ONLINE:
            moment = self.world.calendar.clock_start(moment)
        self.submit(moment)

    def receive_soon(self) -> None:
        # At a desk the officer receives while the applicant waits; an online dossier waits
        # for the officer's next working hours.
        if self.channel == Channel.ONLINE:
            self.act("receive", self.after(0.3, 6))
        else:
            self.act("receive", self.after(0.1, 0.3))

    def start_received_at(self, receipt: dt.datetime) -> None:
        """Submit shortly before `receipt` and receive then."""
        lead = self.rng.uniform(0.3, 6) if self.channel == Channel.ONLINE else 0.2
        self.start(self.world.hours_before(receipt, lead))
        self.act("receive", max(receipt, self.after(0.1, 0.2)))

    def start_in_window(self, need_hours: float) -> None:
        """Submit at a random moment of the last twelve months that leaves `need_hours` of
        office time before now."""
        world = self.world
        earliest = max(
            world.now - dt.timedelta(days=365),
            dt.datetime.combine(self.lane.version.valid_from, dt.time(8), tzinfo=world.now.tzinfo),
        )
        latest = world.hours_before(world.now, need_hours)
        if latest <= earliest:
            latest = world.hours_before(world.now, 8)
        moment = world.between(self.rng, earliest, latest)
        if self.channel == Channel.ONLINE and self.rng.random() < 0.3:
            # Online dossiers also arrive in the evening and at weekends.
            moment += dt.timedelta(hours=self.rng.uniform(0, 40))
        self.start(min(moment, latest))

    # -- endings ---------------------------------------------------------------------------

    def conclude(self, *, target: str, refuse: bool = False) -> None:
        """Walk the process to its end and resolve (or refuse) early, on time or late."""
        assert self.dossier is not None
        rng, world = self.rng, self.world
        if rng.random() < 0.25 and self.can_reach("request_payment"):
            self.payment()
        final = "refuse" if refuse else "resolve"
        due = self.dossier.due_at
        at_risk = self.dossier.at_risk_from
        assert due is not None
        assert at_risk is not None
        apology: tuple[dt.datetime, dt.datetime] | None = None
        if (target == "late" and rng.random() < 0.55) or (
            target == "on_time" and rng.random() < 0.1
        ):
            # Mẫu 04: from one working day before the appointment, a new one, set once.
            moment = max(world.hours_after(at_risk, rng.uniform(0, 4)), self.after(0.5, 1))
            due = world.hours_after(due, rng.uniform(12, 40))
            apology = (moment, due)
            if target == "late" and rng.random() < 0.5:
                target = "on_time"  # the new appointment is kept
        if target == "early":
            span = world.calendar.working_seconds_between(self.moment, due)
            finish = world.calendar.add_working_seconds(self.moment, span * rng.uniform(0.3, 0.8))
        elif target == "on_time":
            finish = world.hours_before(due, rng.uniform(0, 2))
        else:
            finish = world.hours_after(due, rng.uniform(2, 40))
        # Stories that must end before now end a little before it, whatever they aimed at.
        finish = min(finish, world.hours_before(world.now, rng.uniform(0.3, 1)))
        if apology is not None:
            moment, new_due = apology
            self.forward_part(final, min(moment, finish))
            responsible = self.dossier.competent_unit
            if self.specialist is not None and self.specialist.unit.path.startswith(
                responsible.path
            ):
                responsible = self.specialist.unit
            self.act(
                "apologize",
                max(moment, self.after(0.1, 0.2)),
                note=rng.choice(APOLOGY_REASONS),
                new_due_at=new_due,
                responsible_unit=responsible,
                responsible_official=self.specialist,
            )
        self.forward_until(final, finish)
        note = rng.choice(REFUSALS) if refuse else self.lane.version.result_type or "Đã giải quyết"
        self.act(final, max(finish, self.after(0.1, 0.3)), note=note[:500])

    def forward_part(self, final: str, by: dt.datetime) -> None:
        """Forward some of the way towards the step offering `final`, before `by`."""
        hops = self.world.hops(self.step_id, final)
        if hops == 0:
            return
        count = self.rng.randint(1, hops)
        span = max(0.0, self.world.calendar.working_seconds_between(self.moment, by))
        start = self.moment
        for i in range(1, count + 1):
            self.act(
                "forward", self.world.calendar.add_working_seconds(start, span * i / (count + 1))
            )

    def payment(self) -> None:
        """Fees are asked for and paid where the process has a step that asks for them."""
        try:
            hops = self.world.hops(self.step_id, "request_payment")
        except _StuckError:
            return
        for _ in range(hops):
            self.act("forward", self.after(1, 6))
        self.act("request_payment", self.after(0.5, 3))
        self.act("confirm_payment", self.after(2, 16))

    def supplement_in_processing(self, *, answer: bool) -> None:
        """Ask for supplementation within three working days of receipt (NĐ 118/2025)."""
        hops = self.world.hops(self.step_id, "request_supplement")
        for _ in range(hops):
            self.act("forward", self.after(0.5, 3))
        self.act("request_supplement", self.after(1, 6), note=self.rng.choice(PROCESSING_GAPS))
        if answer:
            self.act("supplement", self.after(8, 40))

    def finish_and_return(self, *, returned: bool) -> None:
        assert self.dossier is not None
        if not returned:
            return
        methods = {
            int(Channel.ONLINE): "Trả kết quả điện tử qua Cổng Dịch vụ công",
            int(Channel.IN_PERSON): "Trực tiếp tại Bộ phận Một cửa",
            int(Channel.POSTAL): "Qua dịch vụ bưu chính công ích",
        }
        self.act("return_result", self.after(0.5, 20), return_method=methods[self.channel])
        if self.rng.random() < 0.8:
            late = self.dossier.timeliness == Timeliness.LATE
            weights = (0.25, 0.45, 0.30) if late else (0.6, 0.37, 0.03)
            overall = self.rng.choices(("very_satisfied", "satisfied", "unsatisfied"), weights)[0]
            self.act(
                "rate",
                self.after(0, 2),
                rating={
                    "overall": overall,
                    "on_time": not late,
                    "visits": 0 if self.channel == Channel.ONLINE else self.rng.randint(1, 2),
                    "attitude": overall,
                },
                note=self.rng.choice(COMMENTS) if self.rng.random() < 0.3 else "",
            )

    # -- the stories -----------------------------------------------------------------------

    def play(self, story: str) -> None:
        rng = self.rng
        budget = self.budget_hours
        if story == "submitted":
            self.channel = self.online_if_offered()
            if self.channel == Channel.ONLINE:
                self.start(self.world.now - dt.timedelta(minutes=rng.uniform(20, 2000)))
            else:
                self.start(self.before_now(0.3, 6))
        elif story == "intake_supplement":
            self.start(self.before_now(6, 30))
            self.act("request_intake_supplement", self.after(0.2, 4), note=rng.choice(INTAKE_GAPS))
        elif story == "refused":
            self.start_in_window(80)
            if rng.random() < 0.5:
                self.act(
                    "request_intake_supplement", self.after(0.2, 3), note=rng.choice(INTAKE_GAPS)
                )
                self.act("refuse_intake", self.after(16, 60), note=REFUSALS[1])
            else:
                self.act("refuse_intake", self.after(0.2, 3), note=REFUSALS[0])
        elif story == "stopped":
            self.start_in_window(budget + 40)
            if rng.random() < 0.5:
                self.receive_soon()
                self.act("forward", self.after(0.5, 4))
            self.act("request_withdrawal", self.after(2, 24))
            self.act("stop", self.after(1, 8))
        elif story == "withdrawal_requested":
            self.start_received_at(self.before_now(6, 30))
            self.act("request_withdrawal", self.after(1, 4))
        elif story == "processing":
            self.start_received_at(self.before_now(budget * 0.05, budget * 0.85))
            if rng.random() < 0.8:
                self.forward_part("resolve", self.world.hours_before(self.world.now, 0.1))
        elif story == "overdue":
            self.start_received_at(self.before_now(budget + 12, budget + 60))
            assert self.dossier is not None
            assert self.dossier.due_at is not None
            self.forward_part("resolve", self.dossier.due_at)
        elif story in ("supplement", "awaiting_payment"):
            self.start_received_at(self.before_now(8, 20))
            if story == "supplement" or not self.can_reach("request_payment"):
                self.supplement_in_processing(answer=False)
            else:
                hops = self.world.hops(self.step_id, "request_payment")
                for _ in range(hops):
                    self.act("forward", self.after(0.5, 2))
                self.act("request_payment", self.after(0.5, 2))
        else:
            self.finished(story)

    def finished(self, story: str) -> None:
        rng = self.rng
        budget = self.budget_hours
        if story == "resolved":
            # Results not yet collected: resolved in the last few working days.
            self.start_received_at(self.before_now(budget + 8, budget + 40))
        else:
            self.start_in_window(budget + 200)
            if rng.random() < 0.12:
                self.act(
                    "request_intake_supplement", self.after(0.2, 3), note=rng.choice(INTAKE_GAPS)
                )
                self.act("supplement", self.after(4, 40))
            self.receive_soon()
        if story != "resolved" and rng.random() < 0.1:
            self.supplement_in_processing(answer=True)
        target = rng.choices(("early", "on_time", "late"), (0.5, 0.32, 0.18))[0]
        refuse = rng.random() < 0.06 and self.can_reach("refuse")
        self.conclude(target=target, refuse=refuse)
        self.finish_and_return(returned=story == "returned")

    def online_if_offered(self) -> int:
        if self.lane.version.online_level != ProcedureVersion.Online.NONE:
            return int(Channel.ONLINE)
        return self.channel

    def can_reach(self, action: str) -> bool:
        try:
            self.world.hops(self.step_id, action)
        except _StuckError:
            return False
        return True


def _stories(count: int, rng: random.Random) -> list[str]:
    """`count` stories in the shares of STORIES, each at least once and the rest returned
    results, in a shuffled order."""
    stories = [name for name, share in STORIES.items() for _ in range(max(1, round(share * count)))]
    while len(stories) > count and "returned" in stories:
        stories.remove("returned")
    while len(stories) < count:
        stories.append("returned")
    rng.shuffle(stories)
    return stories[:count]


@transaction.atomic
def demo_dossiers_seed(*, count: int = 300, seed: int = 2026) -> int:
    """Create about `count` demo dossiers of the last twelve months and return how many were
    made; none when demo dossiers exist already, or when the demo accounts or procedures are
    missing."""
    if count <= 0 or demo_dossiers_exist():
        return 0
    world = _world(timezone.now())
    if world is None:
        return 0
    rng = random.Random(seed)  # noqa: S311  (a repeatable demo, not a secret)
    created = 0
    for number, story in enumerate(_stories(count, rng)):
        # Four in ten dossiers at the provincial centre, the rest at the communes' centres.
        lanes = world.provincial if rng.random() < 0.4 and world.provincial else world.communal
        lane = rng.choice(lanes or world.provincial)
        play = _Story(world, rng, lane, number)
        # Each service call is atomic, so the part of a story already played stays as it is
        # when its next step would be in the future or beyond the demo accounts.
        with contextlib.suppress(
            _LaterError, _StuckError, ValidationError, ActionNotAllowedError, NotYoursError
        ):
            play.play(story)
        if play.dossier is not None:
            created += 1
    return created
