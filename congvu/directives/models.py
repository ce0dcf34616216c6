from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congvu.organizations.models import Official, Unit


def _private_storage() -> Any:
    return storages["private"]


class DocumentKind(models.TextChoices):
    DIRECTIVE = "chi_thi", _("Directive (chỉ thị)")
    DECISION = "quyet_dinh", _("Decision (quyết định)")
    PLAN = "ke_hoach", _("Plan (kế hoạch)")
    RESOLUTION = "nghi_quyet", _("Resolution (nghị quyết)")
    OFFICIAL_LETTER = "cong_van", _("Official letter (công văn)")
    CONCLUSION = "thong_bao_ket_luan", _("Notice of conclusions (thông báo kết luận)")
    OTHER = "khac", _("Other")


class DirectingDocument(models.Model):
    """A directing document (Văn bản chỉ đạo, điều hành) that assigns tasks: a directive such as
    Chỉ thị 15/CT-UBND, a decision, a plan, an official letter, a notice of conclusions."""

    Kind = DocumentKind

    number = models.CharField(
        _("number and symbol"), max_length=60, help_text=_("E.g. 15/CT-UBND.")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="documents"
    )
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    issued_on = models.DateField(_("date"))
    title = models.CharField(_("subject"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(
        _("file"), upload_to="directives/%Y/", storage=_private_storage, blank=True, max_length=255
    )
    implements = models.ManyToManyField(
        "self",
        verbose_name=_("implements"),
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
    )
    implements_text = models.CharField(
        _("implements (documents of other bodies)"),
        max_length=500,
        blank=True,
        help_text=_("E.g. Nghị quyết 76/NQ-CP ngày 15/7/2021."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Show its tasks' progress on the public portal.")
    )
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("directing document")
        verbose_name_plural = _("directing documents")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number", "issued_on"], name="directing_document_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="directing_document_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Schedule(models.TextChoices):
    DUE_DATE = "due_date", _("By a due date")
    RECURRING = "recurring", _("Recurring report")
    ONGOING = "ongoing", _("Ongoing, with periodic reports")


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Completion reported")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (
    TaskStatus.ASSIGNED,
    TaskStatus.ACKNOWLEDGED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.REPORTED,
)


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, now: dt.datetime | None = None) -> TaskQuerySet:
        """Not done by its deadline: derived from the stored deadline, never a flag."""
        return self.filter(
            schedule=Schedule.DUE_DATE,
            status__in=OPEN_TASK_STATUSES,
            due_at__lt=now or timezone.now(),
        )

    def visible_to(self, user: Any) -> TaskQuerySet:
        from congvu.directives.selectors import task_visibility_q

        return self.filter(task_visibility_q(user))


class Task(models.Model):
    """A task (Nhiệm vụ) assigned by a directing document or directly by a leader, to a lead
    unit (chủ trì) with coordinating units (phối hợp).

    The accountable head of the lead unit is fixed when the task is assigned and stays on it,
    even when the head has the task done by a deputy (Chỉ thị 15/CT-UBND: the head answers for
    all work in their remit "even when assigned or delegated to a deputy"). The original
    deadline is kept when an extension is granted, for the evaluation.
    """

    Schedule = Schedule
    Cycle = Cycle
    Priority = Priority
    Status = TaskStatus

    document = models.ForeignKey(
        DirectingDocument,
        verbose_name=_("directing document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subtasks",
    )
    number = models.CharField(_("no."), max_length=20, blank=True)
    title = models.CharField(_("task"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="tasks_led"
    )
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("coordinating units"), blank=True, related_name="tasks_coordinated"
    )
    accountable_head = models.ForeignKey(
        Official,
        verbose_name=_("accountable head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_accountable",
    )
    assignee = models.ForeignKey(
        Official,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_assigned",
    )
    assigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="tasks_given",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    schedule = models.CharField(
        _("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.DUE_DATE
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # The end of the due day's office hours, the moment the sweeps compare with.
    due_at = models.DateTimeField(null=True, blank=True)
    original_due_on = models.DateField(_("original due date"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    cycle = models.CharField(_("reporting cycle"), max_length=20, choices=Cycle.choices, blank=True)
    cycle_day = models.PositiveSmallIntegerField(
        _("report by day"),
        null=True,
        blank=True,
        help_text=_("Day of the month the report is due."),
    )
    cycle_until = models.DateField(_("reports until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Share of this subtask in its parent's progress.")
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completion reported at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(
        _("quality (1–5)"),
        null=True,
        blank=True,
        help_text=_("Given by the assigner on acceptance."),
    )
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["document", "id"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["accountable_head", "status"]),
            # Reminder sweeps look only at open tasks with a deadline.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["assigned", "acknowledged", "in_progress", "reported"]),
                name="task_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(schedule__in=Schedule.values), name="task_schedule_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="task_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | (Q(quality__gte=1) & Q(quality__lte=5)),
                name="task_quality_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(schedule="due_date") | Q(due_on__isnull=False),
                name="task_due_date_given",
            ),
            models.CheckConstraint(
                condition=~Q(schedule="recurring") | (Q(cycle__gt="") & Q(cycle_day__isnull=False)),
                name="task_recurring_cycle_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return (
            self.schedule == Schedule.DUE_DATE
            and self.status in OPEN_TASK_STATUSES
            and self.due_at is not None
            and self.due_at < (now or timezone.now())
        )


class OccurrenceStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    REPORTED = "reported", _("Reported")


class TaskOccurrence(models.Model):
    """One obligation of a recurring or ongoing task: the report of one period (kỳ báo cáo),
    tracked on its own so that a missed month stays counted after the next one is done."""

    Status = OccurrenceStatus

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
    period = models.CharField(_("period"), max_length=20, help_text=_("E.g. 2026-11, 2026-Q4."))
    due_on = models.DateField(_("due date"))
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=OccurrenceStatus.choices, default=OccurrenceStatus.PENDING
    )
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["task", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="task_occurrence_unique")
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="occurrence_open_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.period}"


class ProgressReport(models.Model):
    """A progress report on a task (Báo cáo tiến độ): a percentage, text and a file; a
    completion report asks the assigner to accept the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    occurrence = models.ForeignKey(
        TaskOccurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("report"))
    file = models.FileField(
        _("file"), upload_to="directives/reports/%Y/%m/", storage=_private_storage, blank=True
    )
    is_completion = models.BooleanField(_("completion report"), default=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_report_percent")
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.percent}%"


class ExtensionRequest(models.Model):
    """A request to extend a task's deadline (Đề nghị gia hạn), decided by the assigner."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    previous_due_on = models.DateField(_("deadline before"))
    proposed_due_on = models.DateField(_("proposed deadline"))
    reason = models.TextField(_("reason"))
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["task", "requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_due_on__gt=F("previous_due_on")),
                name="extension_later_than_before",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.proposed_due_on:%d/%m/%Y}"


class TaskEvent(models.Model):
    """One step in a task's life (who did what, when): the history shown on the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
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
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class ReminderRung(models.Model):
    """One rung of a reminder ladder: how many working days from the deadline (negative
    before, 0 at, positive overdue) and who is told. A ladder is the rungs of one priority;
    the default ladder (7, 3, 1 days before to the assignee; at the deadline also to the
    accountable head; 1, 3, 7 days overdue also to the assigner) is seeded by a migration."""

    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    offset_working_days = models.SmallIntegerField(_("working days from the deadline"))
    to_assignee = models.BooleanField(default=True)
    to_head = models.BooleanField(default=False)
    to_assigner = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder rung")
        verbose_name_plural = _("reminder ladder")
        ordering = ["priority", "offset_working_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "offset_working_days"], name="reminder_rung_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} {self.offset_working_days:+d}"


class ReminderSent(models.Model):
    """That a rung has fired for a task's deadline (or one obligation's). The unique
    constraint is what makes each rung fire exactly once, however many sweeps run at once."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    occurrence = models.ForeignKey(
        TaskOccurrence, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rung = models.ForeignKey(ReminderRung, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "rung", "deadline"],
                condition=Q(occurrence__isnull=True),
                name="reminder_once_per_task_deadline",
            ),
            models.UniqueConstraint(
                fields=["occurrence", "rung"],
                condition=Q(occurrence__isnull=False),
                name="reminder_once_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.rung_id} {self.deadline:%d/%m/%Y}"
