"""The index computed from the summary rows equals the index counted by hand from the raw rows,
for the scripted history of Department A and for a commune of the demo province."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congvu.demo.services import demo_seed
from congvu.dossiers.demo import demo_dossiers_seed
from congvu.dossiers.models import Channel, Dossier, DossierDocument
from congvu.dossiers.services import dossier_document_add
from congvu.dossiers.tests.conftest import at
from congvu.dossiers.tests.test_stats import NOW, Script
from congvu.indices.models import IndexVersion, IndicatorWeight
from congvu.indices.selectors import (
    Period,
    indicator_dossiers,
    service_index_get,
    service_index_ranking,
    service_index_recount,
    service_index_trend,
    weights_get,
)
from congvu.indices.tests.hand import hand_count
from congvu.lib.index766 import share_points
from congvu.organizations.models import Unit

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _figures(index: Any) -> dict[str, tuple[int | None, int | None]]:
    return {
        i.code: (i.numerator, i.denominator) for g in index.groups for i in g.indicators if i.scored
    }


def _assert_equal_to_hand(unit: Unit, period: Period, now: dt.datetime) -> Any:
    index = service_index_get(unit=unit, **period.as_query(), now=now)
    shown = _figures(index)
    by_hand = hand_count(unit, period, now)
    for code, figures in shown.items():
        expected = by_hand.get(code, (None, None))
        assert figures == expected, (unit.name, period, code, figures, expected)
        item = index.indicator(code)
        if figures[0] is not None and figures[1]:
            assert item.points == share_points(
                figures[0], figures[1], points=item.max_points, full_at=item.full_at
            )
    recount = service_index_recount(units=[unit], **period.as_query(), now=now)[unit.pk]
    assert recount == index
    return index


def test_history_index_equals_hand_count(history: list[Dossier], org_tree: dict[str, Any]):
    for period in (Period(2026), Period(2026, 1), Period(2026, 2), Period(2026, None, 4)):
        for unit in (org_tree["dept_a"], org_tree["dept_b"], org_tree["province"]):
            _assert_equal_to_hand(unit, period, NOW)
    index = service_index_get(unit=org_tree["dept_a"], year=2026, now=NOW)
    on_time = index.indicator("on_time")
    assert on_time.denominator
    assert on_time.numerator is not None
    assert 0 < on_time.numerator < on_time.denominator
    assert Decimal(0) < index.total <= Decimal(100)
    assert index.max_total == Decimal(100)
    assert [g.max_points for g in index.groups] == [18, 20, 12, 10, 18, 22]


def test_two_supplementation_requests_count_as_late(
    history: list[Dossier], org_tree: dict[str, Any]
):
    twice = [d for d in history if d.intake_supplement_count + d.supplement_count > 1]
    assert twice, "the history has a dossier asked twice to supplement"
    rows = indicator_dossiers(
        unit=org_tree["dept_a"], code="on_time", period=Period(2026), limit=500, now=NOW
    )
    by_pk = {r.pk: r for r in rows}
    for dossier in twice:
        row = by_pk[dossier.pk]
        assert row.counts is False
        assert "more than one supplementation" in row.why


def test_waiting_for_the_applicant_is_not_counted(
    frozen: None,
    citizen: Any,
    version: Any,
    one_stop: Any,
    official_a: Any,
    head_a: Any,
    org_tree: dict[str, Any],
):
    """Waiting ten working days for a payment, then resolved: later than the first appointment
    by the wall clock, on time by the working-day clock that stops while waiting."""
    cast = {"citizen": citizen, "one_stop": one_stop.user, "official": official_a.user,
            "head": head_a.user}  # fmt: skip
    script = Script(cast)
    script.submit(version, Channel.ONLINE, at(2, 3, 9))
    script.act("one_stop", "receive")
    first_due = script.due
    script.act("one_stop", "forward", hours=0.5)
    script.act("official", "request_payment", hours=2)
    script.act("official", "confirm_payment", hours=80)
    script.act("official", "forward", hours=2)
    script.act("head", "resolve", hours=2, note="Đã cấp")
    dossier = script.dossier
    assert dossier is not None
    assert dossier.resolved_at is not None
    assert dossier.resolved_at > first_due
    assert dossier.timeliness != "late"
    index = service_index_get(unit=org_tree["dept_a"], year=2026, month=3, now=NOW)
    assert index.indicator("on_time").numerator == index.indicator("on_time").denominator == 1
    assert index.indicator("dossiers_paid_online").numerator == 1
    _assert_equal_to_hand(org_tree["dept_a"], Period(2026, None, 3), NOW)


def test_documents_and_result_count_as_digitised(
    frozen: None,
    citizen: Any,
    version: Any,
    one_stop: Any,
    official_a: Any,
    head_a: Any,
    org_tree: dict[str, Any],
    settings: Any,
    tmp_path: Any,
):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    cast = {"citizen": citizen, "one_stop": one_stop.user, "official": official_a.user,
            "head": head_a.user}  # fmt: skip
    for with_documents in (True, False):
        script = Script(cast)
        script.submit(version, Channel.ONLINE, at(4, 3, 9))
        assert script.dossier is not None
        if with_documents:
            dossier_document_add(
                actor=citizen, dossier=script.dossier,
                file=SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"),
            )  # fmt: skip
        script.to_head()
        dossier_document_add(
            actor=head_a.user, dossier=script.dossier, kind=DossierDocument.Kind.RESULT,
            file=SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf"),
        )  # fmt: skip
        script.act("head", "resolve", hours=1, note="Đã cấp")
    index = _assert_equal_to_hand(org_tree["dept_a"], Period(2026, None, 3), NOW)
    assert index.indicator("result_electronic").numerator == 2
    assert index.indicator("digitised").numerator == 1
    assert index.indicator("digitised").denominator == 2


def test_ranking_ranks_every_department_and_commune(history: list[Dossier], org_tree: Any):
    rows = service_index_ranking(year=2026, now=NOW)
    names = {r.unit.pk for r in rows}
    assert {org_tree["dept_a"].pk, org_tree["dept_b"].pk, org_tree["commune"].pk} <= names
    totals = [r.total for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert rows[0].rank == 1
    only = service_index_ranking(year=2026, kind="commune", now=NOW)
    assert {r.unit.kind for r in only} == {Unit.Kind.COMMUNE_COMMITTEE}
    for row in rows:
        assert row.index == service_index_get(unit=row.unit, year=2026, now=NOW)


def test_trend_runs_to_the_current_month(history: list[Dossier], org_tree: Any):
    trend = service_index_trend(unit=org_tree["dept_a"], year=2026, now=NOW)
    assert [p.month for p, _i in trend] == [1, 2, 3, 4, 5]


def test_weights_in_force_are_the_latest_version_up_to_the_year(db: Any) -> None:
    defaults = weights_get(2021)[1]
    assert weights_get(2021)[0] is None  # before any version
    earlier = IndexVersion.objects.create(year=2090)
    IndicatorWeight.objects.create(
        version=earlier, indicator="on_time", points=Decimal(20), full_at=Decimal(90)
    )
    IndexVersion.objects.create(year=2092)  # issued without weights of its own
    year, weights = weights_get(2091)
    assert year == 2090
    assert weights["on_time"].full_at == Decimal(90)
    assert weights["digitised"] == defaults["digitised"]
    assert weights_get(2092) == (2092, defaults)


def test_period_rejects_a_quarter_and_a_month(db: Any, org_tree: Any):
    with pytest.raises(ValueError, match="not two of them"):
        service_index_get(unit=org_tree["dept_a"], year=2026, quarter=1, month=2)


@pytest.mark.django_db
def test_demo_commune_each_indicator_equals_hand_count():
    """For the demo data: every indicator of the demo commune with the most dossiers, recounted
    by hand from the raw dossiers, equals what the dashboard shows, for the year and each
    quarter and month that has dossiers."""
    now = timezone.now()
    demo_seed(dossiers=0)
    from congvu.indices.demo import demo_indices_seed

    demo_dossiers_seed(count=120, seed=5)
    demo_indices_seed()
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)
    commune = max(communes, key=lambda u: Dossier.objects.filter(competent_unit=u).count())
    assert Dossier.objects.filter(competent_unit=commune).count() > 10
    today = timezone.localdate(now)
    periods = [Period(today.year), Period(today.year - 1)]
    periods += [
        Period(today.year, (today.month - 1) // 3 + 1),
        Period(today.year, None, today.month),
    ]
    with time_machine.travel(now, tick=False):
        for period in periods:
            _assert_equal_to_hand(commune, period, now)
        shown = service_index_get(unit=commune, year=today.year, now=now)
    ranking = {r.unit.pk: r for r in service_index_ranking(year=today.year, now=now)}
    assert ranking[commune.pk].total == shown.total
    # The demo's figures entered by hand are locked and count.
    assert shown.indicator("published_on_time").denominator
