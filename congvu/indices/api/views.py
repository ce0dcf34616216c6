"""The index under /api/v1/indices/: the ranking, a unit's index, the rows behind a figure, the
figures units enter with evidence, and a year's configuration. Scoped as the pages are."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.core.api import Pages, page_parameters, paginated
from congvu.core.routers import replica_reads
from congvu.indices import selectors, services
from congvu.indices.api.serializers import (
    IndexConfigurationSerializer,
    IndexFigureInputSerializer,
    IndexFigureReviewSerializer,
    IndexFigureSerializer,
    IndexIndicatorRowsSerializer,
    IndexRankingRowSerializer,
    IndexServiceIndexSerializer,
)
from congvu.indices.catalogue import ROWS_OF
from congvu.indices.models import ManualFigure
from congvu.indices.selectors import Period
from congvu.lib.index766 import INDICATOR_BY_CODE
from congvu.organizations.models import Unit

PERIOD_PARAMETERS = [
    OpenApiParameter("year", int, description="Year (default: this year)"),
    OpenApiParameter("quarter", int, description="Quarter 1–4 (optional)"),
    OpenApiParameter("month", int, description="Month 1–12 (optional; not with quarter)"),
]


def _staff(request: Request) -> None:
    if not selectors.may_see_ranking(request.user):
        raise PermissionDenied(_("The index is for officials."))


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationError({name: [_("Enter a whole number.")]}) from exc


def _period(request: Request) -> Period:
    try:
        return Period(
            _int(request, "year") or timezone.localdate().year,
            _int(request, "quarter"),
            _int(request, "month"),
        )
    except ValueError as exc:
        raise ValidationError(
            {"period": [_("Give a year, and a quarter (1–4) or a month (1–12), not both.")]}
        ) from exc


def _unit(request: Request, pk: int) -> Unit:
    _staff(request)
    allowed = {u.pk: u for u in selectors.index_units_visible(request.user)}
    if pk not in allowed:
        raise NotFound(_("No such unit, or its figures are not yours to see."))
    return allowed[pk]


class RankingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="indices_ranking",
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("kind", str, enum=["department", "commune"]),
        ],
        responses={200: IndexRankingRowSerializer(many=True)},
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        _staff(request)
        period = _period(request)
        kind = request.query_params.get("kind") or None
        if kind not in (None, "department", "commune"):
            raise ValidationError({"kind": [_("Choose department or commune.")]})
        rows = selectors.service_index_ranking(**period.as_query(), kind=kind)
        return Response(IndexRankingRowSerializer(rows, many=True).data)


class UnitIndexView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="indices_unit",
        parameters=PERIOD_PARAMETERS,
        responses={200: IndexServiceIndexSerializer},
    )
    @replica_reads
    def get(self, request: Request, pk: int) -> Response:
        unit = _unit(request, pk)
        index = selectors.service_index_get(unit=unit, **_period(request).as_query())
        return Response(IndexServiceIndexSerializer(index).data)


class IndicatorRowsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="indices_indicator_rows",
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("before", int, description="Last dossier id of the previous page"),
        ],
        responses={200: IndexIndicatorRowsSerializer},
    )
    @replica_reads
    def get(self, request: Request, pk: int, code: str) -> Response:
        unit = _unit(request, pk)
        if code not in INDICATOR_BY_CODE:
            raise NotFound(_("No such indicator."))
        period = _period(request)
        index = selectors.service_index_get(unit=unit, **period.as_query())
        kind = ROWS_OF.get(code, "dossiers")
        data: dict[str, Any] = {
            "indicator": index.indicator(code),
            "kind": kind,
            "dossiers": [],
            "procedures": [],
            "next_before": None,
        }
        if kind == "dossiers":
            limit = 50
            rows = selectors.indicator_dossiers(
                unit=unit, code=code, period=period, before=_int(request, "before"), limit=limit
            )
            data["dossiers"] = rows
            data["next_before"] = rows[-1].pk if len(rows) == limit else None
        elif kind == "procedures":
            data["procedures"] = selectors.indicator_procedures(unit=unit, code=code, period=period)
        return Response(IndexIndicatorRowsSerializer(data).data)


class FigureListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="indices_figures_list",
        parameters=page_parameters(),
        responses={200: paginated(IndexFigureSerializer, name="IndexFigurePage")},
    )
    def get(self, request: Request) -> Response:
        _staff(request)
        paginator = Pages()
        page = paginator.paginate_queryset(
            selectors.figure_list(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(IndexFigureSerializer(page, many=True).data)

    @extend_schema(
        operation_id="indices_figures_create",
        request={"multipart/form-data": IndexFigureInputSerializer},
        responses={201: IndexFigureSerializer},
    )
    def post(self, request: Request) -> Response:
        _staff(request)
        if not selectors.figure_units_for(request.user):
            raise PermissionDenied(_("You may enter figures only for your own unit."))
        body = IndexFigureInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        unit = Unit.objects.filter(pk=values.pop("unit")).first()
        if unit is None:
            raise ValidationError({"unit": [_("No such unit.")]})
        try:
            figure = services.figure_submit(actor=request.user, unit=unit, **values)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(IndexFigureSerializer(figure).data, status=status.HTTP_201_CREATED)


class FigureReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="indices_figures_review",
        request=IndexFigureReviewSerializer,
        responses={200: IndexFigureSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        _staff(request)
        figure = ManualFigure.objects.visible_to(request.user).filter(pk=pk).first()
        if figure is None:
            raise NotFound(_("No such figure, or it is not yours to see."))
        body = IndexFigureReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            figure = services.figure_review(
                actor=request.user,
                figure=figure,
                lock=body.validated_data["decision"] == "lock",
                note=body.validated_data["note"],
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(IndexFigureSerializer(figure).data)


class ConfigurationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="indices_configuration", responses={200: IndexConfigurationSerializer}
    )
    @replica_reads
    def get(self, request: Request, year: int) -> Response:
        _staff(request)
        config_year, weights = selectors.weights_get(year)
        data = {
            "year": year,
            "config_year": config_year,
            "weights": [
                {
                    "indicator": code,
                    "group": INDICATOR_BY_CODE[code].group,
                    "points": w.points,
                    "full_at": w.full_at,
                }
                for code, w in weights.items()
            ],
        }
        return Response(IndexConfigurationSerializer(data).data)
