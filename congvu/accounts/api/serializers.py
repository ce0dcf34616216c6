from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from congvu.accounts.backends import login_inactive_reason, login_refusal_get
from congvu.accounts.forms import INACTIVE_MESSAGES
from congvu.accounts.models import User
from congvu.accounts.selectors import user_role_list
from congvu.accounts.services import LoginRefusal


class LoginThrottled(exceptions.Throttled):
    """429 with the throttle's own message; `wait` becomes the Retry-After header."""

    def __init__(self, refusal: LoginRefusal) -> None:
        super().__init__(detail=refusal.message, code="login_throttled")
        self.wait = refusal.seconds_left()


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(
        label=_("Username or email"), max_length=254, help_text=_("The username or the email.")
    )
    password = serializers.CharField(
        label=_("Password"),
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The backend leaves its reasons on the Django request, which authenticate() receives.
        request = self.context["request"]._request
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            refusal = login_refusal_get(request)
            if refusal is not None:
                raise LoginThrottled(refusal)
            reason = login_inactive_reason(request)
            if reason is not None:
                raise serializers.ValidationError(INACTIVE_MESSAGES[reason], code="inactive")
            raise serializers.ValidationError(
                _("Unable to log in with this username or email and password."),
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(read_only=True, help_text=_("Send as: Authorization: Token …"))


class RoleSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="value", read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]


class MeSerializer(serializers.ModelSerializer[User]):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "roles"]
        read_only_fields = fields

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user: User) -> list[dict[str, str]]:
        return [
            {"code": role.value, "label": str(role.label)} for role in user_role_list(user=user)
        ]


class ErrorSerializer(serializers.Serializer[Any]):
    """The API's error shape (see congvu.core.api), for the schema."""

    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
