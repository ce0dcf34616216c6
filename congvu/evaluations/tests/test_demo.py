"""The demo's evaluation round."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from congvu.evaluations.demo import demo_evaluations_seed
from congvu.evaluations.models import Evaluation, EvaluationStatus, Round


@pytest.fixture
def seeded(db: Any, settings: Any) -> Any:
    settings.DEBUG = True
    call_command("seed_demo", "--dossiers", "0", stdout=io.StringIO())


def test_the_demo_round_is_loaded_once_at_every_stage(seeded: Any) -> None:
    # seed_demo has loaded the round; a second seeding adds nothing.
    assert demo_evaluations_seed() == 0
    round_ = Round.objects.get(scope__isnull=True)
    assert round_.evaluations.count() >= 10
    statuses = set(round_.evaluations.values_list("status", flat=True))
    assert statuses == set(EvaluationStatus.values)
    head = Evaluation.objects.get(round=round_, official__user__username="giamdoc")
    assert head.decider is not None
    assert head.decider.user.username == "chutich.tinh"
    # Under the Director's delegation the Deputy Director proposes for the specialist.
    staff = Evaluation.objects.get(round=round_, official__user__username="chuyenvien")
    assert staff.evaluator is not None
    assert staff.evaluator.user.username == "phogiamdoc"
    assert staff.decider is not None
    assert staff.decider.user.username == "giamdoc"
    assert all(e.system_reasons for e in round_.evaluations.all())
