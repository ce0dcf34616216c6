from __future__ import annotations

from typing import Any

from rest_framework import serializers

from congvu.assessments.models import (
    Criterion,
    Evidence,
    GradeBand,
    Round,
    RoundKind,
    Score,
    UnitAssessment,
    UnitGroup,
)
from congvu.assessments.selectors import METRICS


class AssessmentGradeBandSerializer(serializers.ModelSerializer[GradeBand]):
    class Meta:
        model = GradeBand
        fields = ["label", "min_index"]


class AssessmentCriterionSerializer(serializers.ModelSerializer[Criterion]):
    class Meta:
        model = Criterion
        fields = [
            "id",
            "parent",
            "level",
            "code",
            "title",
            "max_points",
            "weight",
            "guidance",
            "applies_to",
            "kind",
            "measure",
            "measure_rule",
            "measure_zero_at",
            "measure_full_at",
        ]


class AssessmentRoundSerializer(serializers.ModelSerializer[Round]):
    bands = AssessmentGradeBandSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "year",
            "title",
            "decision",
            "period_start",
            "period_end",
            "status",
            "working_days",
            "opened_at",
            "due_at",
            "previous",
            "published_at",
            "bands",
        ]


class AssessmentRoundDetailSerializer(AssessmentRoundSerializer):
    criteria = AssessmentCriterionSerializer(many=True, read_only=True)

    class Meta(AssessmentRoundSerializer.Meta):
        fields = [*AssessmentRoundSerializer.Meta.fields, "criteria"]


class AssessmentRoundCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=RoundKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300)
    decision = serializers.CharField(max_length=200, required=False, default="")
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    copy_from = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssessmentRoundActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=["open", "start_appraisal", "compute", "publish", "refresh", "enrol"]
    )
    working_days = serializers.IntegerField(required=False, min_value=1, max_value=60)


class AssessmentFileSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class AssessmentImportResultSerializer(serializers.Serializer[Any]):
    imported = serializers.IntegerField()


class UnitAssessmentSerializer(serializers.ModelSerializer[UnitAssessment]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = UnitAssessment
        fields = [
            "id",
            "round",
            "unit",
            "unit_name",
            "group",
            "status",
            "submitted_at",
            "self_total",
            "score",
            "max_score",
            "index_value",
            "rank",
            "of_units",
            "grade",
            "previous_index",
            "previous_rank",
        ]


class AssessmentEvidenceSerializer(serializers.ModelSerializer[Evidence]):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class AssessmentScoreSerializer(serializers.ModelSerializer[Score]):
    code = serializers.CharField(source="criterion.code", read_only=True)
    # None while nobody has scored the criterion (Score.final_points).
    final_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, read_only=True
    )
    evidence = AssessmentEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Score
        fields = [
            "criterion",
            "code",
            "self_points",
            "self_note",
            "appraised_points",
            "appraisal_comment",
            "survey_points",
            "measured_value",
            "measured_points",
            "source_url",
            "source_label",
            "final_points",
            "evidence",
        ]


class UnitAssessmentDetailSerializer(UnitAssessmentSerializer):
    scores = AssessmentScoreSerializer(many=True, read_only=True)

    class Meta(UnitAssessmentSerializer.Meta):
        fields = [*UnitAssessmentSerializer.Meta.fields, "scores"]


class AssessmentEntrySerializer(serializers.Serializer[Any]):
    criterion = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AssessmentEntriesSerializer(serializers.Serializer[Any]):
    entries = AssessmentEntrySerializer(many=True)


class AssessmentEvidenceInputSerializer(serializers.Serializer[Any]):
    criterion = serializers.IntegerField()
    file = serializers.FileField()


class AssessmentPublicResultSerializer(serializers.ModelSerializer[UnitAssessment]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = UnitAssessment
        fields = [
            "unit",
            "unit_name",
            "group",
            "rank",
            "of_units",
            "score",
            "max_score",
            "index_value",
            "grade",
            "previous_index",
            "previous_rank",
        ]


class AssessmentPublicRoundResultsSerializer(serializers.Serializer[Any]):
    round = AssessmentRoundSerializer()
    results = AssessmentPublicResultSerializer(many=True)


class AssessmentFigureSerializer(serializers.Serializer[Any]):
    value = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    part = serializers.IntegerField(allow_null=True)
    whole = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class AssessmentRankingRowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    rank = serializers.IntegerField(allow_null=True)
    figures = serializers.DictField(child=AssessmentFigureSerializer())


class AssessmentRankingsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    group = serializers.ChoiceField(choices=UnitGroup.choices)
    metric = serializers.ChoiceField(choices=list(METRICS))
    rows = AssessmentRankingRowSerializer(many=True)
