from __future__ import annotations

from rest_framework import serializers

from congvu.indices.models import MANUAL_CODES, ManualFigure


class IndexIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    formula = serializers.CharField()
    origin = serializers.CharField(source="source")
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    full_at = serializers.DecimalField(max_digits=6, decimal_places=2)
    scored = serializers.BooleanField()
    note = serializers.CharField()


class IndexGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    indicators = IndexIndicatorSerializer(many=True)


class IndexUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()


class IndexPeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()


class IndexServiceIndexSerializer(serializers.Serializer):
    unit = IndexUnitRefSerializer()
    period = IndexPeriodSerializer()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_total = serializers.DecimalField(max_digits=6, decimal_places=2)
    earned = serializers.DecimalField(max_digits=6, decimal_places=2)
    applicable = serializers.DecimalField(max_digits=6, decimal_places=2)
    config_year = serializers.IntegerField(allow_null=True)
    groups = IndexGroupSerializer(many=True)


class IndexRankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    unit = IndexUnitRefSerializer()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    groups = IndexGroupSerializer(many=True, source="index.groups")


class IndexDossierRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    procedure = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.BooleanField()
    why = serializers.CharField()


class IndexProcedureRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    online = serializers.BooleanField()
    fees = serializers.BooleanField()
    counts = serializers.BooleanField()
    why = serializers.CharField()


class IndexIndicatorRowsSerializer(serializers.Serializer):
    indicator = IndexIndicatorSerializer()
    kind = serializers.CharField()
    dossiers = IndexDossierRowSerializer(many=True)
    procedures = IndexProcedureRowSerializer(many=True)
    next_before = serializers.IntegerField(allow_null=True)


class IndexFigureSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_id")

    class Meta:
        model = ManualFigure
        fields = [
            "id",
            "unit",
            "indicator",
            "year",
            "quarter",
            "numerator",
            "denominator",
            "note",
            "evidence_name",
            "status",
            "entered_at",
            "reviewed_at",
            "review_note",
        ]


class IndexFigureInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    indicator = serializers.ChoiceField(choices=MANUAL_CODES)
    year = serializers.IntegerField(min_value=2022, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    numerator = serializers.IntegerField(min_value=0)
    denominator = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField()


class IndexFigureReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["lock", "return"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class IndexWeightSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    group = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    full_at = serializers.DecimalField(max_digits=6, decimal_places=2)


class IndexConfigurationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    config_year = serializers.IntegerField(allow_null=True)
    weights = IndexWeightSerializer(many=True)
