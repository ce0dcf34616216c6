from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congvu.organizations.models import Unit
from congvu.procedures.models import (
    Fee,
    Field,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepKind,
    TimeUnit,
)


class FieldSerializer(serializers.ModelSerializer[Field]):
    class Meta:
        model = Field
        fields = ["code", "name"]
        read_only_fields = fields


class CompetentUnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name", "code"]
        read_only_fields = fields


class ProcedureSerializer(serializers.ModelSerializer[ProcedureVersion]):
    """A procedure as the version in force today."""

    code = serializers.CharField(source="procedure.code", read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)
    field = FieldSerializer(read_only=True)
    competent_unit = CompetentUnitSerializer(read_only=True, allow_null=True)
    processing_time = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True
    )
    processing_days = serializers.SerializerMethodField(
        help_text="The processing time in working days (working hours / 8); a time in "
        "calendar days is given as it is."
    )

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "name",
            "version",
            "field",
            "level",
            "competent_kind",
            "competent_unit",
            "processing_time",
            "processing_unit",
            "processing_days",
            "cutoff_time",
            "online_level",
            "valid_from",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.FloatField())
    def get_processing_days(self, version: ProcedureVersion) -> float:
        days: Decimal = version.processing_time
        if version.processing_unit == TimeUnit.WORKING_HOURS:
            days = version.processing_time / 8
        return float(days)


class RequiredDocumentSerializer(serializers.ModelSerializer[RequiredDocument]):
    class Meta:
        model = RequiredDocument
        fields = ["order", "name", "originals", "copies", "mandatory"]
        read_only_fields = fields


class FeeSerializer(serializers.ModelSerializer[Fee]):
    # Kinds are inlined enums: "kind" names other choice sets elsewhere in the API.
    kind = serializers.SerializerMethodField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=0, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = Fee
        fields = ["kind", "description", "amount"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": Fee.Kind.values})
    def get_kind(self, fee: Fee) -> str:
        return fee.kind


class ProcessStepSerializer(serializers.ModelSerializer[ProcessStep]):
    kind = serializers.SerializerMethodField()
    unit = CompetentUnitSerializer(read_only=True, allow_null=True)
    budget_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "kind", "responsible", "unit", "position", "budget_hours"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": StepKind.values})
    def get_kind(self, step: ProcessStep) -> str:
        return step.kind


class ProcedureDetailSerializer(ProcedureSerializer):
    documents = RequiredDocumentSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    steps = ProcessStepSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [
            *ProcedureSerializer.Meta.fields,
            "valid_until",
            "decision",
            "result_type",
            "paper_result_required",
            "legal_basis",
            "applicants",
            "documents",
            "fees",
            "steps",
        ]
        read_only_fields = fields
