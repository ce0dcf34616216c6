"""The evaluation services: who evaluates whom, the three steps, the limits of the rules and
the cap on HTXSNV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congvu.core.models import AuditLog
from congvu.evaluations import selectors, services
from congvu.evaluations.models import Cadence, Evaluation, EvaluationStatus, Level, Round
from congvu.evaluations.tests.conftest import NOW, add_tasks, person
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.tests.factories import DelegationFactory

AFTER_SELF_DUE = NOW + dt.timedelta(days=14)


def ev(round_: Round, official: Official) -> Evaluation:
    return Evaluation.objects.select_related("round").get(round=round_, official=official)


def decide_path(
    evaluation: Evaluation, *, evaluator: Any, decider: Any, level: str, reason: str = "ok"
) -> Evaluation:
    services.evaluation_self_assess(
        actor=evaluation.official.user, evaluation=evaluation, text="Tự đánh giá", level=level
    )
    services.evaluation_propose(actor=evaluator, evaluation=evaluation, level=level, comment=reason)
    return services.evaluation_decide(
        actor=decider, evaluation=evaluation, level=level, reason=reason
    )


# Opening -------------------------------------------------------------------------------------


def test_round_resolves_evaluator_and_competent_head(
    open_round: Any, people: dict[str, Official], dept_a: Unit, division_a: Unit
) -> None:
    round_ = open_round()
    head = ev(round_, people["head_a"])
    assert head.group == Evaluation.Group.HEAD
    assert head.evaluator == head.decider == people["chairman"]
    for name in ("deputy_a", "official_a", "division_head"):
        evaluation = ev(round_, people[name])
        assert evaluation.evaluator == evaluation.decider == people["head_a"], name
        assert evaluation.agency == dept_a
    assert ev(round_, people["division_head"]).group == Evaluation.Group.HEAD
    assert ev(round_, people["deputy_a"]).group == Evaluation.Group.DEPUTY
    assert ev(round_, people["official_a"]).unit == division_a
    # The chairman of the province is evaluated by the Government, not in congvu.
    assert not Evaluation.objects.filter(round=round_, official=people["chairman"]).exists()
    # Department B has no head: its specialist waits for an evaluator.
    assert ev(round_, people["outsider_b"]).evaluator is None
    assert ev(round_, people["official_a"]).system_level
    assert AuditLog.objects.filter(action="evaluation_round_open").count() == 1
    # Deadlines on the working-day clock: 5 and 15 working days from Tuesday 1/12/2026.
    assert round_.self_assessment_due_at.date() == dt.date(2026, 12, 8)
    assert round_.decision_due_at.date() == dt.date(2026, 12, 22)


def test_a_delegation_for_evaluation_makes_the_deputy_the_evaluator(
    people: dict[str, Official], appraiser: Any, dept_a: Unit
) -> None:
    DelegationFactory.create(
        unit=dept_a,
        delegator=people["head_a"],
        delegate=people["deputy_a"],
        scope=Delegation.Scope.EVALUATION,
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=60),
    )
    round_ = services.round_open(actor=appraiser, year=2026, scope=dept_a)
    staff = ev(round_, people["official_a"])
    assert staff.evaluator == people["deputy_a"]
    assert staff.decider == people["head_a"]
    # The deputy does not evaluate themself.
    assert ev(round_, people["deputy_a"]).evaluator == people["head_a"]


def test_only_overseers_or_the_agency_head_open_a_round(
    people: dict[str, Official], dept_a: Unit, dept_b: Unit
) -> None:
    with pytest.raises(PermissionDenied):
        services.round_open(actor=people["official_a"].user, year=2026, scope=dept_a)
    with pytest.raises(PermissionDenied):
        services.round_open(actor=people["head_a"].user, year=2026, scope=dept_b)
    round_ = services.round_open(actor=people["head_a"].user, year=2026, scope=dept_a)
    assert round_.evaluations.count() == 4
    with pytest.raises(ValidationError):
        services.round_open(actor=people["head_a"].user, year=2026, scope=dept_a)


def test_months_worked_come_from_the_positions(
    open_round: Any, org_tree: dict[str, Unit], people: dict[str, Official]
) -> None:
    newcomer = person(
        "newcomer", "Lâm Thị Nhung", org_tree["division_a"], Position.Kind.SPECIALIST, []
    )
    Position.objects.filter(official=newcomer).update(valid_from=dt.date(2026, 8, 1))
    round_ = open_round()
    evaluation = ev(round_, newcomer)
    assert Decimal(4) < evaluation.months_worked < Decimal(6)
    assert evaluation.system_level == Level.NOT_CLASSIFIED
    assert ev(round_, people["official_a"]).months_worked == Decimal(12)


# The three steps -----------------------------------------------------------------------------


def test_self_assessment_proposal_and_decision(
    open_round: Any, people: dict[str, Official], division_a: Unit, clock: Any
) -> None:
    add_tasks(unit=division_a, assignee=people["official_a"], on_time=4)
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    assert evaluation.system_level == Level.GOOD
    head = people["head_a"].user
    services.evaluation_self_assess(
        actor=people["official_a"].user,
        evaluation=evaluation,
        text="Hoàn thành đúng hạn mọi nhiệm vụ",
        level=Level.EXCELLENT,
    )
    # Another level than congvu's needs the evaluator's reason.
    with pytest.raises(ValidationError, match="give the reason"):
        services.evaluation_propose(actor=head, evaluation=evaluation, level=Level.DONE)
    services.evaluation_propose(actor=head, evaluation=evaluation, level=Level.GOOD)
    # The head's decision differing from the proposal needs a reason, and keeps it.
    with pytest.raises(ValidationError, match="reason"):
        services.evaluation_decide(actor=head, evaluation=evaluation, level=Level.DONE)
    decided = services.evaluation_decide(
        actor=head, evaluation=evaluation, level=Level.DONE, reason="Chất lượng chưa cao"
    )
    assert decided.status == EvaluationStatus.DECIDED
    assert decided.level == Level.DONE
    assert decided.decision_reason == "Chất lượng chưa cao"
    assert decided.system_level == Level.GOOD
    assert [s.action for s in decided.steps.order_by("pk")] == [
        "open",
        "self_assess",
        "propose",
        "decide",
    ]
    assert AuditLog.objects.filter(action__startswith="evaluation_").count() == 4
    assert people["official_a"].user.notifications.filter(title__contains="decided").exists()


def test_who_may_take_which_step(open_round: Any, people: dict[str, Official], clock: Any) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    with pytest.raises(PermissionDenied):
        services.evaluation_self_assess(
            actor=people["head_a"].user, evaluation=evaluation, text="x", level=Level.GOOD
        )
    with pytest.raises(services.EvaluationActionError, match="until"):
        services.evaluation_propose(
            actor=people["head_a"].user, evaluation=evaluation, level=evaluation.system_level
        )
    with pytest.raises(services.EvaluationActionError):
        services.evaluation_decide(
            actor=people["head_a"].user, evaluation=evaluation, level=Level.GOOD
        )
    clock.move_to(AFTER_SELF_DUE)
    with pytest.raises(PermissionDenied):
        services.evaluation_propose(
            actor=people["outsider_b"].user, evaluation=evaluation, level=Level.DONE
        )
    # Past the self-assessment deadline the evaluator proposes without one.
    proposed = services.evaluation_propose(
        actor=people["head_a"].user, evaluation=evaluation, level=evaluation.system_level
    )
    assert proposed.status == EvaluationStatus.PROPOSED
    with pytest.raises(services.EvaluationActionError):
        services.evaluation_self_assess(
            actor=people["official_a"].user, evaluation=evaluation, text="x", level=Level.GOOD
        )


# The rules bind the people -------------------------------------------------------------------


def test_head_whose_unit_met_under_half_of_targets_is_proposed_khtnv(
    open_round: Any, people: dict[str, Official], dept_a: Unit
) -> None:
    add_tasks(unit=dept_a, on_time=4, late=2, overdue=4)
    round_ = open_round()
    head = ev(round_, people["head_a"])
    assert head.system_level == Level.FAILED
    assert any(r["key"] == "head_failed" for r in head.system_reasons)


def test_head_cannot_be_htxsnv_when_a_subordinate_unit_is_below_htnv(
    open_round: Any, people: dict[str, Official], dept_a: Unit, clock: Any
) -> None:
    add_tasks(unit=dept_a, early=10)
    round_ = open_round()
    head = ev(round_, people["head_a"])
    assert head.system_level == Level.EXCELLENT
    # The division's head is decided KHTNV.
    division = ev(round_, people["division_head"])
    services.evaluation_facts_set(
        actor=people["head_a"].user,
        evaluation=division,
        months_worked=Decimal(12),
        months_absent=Decimal(0),
        disciplined=True,
        discipline_note="Khiển trách, Quyết định 12/QĐ-STP",
    )
    decide_path(
        division,
        evaluator=people["head_a"].user,
        decider=people["head_a"].user,
        level=Level.FAILED,
    )
    services.round_refresh(actor=None, round=round_)
    head.refresh_from_db()
    assert head.system_level == Level.DONE
    assert any(r["key"] == "subordinate_failed" for r in head.system_reasons)
    services.evaluation_self_assess(
        actor=people["head_a"].user, evaluation=head, text="x", level=Level.EXCELLENT
    )
    with pytest.raises(ValidationError, match="at most"):
        services.evaluation_propose(
            actor=people["chairman"].user, evaluation=head, level=Level.EXCELLENT, comment="x"
        )


def test_the_cap_blocks_one_htxsnv_too_many(
    people: dict[str, Official], appraiser: Any, dept_a: Unit, division_a: Unit
) -> None:
    staff = [
        person(f"staff{n}", f"Chuyên viên {n}", division_a, Position.Kind.SPECIALIST, [])
        for n in range(4)
    ]
    for official in [*staff, people["official_a"]]:
        add_tasks(unit=division_a, assignee=official, early=2)
    round_ = services.round_open(actor=appraiser, year=2026, scope=dept_a)
    head = people["head_a"].user
    quota = selectors.quota_get(round=round_, decider=people["head_a"])
    # Five staff and the division's head (its ten tasks all early) are proposed HTXSNV; the
    # deputy HTNV for want of data: 20 % of 6 is one.
    assert (quota.good_or_better, quota.limit, quota.excellent) == (6, 1, 0)
    first, second = (ev(round_, o) for o in staff[:2])
    decide_path(first, evaluator=head, decider=head, level=Level.EXCELLENT)
    services.evaluation_self_assess(
        actor=second.official.user, evaluation=second, text="x", level=Level.EXCELLENT
    )
    services.evaluation_propose(actor=head, evaluation=second, level=Level.EXCELLENT)
    with pytest.raises(ValidationError, match="cap on HTXSNV"):
        services.evaluation_decide(actor=head, evaluation=second, level=Level.EXCELLENT)
    second.refresh_from_db()
    assert second.status == EvaluationStatus.PROPOSED
    services.evaluation_decide(actor=head, evaluation=second, level=Level.GOOD, reason="Hạn mức")
    quota = selectors.quota_get(round=round_, decider=people["head_a"])
    assert (quota.excellent, quota.remaining) == (1, 0)


def test_the_cap_is_the_rounds_setting(
    people: dict[str, Official], appraiser: Any, dept_a: Unit, division_a: Unit
) -> None:
    staff = [
        person(f"staff{n}", f"Chuyên viên {n}", division_a, Position.Kind.SPECIALIST, [])
        for n in range(3)
    ]
    for official in [*staff, people["official_a"]]:
        add_tasks(unit=division_a, assignee=official, early=2)
    round_ = services.round_open(
        actor=appraiser, year=2026, scope=dept_a, excellent_quota_percent=50
    )
    quota = selectors.quota_get(round=round_, decider=people["head_a"])
    assert quota.limit == 2


def test_under_six_months_is_not_classified(open_round: Any, people: dict[str, Official]) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    head = people["head_a"].user
    services.evaluation_facts_set(
        actor=head,
        evaluation=evaluation,
        months_worked=Decimal(12),
        months_absent=Decimal("6.5"),
        disciplined=False,
    )
    evaluation.refresh_from_db()
    assert evaluation.system_level == Level.NOT_CLASSIFIED
    services.evaluation_self_assess(
        actor=evaluation.official.user, evaluation=evaluation, text="x", level=Level.GOOD
    )
    with pytest.raises(ValidationError, match="not classified"):
        services.evaluation_propose(actor=head, evaluation=evaluation, level=Level.GOOD)
    services.evaluation_propose(actor=head, evaluation=evaluation, level=Level.NOT_CLASSIFIED)
    done = services.evaluation_decide(actor=head, evaluation=evaluation, level=Level.NOT_CLASSIFIED)
    assert done.level == Level.NOT_CLASSIFIED


def test_absence_caps_and_discipline_forces(
    open_round: Any, people: dict[str, Official], division_a: Unit
) -> None:
    add_tasks(unit=division_a, assignee=people["official_a"], early=4)
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    assert evaluation.system_level == Level.EXCELLENT
    head = people["head_a"].user
    services.evaluation_facts_set(
        actor=head,
        evaluation=evaluation,
        months_worked=Decimal(12),
        months_absent=Decimal(4),
        disciplined=False,
    )
    evaluation.refresh_from_db()
    assert evaluation.system_level == Level.DONE
    with pytest.raises(ValidationError, match="Name the disciplinary"):
        services.evaluation_facts_set(
            actor=head,
            evaluation=evaluation,
            months_worked=Decimal(12),
            months_absent=Decimal(0),
            disciplined=True,
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_facts_set(
            actor=people["official_a"].user,
            evaluation=evaluation,
            months_worked=Decimal(12),
            months_absent=Decimal(0),
            disciplined=False,
        )
    services.evaluation_facts_set(
        actor=head,
        evaluation=evaluation,
        months_worked=Decimal(12),
        months_absent=Decimal(0),
        disciplined=True,
        discipline_note="Cảnh cáo",
    )
    evaluation.refresh_from_db()
    assert evaluation.system_level == Level.FAILED
    services.evaluation_self_assess(
        actor=evaluation.official.user, evaluation=evaluation, text="x", level=Level.GOOD
    )
    with pytest.raises(ValidationError, match="disciplined"):
        services.evaluation_propose(
            actor=head, evaluation=evaluation, level=Level.DONE, comment="x"
        )


# Continuous scores, closing --------------------------------------------------------------------


def test_period_scores_are_kept_and_read_into_the_reasons(
    people: dict[str, Official], appraiser: Any, dept_a: Unit
) -> None:
    round_ = services.round_open(
        actor=appraiser, year=2026, scope=dept_a, cadence=Cadence.QUARTERLY
    )
    evaluation = ev(round_, people["official_a"])
    head = people["head_a"].user
    with pytest.raises(ValidationError, match="2026-Q1"):
        services.period_score_record(
            actor=head, evaluation=evaluation, period="2026-03", score=Decimal(80)
        )
    for period, score in (("2026-Q1", 80), ("2026-Q2", 90), ("2026-Q2", 100)):
        services.period_score_record(
            actor=head, evaluation=evaluation, period=period, score=Decimal(score)
        )
    assert evaluation.period_scores.count() == 2
    evaluation.refresh_from_db()
    year = next(r for r in evaluation.system_reasons if r["key"] == "year_score")
    assert year["values"]["score"] == 90.0
    with pytest.raises(PermissionDenied):
        services.period_score_record(
            actor=people["official_a"].user,
            evaluation=evaluation,
            period="2026-Q3",
            score=Decimal(100),
        )


def test_a_round_closes_once_everything_is_decided(
    people: dict[str, Official], appraiser: Any, commune: Unit, clock: Any
) -> None:
    chairman_xa = person(
        "chairman_xa", "Nông Văn Tài", commune, Position.Kind.HEAD, [], "Chủ tịch UBND xã"
    )
    round_ = services.round_open(actor=appraiser, year=2026, scope=commune)
    with pytest.raises(services.EvaluationActionError, match="1 evaluations"):
        services.round_close(actor=appraiser, round=round_)
    evaluation = ev(round_, chairman_xa)
    assert evaluation.evaluator == people["chairman"]
    decide_path(
        evaluation,
        evaluator=people["chairman"].user,
        decider=people["chairman"].user,
        level=evaluation.system_level,
    )
    with pytest.raises(PermissionDenied):
        services.round_close(actor=people["head_a"].user, round=round_)
    closed = services.round_close(actor=appraiser, round=round_)
    assert closed.status == Round.Status.CLOSED
    final = ev(round_, chairman_xa)
    assert selectors.evaluation_actions(evaluation=final, user=people["chairman"].user) == []
