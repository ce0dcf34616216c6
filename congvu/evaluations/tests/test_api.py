"""The evaluations API: scoped lists, the steps, errors in the one JSON shape, the results."""

from __future__ import annotations

from typing import Any

from congvu.evaluations.models import Evaluation, Level, Round
from congvu.organizations.models import Official, Unit


def ev(round_: Round, official: Official) -> Evaluation:
    return Evaluation.objects.get(round=round_, official=official)


def test_lists_are_scoped(
    api_client_for: Any,
    open_round: Any,
    people: dict[str, Official],
    appraiser: Any,
    citizen: Any,
    django_assert_max_num_queries: Any,
) -> None:
    round_ = open_round()
    mine = api_client_for(people["official_a"].user).get("/api/v1/evaluations/").json()
    assert [row["official"]["full_name"] for row in mine["results"]] == [
        people["official_a"].full_name
    ]
    head = api_client_for(people["head_a"].user)
    with django_assert_max_num_queries(10):
        decide = head.get("/api/v1/evaluations/?role=decide").json()
    assert decide["count"] == 3
    assert head.get("/api/v1/evaluations/?role=mine").json()["count"] == 1
    assert api_client_for(citizen).get("/api/v1/evaluations/").json()["count"] == 0
    everything = api_client_for(appraiser)
    with django_assert_max_num_queries(10):
        assert everything.get(f"/api/v1/evaluations/?round={round_.pk}").json()["count"] >= 5
    bad = everything.get("/api/v1/evaluations/?round=x")
    assert bad.status_code == 400
    assert set(bad.json()) == {"detail", "errors"}


def test_steps_through_the_api(
    api_client_for: Any, open_round: Any, people: dict[str, Official], dept_a: Unit
) -> None:
    round_ = open_round()
    evaluation = ev(round_, people["official_a"])
    official = api_client_for(people["official_a"].user)
    url = f"/api/v1/evaluations/{evaluation.pk}/"
    detail = official.get(url).json()
    assert detail["actions"] == ["self_assess"]
    assert detail["proposal"]["reasons"][0]["text"]
    missing = official.post(f"{url}actions/", {"action": "self_assess"}, format="json")
    assert missing.status_code == 400
    assert "level" in missing.json()["errors"]
    done = official.post(
        f"{url}actions/",
        {"action": "self_assess", "level": Level.GOOD, "text": "Hoàn thành"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "self_assessed"
    head = api_client_for(people["head_a"].user)
    refused = head.post(
        f"{url}actions/",
        {"action": "propose", "level": Level.EXCELLENT},
        format="json",
    )
    assert refused.status_code == 400
    assert "comment" in refused.json()["errors"]
    proposed = head.post(
        f"{url}actions/",
        {"action": "propose", "level": detail["proposal"]["level"]},
        format="json",
    )
    assert proposed.status_code == 200
    again = official.post(
        f"{url}actions/",
        {"action": "self_assess", "level": Level.GOOD, "text": "x"},
        format="json",
    )
    assert again.status_code == 409
    outsider = api_client_for(people["outsider_b"].user)
    assert outsider.get(url).status_code == 404


def test_rounds_results_and_quotas(
    api_client_for: Any,
    open_round: Any,
    people: dict[str, Official],
    appraiser: Any,
    dept_b: Unit,
) -> None:
    round_ = open_round()
    client = api_client_for(appraiser)
    detail = client.get(f"/api/v1/evaluation-rounds/{round_.pk}/").json()
    assert detail["overview"]["total"] >= 5
    assert client.get(f"/api/v1/evaluation-rounds/{round_.pk}/results/").json() == []
    csv = client.get(f"/api/v1/evaluation-rounds/{round_.pk}/results/?file=csv")
    assert csv["Content-Type"].startswith("text/csv")
    quotas = api_client_for(people["head_a"].user).get(
        f"/api/v1/evaluation-rounds/{round_.pk}/quotas/"
    )
    assert [q["decider"]["full_name"] for q in quotas.json()] == [people["head_a"].full_name]
    opened = client.post(
        "/api/v1/evaluation-rounds/", {"year": 2027, "scope": dept_b.pk}, format="json"
    )
    assert opened.status_code == 201
    refused = api_client_for(people["head_a"].user).post(
        "/api/v1/evaluation-rounds/", {"year": 2028, "scope": dept_b.pk}, format="json"
    )
    assert refused.status_code == 403
    close = client.post(
        f"/api/v1/evaluation-rounds/{round_.pk}/actions/", {"action": "close"}, format="json"
    )
    assert close.status_code == 409
