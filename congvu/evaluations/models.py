from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.organizations.models import Official, Unit


class Cadence(models.TextChoices):
    NONE = "none", _("Yearly only")
    MONTHLY = "monthly", _("Monthly scores")
    QUARTERLY = "quarterly", _("Quarterly scores")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A round of evaluation and classification of officials (Đợt đánh giá, xếp loại chất
    lượng cán bộ, công chức) for one year, province-wide or for one agency.

    Opening the round creates one evaluation per official in scope, with the evaluator and the
    competent head resolved from the organisation; the deadlines for self-assessment and for
    the decisions are counted in working days from the day it opens. With a cadence, officials
    are also scored monthly or quarterly and the scores are aggregated into the year. The cap
    on HTXSNV is a field of the round, since the province sets it (domain.md §11, verify).
    """

    Cadence = Cadence
    Status = RoundStatus

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    scope = models.ForeignKey(
        Unit,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        help_text=_("Leave empty for a province-wide round."),
    )
    title = models.CharField(_("title"), max_length=300)
    cadence = models.CharField(
        _("continuous scoring"), max_length=10, choices=Cadence.choices, default=Cadence.NONE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    self_assessment_due_at = models.DateTimeField(_("self-assessment due"))
    decision_due_at = models.DateTimeField(_("decisions due"))
    excellent_quota_percent = models.PositiveSmallIntegerField(
        _("HTXSNV cap (% of those rated HTTNV or better)"),
        default=20,
        validators=[MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "scope__path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="evaluation_round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="evaluation_round_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(excellent_quota_percent__lte=100),
                name="evaluation_round_quota_percent",
            ),
            models.UniqueConstraint(
                fields=["year", "scope"], name="evaluation_round_one_per_scope"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(scope__isnull=True),
                name="evaluation_round_one_province_wide",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Level(models.TextChoices):
    """The four levels of NĐ 90/2020 (as amended), and the outcome of one not classified."""

    EXCELLENT = "htxsnv", _("Excellently completed duties (HTXSNV)")
    GOOD = "httnv", _("Well completed duties (HTTNV)")
    DONE = "htnv", _("Completed duties (HTNV)")
    FAILED = "khtnv", _("Did not complete duties (KHTNV)")
    NOT_CLASSIFIED = "not_classified", _("Not classified (under 6 months worked)")


class EvaluationStatus(models.TextChoices):
    AWAITING_SELF = "awaiting_self", _("Awaiting self-assessment")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    PROPOSED = "proposed", _("Proposed by the evaluator")
    DECIDED = "decided", _("Decided")


class PositionGroup(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    STAFF = "staff", _("Staff")


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def visible_to(self, user: Any) -> EvaluationQuerySet:
        """Evaluations `user` may see (see `selectors.evaluation_visibility_q`)."""
        from congvu.evaluations.selectors import evaluation_visibility_q

        return self.filter(evaluation_visibility_q(user))


class Evaluation(models.Model):
    """One official's yearly evaluation and classification (Phiếu đánh giá, xếp loại chất
    lượng): the official's self-assessment, the evaluator's proposal, the competent head's
    decision, and the level congvu proposes from the data it holds with its reasons.

    The position, unit and agency are those at the time the round opened. The evaluator and
    the decider are resolved then: the head of an agency is evaluated by the head of the
    superior agency; deputies and staff by the head of their agency (or the official acting
    for the head under a delegation for evaluation, who proposes while the head decides).
    """

    Level = Level
    Status = EvaluationStatus
    Group = PositionGroup

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="evaluations"
    )
    official = models.ForeignKey(
        Official,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Unit, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("position group"), max_length=10, choices=PositionGroup.choices)
    position_title = models.CharField(_("position"), max_length=200, blank=True)
    evaluator = models.ForeignKey(
        Official,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_to_propose",
    )
    decider = models.ForeignKey(
        Official,
        verbose_name=_("competent head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_to_decide",
    )
    months_worked = models.DecimalField(
        _("months worked in the year"),
        max_digits=4,
        decimal_places=1,
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )
    months_absent = models.DecimalField(
        _("months absent"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
    )
    disciplined = models.BooleanField(_("disciplined in the year"), default=False)
    discipline_note = models.CharField(_("discipline"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.AWAITING_SELF,
    )
    self_text = models.TextField(_("self-assessment"), blank=True)
    self_level = models.CharField(
        _("self-proposed level"), max_length=20, choices=Level.choices, blank=True
    )
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    proposed_level = models.CharField(
        _("evaluator's proposal"), max_length=20, choices=Level.choices, blank=True
    )
    proposal_comment = models.TextField(_("evaluator's comments"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    # congvu's proposal as it stood at the last step, with its reasons (see reasons.py).
    system_level = models.CharField(
        _("congvu's proposal"), max_length=20, choices=Level.choices, blank=True
    )
    system_reasons = models.JSONField(_("congvu's reasons"), default=list, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["round", "agency__path", "unit__path", "group", "official__full_name"]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["evaluator", "status"]),
            models.Index(fields=["decider", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "official"], name="evaluation_one_per_official"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EvaluationStatus.values), name="evaluation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(group__in=PositionGroup.values), name="evaluation_group_valid"
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(level__in=Level.values), name="evaluation_level_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | ~Q(level=""),
                name="evaluation_decided_has_level",
            ),
            models.CheckConstraint(
                condition=Q(months_absent__lte=models.F("months_worked")),
                name="evaluation_absent_within_worked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.round}"

    @property
    def is_head(self) -> bool:
        return self.group == PositionGroup.HEAD


class EvaluationStep(models.Model):
    """One step of an evaluation (who did what, when, with which level and words): the
    history shown on the evaluation, one row per transition."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    level = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation step")
        verbose_name_plural = _("evaluation steps")
        ordering = ["evaluation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.action}"


class PeriodScore(models.Model):
    """A monthly or quarterly score of an official (Điểm đánh giá theo tháng, quý), out of
    100, given by the evaluator; the year's score is their mean."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="period_scores"
    )
    period = models.CharField(_("period"), max_length=10, help_text=_("E.g. 2026-03, 2026-Q1."))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("period score")
        verbose_name_plural = _("period scores")
        ordering = ["evaluation", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "period"], name="period_score_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="period_score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.period} {self.score}"
