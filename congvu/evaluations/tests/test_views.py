"""The evaluation pages: what each reader sees and may do, through forms, with bounded
queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from congvu.evaluations import services
from congvu.evaluations.models import Evaluation, EvaluationStatus, Level, Round
from congvu.evaluations.tests.conftest import add_tasks, person
from congvu.organizations.models import Official, Position, Unit


def ev(round_: Round, official: Official) -> Evaluation:
    return Evaluation.objects.get(round=round_, official=official)


def test_the_official_sees_the_proposal_and_assesses_herself(
    client_for: Any, open_round: Any, people: dict[str, Official], division_a: Unit
) -> None:
    add_tasks(unit=division_a, assignee=people["official_a"], on_time=3, late=1)
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    client = client_for(people["official_a"].user)
    page = client.get(reverse("evaluations:detail", args=[evaluation.pk])).content.decode()
    assert "congvu&#x27;s proposal" in page or "congvu's proposal" in page
    assert "4 obligations counted: 3 on time (0 exceeded), 1 late, 0 overdue." in page
    assert "25.0 % below standard" in page
    assert "Assess myself" in page
    assert "Propose a level" not in page
    url = reverse("evaluations:act", args=[evaluation.pk, "self_assess"])
    bad = client.post(url, {"text": "", "level": Level.GOOD})
    assert bad.status_code == 400
    assert "This field is required" in bad.content.decode()
    response = client.post(url, {"text": "Đã hoàn thành các nhiệm vụ", "level": Level.GOOD})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SELF_ASSESSED
    mine = client.get(reverse("evaluations:mine")).content.decode()
    assert "Self-assessed" in mine


def test_the_head_proposes_and_decides_with_reasons(
    client_for: Any, open_round: Any, people: dict[str, Official], clock: Any
) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    services.evaluation_self_assess(
        actor=people["official_a"].user, evaluation=evaluation, text="x", level=Level.GOOD
    )
    client = client_for(people["head_a"].user)
    queue = client.get(reverse("evaluations:queue")).content.decode()
    assert people["official_a"].full_name in queue
    act = reverse("evaluations:act", args=[evaluation.pk, "propose"])
    refused = client.post(act, {"level": Level.EXCELLENT, "comment": ""})
    assert refused.status_code == 400
    assert "give the reason" in refused.content.decode()
    assert client.post(act, {"level": Level.DONE, "comment": ""}).status_code == 302
    decisions = client.get(reverse("evaluations:decisions")).content.decode()
    assert "HTXSNV cap" in decisions
    assert people["official_a"].full_name in decisions
    page = client.get(reverse("evaluations:detail", args=[evaluation.pk])).content.decode()
    assert "Decide the level" in page
    decide = reverse("evaluations:act", args=[evaluation.pk, "decide"])
    assert client.post(decide, {"level": Level.GOOD, "reason": ""}).status_code == 400
    assert client.post(decide, {"level": Level.GOOD, "reason": "Chăm chỉ"}).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.level, evaluation.decision_reason) == (Level.GOOD, "Chăm chỉ")


def test_others_get_404_and_cannot_act(
    client_for: Any, open_round: Any, people: dict[str, Official], citizen: Any
) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    for user in (people["outsider_b"].user, citizen, people["deputy_a"].user):
        client = client_for(user)
        assert client.get(reverse("evaluations:detail", args=[evaluation.pk])).status_code == 404
        url = reverse("evaluations:act", args=[evaluation.pk, "self_assess"])
        assert client.post(url, {"text": "x", "level": "httnv"}).status_code == 404
        assert client.get(reverse("evaluations:round", args=[round_.pk])).status_code == 404
    head = client_for(people["head_a"].user)
    url = reverse("evaluations:act", args=[evaluation.pk, "self_assess"])
    assert head.post(url, {"text": "x", "level": "httnv"}).status_code == 403
    assert head.get(reverse("evaluations:rounds")).status_code == 403


def test_mine_queue_and_decisions_cost_a_fixed_number_of_queries(
    client_for: Any,
    open_round: Any,
    people: dict[str, Official],
    division_a: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(12):
        person(f"staff{n}", f"Chuyên viên {n}", division_a, Position.Kind.SPECIALIST, [])
    open_round()
    client = client_for(people["head_a"].user)
    for name in ("evaluations:mine", "evaluations:queue", "evaluations:decisions"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200


def test_round_overview_chart_and_export(
    client_for: Any,
    open_round: Any,
    people: dict[str, Official],
    appraiser: Any,
    clock: Any,
    django_assert_max_num_queries: Any,
) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    head = people["head_a"].user
    clock.move_to(round_.self_assessment_due_at + dt.timedelta(hours=1))
    services.evaluation_propose(actor=head, evaluation=evaluation, level=evaluation.system_level)
    services.evaluation_decide(actor=head, evaluation=evaluation, level=evaluation.system_level)
    client = client_for(appraiser)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("evaluations:round", args=[round_.pk]))
    text = page.content.decode()
    assert "<svg" in text
    assert "Self-assessment late" in text
    assert people["official_a"].full_name in text
    csv = client.get(reverse("evaluations:round_export", args=[round_.pk, "csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("So_dinh_danh,Ho_va_ten,Ngay_sinh,Ma_co_quan")
    assert people["official_a"].full_name in body
    xlsx = client.get(reverse("evaluations:round_export", args=[round_.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert (
        client.get(reverse("evaluations:round_export", args=[round_.pk, "pdf"])).status_code == 404
    )


def test_overseers_open_and_close_rounds_from_the_pages(
    client_for: Any, people: dict[str, Official], appraiser: Any, dept_b: Unit
) -> None:
    client = client_for(appraiser)
    assert client.get(reverse("evaluations:round_new")).status_code == 200
    response = client.post(
        reverse("evaluations:round_new"),
        {"year": "2026", "scope": dept_b.pk, "cadence": "none", "excellent_quota_percent": "20"},
    )
    assert response.status_code == 302
    round_ = Round.objects.get(scope=dept_b)
    again = client.post(
        reverse("evaluations:round_new"),
        {"year": "2026", "scope": dept_b.pk, "cadence": "none", "excellent_quota_percent": "20"},
    )
    assert again.status_code == 400
    assert "already open" in again.content.decode()
    close = client.post(reverse("evaluations:round_act", args=[round_.pk, "close"]), follow=True)
    assert "not decided yet" in close.content.decode()
    refresh = client.post(reverse("evaluations:round_act", args=[round_.pk, "refresh"]))
    assert refresh.status_code == 302
    assert client.get(reverse("evaluations:rounds")).status_code == 200
