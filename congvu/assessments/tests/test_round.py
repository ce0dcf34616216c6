"""A full PAR round: define → self-assess → appraise → import survey → rank → publish, with
the automatic criteria reading the figures congvu keeps, and a unit's self-assessment kept
from other units until publication."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from congvu.assessments import imports, selectors, services
from congvu.assessments.models import (
    AssessmentStatus,
    Criterion,
    ReminderSent,
    Round,
    RoundStatus,
    RoundTransition,
    Score,
    UnitAssessment,
    UnitGroup,
)
from congvu.assessments.tests.conftest import at
from congvu.core.models import AuditLog, Notification
from congvu.directives.models import Schedule, Task, TaskStatus
from congvu.dossiers.models import DossierMonthStat
from congvu.dossiers.tests.conftest import make_version
from congvu.organizations.models import Unit


def _criterion(round: Round, code: str) -> Criterion:
    return round.criteria.get(code=code)


def _entry(round: Round, code: str, points: str, text: str = "") -> services.Entry:
    return services.Entry(_criterion(round, code), Decimal(points), text)


@pytest.fixture
def figures(units: dict[str, Unit]) -> None:
    """Department A's year: 8 dossiers resolved (7 in time), 10 received (6 online), 4 ratings
    (1 not satisfied); 4 tasks finished (3 on time). The division's rows count for A."""
    version = make_version(units["dept_a"])
    DossierMonthStat.objects.create(
        unit=units["division_a"],
        procedure_version=version,
        month=dt.date(2026, 2, 1),
        received=10,
        received_online=6,
        resolved_early=2,
        resolved_on_time=5,
        resolved_late=1,
        rated=4,
        rated_unsatisfied=1,
    )
    for i, late in enumerate([False, False, False, True]):
        due = at(10 + i, 2, 17, 30)
        Task.objects.create(
            title=f"Nhiệm vụ {i}",
            lead_unit=units["division_a"],
            schedule=Schedule.DUE_DATE,
            due_on=due.date(),
            due_at=due,
            status=TaskStatus.ACCEPTED,
            completed_at=due + dt.timedelta(days=2 if late else -1),
        )


@pytest.fixture
def last_year(units: dict[str, Unit], par_round: Round) -> Round:
    """2025's published round: Department A was 3rd with 70.00."""
    previous = Round.objects.create(
        kind=Round.Kind.PAR,
        year=2025,
        title="Chỉ số cải cách hành chính năm 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        status=RoundStatus.PUBLISHED,
    )
    UnitAssessment.objects.create(
        round=previous,
        unit=units["dept_a"],
        group=UnitGroup.DEPARTMENTS,
        index_value=Decimal("70.00"),
        rank=3,
        of_units=4,
    )
    Round.objects.filter(pk=par_round.pk).update(previous=previous)
    par_round.refresh_from_db()
    return previous


@pytest.fixture
def index766(monkeypatch: pytest.MonkeyPatch) -> None:
    """The indices' 766 figures: 82.5 for every unit."""
    from congvu.indices import selectors as indices

    monkeypatch.setattr(
        indices,
        "service_index_get",
        lambda *, unit, year, **kw: SimpleNamespace(total=Decimal("82.5")),
    )
    monkeypatch.setattr(
        indices,
        "service_index_ranking",
        lambda *, year, **kw: [],
    )


def _appraise_all(round: Round, appraiser: Any) -> None:
    """Appraise every unit but A at 2 points a criterion, the automatic ones without a figure
    (no dossier, no task in the year) included: those are scored by hand."""
    for assessment in round.assessments.exclude(unit__name="Sở Tư pháp"):
        entries = [
            services.Entry(score.criterion, Decimal(2), "")
            for score in assessment.scores.select_related("criterion").filter(
                Q(criterion__measure="") | Q(measured_points__isnull=True),
                criterion__kind="appraisal",
            )
        ]
        services.assessment_appraise(actor=appraiser, assessment=assessment, entries=entries)


@pytest.mark.django_db(transaction=False)
def test_full_par_round(
    units: dict[str, Unit],
    par_round: Round,
    last_year: Round,
    figures: None,
    index766: None,
    appraiser: Any,
    head_a: Any,
    official_a: Any,
    outsider_b: Any,
    provincial_office_user: Any,
    client_for: Any,
    client: Any,
) -> None:
    round = par_round
    assert round.criteria.count() == 11
    assert [c.code for c in selectors.leaves(round)] == [
        "1.1.1", "1.1.2", "1.2", "2.1", "2.2", "2.3", "3", "4",
    ]  # fmt: skip

    # Open: 10 working days from Monday 02/03/2026, due at the close of Monday 16/03.
    with time_machine.travel(at(2, 3, 8), tick=False):
        services.round_open(actor=appraiser, round=round, working_days=10)
    round.refresh_from_db()
    assert round.status == RoundStatus.SELF_ASSESSMENT
    assert round.due_at == at(16, 3, 17, 30)
    enrolled = {a.unit.name: a for a in round.assessments.select_related("unit")}
    assert set(enrolled) == {
        "Sở Tư pháp",
        "Sở Y tế",
        "Sở Nội vụ",
        "Văn phòng Ủy ban nhân dân tỉnh Cao Bằng",
        "Ủy ban nhân dân phường Thục Phán",
    }
    commune = enrolled["Ủy ban nhân dân phường Thục Phán"]
    assert commune.group == UnitGroup.COMMUNES
    # 1.1.2 applies to departments only.
    assert not commune.scores.filter(criterion__code="1.1.2").exists()
    mine = enrolled["Sở Tư pháp"]
    assert Notification.objects.filter(
        user=head_a.user, url__contains=f"/rounds/{round.pk}/"
    ).exists()

    # Department A's specialist assesses; only the head (or a deputy) sends.
    with time_machine.travel(at(5, 3, 9), tick=False):
        services.assessment_self_score(
            actor=official_a.user,
            assessment=mine,
            entries=[
                _entry(round, "1.1.1", "3.5", "Kế hoạch ban hành ngày 10/01"),
                _entry(round, "1.1.2", "2"),
            ],
        )
        with pytest.raises(ValidationError):
            services.assessment_self_score(
                actor=official_a.user, assessment=mine, entries=[_entry(round, "1.1.1", "4.5")]
            )
        services.evidence_add(
            actor=official_a.user,
            assessment=mine,
            criterion=_criterion(round, "1.1.1"),
            file=SimpleUploadedFile("Kế hoạch.pdf", b"%PDF-1.4 plan", "application/pdf"),
        )
        with pytest.raises(ValidationError):
            services.evidence_add(
                actor=official_a.user,
                assessment=mine,
                criterion=_criterion(round, "1.1.1"),
                file=SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf"),
            )
        with pytest.raises(PermissionDenied):
            services.assessment_self_score(
                actor=outsider_b.user, assessment=mine, entries=[_entry(round, "1.1.1", "1")]
            )
        with pytest.raises(PermissionDenied):
            services.assessment_submit(actor=official_a.user, assessment=mine)
        services.assessment_submit(actor=head_a.user, assessment=mine)
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.SUBMITTED
    assert mine.self_total == Decimal("5.50")
    evidence = Score.objects.get(assessment=mine, criterion__code="1.1.1").evidence.get()

    # Another unit cannot see A's self-assessment or its evidence before publication.
    assert selectors.assessment_get(pk=mine.pk, user=outsider_b.user) is None
    assert mine not in selectors.assessment_list(user=outsider_b.user, round=round)
    outsider = client_for(outsider_b.user)
    assert outsider.get(reverse("assessments:assessment", args=[mine.pk])).status_code == 404
    assert outsider.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404
    round_page = outsider.get(reverse("assessments:round", args=[round.pk]))
    assert round_page.status_code == 200
    assert "Sở Tư pháp" not in round_page.content.decode()
    for insider in (head_a.user, official_a.user, appraiser, provincial_office_user):
        assert (
            client_for(insider).get(reverse("assessments:evidence", args=[evidence.pk])).status_code
            == 200
        )
    assert client.get(reverse("assessments:results", args=[round.pk])).status_code == 404

    # Reminders: five working days before the deadline, to the units that have not sent.
    with time_machine.travel(at(9, 3, 17, 31), tick=False):
        first = services.assessments_sweep()
        again = services.assessments_sweep()
    assert first.reminders == 4
    assert again.reminders == 0
    assert not ReminderSent.objects.filter(assessment=mine).exists()

    # Appraisal: the automatic criteria are filled from the figures.
    with time_machine.travel(at(18, 3, 8), tick=False):
        services.round_start_appraisal(actor=appraiser, round=round)
    measured = {
        s.criterion.code: s
        for s in mine.scores.select_related("criterion").exclude(criterion__measure="")
    }
    assert {code: (s.measured_value, s.measured_points) for code, s in measured.items()} == {
        "1.2": (Decimal("75.00"), Decimal("3.00")),  # 3 of 4 tasks on time
        "2.1": (Decimal("87.50"), Decimal("5.25")),  # 7 of 8 dossiers
        "2.2": (Decimal("60.00"), Decimal("3.00")),  # 6 of 10 online, full marks at 50 %
        "2.3": (Decimal("75.00"), Decimal("1.50")),  # 3 of 4 satisfied, 50 → 0, 100 → full
        "4": (Decimal("82.50"), Decimal("4.13")),  # the 766 index
    }
    assert "/assessments/rankings/units/" in measured["2.1"].source_url
    assert measured["2.1"].source_label == "7 of 8 dossiers resolved on time"
    with pytest.raises(services.RoundActionError):
        services.assessment_self_score(
            actor=official_a.user, assessment=mine, entries=[_entry(round, "1.1.1", "4")]
        )

    # The appraised points are final; a different figure needs a reason.
    with pytest.raises(ValidationError):
        services.assessment_appraise(
            actor=appraiser, assessment=mine, entries=[_entry(round, "1.1.1", "3")]
        )
    services.assessment_appraise(
        actor=appraiser,
        assessment=mine,
        entries=[
            _entry(round, "1.1.1", "3", "Kế hoạch ban hành chậm 5 ngày"),
            _entry(round, "1.1.2", "2"),
        ],
    )
    with pytest.raises(ValidationError):
        services.round_compute(actor=appraiser, round=round)  # the other units are unscored
    _appraise_all(round, appraiser)

    # The survey: a wrong row, and nothing is imported; then the right file.
    bad = "Đơn vị,Mã tiêu chí,Điểm\nSở Tư pháp,3,7\nSở Không Có,3,5\nSở Y tế,3,9\n"
    with pytest.raises(ValidationError) as refused:
        imports.read_survey(bad.encode(), round=round)
    assert refused.value.messages == [
        "Row 3: “Sở Không Có” is not a unit of this round.",
        "Row 4: the points must be between 0 and 8.00.",
    ]
    good = "\n".join(
        ["Đơn vị;Mã tiêu chí;Điểm", "Sở Tư pháp;3;7", "000.00.10.H12;3;6,5", "Sở Nội vụ;3;8"]
    )
    services.survey_import(
        actor=appraiser,
        round=round,
        values=imports.read_survey(good.encode(), round=round),
        file_name="khao-sat.csv",
    )
    round.refresh_from_db()
    assert round.status == RoundStatus.SURVEY_IMPORTED

    # Rank.
    with time_machine.travel(at(25, 3, 8), tick=False):
        services.round_compute(actor=appraiser, round=round)
    mine.refresh_from_db()
    # 3 + 2 + 3 + 5.25 + 3 + 1.5 + 7 + 4.13 = 28.88 of 35.
    assert (mine.score, mine.max_score, mine.index_value) == (
        Decimal("28.88"),
        Decimal("35.00"),
        Decimal("82.51"),
    )
    assert mine.grade == "Khá"
    assert (mine.rank, mine.of_units) == (1, 4)
    assert (mine.previous_index, mine.previous_rank, mine.rank_change) == (
        Decimal("70.00"),
        3,
        2,
    )
    commune.refresh_from_db()
    assert (commune.rank, commune.of_units) == (1, 1)
    assert selectors.par_result_get(unit=units["dept_a"], year=2026) is None  # not published

    # Publication: results public, self-assessment and evidence still the unit's.
    services.round_publish(actor=appraiser, round=round)
    result = selectors.par_result_get(unit=units["dept_a"], year=2026)
    assert result is not None
    assert (result.index, result.rank, result.of_units, result.grade) == (
        Decimal("82.51"),
        1,
        4,
        "Khá",
    )
    assert selectors.ddci_result_get(unit=units["dept_a"], year=2026) is None
    public = client.get(reverse("assessments:results", args=[round.pk]))
    assert public.status_code == 200
    text = public.content.decode()
    assert "<svg" in text
    assert "82,51" in text  # the province's number format
    assert "Sở Tư pháp" in text
    assert mine in selectors.assessment_list(user=outsider_b.user, round=round)
    assert outsider.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404
    assert outsider.get(reverse("assessments:assessment", args=[mine.pk])).status_code == 404

    # Every step is a stored transition with an audit row.
    assert list(round.transitions.order_by("pk").values_list("action", flat=True)) == [
        "open",
        "start_appraisal",
        "import_survey",
        "compute",
        "publish",
    ]
    assert RoundTransition.objects.filter(round=round).count() == 5
    assert AuditLog.objects.filter(action="assessments.round_publish").count() == 1


def test_copy_from_last_year_keeps_the_tree_and_bands(par_round: Round, appraiser: Any) -> None:
    services.round_bands_set(
        actor=appraiser,
        round=par_round,
        bands=[(Decimal(85), "Xuất sắc"), (Decimal(0), "Chưa đạt")],
    )
    copy = services.round_create(
        actor=appraiser,
        kind=Round.Kind.PAR,
        year=2027,
        title="Chỉ số cải cách hành chính năm 2027",
        copy_from=par_round,
    )
    assert copy.previous == par_round
    old = [
        (c.code, c.max_points, c.measure, c.parent.code if c.parent else "")
        for c in par_round.criteria.order_by("order")
    ]
    new = [
        (c.code, c.max_points, c.measure, c.parent.code if c.parent else "")
        for c in copy.criteria.order_by("order")
    ]
    assert old == new
    assert copy.criteria.filter(parent__round=par_round).count() == 0
    assert [(b.min_index, b.label) for b in copy.bands.all()] == [
        (Decimal("85.00"), "Xuất sắc"),
        (Decimal("0.00"), "Chưa đạt"),
    ]


def test_only_appraisers_define_rounds(units: dict[str, Unit], head_a: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.round_create(actor=head_a.user, kind="par", year=2026, title="X")


def test_actions_out_of_order_are_refused(par_round: Round, appraiser: Any) -> None:
    with pytest.raises(services.RoundActionError):
        services.round_publish(actor=appraiser, round=par_round)
    with pytest.raises(services.RoundActionError):
        services.round_start_appraisal(actor=appraiser, round=par_round)
    assert selectors.round_actions(round=par_round, user=appraiser)[0].name == "open"


def test_real_766_figure_is_read(units: dict[str, Unit], par_round: Round, appraiser: Any) -> None:
    """Against the indices app itself: a unit without dossiers still gets a figure."""
    services.round_open(actor=appraiser, round=par_round, working_days=5)
    services.round_start_appraisal(actor=appraiser, round=par_round)
    score = Score.objects.get(assessment__unit=units["dept_a"], criterion__code="4")
    assert score.measured_value is not None
    assert Decimal(0) <= score.measured_value <= Decimal(100)
