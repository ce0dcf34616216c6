"""Tasks from assignment to acceptance, with the head who stays accountable (Chỉ thị
15/CT-UBND), extensions that keep the original deadline, and who sees what.

The fixtures here are the directives' cast; test_sweep and test_api import them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congvu.core.models import AuditLog
from congvu.directives import selectors, services
from congvu.directives.models import DocumentKind, Schedule, Task, TaskEvent, TaskStatus
from congvu.organizations.models import Delegation, Official, Unit
from congvu.organizations.tests.factories import (
    DelegationFactory,
    OfficialFactory,
    PositionFactory,
)

VN = dt.timezone(dt.timedelta(hours=7))
# Monday 2 March 2026, a plain working week with no holiday before the end of April.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
DUE = dt.date(2026, 3, 13)  # a Friday


def at(day: int, month: int = 3, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def delegation(head_a: Official, deputy_a: Official, clock: Any) -> Delegation:
    """Head A has handed the unit's tasks to deputy A for the quarter."""
    return DelegationFactory.create(
        unit=head_a.unit,
        delegator=head_a,
        delegate=deputy_a,
        scope=Delegation.Scope.TASKS,
        valid_from=at(1, 3, 0),
        valid_until=at(1, 6, 0),
    )


@pytest.fixture
def document(provincial_office_user: Any, org_tree: dict[str, Unit], clock: Any) -> Any:
    return services.document_create(
        actor=provincial_office_user,
        number="15/CT-UBND",
        kind=DocumentKind.DIRECTIVE,
        issuer=org_tree["province"],
        issued_on=dt.date(2026, 2, 20),
        title="Về tăng cường kỷ luật, kỷ cương hành chính",
    )


@pytest.fixture
def delegated_task(
    provincial_office_user: Any, dept_a: Unit, delegation: Delegation, document: Any
) -> Task:
    return services.task_assign(
        actor=provincial_office_user,
        lead_unit=dept_a,
        title="Rà soát quy chế làm việc",
        document=document,
        due_on=DUE,
    )


def assign(actor: Any, unit: Unit, **kwargs: Any) -> Task:
    kwargs.setdefault("title", "Nhiệm vụ")
    kwargs.setdefault("due_on", DUE)
    return services.task_assign(actor=actor, lead_unit=unit, **kwargs)


# Assignment --------------------------------------------------------------------------------


def test_assign_gives_the_work_to_the_deputy_acting_and_keeps_the_head_accountable(
    delegated_task: Task, head_a: Official, deputy_a: Official
):
    assert delegated_task.accountable_head == head_a
    assert delegated_task.assignee == deputy_a
    assert delegated_task.original_due_on == DUE
    assert delegated_task.due_at == dt.datetime(2026, 3, 13, 17, 30, tzinfo=VN)
    assert list(TaskEvent.objects.filter(task=delegated_task).values_list("action", flat=True)) == [
        "assign"
    ]
    assert (
        AuditLog.objects.filter(action="task_assign", object_id=str(delegated_task.pk)).count() == 1
    )


def test_assign_due_on_a_day_off_moves_to_the_end_of_the_next_working_day(
    provincial_office_user: Any, dept_a: Unit, head_a: Official, clock: Any
):
    task = assign(provincial_office_user, dept_a, due_on=dt.date(2026, 3, 7))  # a Saturday
    assert task.due_at == dt.datetime(2026, 3, 9, 17, 30, tzinfo=VN)
    assert task.assignee == head_a


def test_assign_to_a_unit_without_head_is_refused(
    provincial_office_user: Any, dept_b: Unit, clock: Any
):
    with pytest.raises(ValidationError):
        assign(provincial_office_user, dept_b)


def test_assign_by_a_specialist_is_refused(official_a: Official, dept_a: Unit, head_a: Official):
    with pytest.raises(PermissionDenied):
        assign(official_a.user, dept_a)


# Delegation and work -----------------------------------------------------------------------


def test_delegate_only_by_the_head_or_the_acting_official_and_the_head_never_changes(
    delegated_task: Task, head_a: Official, deputy_a: Official, official_a: Official
):
    with pytest.raises(PermissionDenied):
        services.task_delegate(actor=official_a.user, task=delegated_task, assignee=official_a)
    task = services.task_delegate(actor=deputy_a.user, task=delegated_task, assignee=official_a)
    assert task.assignee == official_a
    assert task.accountable_head == head_a
    task = services.task_delegate(actor=head_a.user, task=task, assignee=deputy_a)
    assert task.assignee == deputy_a
    assert task.accountable_head == head_a


def test_deputy_reports_completion_and_the_assigner_accepts(
    delegated_task: Task, deputy_a: Official, provincial_office_user: Any, outsider_b: Official
):
    services.task_acknowledge(actor=deputy_a.user, task=delegated_task)
    services.task_report_progress(
        actor=deputy_a.user, task=delegated_task, percent=40, text="Đang làm"
    )
    with pytest.raises(services.TaskActionError):
        services.task_accept(actor=provincial_office_user, task=delegated_task, quality=4)
    with pytest.raises(PermissionDenied):
        services.task_report_progress(
            actor=outsider_b.user, task=delegated_task, percent=50, text="x"
        )
    services.task_report_progress(
        actor=deputy_a.user, task=delegated_task, percent=90, text="Xong", is_completion=True
    )
    delegated_task.refresh_from_db()
    assert delegated_task.status == TaskStatus.REPORTED
    assert delegated_task.progress == 100
    assert selectors.task_timeliness(delegated_task) == "done_on_time"
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=deputy_a.user, task=delegated_task, quality=5)
    with pytest.raises(ValidationError):
        services.task_accept(actor=provincial_office_user, task=delegated_task, quality=6)
    task = services.task_accept(actor=provincial_office_user, task=delegated_task, quality=4)
    assert (task.status, task.quality) == (TaskStatus.ACCEPTED, 4)
    assert task.accepted_at is not None
    actions = list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))
    assert actions == ["assign", "acknowledge", "report", "report_completion", "accept"]


def test_send_back_reopens_the_task(
    delegated_task: Task, deputy_a: Official, provincial_office_user: Any
):
    services.task_report_progress(
        actor=deputy_a.user, task=delegated_task, percent=100, text="Xong", is_completion=True
    )
    task = services.task_send_back(
        actor=provincial_office_user, task=delegated_task, note="Thiếu số liệu"
    )
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.completed_at is None
    with pytest.raises(services.TaskActionError):
        services.task_send_back(actor=provincial_office_user, task=task, note="again")


def test_progress_rolls_up_to_the_parent_by_weight(
    provincial_office_user: Any, dept_a: Unit, head_a: Official
):
    parent = assign(provincial_office_user, dept_a, title="Kế hoạch")
    first = assign(provincial_office_user, dept_a, parent=parent, weight=1)
    second = assign(provincial_office_user, dept_a, parent=parent, weight=3)
    services.task_report_progress(actor=head_a.user, task=first, percent=100, text="x")
    services.task_report_progress(actor=head_a.user, task=second, percent=20, text="x")
    parent.refresh_from_db()
    assert parent.progress == round((1 * 100 + 3 * 20) / 4)


def test_cancel_only_by_the_assigner_and_only_once(
    delegated_task: Task, deputy_a: Official, provincial_office_user: Any
):
    with pytest.raises(PermissionDenied):
        services.task_cancel(actor=deputy_a.user, task=delegated_task, reason="x")
    task = services.task_cancel(
        actor=provincial_office_user, task=delegated_task, reason="Không còn cần"
    )
    assert task.status == TaskStatus.CANCELLED
    with pytest.raises(services.TaskActionError):
        services.task_cancel(actor=provincial_office_user, task=task, reason="again")


# Extensions --------------------------------------------------------------------------------


def test_extension_keeps_the_original_deadline_and_the_scorecard_counts_it(
    delegated_task: Task, deputy_a: Official, head_a: Official, provincial_office_user: Any
):
    request = services.task_request_extension(
        actor=deputy_a.user,
        task=delegated_task,
        proposed_due_on=dt.date(2026, 3, 27),
        reason="Chờ ý kiến các sở",
    )
    with pytest.raises(services.TaskActionError):
        services.task_request_extension(
            actor=deputy_a.user,
            task=delegated_task,
            proposed_due_on=dt.date(2026, 3, 30),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.task_decide_extension(actor=head_a.user, request=request, approve=True)
    services.task_decide_extension(actor=provincial_office_user, request=request, approve=True)
    task = Task.objects.get(pk=delegated_task.pk)
    assert task.due_on == dt.date(2026, 3, 27)
    assert task.original_due_on == DUE
    assert task.extension_count == 1
    assert task.due_at == dt.datetime(2026, 3, 27, 17, 30, tzinfo=VN)
    assert TaskEvent.objects.filter(task=task, action="extend").exists()
    with time_machine.travel(at(20, 3, 10), tick=False):
        services.task_report_progress(
            actor=deputy_a.user, task=task, percent=100, text="Xong", is_completion=True
        )
        task.refresh_from_db()
        assert selectors.task_timeliness(task) == "done_on_time"
        card = selectors.unit_scorecard(
            unit=head_a.unit, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
        )
    assert card["assigned"] == 1
    assert card["done_on_time"] == 1
    assert card["extensions"] == 1
    assert card["late_against_original"] == 1


# Reads -------------------------------------------------------------------------------------


def test_a_unit_sees_its_own_and_coordinated_tasks_the_office_all_an_outsider_none(
    provincial_office_user: Any,
    dept_a: Unit,
    dept_b: Unit,
    division_a: Unit,
    head_a: Official,
    official_a: Official,
    outsider_b: Official,
    citizen: Any,
    clock: Any,
):
    own = assign(provincial_office_user, dept_a, title="Của sở A")
    head_b = OfficialFactory.create(full_name="Head B", unit=dept_b)
    PositionFactory.create(
        official=head_b, unit=dept_b, kind="head", valid_from=dt.date(2025, 1, 1)
    )
    coordinated = assign(
        provincial_office_user, dept_b, title="Sở B chủ trì", coordinating_units=[division_a]
    )
    alone = assign(provincial_office_user, dept_b, title="Riêng sở B")

    def seen(user: Any) -> set[int]:
        return set(Task.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(head_a.user) == {own.pk, coordinated.pk}
    assert seen(official_a.user) == {own.pk, coordinated.pk}
    assert seen(outsider_b.user) == {coordinated.pk, alone.pk}
    assert seen(provincial_office_user) == {own.pk, coordinated.pk, alone.pk}
    assert seen(citizen) == set()


def test_head_desk_counts_the_delegated_task_and_the_deputy_sees_for_whom(
    delegated_task: Task, head_a: Official, deputy_a: Official
):
    desk = selectors.head_desk(official=head_a, now=at(16, 3, 18))
    assert [t.pk for t in desk.tasks] == [delegated_task.pk]
    assert desk.counts["overdue"] == 1
    deputy = selectors.head_desk(official=deputy_a, now=at(16, 3, 18))
    assert deputy.tasks == []
    assert [(t.pk, t.accountable_head) for t in deputy.acting_for] == [(delegated_task.pk, head_a)]
    card = selectors.unit_scorecard(
        unit=head_a.unit, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), now=at(16, 3, 18)
    )
    assert (card["assigned"], card["overdue"], card["unit"]) == (1, 1, head_a.unit)


def test_timeliness_of_a_task_through_its_life(delegated_task: Task):
    assert selectors.task_timeliness(delegated_task, at(2)) == "on_time"
    assert selectors.task_timeliness(delegated_task, at(11)) == "due_soon"
    assert selectors.task_timeliness(delegated_task, at(13, 3, 17, 31)) == "overdue"
    delegated_task.status = TaskStatus.REPORTED
    delegated_task.completed_at = at(16)
    assert selectors.task_timeliness(delegated_task, at(17)) == "done_late"


@pytest.mark.parametrize("count", [5, 50])
def test_board_query_count_does_not_grow_with_the_tasks(
    count: int, provincial_office_user: Any, dept_a: Unit, head_a: Official, document: Any
):
    for i in range(count):
        task = assign(provincial_office_user, dept_a, title=f"T{i}", document=document)
        if i % 3 == 0:
            services.task_report_progress(
                actor=head_a.user, task=task, percent=100, text="x", is_completion=True
            )
    with CaptureQueriesContext(connection) as queries:
        result = selectors.board(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), now=at(16))
        [(t.accountable_head.full_name, t.assignee) for t in result.overdue]  # type: ignore[union-attr]
    assert len(queries) == 4
    done = len(range(0, count, 3))
    assert result.totals["assigned"] == count
    assert result.totals["done_on_time"] == done
    assert result.totals["overdue"] == count - done
    assert result.by_document[0]["document__number"] == "15/CT-UBND"
    assert result.by_unit[0]["assigned"] == count
    assert len(result.overdue) == count - done


def test_document_create_folds_the_search_text(document: Any, official_a: Official, org_tree: Any):
    assert "ky luat" in document.search_text
    with pytest.raises(PermissionDenied):
        services.document_create(
            actor=official_a.user,
            number="1/KH",
            kind=DocumentKind.PLAN,
            issuer=org_tree["province"],
            issued_on=dt.date(2026, 1, 1),
            title="x",
        )
    changed = services.document_update(
        actor=document.created_by, document=document, summary="Cải cách hành chính"
    )
    assert "cai cach" in changed.search_text


def test_recurring_task_without_cycle_is_refused(
    provincial_office_user: Any, dept_a: Unit, head_a: Official, clock: Any
):
    with pytest.raises(ValidationError):
        assign(provincial_office_user, dept_a, schedule=Schedule.RECURRING, due_on=None)
