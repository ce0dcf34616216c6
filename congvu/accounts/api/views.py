from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.accounts import services
from congvu.accounts.api.serializers import (
    ErrorSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """Exchange a username (or email) and password for an API token, or revoke it."""

    def get_permissions(self) -> Sequence[Any]:
        permission: BasePermission = (
            AllowAny() if self.request.method == "POST" else IsAuthenticated()
        )
        return [permission]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an API token",
        description=(
            "Send the username or the email and the password; the answer holds the caller's "
            "token, the same one on every call until it is revoked. Repeated failures are "
            "slowed down and then locked for a while (HTTP 429)."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong credentials."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = services.token_issue(user=user, actor=user)
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the caller's API token",
        description="Delete the token; clients holding it must obtain a new one.",
        request=None,
        responses={204: None, 401: ErrorSerializer},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        services.token_revoke(user=request.user, actor=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The logged-in user's account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_me",
        summary="The caller's account",
        responses={200: MeSerializer, 401: ErrorSerializer},
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)  # type: ignore[arg-type]
