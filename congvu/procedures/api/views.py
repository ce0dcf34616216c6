from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from congvu.core.api import Pages, text_param
from congvu.procedures.api.serializers import ProcedureDetailSerializer, ProcedureSerializer
from congvu.procedures.models import OnlineLevel, ProcedureLevel, ProcedureVersion
from congvu.procedures.selectors import (
    procedure_get,
    procedure_list,
    procedure_version_current,
    procedure_version_detail,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Words of the code, name or field, with or without accents.",
            ),
            OpenApiParameter("field", OpenApiTypes.STR, description="Code of the field."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=ProcedureLevel.values),
            OpenApiParameter("online_level", OpenApiTypes.STR, enum=OnlineLevel.values),
        ]
    ),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Procedure code."
            )
        ]
    ),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet[ProcedureVersion]):
    """Administrative procedures in force: the public catalogue, readable by anyone."""

    permission_classes = [AllowAny]
    pagination_class = Pages
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self) -> type[ProcedureSerializer]:
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureSerializer

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        params = self.request.query_params
        versions = procedure_list(
            q=text_param(params, "q")[:100],
            level=text_param(params, "level") or None,
            online_level=text_param(params, "online_level") or None,
        )
        if text_param(params, "field"):
            versions = versions.filter(field__code=text_param(params, "field"))
        return versions

    def get_object(self) -> ProcedureVersion:
        procedure = procedure_get(self.kwargs["code"])
        current = procedure_version_current(procedure) if procedure is not None else None
        if current is None:
            raise Http404
        return procedure_version_detail(current.pk)
