"""The demo's directive: Chỉ thị 15/CT-UBND of Cao Bằng (23/11/2022) on administrative
discipline and public administration reform, its tasks paraphrased, handed to the demo's
departments and communes, at every stage: done on time, done late, overdue, in progress,
delegated to a deputy, and a monthly reform report with one month missed.

Everything is written through the services. They stamp their rows with the present moment,
so the demo then moves those stamps (assigned, reported, accepted, the report and event
times) into the past with queryset updates: that is done here only, to show a history, and
never by the application itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from congvu.accounts.models import User
from congvu.directives import services
from congvu.directives.models import (
    Cycle,
    DirectingDocument,
    DocumentKind,
    OccurrenceStatus,
    ProgressReport,
    Schedule,
    Task,
    TaskEvent,
    TaskOccurrence,
)
from congvu.organizations.models import Official, Unit

NUMBER = "15/CT-UBND"
ISSUED_ON = dt.date(2022, 11, 23)
TITLE = (
    "Về tăng cường kỷ luật, kỷ cương và đẩy mạnh cải cách hành chính trong cơ quan hành "
    "chính nhà nước tỉnh Cao Bằng"
)
IMPLEMENTS = (
    "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ; Kế hoạch số 1929/KH-UBND "
    "ngày 27/7/2022 của UBND tỉnh"
)
SUMMARY = (
    "Thủ trưởng các sở, ngành và Chủ tịch UBND cấp xã chịu trách nhiệm cá nhân về kết quả "
    "cải cách hành chính của cơ quan, địa phương mình, kể cả phần việc đã giao cho cấp phó; "
    "kết quả cải cách hành chính là tiêu chí đánh giá, xếp loại hằng năm."
)
MONTHLY_REPORT = "Báo cáo tình hình thực hiện cải cách hành chính hằng tháng"

JUSTICE, HOME, BUILDING, FINANCE, SCIENCE = (
    "P04/dept/tu-phap",
    "P04/dept/noi-vu",
    "P04/dept/xay-dung",
    "P04/dept/tai-chinh",
    "P04/dept/khoa-hoc-cong-nghe",
)
NGUYEN_BINH, THUC_PHAN = "W01726", "W01273"


@dataclasses.dataclass(frozen=True)
class DemoTask:
    """One task of the demo; days are counted from today (negative: in the past)."""

    title: str
    lead: str
    coordinating: tuple[str, ...]
    due: int
    # What has happened: reports as (days from today, percent), then done on a day or not.
    reports: tuple[tuple[int, int], ...] = ()
    done: int | None = None
    accepted: bool = False
    delegate_to: str = ""  # username of a deputy the head hands the task to


TASKS = [
    DemoTask(
        "Tuyên truyền, giáo dục để từng cán bộ, công chức hiểu rõ và giữ nghiêm kỷ luật, "
        "kỷ cương, đạo đức và văn hóa công vụ",
        HOME, (JUSTICE, NGUYEN_BINH, THUC_PHAN), -60,
        reports=((-95, 40),), done=-64, accepted=True,
    ),
    DemoTask(
        "Tổ chức quán triệt và thực hiện nghiêm Quy chế làm việc của UBND tỉnh và nội quy "
        "của cơ quan; đổi mới cách thức, lề lối làm việc",
        JUSTICE, (HOME,), -30,
        reports=((-50, 50),), done=-21, accepted=True,
    ),
    DemoTask(
        "Cụ thể hóa các nhiệm vụ, giải pháp cải cách hành chính giai đoạn 2021–2030 theo "
        "Nghị quyết 76/NQ-CP vào kế hoạch năm của cơ quan",
        HOME, (JUSTICE, BUILDING), 45,
        reports=((-40, 30), (-12, 60)), delegate_to="phogiamdoc.noivu",
    ),
    DemoTask(
        "Đề ra và thực hiện giải pháp cải thiện Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) "
        "và Chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương (DDCI)",
        JUSTICE, (FINANCE, BUILDING), -10,
        reports=((-35, 40),),
    ),
    DemoTask(
        "Hoàn thiện chính quyền điện tử, từng bước chuyển sang chính quyền số trong hoạt "
        "động của cơ quan",
        HOME, (SCIENCE,), 2,
        reports=((-20, 70),),
    ),
    DemoTask(
        "Nâng tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết bằng dịch vụ công "
        "trực tuyến trên địa bàn xã",
        NGUYEN_BINH, (SCIENCE,), -5,
        reports=((-30, 50), (-8, 70)),
    ),
    DemoTask(
        "Tăng số hồ sơ nộp và trả kết quả trực tuyến tại Trung tâm Phục vụ hành chính công "
        "phường",
        THUC_PHAN, (), -15,
        reports=((-40, 60),), done=-18, accepted=True,
    ),
    DemoTask(
        "Gắn trách nhiệm người đứng đầu với kết quả cải cách hành chính và đưa kết quả đó "
        "vào tiêu chí đánh giá, xếp loại cuối năm",
        HOME, (JUSTICE, NGUYEN_BINH, THUC_PHAN), 90,
    ),
    DemoTask(
        "Đôn đốc cán bộ, công chức hoàn thành đầy đủ, có chất lượng và đúng thời hạn công "
        "việc được giao; xử lý dứt điểm việc tồn đọng",
        JUSTICE, (), -45,
        reports=((-70, 50),), done=-47, accepted=True,
    ),
    DemoTask(
        "Rà soát, đơn giản hóa thủ tục hành chính và công khai quy trình giải quyết tại "
        "bộ phận một cửa của xã",
        NGUYEN_BINH, (JUSTICE,), 20,
        reports=((-10, 30),),
    ),
]  # fmt: skip


def _moment(today: dt.date, days: int, hour: int = 9) -> dt.datetime:
    zone = timezone.get_current_timezone()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0), tzinfo=zone)


def _last_ids(task: Task) -> tuple[int, int]:
    event = TaskEvent.objects.filter(task=task).order_by("-pk").values_list("pk", flat=True)
    report = ProgressReport.objects.filter(task=task).order_by("-pk").values_list("pk", flat=True)
    return (event.first() or 0, report.first() or 0)


def _backdate(task: Task, since: tuple[int, int], at: dt.datetime) -> None:
    """Move the rows the last service call wrote on `task` to `at`."""
    TaskEvent.objects.filter(task=task, pk__gt=since[0]).update(at=at)
    ProgressReport.objects.filter(task=task, pk__gt=since[1]).update(at=at)


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def demo_tasks_seed(*, now: dt.datetime | None = None) -> int:
    """Load the directive and its tasks; return the number of tasks made (0 if already there)."""
    units = {u.seed_key: u for u in Unit.objects.filter(seed_key__isnull=False)}
    province: Unit = units["P04"]
    if DirectingDocument.objects.filter(
        issuer=province, number=NUMBER, issued_on=ISSUED_ON
    ).exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    office = _user("vanphong")
    document = services.document_create(
        actor=office,
        number=NUMBER,
        kind=DocumentKind.DIRECTIVE,
        issuer=province,
        issued_on=ISSUED_ON,
        title=TITLE,
        summary=SUMMARY,
        signer="Chủ tịch UBND tỉnh",
        implements_text=IMPLEMENTS,
        is_public=True,
    )
    made = 0
    for number, spec in enumerate(TASKS, start=1):
        assigned_at = _moment(today, -150 + number, 8)
        task = services.task_assign(
            actor=office,
            document=document,
            number=str(number),
            title=spec.title,
            lead_unit=units[spec.lead],
            coordinating_units=[units[k] for k in spec.coordinating if k in units],
            due_on=today + dt.timedelta(days=spec.due),
        )
        Task.objects.filter(pk=task.pk).update(assigned_at=assigned_at)
        TaskEvent.objects.filter(task=task).update(at=assigned_at)
        made += 1
        if spec.delegate_to:
            since = _last_ids(task)
            head_user = User.objects.get(official__tasks_accountable=task)
            task = services.task_delegate(
                actor=head_user,
                task=task,
                assignee=Official.objects.get(user__username=spec.delegate_to),
            )
            _backdate(task, since, assigned_at + dt.timedelta(days=1))
        worker = task.assignee.user if task.assignee else None
        if worker is None:
            continue
        for days, percent in spec.reports:
            since = _last_ids(task)
            services.task_report_progress(
                actor=worker,
                task=task,
                percent=percent,
                text=f"Đã triển khai, ước đạt {percent}% khối lượng công việc.",
            )
            _backdate(task, since, _moment(today, days, 15))
        if spec.done is None:
            continue
        since = _last_ids(task)
        services.task_report_progress(
            actor=worker,
            task=task,
            percent=100,
            text="Đã hoàn thành nhiệm vụ; gửi kèm báo cáo kết quả.",
            is_completion=True,
        )
        completed_at = _moment(today, spec.done, 16)
        _backdate(task, since, completed_at)
        Task.objects.filter(pk=task.pk).update(completed_at=completed_at)
        if spec.accepted:
            task.refresh_from_db()
            since = _last_ids(task)
            services.task_accept(actor=office, task=task, quality=4)
            accepted_at = completed_at + dt.timedelta(days=2)
            _backdate(task, since, accepted_at)
            Task.objects.filter(pk=task.pk).update(accepted_at=accepted_at)
    made += _monthly_report_seed(document=document, office=office, home=units[HOME], now=now)
    return made


def _monthly_report_seed(
    *, document: DirectingDocument, office: Any, home: Unit, now: dt.datetime
) -> int:
    """Sở Nội vụ's monthly reform report, due by the 20th: reported most months, one missed."""
    today = timezone.localdate(now)
    task = services.task_assign(
        actor=office,
        document=document,
        number=str(len(TASKS) + 1),
        title=MONTHLY_REPORT,
        lead_unit=home,
        schedule=Schedule.RECURRING,
        cycle=Cycle.MONTHLY,
        cycle_day=20,
        cycle_until=dt.date(today.year + 1, 12, 31),
    )
    # The reporting obligation began half a year ago; the sweep adds the months since then.
    start = _moment(today.replace(day=1) - dt.timedelta(days=150), 0, 8)
    Task.objects.filter(pk=task.pk).update(assigned_at=start)
    TaskEvent.objects.filter(task=task).update(at=start)
    services.tasks_sweep(now=now)
    past = list(TaskOccurrence.objects.filter(task=task, due_at__lt=now).order_by("due_on"))
    worker = task.assignee.user if task.assignee else None
    if worker is None:
        return 1
    # The month before last is the one missed.
    missed = past[-2].pk if len(past) >= 2 else None
    for occurrence in past:
        if occurrence.pk == missed:
            continue
        since = _last_ids(task)
        services.task_report_progress(
            actor=worker,
            task=task,
            percent=100,
            text=f"Báo cáo kết quả cải cách hành chính tháng {occurrence.period}.",
            occurrence=occurrence,
        )
        # One month reported two days late, the others a few days before the 20th.
        late = occurrence.pk == past[0].pk
        at = (
            occurrence.due_at + dt.timedelta(days=2)
            if late
            else occurrence.due_at - dt.timedelta(days=3)
        )
        _backdate(task, since, at)
        TaskOccurrence.objects.filter(pk=occurrence.pk, status=OccurrenceStatus.REPORTED).update(
            reported_at=at
        )
    return 1
