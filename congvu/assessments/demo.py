"""The demo's indices: last year's PAR index round, appraised and published; this year's,
copied from it, with the self-assessment open and the Department of Justice half-way through;
and last year's DDCI, published.

Everything is written through the services, as the Department of Home Affairs' appraiser
(`noivu`) and, for the units' own self-assessments, the administrator. The points are made up
but stable: they come from a hash of the unit's name, so every load gives the same ranking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from congvu.accounts.models import User
from congvu.assessments import services
from congvu.assessments.imports import CriterionRow, SurveyValue
from congvu.assessments.models import (
    AppliesTo,
    CriterionKind,
    CriterionLevel,
    MeasureRule,
    Round,
    RoundKind,
    UnitAssessment,
)
from congvu.assessments.selectors import leaves

# code, title, max points, applies to, kind, measure, full marks at
# fmt: off
PAR_TREE: list[tuple[str, str, int, str, str, str, int]] = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 12, "all", "", "", 0),
    ("1.1", "Kế hoạch cải cách hành chính năm", 4, "all", "appraisal", "", 0),
    ("1.2", "Báo cáo cải cách hành chính định kỳ", 3, "all", "appraisal", "", 0),
    ("1.3", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", 5, "all", "appraisal", "task_on_time", 100),
    ("2", "Cải cách thể chế", 8, "all", "", "", 0),
    ("2.1", "Rà soát văn bản quy phạm pháp luật", 4, "departments", "appraisal", "", 0),
    ("2.2", "Tổ chức thực hiện văn bản quy phạm pháp luật", 4, "all", "appraisal", "", 0),
    ("3", "Cải cách thủ tục hành chính", 20, "all", "", "", 0),
    ("3.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", 8, "all", "appraisal", "dossier_on_time", 100),
    ("3.2", "Tỷ lệ hồ sơ nộp trực tuyến", 6, "all", "appraisal", "online_share", 50),
    ("3.3", "Chỉ số phục vụ người dân (QĐ 766)", 6, "all", "appraisal", "service_index", 100),
    ("4", "Cải cách tổ chức bộ máy", 8, "all", "", "", 0),
    ("4.1", "Thực hiện quy định về vị trí việc làm", 4, "all", "appraisal", "", 0),
    ("4.2", "Thực hiện kỷ luật, kỷ cương hành chính", 4, "all", "appraisal", "", 0),
    ("5", "Xây dựng chính quyền điện tử, chính quyền số", 12, "all", "", "", 0),
    ("5.1", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 6, "all", "appraisal", "", 0),
    ("5.2", "Ứng dụng văn bản điện tử, chữ ký số", 6, "all", "appraisal", "", 0),
    ("6", "Điều tra xã hội học", 40, "all", "", "", 0),
    ("6.1", "Sự hài lòng của người dân, tổ chức", 20, "all", "survey", "", 0),
    ("6.2", "Đánh giá của lãnh đạo, công chức", 20, "all", "survey", "", 0),
]
# fmt: on

DDCI_TREE: list[tuple[str, str, int]] = [
    ("1", "Tính minh bạch và tiếp cận thông tin", 10),
    ("2", "Tính năng động và hiệu lực của lãnh đạo", 10),
    ("3", "Chi phí thời gian", 10),
    ("4", "Chi phí không chính thức", 10),
    ("5", "Cạnh tranh bình đẳng", 10),
    ("6", "Hỗ trợ doanh nghiệp", 10),
    ("7", "Thiết chế pháp lý", 10),
]


def _share(text: str, low: float, high: float) -> Decimal:
    """A stable made-up share of [low, high] for `text`."""
    digest = hashlib.sha256(text.encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    return Decimal(str(round(low + (high - low) * fraction, 2)))


def _par_rows() -> list[CriterionRow]:
    rows = []
    for number, (code, title, points, applies, kind, measure, full) in enumerate(PAR_TREE, 1):
        rows.append(
            CriterionRow(
                row=number,
                code=code,
                parent_code=code.rpartition(".")[0],
                level=CriterionLevel.FIELD if "." not in code else CriterionLevel.CRITERION,
                title=title,
                max_points=Decimal(points),
                applies_to=AppliesTo(applies),
                kind=kind or CriterionKind.APPRAISAL,
                measure=measure,
                measure_rule=MeasureRule.LINEAR,
                measure_full_at=Decimal(full or 100),
            )
        )
    return rows


def _ddci_rows() -> list[CriterionRow]:
    return [
        CriterionRow(
            row=number,
            code=code,
            parent_code="",
            level=CriterionLevel.FIELD,
            title=title,
            max_points=Decimal(points),
            kind=CriterionKind.SURVEY,
            weight=Decimal(2 if code in ("1", "3") else 1),
        )
        for number, (code, title, points) in enumerate(DDCI_TREE, 1)
    ]


def _entries(
    assessment: UnitAssessment, *, measured_too: bool, spread: tuple[float, float]
) -> list[services.Entry]:
    entries = []
    for score in assessment.scores.select_related("criterion"):
        c = score.criterion
        if c.kind != CriterionKind.APPRAISAL:
            continue
        if c.measure and not (measured_too and score.measured_points is None):
            continue
        share = _share(f"{assessment.unit.name}/{c.code}/{assessment.round.year}", *spread)
        entries.append(services.Entry(c, (c.max_points * share).quantize(Decimal("0.25")), ""))
    return entries


def _survey(round: Round, spread: tuple[float, float]) -> list[SurveyValue]:
    values = []
    criteria = list(leaves(round).filter(kind=CriterionKind.SURVEY))
    for assessment in round.assessments.select_related("unit"):
        for criterion in criteria:
            if criterion.applies(assessment.group):
                share = _share(f"{assessment.unit.name}/{criterion.code}/s{round.year}", *spread)
                points = (criterion.max_points * share).quantize(Decimal("0.01"))
                values.append(SurveyValue(0, assessment, criterion, points))
    return values


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def demo_assessments_seed(*, now: dt.datetime | None = None) -> int:
    """Load the demo's rounds; returns how many were made (0 if they are already there)."""
    moment = now or timezone.now()
    year = timezone.localdate(moment).year
    if Round.objects.filter(kind=RoundKind.PAR, year=year - 1).exists():
        return 0
    appraiser = User.objects.get(username="noivu")
    admin = User.objects.get(username="admin")

    # Last year's PAR index, from the tree to publication.
    last = services.round_create(
        actor=appraiser,
        kind=RoundKind.PAR,
        year=year - 1,
        title=f"Chỉ số cải cách hành chính năm {year - 1} của các sở, ngành và UBND cấp xã",
        decision=f"Quyết định số 1520/QĐ-UBND ngày 20/11/{year - 1} của UBND tỉnh",
    )
    services.round_tree_replace(actor=appraiser, round=last, rows=_par_rows())
    services.round_open(
        actor=appraiser, round=last, working_days=10, now=_moment(dt.date(year - 1, 11, 24), 9)
    )
    for assessment in last.assessments.select_related("unit", "round"):
        services.assessment_self_score(
            actor=admin,
            assessment=assessment,
            entries=_entries(assessment, measured_too=False, spread=(0.75, 1.0)),
        )
        services.assessment_submit(
            actor=admin, assessment=assessment, now=_moment(dt.date(year - 1, 12, 3), 10)
        )
    services.round_start_appraisal(
        actor=appraiser, round=last, now=_moment(dt.date(year - 1, 12, 10), 9)
    )
    for assessment in last.assessments.select_related("unit", "round"):
        services.assessment_appraise(
            actor=appraiser,
            assessment=assessment,
            entries=[
                services.Entry(e.criterion, e.points, "Điều chỉnh theo tài liệu kiểm chứng")
                for e in _entries(assessment, measured_too=True, spread=(0.6, 1.0))
            ],
        )
    services.survey_import(
        actor=appraiser,
        round=last,
        values=_survey(last, (0.65, 0.95)),
        file_name="dieu-tra-xhh.xlsx",
    )
    services.round_compute(actor=appraiser, round=last, now=_moment(dt.date(year - 1, 12, 20), 9))
    services.round_publish(actor=appraiser, round=last, now=_moment(dt.date(year - 1, 12, 22), 9))

    # This year's, copied from it, open for self-assessment.
    current = services.round_create(
        actor=appraiser,
        kind=RoundKind.PAR,
        year=year,
        title=f"Chỉ số cải cách hành chính năm {year} của các sở, ngành và UBND cấp xã",
        copy_from=last,
    )
    services.round_open(actor=appraiser, round=current, working_days=15, now=moment)
    justice = (
        current.assessments.filter(unit__seed_key="P04/dept/tu-phap")
        .select_related("unit", "round")
        .first()
    )
    if justice is not None:
        entries = _entries(justice, measured_too=False, spread=(0.8, 1.0))
        services.assessment_self_score(
            actor=admin, assessment=justice, entries=entries[: len(entries) // 2]
        )

    # Last year's DDCI.
    ddci = services.round_create(
        actor=appraiser,
        kind=RoundKind.DDCI,
        year=year - 1,
        title=f"Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI) năm {year - 1}",
    )
    services.round_tree_replace(actor=appraiser, round=ddci, rows=_ddci_rows())
    services.round_enrol(actor=appraiser, round=ddci)
    services.survey_import(
        actor=appraiser,
        round=ddci,
        values=_survey(ddci, (0.55, 0.9)),
        file_name="khao-sat-doanh-nghiep.csv",
    )
    services.round_compute(actor=appraiser, round=ddci)
    services.round_publish(actor=appraiser, round=ddci)
    return 3
