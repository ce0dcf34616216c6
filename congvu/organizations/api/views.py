from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from congvu.accounts.roles import is_province_wide
from congvu.core.api import MAX_ID, Pages, text_param
from congvu.organizations.api.serializers import (
    DelegationCreateSerializer,
    DelegationRevokeSerializer,
    DelegationSerializer,
    OfficialSerializer,
    ResponsibilityQuerySerializer,
    ResponsibilitySerializer,
    UnitSerializer,
)
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import (
    delegation_list,
    official_list,
    official_of,
    responsibility_resolve,
    unit_details_visible,
    unit_list,
)
from congvu.organizations.services import delegation_create, delegation_revoke


def _records_delegations(user: Any) -> bool:
    """Whether `user` may record or revoke delegations at all: a head of a unit now, or a
    province-wide role. Which unit's delegations is the service's to check."""
    if is_province_wide(user):
        return True
    official = official_of(user)
    return (
        official is not None
        and Position.objects.active().filter(official=official, kind=Position.Kind.HEAD).exists()
    )


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    # A number past the largest id matches nothing (and would overflow the database's integer).
    return min(int(raw), MAX_ID) if raw.isdigit() else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Unit.Kind.values),
            OpenApiParameter("parent", OpenApiTypes.INT),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name or the code."),
        ]
    )
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """Units in force: public records, readable by anyone."""

    pagination_class = Pages
    serializer_class = UnitSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Unit]:
        if self.action != "list":
            # A unit that has ended is still a record one may look up.
            return Unit.objects.all()
        params = self.request.query_params
        return unit_list(
            kind=text_param(params, "kind") or None,
            parent=_int_param(self.request, "parent"),
            q=text_param(params, "q"),
        )

    @extend_schema(
        parameters=[ResponsibilityQuerySerializer],
        responses={200: ResponsibilitySerializer},
        description="Who answers for the unit's work at `at` (the head) and who acts for them.",
    )
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def responsibility(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        if not unit_details_visible(unit=unit, user=request.user):
            raise PermissionDenied(_("You may not see who acts for this unit."))
        query = ResponsibilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        at = query.validated_data.get("at") or timezone.now()
        scope = query.validated_data["scope"]
        found = responsibility_resolve(unit=unit, at=at, scope=scope)
        data = {
            "unit": unit,
            "at": at,
            "scope": scope,
            "accountable": found.accountable,
            "acting": found.acting,
            "delegation_id": found.delegation.pk if found.delegation else None,
        }
        return Response(ResponsibilitySerializer(data).data)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("unit", OpenApiTypes.INT)]))
class OfficialViewSet(viewsets.ReadOnlyModelViewSet[Official]):
    """Officials of the caller's own agency, or of all agencies for province-wide roles."""

    pagination_class = Pages
    serializer_class = OfficialSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Official]:
        return official_list(user=self.request.user, unit=_int_param(self.request, "unit"))


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unit", OpenApiTypes.INT)]),
    create=extend_schema(request=DelegationCreateSerializer, responses={201: DelegationSerializer}),
)
class DelegationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Delegation],
):
    """Delegations of the caller's own agency; heads record and revoke their own."""

    pagination_class = Pages
    serializer_class = DelegationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Delegation]:
        delegations = delegation_list(user=self.request.user)
        unit = _int_param(self.request, "unit")
        if unit is not None:
            delegations = delegations.filter(unit_id=unit)
        return delegations

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Someone who may not record delegations is refused (403) before their input is read.
        if not _records_delegations(request.user):
            raise PermissionDenied(_("Only heads of units may record delegations."))
        incoming = DelegationCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        delegation = delegation_create(actor=request.user, **incoming.validated_data)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DelegationRevokeSerializer, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        delegation = self.get_object()
        if not _records_delegations(request.user):
            raise PermissionDenied(_("Only heads of units may revoke delegations."))
        incoming = DelegationRevokeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        delegation = delegation_revoke(
            actor=request.user, delegation=delegation, at=incoming.validated_data.get("at")
        )
        return Response(DelegationSerializer(delegation).data)
