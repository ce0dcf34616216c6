from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congvu.calendars.selectors import work_calendar_get
from congvu.directives.models import (
    Cycle,
    DirectingDocument,
    DocumentKind,
    ExtensionRequest,
    Priority,
    ProgressReport,
    Schedule,
    Task,
    TaskEvent,
    TaskOccurrence,
)
from congvu.directives.selectors import task_timeliness

ACTIONS = [
    ("acknowledge", _("Acknowledge")),
    ("report", _("Report progress")),
    ("accept", _("Accept")),
    ("send_back", _("Send back")),
    ("request_extension", _("Request an extension")),
    ("decide_extension", _("Decide on an extension")),
    ("cancel", _("Cancel")),
    ("delegate", _("Hand to an official")),
]


class DirectingDocumentSerializer(serializers.ModelSerializer[DirectingDocument]):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)

    class Meta:
        model = DirectingDocument
        fields = [
            "id",
            "number",
            "kind",
            "issuer",
            "issuer_name",
            "signer",
            "issued_on",
            "title",
            "summary",
            "implements",
            "implements_text",
            "is_public",
        ]
        read_only_fields = ["id", "issuer_name"]
        extra_kwargs = {"implements": {"required": False}}


class DirectingDocumentInputSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    issuer = serializers.IntegerField()
    issued_on = serializers.DateField()
    title = serializers.CharField(max_length=500)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    signer = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    implements = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    implements_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    is_public = serializers.BooleanField(required=False, default=False)


class TaskPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer[Task]):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    accountable_head = TaskPersonSerializer(read_only=True, allow_null=True)
    assignee = TaskPersonSerializer(read_only=True, allow_null=True)
    timeliness = serializers.SerializerMethodField()
    # Empty for a task with one deadline: the schema lists "" among the choices.
    cycle = serializers.ChoiceField(choices=[("", ""), *Cycle.choices], read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "document",
            "parent",
            "number",
            "title",
            "content",
            "lead_unit",
            "lead_unit_name",
            "accountable_head",
            "assignee",
            "priority",
            "schedule",
            "due_on",
            "due_at",
            "original_due_on",
            "extension_count",
            "cycle",
            "cycle_day",
            "cycle_until",
            "status",
            "progress",
            "weight",
            "assigned_at",
            "completed_at",
            "accepted_at",
            "quality",
            "timeliness",
        ]
        read_only_fields = fields

    def get_timeliness(self, obj: Task) -> str:
        # One calendar for the whole page: reading it is a query when the cache is cold.
        context = self.context
        if "calendar" not in context:
            context["calendar"] = work_calendar_get()
        return task_timeliness(obj, context.get("now"), calendar=context["calendar"])


class TaskEventSerializer(serializers.ModelSerializer[TaskEvent]):
    class Meta:
        model = TaskEvent
        fields = ["action", "from_status", "to_status", "actor_label", "at", "note"]


class ProgressReportSerializer(serializers.ModelSerializer[ProgressReport]):
    period = serializers.CharField(source="occurrence.period", default=None, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "at", "percent", "text", "is_completion", "occurrence", "period"]


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_at",
            "previous_due_on",
            "proposed_due_on",
            "reason",
            "decision",
            "decided_at",
            "decision_note",
        ]


class TaskOccurrenceSerializer(serializers.ModelSerializer[TaskOccurrence]):
    class Meta:
        model = TaskOccurrence
        fields = ["id", "period", "due_on", "due_at", "status", "reported_at"]


class TaskDetailSerializer(TaskSerializer):
    coordinating_units: serializers.PrimaryKeyRelatedField[Any] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    events = TaskEventSerializer(many=True, read_only=True)
    reports = ProgressReportSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)
    occurrences = TaskOccurrenceSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "coordinating_units",
            "events",
            "reports",
            "extension_requests",
            "occurrences",
        ]
        read_only_fields = fields


class TaskAssignSerializer(serializers.Serializer[Any]):
    lead_unit = serializers.IntegerField()
    title = serializers.CharField(max_length=500)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.IntegerField(required=False, allow_null=True, default=None)
    # A field named like Field.parent: the serializer's metaclass takes it out of the class.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None
    )
    coordinating_units = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    schedule = serializers.ChoiceField(choices=Schedule.choices, default=Schedule.DUE_DATE)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    cycle = serializers.ChoiceField(
        choices=Cycle.choices, required=False, allow_blank=True, default=""
    )
    cycle_day = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=31
    )
    cycle_until = serializers.DateField(required=False, allow_null=True, default=None)
    weight = serializers.IntegerField(required=False, default=1, min_value=1)
    number = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class ProgressReportInputSerializer(serializers.Serializer[Any]):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField()
    is_completion = serializers.BooleanField(required=False, default=False)
    occurrence = serializers.IntegerField(required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class TaskActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=ACTIONS)
    percent = serializers.IntegerField(required=False, min_value=0, max_value=100, default=0)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    is_completion = serializers.BooleanField(required=False, default=False)
    occurrence = serializers.IntegerField(required=False, allow_null=True, default=None)
    quality = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    proposed_due_on = serializers.DateField(required=False, allow_null=True, default=None)
    request = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The extension request decided (decide_extension)."),
    )
    approve = serializers.BooleanField(required=False, default=False)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("Official (delegate).")
    )
