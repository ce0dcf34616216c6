from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.organizations.models import Official, Unit
from congvu.procedures.models import ProcedureVersion, ProcessStep, RequiredDocument


class Channel(models.IntegerChoices):
    """How the dossier reached us; the national portal's codes (domain.md §4)."""

    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Newly registered")
    INTAKE_SUPPLEMENT = "intake_supplement", _("Supplementation requested at intake")
    REFUSED = "refused", _("Not received")
    PROCESSING = "processing", _("Processing")
    SUPPLEMENT = "supplement", _("Supplementation requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    STOPPED = "stopped", _("Stopped")
    RESOLVED = "resolved", _("Resolved, result ready")
    RETURNED = "returned", _("Result returned")


# Every internal state maps onto one national status code (domain.md §4, TT 04/2025/TT-VPCP).
NATIONAL_STATUS: dict[str, int] = {
    Status.SUBMITTED: 1,
    Status.INTAKE_SUPPLEMENT: 5,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWAL_REQUESTED: 7,
    Status.STOPPED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}

# States in which the clock belongs to the administration: a dossier here is "in process".
OPEN_STATUSES = (
    Status.PROCESSING,
    Status.SUPPLEMENT,
    Status.AWAITING_PAYMENT,
    Status.WITHDRAWAL_REQUESTED,
)
# States from which nothing more happens.
FINAL_STATUSES = (Status.REFUSED, Status.STOPPED, Status.RETURNED)


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: dt.datetime | None = None) -> DossierQuerySet:
        """In process with the clock running past the appointment: derived, never typed in."""
        return self.filter(status=Status.PROCESSING, due_at__lt=now or timezone.now())

    def visible_to(self, user: Any) -> DossierQuerySet:
        from congvu.dossiers.selectors import dossier_visibility_q

        return self.filter(dossier_visibility_q(user))


class Dossier(models.Model):
    """A dossier of an administrative procedure (Hồ sơ thủ tục hành chính): what an applicant
    handed in, where, under which version of the procedure, and how its handling went.

    Three places are recorded separately (domain.md §2): where it was received, which agency
    is competent to resolve it, and where it is now. Deadlines are stored columns the services
    recompute; "overdue" is derived from them and the working-day clock.
    """

    Channel = Channel
    Status = Status
    Timeliness = Timeliness

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    secret = models.CharField(max_length=32, editable=False)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    received_unit = models.ForeignKey(
        Unit,
        verbose_name=_("received at"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
    )
    competent_unit = models.ForeignKey(
        Unit,
        verbose_name=_("competent unit"),
        on_delete=models.PROTECT,
        related_name="dossiers_competent",
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.SUBMITTED
    )
    national_status = models.PositiveSmallIntegerField(_("national status code"), default=1)

    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("identifier number"), max_length=20)
    applicant_phone = models.CharField(_("phone"), max_length=20)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    request = models.TextField(_("request"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # The working-day clock (congvu.lib.workdays.Clock), kept as columns.
    clock_budget_seconds = models.FloatField(default=0)
    clock_used_seconds = models.FloatField(default=0)
    clock_running_since = models.DateTimeField(null=True, blank=True)
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    at_risk_from = models.DateTimeField(null=True, blank=True)
    intake_supplement_count = models.PositiveSmallIntegerField(default=0)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)

    current_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_unit = models.ForeignKey(
        Unit,
        verbose_name=_("now at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_here",
    )
    assignee = models.ForeignKey(
        Official,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_assigned",
    )
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)

    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    result_summary = models.TextField(_("result"), blank=True)
    return_method = models.CharField(_("result collected"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["current_unit", "status", "id"]),
            models.Index(fields=["competent_unit", "received_at"]),
            models.Index(fields=["received_unit", "received_at"]),
            models.Index(fields=["applicant_user", "-id"]),
            models.Index(fields=["assignee", "status", "id"]),
            # Sweeps and the "overdue" lists look only at dossiers whose clock runs.
            models.Index(
                fields=["due_at"], condition=Q(status="processing"), name="dossier_open_due"
            ),
            # The statistics count the dossiers waiting for the applicant (clock paused) by
            # competent unit; they are few, so the index stays small.
            models.Index(
                fields=["competent_unit"],
                condition=Q(status__in=["supplement", "awaiting_payment", "withdrawal_requested"]),
                name="dossier_waiting_competent",
            ),
            # The statistics count the dossiers still in process among those received by the
            # end of a period; only open dossiers are in this index.
            models.Index(
                fields=["received_at", "competent_unit"],
                condition=Q(
                    status__in=[
                        "processing",
                        "supplement",
                        "awaiting_payment",
                        "withdrawal_requested",
                    ]
                ),
                name="dossier_open_received",
            ),
            # The service-quality index counts the open dossiers of every unit, within or past
            # their appointment, from this index alone (QĐ 766/QĐ-TTg, domain.md §9).
            models.Index(
                fields=[
                    "competent_unit",
                    "status",
                    "due_at",
                    "supplement_count",
                    "intake_supplement_count",
                ],
                condition=Q(
                    status__in=[
                        "processing",
                        "supplement",
                        "awaiting_payment",
                        "withdrawal_requested",
                    ]
                ),
                name="dossier_open_unit_due",
            ),
            # The officials' worklists look only at live dossiers (not refused, stopped or
            # returned): received at or competent in their units, by status. Without these the
            # counts of a busy one-stop centre read every dossier it ever received.
            models.Index(
                fields=["received_unit", "status"],
                condition=~Q(status__in=["refused", "stopped", "returned"]),
                name="dossier_live_received",
            ),
            models.Index(
                fields=["competent_unit", "status"],
                condition=~Q(status__in=["refused", "stopped", "returned"]),
                name="dossier_live_competent",
            ),
            # "Due within one working day": the dossiers in process whose warning time passed.
            models.Index(
                fields=["at_risk_from"],
                condition=Q(status="processing"),
                name="dossier_open_at_risk",
            ),
            # The dossiers in process past their appointment at this moment, by unit: a range
            # of this index, beside the open dossiers counted in `DossierOpenStat`.
            models.Index(
                fields=[
                    "due_at",
                    "competent_unit",
                    "procedure_version",
                    "supplement_count",
                    "intake_supplement_count",
                ],
                condition=Q(status="processing"),
                name="dossier_processing_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="dossier_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="dossier_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(national_status__gte=1) & Q(national_status__lte=10),
                name="dossier_national_status_valid",
            ),
            # NĐ 118/2025: supplementation at intake is asked for once, and the new
            # appointment after an apology may be set only once.
            models.CheckConstraint(
                condition=Q(intake_supplement_count__lte=1), name="dossier_one_intake_supplement"
            ),
            models.CheckConstraint(
                condition=Q(extension_count__lte=1), name="dossier_one_extension"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def procedure(self) -> Any:
        return self.procedure_version.procedure

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status == Status.PROCESSING
            and self.due_at is not None
            and self.due_at < (now or timezone.now())
        )

    def is_at_risk(self, now: dt.datetime | None = None) -> bool:
        """From one working day before the appointment (domain.md §4)."""
        moment = now or timezone.now()
        return (
            self.status == Status.PROCESSING
            and self.at_risk_from is not None
            and self.at_risk_from <= moment
            and not self.is_overdue(moment)
        )


class DossierTransition(models.Model):
    """One hand-over or change of state of a dossier (a row of the control sheet, Mẫu 06):
    who gave it, who received it, when, and whether the step was early, on time or late."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    from_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    giver_label = models.CharField(_("handed over by"), max_length=200, blank=True)
    receiver = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiver_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    step_due_at = models.DateTimeField(_("step deadline"), null=True, blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dossier transition")
        verbose_name_plural = _("dossier transitions")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.action} {self.at:%d/%m/%Y %H:%M}"


def _private_storage() -> Any:
    return storages["private"]


def _document_path(instance: DossierDocument, filename: str) -> str:
    # The stored name is ours; the applicant's name is kept in original_name only.
    day = timezone.localdate()
    return f"dossiers/{day:%Y/%m}/{instance.dossier_id}/{timezone.now():%H%M%S%f}"


class DossierDocument(models.Model):
    """A file in a dossier: a document the applicant handed in, one added on supplementation,
    or the result."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application document")
        SUPPLEMENT = "supplement", _("Supplementation")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required_document = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(
        _("file"), upload_to=_document_path, storage=_private_storage, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SupplementRequest(models.Model):
    """A request to complete the dossier (Mẫu 02), listing every deficiency at once."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        PROCESSING = "processing", _("During processing")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    items = models.TextField(_("what is missing"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supplementation request")
        verbose_name_plural = _("supplementation requests")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.get_stage_display()}"


class Apology(models.Model):
    """The apology and new appointment (Mẫu 04) a late agency sends the applicant, once, with
    the reason and the unit and official responsible for the delay."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    reason = models.TextField(_("reason for the delay"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("unit responsible"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_official = models.ForeignKey(
        Official,
        verbose_name=_("official responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.new_due_at:%d/%m/%Y}"


class Rating(models.Model):
    """The applicant's evaluation of the service (NĐ 118/2025; domain.md §8)."""

    class Overall(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    overall = models.CharField(_("overall"), max_length=20, choices=Overall.choices)
    on_time = models.BooleanField(_("result on time"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("visits needed"), null=True, blank=True)
    attitude = models.CharField(
        _("staff attitude"), max_length=20, choices=Overall.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier.code} {self.get_overall_display()}"


class Feedback(models.Model):
    """Feedback or a petition (Phản ánh, kiến nghị) from a citizen or business."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected")
        MORE_INFO = "more_info", _("More information requested")
        RESOLVED = "resolved", _("Resolved")

    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    content = models.TextField(_("content"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.received_at:%d/%m/%Y}"


class DossierCodeSequence(models.Model):
    """The last sequence number given for one receiving agency on one day, so dossier codes
    `<agency code>-<YYMMDD>-<sequence>` (TT 03/2025/TT-VPCP) are unique under concurrency."""

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code", "day"], name="dossier_code_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day:%d/%m/%Y} {self.last}"


class StatCounters(models.Model):
    """The counters the summary rows keep for one competent unit and one procedure version."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    received_in_person = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    received_postal = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    supplement_requested = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)
    processing_seconds = models.FloatField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    # What the service-quality index (QĐ 766/QĐ-TTg, domain.md §9) counts besides the above:
    # payments confirmed, and those of dossiers submitted online (paid through the portal);
    # dossiers concluded with an electronic result, and with both their documents and their
    # result in electronic form; ratings, and ratings of "not satisfied".
    paid = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    result_electronic = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rated_unsatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DossierStat(StatCounters):
    """Daily counters of one competent unit and one procedure, kept by the services so that
    statistics and indices never scan every dossier. `stats_rebuild` recomputes them."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure_version", "day"], name="dossier_stat_unique"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "day"]),
            # A few days of the whole province (the edges of a rolling period) read by day.
            models.Index(fields=["day"], name="dossier_stat_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_version_id} {self.day}"


class DossierMonthStat(StatCounters):
    """The same counters by month (`month` is its first day): a year of a province's figures
    is then a few thousand rows to add up rather than a few hundred thousand."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure_version", "month"], name="dossier_month_stat_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_version_id} {self.month:%m/%Y}"


class DossierYearStat(StatCounters):
    """The same counters by calendar year: the service-quality index of a year (QĐ 766/QĐ-TTg,
    domain.md §9) then reads one row per unit and procedure version rather than twelve."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure_version", "year"], name="dossier_year_stat_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_version_id} {self.year}"


class DossierOpenStat(models.Model):
    """How many dossiers of one competent unit and procedure version are in process now, and
    how many of them were asked to supplement more than once (late whatever the clock says,
    domain.md §5 and §9). Kept by the services whenever a dossier enters or leaves the open
    states, so that "in process" figures of the present need not count the open dossiers;
    `stats_rebuild` recounts them. Which ones are past their appointment depends on the moment
    and is read from the dossiers (index `dossier_processing_due`)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="+"
    )
    # Plain integers: a count gone wrong must never stop an official's action; the rebuild
    # puts it right.
    open = models.IntegerField(default=0)
    late_by_supplements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure_version"], name="dossier_open_stat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.procedure_version_id}: {self.open}"


class DossierDue(models.Model):
    """The appointment of each dossier in process with its clock running (status processing),
    one row each, beside its competent unit and procedure version. Kept by the services with
    the dossier, so that the count of a unit's dossiers past their appointment at a moment is
    a range of one small index of a narrow table: the dossiers table, with its many indexes,
    costs PostgreSQL more to plan than such a count costs to run. `stats_rebuild` rewrites
    the rows from the dossiers."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Indexed only through `dossier_due_unit` below, which begins with the unit.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    due_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "procedure_version", "due_at"], name="dossier_due_unit")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.due_at:%Y-%m-%d %H:%M}"
