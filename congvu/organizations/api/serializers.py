from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from congvu.organizations.models import Delegation, Official, Position, Unit


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    # Empty when the unit has none: a plain string, not the schema's "email" format.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "short_name",
            "code",
            "admin_code",
            "parent",
            "path",
            "sort_order",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_until",
        ]
        read_only_fields = fields


class UnitBriefSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "kind", "name", "short_name", "code"]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer[Position]):
    unit = UnitBriefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "unit", "kind", "kind_display", "title", "valid_from", "valid_until"]
        read_only_fields = fields


class OfficialSerializer(serializers.ModelSerializer[Official]):
    unit = UnitBriefSerializer(read_only=True)
    email = serializers.CharField(read_only=True)
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Official
        fields = ["id", "full_name", "title", "unit", "phone", "email", "positions"]
        read_only_fields = fields


class OfficialBriefSerializer(serializers.ModelSerializer[Official]):
    class Meta:
        model = Official
        fields = ["id", "full_name", "title"]
        read_only_fields = fields


class DelegationSerializer(serializers.ModelSerializer[Delegation]):
    unit = UnitBriefSerializer(read_only=True)
    delegator = OfficialBriefSerializer(read_only=True)
    delegate = OfficialBriefSerializer(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "unit",
            "delegator",
            "delegate",
            "scope",
            "valid_from",
            "valid_until",
            "ends_at",
            "reason",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields


class DelegationCreateSerializer(serializers.Serializer[Any]):
    """Input of a new delegation; the rules are checked by `delegation_create`."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    delegator = serializers.PrimaryKeyRelatedField(queryset=Official.objects.all())
    delegate = serializers.PrimaryKeyRelatedField(queryset=Official.objects.all())
    scope = serializers.ChoiceField(choices=Delegation.Scope.choices, default=Delegation.Scope.ALL)
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only officials the caller may see can be named, so ids of others reveal nothing.
            visible = Official.objects.visible_to(request.user)
            self.fields["delegator"].queryset = visible  # type: ignore[attr-defined]
            self.fields["delegate"].queryset = visible  # type: ignore[attr-defined]


class DelegationRevokeSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False, help_text="When the revocation takes effect.")


class ResponsibilityQuerySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False)
    scope = serializers.ChoiceField(choices=Delegation.Scope.choices, default=Delegation.Scope.ALL)

    def validate_at(self, value: dt.datetime | None) -> dt.datetime | None:
        # The moment is echoed in local time; long ago Vietnam's offset had seconds in it
        # (+07:06:30 before 1911), which no RFC 3339 date-time can carry.
        if value is not None and not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Give a year from 2000 to 2100."))
        return value


class ResponsibilitySerializer(serializers.Serializer[Any]):
    unit = UnitBriefSerializer(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    scope = serializers.CharField(read_only=True)
    accountable = OfficialBriefSerializer(read_only=True, allow_null=True)
    acting = OfficialBriefSerializer(read_only=True, allow_null=True)
    delegation = serializers.IntegerField(read_only=True, allow_null=True, source="delegation_id")
