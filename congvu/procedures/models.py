from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.organizations.models import Position, Unit


class Field(models.Model):
    """A field of administrative procedures (Lĩnh vực), e.g. Hộ tịch, Chứng thực, Đất đai."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        """Procedures with a version in force today (the public catalogue)."""
        today = timezone.localdate()
        return (
            self.filter(
                versions__status=ProcedureVersion.Status.PUBLISHED,
                versions__valid_from__lte=today,
            )
            .filter(Q(versions__valid_until__isnull=True) | Q(versions__valid_until__gt=today))
            .distinct()
        )


class Procedure(models.Model):
    """An administrative procedure (Thủ tục hành chính) as recorded in the national procedure
    database under its code; what it requires changes over time in its versions."""

    code = models.CharField(
        _("procedure code"),
        max_length=40,
        unique=True,
        help_text=_("Code in the national database of administrative procedures, e.g. 1.001193."),
    )
    # Name and field of the latest version, kept here for search and lists.
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures"
    )
    search_text = models.TextField(editable=False, default="")

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial level")
    COMMUNE = "commune", _("Commune level")
    CENTRAL = "central", _("Central level")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CompetentKind(models.TextChoices):
    """Which unit resolves the dossier: one named unit, or the commune the dossier is for."""

    UNIT = "unit", _("A named unit")
    COMMUNE = "commune", _("The commune People's Committee concerned")


class ProcedureVersion(models.Model):
    """One published version of a procedure (Quyết định công bố): what it requires, how long it
    takes, what it costs. A dossier pins the version it was received under, so a later change
    of the procedure never changes the rules of dossiers already in hand (NĐ 118/2025)."""

    Level = ProcedureLevel
    Online = OnlineLevel
    TimeUnit = TimeUnit
    Status = VersionStatus
    Competent = CompetentKind

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=20, choices=ProcedureLevel.choices)
    competent_kind = models.CharField(
        _("competent authority"),
        max_length=20,
        choices=CompetentKind.choices,
        default=CompetentKind.UNIT,
    )
    competent_unit = models.ForeignKey(
        Unit,
        verbose_name=_("competent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competent_procedures",
    )
    processing_time = models.DecimalField(
        _("processing time"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    processing_unit = models.CharField(
        _("unit of time"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    cutoff_time = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        help_text=_(
            "Dossiers received at or after this time of day count from the next working day."
        ),
    )
    result_type = models.CharField(_("result"), max_length=500, blank=True)
    paper_result_required = models.BooleanField(_("paper result required"), default=False)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    applicants = models.CharField(_("who may apply"), max_length=500, blank=True)
    online_level = models.CharField(
        _("online service level"),
        max_length=20,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    decision = models.CharField(
        _("publishing decision"), max_length=200, blank=True, help_text=_("E.g. 1234/QĐ-UBND")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__in=ProcedureLevel.values), name="procedure_version_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(online_level__in=OnlineLevel.values),
                name="procedure_version_online_valid",
            ),
            models.CheckConstraint(
                condition=Q(processing_unit__in=TimeUnit.values),
                name="procedure_version_time_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="procedure_version_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(processing_time__gte=0), name="procedure_version_time_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="procedure_version_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def processing_hours(self) -> Decimal:
        """The statutory time in working hours (8 to a working day); calendar days count 8 too,
        for the purpose of checking the internal steps' budgets against it."""
        if self.processing_unit == TimeUnit.WORKING_HOURS:
            return self.processing_time
        return self.processing_time * 8

    def is_in_force_on(self, day: dt.date) -> bool:
        return (
            self.status == VersionStatus.PUBLISHED
            and self.valid_from <= day
            and (self.valid_until is None or day < self.valid_until)
        )


class RequiredDocument(models.Model):
    """A document the applicant hands in (Thành phần hồ sơ), with the number of originals and
    copies the procedure asks for."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("document"), max_length=500)
    originals = models.PositiveIntegerField(_("originals"), default=1)
    copies = models.PositiveIntegerField(_("copies"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee or charge (Phí, lệ phí) of a procedure, in đồng."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        CHARGE = "charge", _("Charge")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    description = models.CharField(_("description"), max_length=500)
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative")]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    FORWARD = "forward", _("Forward")
    REVIEW = "review", _("Specialist review")
    APPROVE = "approve", _("Leader approval")
    SIGN = "sign", _("Signing")
    INTER_AGENCY = "inter_agency", _("Inter-agency step")
    RETURN = "return", _("Return the result")


class StepResponsible(models.TextChoices):
    """Where the step is done: at the centre that received the dossier, at the competent unit,
    or at a named unit (another agency in an inter-agency procedure)."""

    RECEIVING_UNIT = "receiving_unit", _("The unit that received the dossier")
    COMPETENT_UNIT = "competent_unit", _("The competent unit")
    NAMED_UNIT = "named_unit", _("A named unit")


class ProcessStep(models.Model):
    """A step of the internal process of a procedure version (Quy trình nội bộ): who does it
    and how many working hours of the statutory time it may use."""

    Kind = StepKind
    Responsible = StepResponsible

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=StepKind.choices)
    responsible = models.CharField(
        _("done at"),
        max_length=20,
        choices=StepResponsible.choices,
        default=StepResponsible.COMPETENT_UNIT,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("named unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(
        _("done by"), max_length=32, choices=Position.Kind.choices, default=Position.Kind.SPECIALIST
    )
    budget_hours = models.DecimalField(
        _("time budget (working hours)"), max_digits=7, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="process_step_order_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values), name="process_step_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(responsible__in=StepResponsible.values),
                name="process_step_responsible_valid",
            ),
            models.CheckConstraint(
                condition=Q(budget_hours__gte=0), name="process_step_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(responsible=StepResponsible.NAMED_UNIT) | Q(unit__isnull=False),
                name="process_step_named_unit_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class TransitionAction(models.TextChoices):
    FORWARD = "forward", _("Forward to the next step")
    SEND_BACK = "send_back", _("Send back to an earlier step")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request supplementation")
    REQUEST_PAYMENT = "request_payment", _("Request payment")
    REFUSE = "refuse", _("Refuse")
    RESOLVE = "resolve", _("Resolve (result ready)")


class ProcessTransition(models.Model):
    """An allowed move from one step (Chuyển bước): to another step, or out of the process
    (`to_step` empty) when the action ends it, as resolving or refusing does."""

    Action = TransitionAction

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="transitions"
    )
    from_step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="outgoing")
    to_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming"
    )
    action = models.CharField(_("action"), max_length=30, choices=TransitionAction.choices)

    class Meta:
        verbose_name = _("process transition")
        verbose_name_plural = _("process transitions")
        ordering = ["version", "from_step__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=TransitionAction.values),
                name="process_transition_action_valid",
            ),
            models.UniqueConstraint(
                fields=["from_step", "to_step", "action"], name="process_transition_unique"
            ),
        ]

    def __str__(self) -> str:
        target = self.to_step.name if self.to_step is not None else "—"
        return f"{self.from_step.name} → {target} ({self.get_action_display()})"

    @property
    def ends_process(self) -> bool:
        return self.to_step_id is None

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.from_step_id, "to": self.to_step_id, "action": self.action}
