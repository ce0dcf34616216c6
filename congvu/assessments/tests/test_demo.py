"""The demo's rounds: last year's PAR published, this year's open, last year's DDCI."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from congvu.assessments.demo import demo_assessments_seed
from congvu.assessments.models import Round, RoundKind, RoundStatus


def test_demo_rounds(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", "--dossiers", "0", stdout=io.StringIO())
    assert demo_assessments_seed() in (0, 3)
    assert demo_assessments_seed() == 0
    year = timezone.localdate().year
    last = Round.objects.get(kind=RoundKind.PAR, year=year - 1)
    assert last.status == RoundStatus.PUBLISHED
    assert last.assessments.filter(rank=1, group="departments").exists()
    current = Round.objects.get(kind=RoundKind.PAR, year=year)
    assert current.status == RoundStatus.SELF_ASSESSMENT
    assert current.previous == last
    assert current.criteria.count() == last.criteria.count()
    assert Round.objects.get(kind=RoundKind.DDCI, year=year - 1).status == RoundStatus.PUBLISHED
