"""Who may have the evaluation pages and API (see tests/matrix.py).

A round of Department A is opened by the appraiser: the specialist of A is evaluated, the
Director of A proposes and decides. An official sees their own evaluation, the Director those
he evaluates, the Department of Home Affairs, the provincial office and administrators all;
anyone else nothing (404). Rounds, their overview and export are for the overseers only.
"""

from __future__ import annotations

from django.urls import reverse

from congvu.evaluations import services
from congvu.evaluations.models import Evaluation, Level
from congvu.organizations.selectors import official_of
from tests.matrix import SIGNED_IN, Case, Cast

OVERSEERS = frozenset({"provincial_office", "appraiser", "administrator"})
OFFICIALS = frozenset(
    {"one_stop_officer", "specialist_a", "head_a", "official_b", "provincial_office", "appraiser"}
)


def access_cases(cast: Cast) -> list[Case]:
    users = cast.users
    round_ = services.round_open(actor=users["appraiser"], year=2026, scope=cast.units["dept_a"])
    specialist = official_of(users["specialist_a"])
    evaluation = Evaluation.objects.get(round=round_, official=specialist)
    cast.objects["evaluation_round"] = round_
    cast.objects["evaluation"] = evaluation
    # Who sees the specialist's evaluation: herself, her Director, the overseers.
    seers = OVERSEERS | {"specialist_a", "head_a"}
    secret = evaluation.official.full_name
    api = "/api/v1/"
    return [
        Case("GET", reverse("evaluations:mine"), "evaluations:mine", SIGNED_IN),
        Case("GET", reverse("evaluations:queue"), "evaluations:queue", OFFICIALS),
        Case("GET", reverse("evaluations:decisions"), "evaluations:decisions", OFFICIALS),
        Case("GET", reverse("evaluations:rounds"), "evaluations:rounds", OVERSEERS),
        Case("GET", reverse("evaluations:round_new"), "evaluations:round_new", OVERSEERS),
        Case(
            "GET",
            reverse("evaluations:round", args=[round_.pk]),
            "evaluations:round",
            OVERSEERS,
            secret=secret,
        ),
        Case(
            "GET",
            reverse("evaluations:round_export", args=[round_.pk, "csv"]),
            "evaluations:round_export",
            OVERSEERS,
        ),
        Case(
            "POST",
            reverse("evaluations:round_act", args=[round_.pk, "refresh"]),
            "evaluations:round_act",
            OVERSEERS,
            frozenset({302}),
        ),
        Case(
            "GET",
            reverse("evaluations:detail", args=[evaluation.pk]),
            "evaluations:detail",
            seers,
            secret=secret,
        ),
        Case(
            "POST",
            reverse("evaluations:act", args=[evaluation.pk, "self_assess"]),
            "evaluations:act",
            frozenset({"specialist_a"}),
            frozenset({302}),
            data={"text": "Hoàn thành đúng hạn", "level": Level.GOOD},
        ),
        # The API.
        Case("GET", f"{api}evaluation-rounds/", "GET /api/v1/evaluation-rounds/", SIGNED_IN,
             api=True),
        Case(
            "POST",
            f"{api}evaluation-rounds/",
            "POST /api/v1/evaluation-rounds/",
            OVERSEERS,
            # The first overseer opens it; the others find it already open.
            frozenset({201, 400}),
            data={"year": 2027, "scope": cast.units["home_affairs"].pk},
            api=True,
        ),
        Case(
            "GET",
            f"{api}evaluation-rounds/{round_.pk}/",
            "GET /api/v1/evaluation-rounds/{id}/",
            seers,
            api=True,
        ),
        Case(
            "POST",
            f"{api}evaluation-rounds/{round_.pk}/actions/",
            "POST /api/v1/evaluation-rounds/{id}/actions/",
            OVERSEERS,
            data={"action": "refresh"},
            api=True,
        ),
        Case(
            "GET",
            f"{api}evaluation-rounds/{round_.pk}/results/",
            "GET /api/v1/evaluation-rounds/{id}/results/",
            OVERSEERS,
            api=True,
        ),
        Case(
            "GET",
            f"{api}evaluation-rounds/{round_.pk}/quotas/",
            "GET /api/v1/evaluation-rounds/{id}/quotas/",
            seers,
            api=True,
        ),
        Case("GET", f"{api}evaluations/", "GET /api/v1/evaluations/", SIGNED_IN, api=True),
        Case(
            "GET",
            f"{api}evaluations/{evaluation.pk}/",
            "GET /api/v1/evaluations/{id}/",
            seers,
            api=True,
            secret=secret,
        ),
        Case(
            "POST",
            f"{api}evaluations/{evaluation.pk}/actions/",
            "POST /api/v1/evaluations/{id}/actions/",
            frozenset({"specialist_a"}),
            data={"action": "self_assess", "text": "Hoàn thành", "level": Level.GOOD},
            api=True,
        ),
    ]  # fmt: skip
