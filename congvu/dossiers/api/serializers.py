from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congvu.dossiers.models import Channel, Dossier, DossierDocument, DossierTransition, Rating
from congvu.dossiers.workflow import ACTIONS


class ApplicantSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(max_length=20)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    representative = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class DossierSubmitSerializer(serializers.Serializer[Any]):
    procedure = serializers.CharField(help_text=_("Code of the procedure, e.g. 1.001193."))
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantSerializer()
    commune = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "For commune-level procedures: the commune's administrative code, e.g. W01273."
        ),
    )
    request = serializers.CharField(required=False, allow_blank=True, default="")


class UnitRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer[DossierDocument]):
    class Meta:
        model = DossierDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class TransitionSerializer(serializers.ModelSerializer[DossierTransition]):
    receiver = serializers.CharField(source="receiver.full_name", default=None)
    receiver_unit = serializers.CharField(source="receiver_unit.name", default=None)

    class Meta:
        model = DossierTransition
        fields = [
            "action",
            "from_status",
            "to_status",
            "giver_label",
            "receiver",
            "receiver_unit",
            "at",
            "step_due_at",
            "timeliness",
            "note",
        ]


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    procedure = serializers.CharField(source="procedure_version.procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    status_label = serializers.CharField(source="get_status_display")
    received_unit = UnitRefSerializer()
    competent_unit = UnitRefSerializer()
    current_unit = UnitRefSerializer(allow_null=True)
    current_step = serializers.CharField(source="current_step.name", default=None, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    is_at_risk = serializers.SerializerMethodField()
    applicant = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "secret",
            "procedure",
            "procedure_name",
            "procedure_version",
            "channel",
            "status",
            "status_label",
            "national_status",
            "received_unit",
            "competent_unit",
            "current_unit",
            "current_step",
            "applicant",
            "request",
            "submitted_at",
            "received_at",
            "due_at",
            "original_due_at",
            "resolved_at",
            "returned_at",
            "timeliness",
            "is_overdue",
            "is_at_risk",
            "extension_count",
        ]

    def get_is_overdue(self, obj: Dossier) -> bool:
        return obj.is_overdue()

    def get_is_at_risk(self, obj: Dossier) -> bool:
        return obj.is_at_risk()

    def get_applicant(self, obj: Dossier) -> dict[str, str]:
        return {
            "name": obj.applicant_name,
            "id_number": obj.applicant_id_number,
            "phone": obj.applicant_phone,
            "email": obj.applicant_email,
            "address": obj.applicant_address,
            "representative": obj.representative,
        }


class DossierDetailSerializer(DossierSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "documents", "transitions"]


class RatingInputSerializer(serializers.Serializer[Any]):
    overall = serializers.ChoiceField(choices=Rating.Overall.choices)
    on_time = serializers.BooleanField(required=False, allow_null=True, default=None)
    visits = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    attitude = serializers.ChoiceField(
        choices=Rating.Overall.choices, required=False, allow_blank=True, default=""
    )


class ActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=[(a.name, a.label) for a in ACTIONS.values()])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    to_step = serializers.IntegerField(required=False, allow_null=True, default=None)
    expected_step = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The step the caller saw; if the dossier has moved on, the action gets 409."),
    )
    new_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    responsible_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    return_method = serializers.CharField(required=False, allow_blank=True, default="")
    rating = RatingInputSerializer(required=False, allow_null=True, default=None)


class AllowedActionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    title = serializers.CharField()
    note_required = serializers.BooleanField()


class DocumentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    kind = serializers.ChoiceField(
        choices=DossierDocument.Kind.choices, default=DossierDocument.Kind.APPLICATION
    )
    required_document = serializers.IntegerField(required=False, allow_null=True, default=None)


class PublicDossierSerializer(serializers.ModelSerializer[Dossier]):
    """What anyone holding the code and key may see: no personal data."""

    procedure = serializers.CharField(source="procedure_version.procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    status_label = serializers.CharField(source="get_status_display")
    received_unit = serializers.CharField(source="received_unit.name")
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        help_text="In process past its appointment at the moment of the lookup.",
    )

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "procedure_name",
            "status",
            "status_label",
            "national_status",
            "received_unit",
            "received_at",
            "due_at",
            "overdue",
            "returned_at",
        ]
