from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congvu.evaluations import reasons
from congvu.evaluations.models import (
    Cadence,
    Evaluation,
    EvaluationStep,
    Level,
    PeriodScore,
    Round,
)

ACTIONS = [
    ("self_assess", _("Assess oneself")),
    ("propose", _("Propose a level (evaluator)")),
    ("decide", _("Decide the level (competent head)")),
    ("set_facts", _("Months worked, absence, discipline")),
    ("score", _("Score a month or quarter")),
]
ROUND_ACTIONS = [("close", _("Close the round")), ("refresh", _("Recompute proposals"))]


class EvaluationPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


def _values(choices: Any) -> str:
    return ", ".join(str(value) for value, _label in choices)


# Choice fields go out as plain strings with their values listed: the same field names
# ("status", "level", "group") carry other choice sets in other apps' schemas.
class EvaluationRoundSerializer(serializers.ModelSerializer[Round]):
    scope_name = serializers.CharField(
        source="scope.name", default=None, allow_null=True, read_only=True
    )
    status = serializers.CharField(read_only=True, help_text=_values(Round.Status.choices))
    cadence = serializers.CharField(read_only=True, help_text=_values(Cadence.choices))

    class Meta:
        model = Round
        fields = [
            "id",
            "year",
            "scope",
            "scope_name",
            "title",
            "cadence",
            "status",
            "opened_on",
            "self_assessment_due_at",
            "decision_due_at",
            "excellent_quota_percent",
            "closed_at",
        ]
        read_only_fields = fields


class EvaluationRoundOpenSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    scope = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    cadence = serializers.CharField(default=Cadence.NONE, help_text=_values(Cadence.choices))

    def validate_cadence(self, value: str) -> str:
        if value not in Cadence.values:
            raise serializers.ValidationError(_("One of: %(v)s.") % {"v": _values(Cadence.choices)})
        return value

    excellent_quota_percent = serializers.IntegerField(min_value=0, max_value=100, default=20)


class EvaluationRoundActionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField(help_text=_values(ROUND_ACTIONS))

    def validate_action(self, value: str) -> str:
        if value not in dict(ROUND_ACTIONS):
            raise serializers.ValidationError(_("One of: %(v)s.") % {"v": _values(ROUND_ACTIONS)})
        return value


class EvaluationQuotaSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(source="round.pk")
    decider = EvaluationPersonSerializer(allow_null=True)
    percent = serializers.IntegerField()
    good_or_better = serializers.IntegerField()
    excellent = serializers.IntegerField()
    limit = serializers.IntegerField()
    remaining = serializers.IntegerField()
    exceeded = serializers.BooleanField()


class EvaluationRoundOverviewSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_level = serializers.DictField(child=serializers.IntegerField())
    without_evaluator = serializers.IntegerField()
    late_self = serializers.IntegerField()


class EvaluationRoundDetailSerializer(EvaluationRoundSerializer):
    overview = serializers.SerializerMethodField()
    quotas = serializers.SerializerMethodField()

    class Meta(EvaluationRoundSerializer.Meta):
        fields = [*EvaluationRoundSerializer.Meta.fields, "overview", "quotas"]
        read_only_fields = fields

    @extend_schema_field(EvaluationRoundOverviewSerializer(allow_null=True))
    def get_overview(self, obj: Round) -> Any:
        overview = self.context.get("overview")
        return EvaluationRoundOverviewSerializer(overview).data if overview is not None else None

    @extend_schema_field(EvaluationQuotaSerializer(many=True))
    def get_quotas(self, obj: Round) -> Any:
        return EvaluationQuotaSerializer(self.context.get("quotas", []), many=True).data


class EvaluationResultRowSerializer(serializers.Serializer[Any]):
    """One row of the national civil-servant database's layout (see `exports`)."""

    So_dinh_danh = serializers.CharField()
    Ho_va_ten = serializers.CharField()
    Ngay_sinh = serializers.CharField()
    Ma_co_quan = serializers.CharField()
    Ten_co_quan = serializers.CharField()
    Chuc_vu = serializers.CharField()
    Nam_danh_gia = serializers.CharField()
    Ma_xep_loai = serializers.CharField()
    Xep_loai = serializers.CharField()
    Nguoi_quyet_dinh = serializers.CharField()
    Ngay_quyet_dinh = serializers.CharField()


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    official = EvaluationPersonSerializer(read_only=True)
    evaluator = EvaluationPersonSerializer(read_only=True, allow_null=True)
    decider = EvaluationPersonSerializer(read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    group = serializers.CharField(read_only=True, help_text=_values(Evaluation.Group.choices))
    status = serializers.CharField(read_only=True, help_text=_values(Evaluation.Status.choices))
    self_level = serializers.CharField(read_only=True, help_text=_values(Level.choices))
    proposed_level = serializers.CharField(read_only=True, help_text=_values(Level.choices))
    system_level = serializers.CharField(read_only=True, help_text=_values(Level.choices))
    level = serializers.CharField(read_only=True, help_text=_values(Level.choices))

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "round",
            "year",
            "official",
            "unit",
            "unit_name",
            "agency",
            "agency_name",
            "group",
            "position_title",
            "evaluator",
            "decider",
            "months_worked",
            "months_absent",
            "disciplined",
            "status",
            "self_level",
            "self_assessed_at",
            "proposed_level",
            "proposed_at",
            "system_level",
            "level",
            "decided_at",
        ]
        read_only_fields = fields


class EvaluationStepSerializer(serializers.ModelSerializer[EvaluationStep]):
    class Meta:
        model = EvaluationStep
        fields = ["action", "from_status", "to_status", "level", "text", "actor_label", "at"]


class EvaluationPeriodScoreSerializer(serializers.ModelSerializer[PeriodScore]):
    class Meta:
        model = PeriodScore
        fields = ["period", "score", "note", "scored_at"]


class EvaluationDetailSerializer(EvaluationSerializer):
    self_text = serializers.CharField(read_only=True)
    proposal_comment = serializers.CharField(read_only=True)
    decision_reason = serializers.CharField(read_only=True)
    discipline_note = serializers.CharField(read_only=True)
    proposal = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    steps = EvaluationStepSerializer(many=True, read_only=True)
    period_scores = EvaluationPeriodScoreSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [
            *EvaluationSerializer.Meta.fields,
            "self_text",
            "proposal_comment",
            "decision_reason",
            "discipline_note",
            "proposal",
            "actions",
            "steps",
            "period_scores",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "level": {"type": "string", "enum": Level.values},
                "ceiling": {"type": "string", "enum": Level.values},
                "reasons": {"type": "array", "items": {"type": "object"}},
            },
        }
    )
    def get_proposal(self, obj: Evaluation) -> dict[str, Any]:
        proposal = self.context.get("proposal")
        level = proposal.level if proposal is not None else obj.system_level
        stored = proposal.reasons if proposal is not None else obj.system_reasons
        texts = reasons.describe(stored)
        return {
            "level": level,
            "ceiling": proposal.ceiling if proposal is not None else None,
            "reasons": [{**item, "text": text} for item, text in zip(stored, texts, strict=True)],
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj: Evaluation) -> list[str]:
        return list(self.context.get("actions", []))


class EvaluationActionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField(help_text=_values(ACTIONS))
    level = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_values(Level.choices)
    )
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    months_worked = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal(0), max_value=Decimal(12), required=False
    )
    months_absent = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal(0), max_value=Decimal(12), required=False
    )
    disciplined = serializers.BooleanField(required=False, default=False)
    discipline_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    period = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def validate_action(self, value: str) -> str:
        if value not in dict(ACTIONS):
            raise serializers.ValidationError(_("One of: %(v)s.") % {"v": _values(ACTIONS)})
        return value

    def validate_level(self, value: str) -> str:
        if value and value not in Level.values:
            raise serializers.ValidationError(_("One of: %(v)s.") % {"v": _values(Level.choices)})
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        action = attrs["action"]
        needed = {
            "self_assess": ["level", "text"],
            "propose": ["level"],
            "decide": ["level"],
            "set_facts": ["months_worked", "months_absent"],
            "score": ["period", "score"],
        }[action]
        missing = {
            name: [_("This field is required for this action.")]
            for name in needed
            if attrs.get(name) in (None, "")
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs
