from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.lib.index766 import INDICATORS
from congvu.organizations.models import Unit

INDICATOR_CHOICES = [(i.code, i.code) for i in INDICATORS]
MANUAL_CODES = [i.code for i in INDICATORS if i.source == "manual"]


class IndexVersion(models.Model):
    """One year's configuration of the service-quality index (Bộ chỉ số phục vụ người dân,
    doanh nghiệp theo QĐ 766/QĐ-TTg): how the points of each statutory group are shared among
    its indicators, and at what share each earns its points in full. The provincial office
    issues it for a year; the figures of a year are computed with that year's version."""

    year = models.PositiveIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2022), MaxValueValidator(2100)]
    )
    decision = models.CharField(
        _("decision"), max_length=200, blank=True, help_text=_("E.g. 123/QĐ-UBND")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("index configuration")
        verbose_name_plural = _("index configurations")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class IndicatorWeight(models.Model):
    """The points one indicator carries inside its group in one year's configuration, and
    the share (per cent) at which it earns them in full."""

    version = models.ForeignKey(IndexVersion, on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField(_("indicator"), max_length=40, choices=INDICATOR_CHOICES)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    full_at = models.DecimalField(
        _("full points at (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "indicator"], name="indicator_weight_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(full_at__gt=0) & Q(full_at__lte=100),
                name="indicator_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.year} {self.indicator} {self.points}"


def _private_storage() -> Any:
    return storages["private"]


def _evidence_path(instance: ManualFigure, filename: str) -> str:
    # The stored name is ours; the uploader's name is kept in evidence_name only.
    return f"indices/{instance.year}/{instance.unit_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class FigureStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    LOCKED = "locked", _("Locked")


class ManualFigureQuerySet(models.QuerySet["ManualFigure"]):
    def visible_to(self, user: Any) -> ManualFigureQuerySet:
        """Figures of the units whose index `user` may open (see `selectors.detail_paths`)."""
        from congvu.indices.selectors import detail_paths

        paths = detail_paths(user)
        if paths is None:
            return self.all()
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(unit__path__startswith=path)
        return self.filter(condition)


class ManualFigure(models.Model):
    """A figure of the index that the system cannot count itself (Số liệu tự đánh giá có tài
    liệu kiểm chứng), e.g. the procedures published on time in the national database: the
    numerator and denominator a unit enters for a quarter, with its evidence file, which the
    provincial office then locks (accepts) or returns. Only locked figures count."""

    Status = FigureStatus

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="index_figures"
    )
    indicator = models.CharField(
        _("indicator"), max_length=40, choices=[(c, c) for c in MANUAL_CODES]
    )
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2022), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))
    note = models.TextField(_("explanation"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=_evidence_path, storage=_private_storage, max_length=255
    )
    evidence_name = models.CharField(_("evidence file"), max_length=255)
    evidence_type = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects = ManualFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("manual index figure")
        verbose_name_plural = _("manual index figures")
        ordering = ["-year", "-quarter", "unit__path", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "year", "quarter"], name="manual_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FigureStatus.values),
                name="manual_figure_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="manual_figure_quarter"
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=F("denominator")), name="manual_figure_share"
            ),
        ]
        indexes = [models.Index(fields=["year", "status", "indicator"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.indicator} {self.year}/Q{self.quarter}"
