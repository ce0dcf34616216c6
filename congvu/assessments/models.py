"""Rounds of the provincial PAR index and of DDCI, their trees of criteria, the units'
self-assessments with evidence, the appraisal, survey results and the computed results.

A round's life is data: its status moves only through the actions of `workflow.py`, each
stored as a `RoundTransition`. The self-assessment deadline is a stored, indexed column
computed on the working-day clock when the round is opened.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.organizations.models import Unit


def _private_storage() -> Any:
    return storages["private"]


class RoundKind(models.TextChoices):
    PAR = "par", _("PAR index")
    DDCI = "ddci", _("DDCI")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment open")
    APPRAISAL = "appraisal", _("Appraisal")
    SURVEY_IMPORTED = "survey_imported", _("Survey imported")
    COMPUTED = "computed", _("Results computed")
    PUBLISHED = "published", _("Published")


class UnitGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments")
    COMMUNES = "communes", _("Communes")


class AppliesTo(models.TextChoices):
    ALL = "all", _("Departments and communes")
    DEPARTMENTS = "departments", _("Departments only")
    COMMUNES = "communes", _("Communes only")


class CriterionLevel(models.TextChoices):
    FIELD = "field", _("Field")
    CRITERION = "criterion", _("Criterion")
    SUB_CRITERION = "sub_criterion", _("Sub-criterion")


class CriterionKind(models.TextChoices):
    APPRAISAL = "appraisal", _("Appraised")
    SURVEY = "survey", _("Survey")


class Measure(models.TextChoices):
    NONE = "", _("None (scored by hand)")
    DOSSIER_ON_TIME = "dossier_on_time", _("On-time dossier rate")
    ONLINE_SHARE = "online_share", _("Share of dossiers submitted online")
    SATISFACTION = "satisfaction", _("Satisfaction rate")
    TASK_ON_TIME = "task_on_time", _("On-time task rate")
    SERVICE_INDEX = "service_index", _("Service-quality index (766)")


class MeasureRule(models.TextChoices):
    LINEAR = "linear", _("Pro-rata between the zero and full-marks figures")
    THRESHOLD = "threshold", _("Full marks at the threshold, none below")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")


class Round(models.Model):
    """A yearly round of an index (Kỳ đánh giá, xác định Chỉ số): the provincial PAR index
    (Chỉ số cải cách hành chính) that the Department of Home Affairs sets by a decision for
    departments and communes, or DDCI (Chỉ số năng lực cạnh tranh cấp sở, ngành và địa
    phương) built from business surveys. It owns its tree of criteria, its grading bands and
    the units' results."""

    Kind = RoundKind
    Status = RoundStatus

    kind = models.CharField(_("index"), max_length=10, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    decision = models.CharField(
        _("decision"),
        max_length=200,
        blank=True,
        help_text=_("The decision that sets the index, e.g. Quyết định 123/QĐ-UBND."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    working_days = models.PositiveSmallIntegerField(
        _("working days for the self-assessment"), null=True, blank=True
    )
    opened_at = models.DateTimeField(_("self-assessment opened at"), null=True, blank=True)
    # The end of the last working day of the self-assessment, computed when the round opens.
    due_at = models.DateTimeField(_("self-assessment due"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Last year's round: the tree was copied from it and results compare to it."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="assessment_round_unique"),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="assessment_round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RoundKind.values), name="assessment_round_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="assessment_round_period_valid",
            ),
        ]
        indexes = [
            # The reminder sweep reads only rounds whose self-assessment is open.
            models.Index(
                fields=["due_at"],
                condition=Q(status="self_assessment"),
                name="assessment_round_open_due",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class RoundTransition(models.Model):
    """One step of a round's life (who moved it, from which status to which, when)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["round", "at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.action}"


class GradeBand(models.Model):
    """A grading band of a round (Mức xếp loại): an index at or above `min_index` earns
    `label`, unless a higher band applies. The province's decision sets them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("grade"), max_length=60)
    min_index = models.DecimalField(_("from (index)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("grading band")
        verbose_name_plural = _("grading bands")
        ordering = ["round", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["round", "min_index"], name="grade_band_unique"),
            models.CheckConstraint(
                condition=Q(min_index__gte=0) & Q(min_index__lte=100),
                name="grade_band_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_index} {self.label}"


class Criterion(models.Model):
    """A node of an index's tree: a field (Lĩnh vực), a criterion (Tiêu chí) or a
    sub-criterion (Tiêu chí thành phần), with its maximum points and scoring guidance.

    Leaves are scored. A leaf is appraised (self-assessed, then scored by the Department of
    Home Affairs) or comes from a survey; a leaf with a `measure` is filled from the figures
    congvu keeps, mapped onto its points by `measure_rule`. `weight` matters for DDCI
    components; left empty, a leaf weighs its maximum points (the PAR index's sum)."""

    Level = CriterionLevel
    Kind = CriterionKind

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.CharField(_("level"), max_length=20, choices=CriterionLevel.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_("E.g. 1, 1.2, 1.2.3."))
    title = models.CharField(_("title"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CriterionKind.choices, default=CriterionKind.APPRAISAL
    )
    measure = models.CharField(
        _("automatic measure"), max_length=30, choices=Measure.choices, blank=True, default=""
    )
    measure_rule = models.CharField(
        _("rule"), max_length=20, choices=MeasureRule.choices, default=MeasureRule.LINEAR
    )
    measure_zero_at = models.DecimalField(
        _("no points at or below"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    measure_full_at = models.DecimalField(
        _("full marks at or above"), max_digits=6, decimal_places=2, default=Decimal(100)
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(level__in=CriterionLevel.values), name="criterion_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=AppliesTo.values), name="criterion_applies_valid"
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="criterion_measure_valid"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="criterion_max_points_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(measure="") | Q(measure_full_at__gte=F("measure_zero_at")),
                name="criterion_measure_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def applies(self, group: str) -> bool:
        return self.applies_to in (AppliesTo.ALL, group)


class UnitAssessmentQuerySet(models.QuerySet["UnitAssessment"]):
    def visible_to(self, user: Any) -> UnitAssessmentQuerySet:
        from congvu.assessments.selectors import assessment_visibility_q

        return self.filter(assessment_visibility_q(user))


class UnitAssessment(models.Model):
    """A unit's part in a round (Kết quả đánh giá của đơn vị): its self-assessment
    (tự đánh giá, chấm điểm), then, once computed, its points, index, rank and grade, with
    last year's index and rank beside them."""

    Status = AssessmentStatus

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    group = models.CharField(_("group"), max_length=20, choices=UnitGroup.choices)
    status = models.CharField(
        _("self-assessment"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    self_total = models.DecimalField(
        _("self-assessed points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        _("maximum points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    index_value = models.DecimalField(
        _("index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    of_units = models.PositiveIntegerField(_("of units"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=60, blank=True)
    previous_index = models.DecimalField(
        _("last year's index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    previous_rank = models.PositiveIntegerField(_("last year's rank"), null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    objects = UnitAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit assessment")
        verbose_name_plural = _("unit assessments")
        ordering = ["round", "group", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="unit_assessment_unique"),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values),
                name="unit_assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(group__in=UnitGroup.values), name="unit_assessment_group_valid"
            ),
        ]
        indexes = [models.Index(fields=["unit", "round"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    @property
    def rank_change(self) -> int | None:
        """Places gained since last year (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def index_change(self) -> Decimal | None:
        if self.index_value is None or self.previous_index is None:
            return None
        return self.index_value - self.previous_index


class Score(models.Model):
    """The points of one unit on one scored criterion: self-assessed with a note, appraised
    with a comment (the appraised points are final), from the survey, or measured by congvu
    from its own figures with a link to their source."""

    assessment = models.ForeignKey(UnitAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    self_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    self_note = models.TextField(blank=True)
    appraised_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    appraisal_comment = models.TextField(blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    survey_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    measured_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    measured_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    source_label = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=(Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(appraised_points__isnull=True) | Q(appraised_points__gte=0))
                & (Q(survey_points__isnull=True) | Q(survey_points__gte=0))
                & (Q(measured_points__isnull=True) | Q(measured_points__gte=0)),
                name="score_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.criterion_id}"

    @property
    def final_points(self) -> Decimal | None:
        """The appraised points when given (they are final), else the measured or survey
        points; None while nobody has scored the criterion."""
        if self.appraised_points is not None:
            return self.appraised_points
        if self.measured_points is not None:
            return self.measured_points
        return self.survey_points


def _evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is ours; the uploader's name is kept in original_name only.
    return f"assessments/{timezone.localdate():%Y}/{instance.score_id}/{timezone.now():%H%M%S%f}"


class Evidence(models.Model):
    """A piece of evidence (Tài liệu kiểm chứng) a unit files for a self-assessed criterion.
    Stored outside the web root; never public, even after the results are."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        _("file"), upload_to=_evidence_path, storage=_private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["score", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SurveyImport(models.Model):
    """A file of survey results (Kết quả điều tra xã hội học, khảo sát doanh nghiệp) read into
    a round: who imported it, when, and how many values it held."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="survey_imports")
    original_name = models.CharField(max_length=255)
    values = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "-imported_at"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.original_name}"


class ReminderSent(models.Model):
    """That the reminder `offset` working days from the self-assessment deadline went to a
    unit. The unique constraint makes each reminder go once, however many sweeps run."""

    assessment = models.ForeignKey(
        UnitAssessment, on_delete=models.CASCADE, related_name="reminders"
    )
    offset = models.SmallIntegerField()
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "offset", "deadline"], name="assessment_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.offset:+d}"
