"""The demo dossiers: made by the services as the demo accounts, in every state, repeatable, and
loaded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from congvu.core.models import AuditLog
from congvu.demo.services import demo_seed
from congvu.demo.tests.once import seeded_once
from congvu.dossiers.demo import KEY_PREFIX, demo_dossiers_exist, demo_dossiers_seed
from congvu.dossiers.models import (
    Apology,
    Channel,
    Dossier,
    DossierStat,
    DossierTransition,
    Rating,
    Status,
)
from congvu.dossiers.stats import dossier_stats, dossier_stats_recount
from congvu.organizations.models import Unit
from congvu.procedures.models import ProcedureVersion

COUNT = 120


def _accounts_and_procedures() -> None:
    """The demo province, its accounts and its catalogue, without demo_seed's own dossiers:
    each test makes the dossiers it needs."""
    demo_seed(dossiers=0)


@pytest.fixture
def demo_world(db: Any) -> None:
    _accounts_and_procedures()


@pytest.fixture(scope="class")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """One demo history for the read-only tests of a class, rolled back after them."""

    def seed() -> None:
        _accounts_and_procedures()
        assert demo_dossiers_seed(count=COUNT, seed=7) == COUNT

    with seeded_once(django_db_blocker, seed):
        yield


def test_same_seed_same_history_and_a_second_run_changes_nothing(
    demo_world: None,
) -> None:
    assert not demo_dossiers_exist()
    demo_dossiers_seed(count=20, seed=3)
    first = list(
        Dossier.objects.order_by("pk").values_list("status", "applicant_name", "channel", "code")
    )
    audit = AuditLog.objects.count()
    assert demo_dossiers_seed(count=20, seed=3) == 0
    assert AuditLog.objects.count() == audit

    Dossier.objects.all().delete()
    DossierStat.objects.all().delete()
    demo_dossiers_seed(count=20, seed=3)
    again = list(
        Dossier.objects.order_by("pk").values_list("status", "applicant_name", "channel", "code")
    )
    assert [row[:3] for row in again] == [row[:3] for row in first]


def test_nothing_without_the_demo_accounts(db: Any) -> None:
    assert demo_dossiers_seed(count=10) == 0
    assert not Dossier.objects.exists()


class TestDemoHistory:
    """A history of the demo, read by each test and rolled back after the last."""

    def test_every_state_is_there(self, seeded: None, db: Any) -> None:
        dossiers = Dossier.objects.filter(idempotency_key__contains=KEY_PREFIX)
        assert dossiers.count() == COUNT
        states = Counter(dossiers.values_list("status", flat=True))
        assert set(states) == set(Status.values), states
        overdue = dossiers.overdue().count()
        assert 0 < overdue < states[Status.PROCESSING]
        assert set(dossiers.exclude(timeliness="").values_list("timeliness", flat=True)) == {
            "early",
            "on_time",
            "late",
        }
        assert set(dossiers.values_list("channel", flat=True)) == set(Channel.values)
        assert Apology.objects.filter(dossier__in=dossiers).exists()
        assert Rating.objects.filter(dossier__in=dossiers).count() >= states[Status.RETURNED] // 2

    def test_the_demo_accounts_did_the_work_at_both_levels(self, seeded: None, db: Any) -> None:
        givers = set(
            DossierTransition.objects.exclude(giver=None).values_list("giver__username", flat=True)
        )
        assert {"motcua", "chuyenvien", "motcua.xa", "chutich.xa", "congdan", "congdan2"} <= givers
        # The Deputy Director signs by delegation this month; the Director did before.
        assert {"giamdoc", "phogiamdoc"} & givers
        received_at = set(Dossier.objects.values_list("received_unit__seed_key", flat=True))
        assert {"P04/office/centre", "W01726/centre"} <= received_at

    def test_moments_are_in_office_hours_and_in_the_last_year(self, seeded: None, db: Any) -> None:
        now = timezone.now()
        first = DossierTransition.objects.order_by("at").values_list("at", flat=True).first()
        last = DossierTransition.objects.order_by("-at").values_list("at", flat=True).first()
        assert first is not None
        assert last is not None
        assert now - dt.timedelta(days=366) < first
        assert last <= now
        for dossier in Dossier.objects.exclude(channel=Channel.ONLINE):
            local = timezone.localtime(dossier.submitted_at)
            assert local.weekday() < 6
            assert dt.time(7, 30) <= local.time() <= dt.time(17, 30)

    def test_applicants_look_like_cao_bang_residents(self, seeded: None, db: Any) -> None:
        for name, id_number, phone in Dossier.objects.values_list(
            "applicant_name", "applicant_id_number", "applicant_phone"
        ):
            assert len(name.split()) >= 3
            assert len(id_number) == 12
            assert id_number.startswith("004")
            assert len(phone) == 10
            assert phone.startswith("09")

    def test_statistics_agree_with_the_dossiers(self, seeded: None, db: Any) -> None:
        province = Unit.objects.get(seed_key="P04")
        end = timezone.localdate()
        start = end - dt.timedelta(days=366)
        summary = dossier_stats(unit=province, start=start, end=end)
        assert summary == dossier_stats_recount(unit=province, start=start, end=end)
        assert summary.received > COUNT // 2
        assert summary.in_process_overdue > 0


def test_demo_seed_loads_procedures_and_dossiers(db: Any) -> None:
    demo_seed(dossiers=12)
    assert ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).exists()
    assert Dossier.objects.filter(idempotency_key__contains=KEY_PREFIX).count() == 12
