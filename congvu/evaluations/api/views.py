"""The evaluations API: rounds (overseers open, close and export them), evaluations (each
reader sees what `Evaluation.objects.visible_to` allows) and their steps. Every write goes
through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.core.api import Conflict, Pages, page_parameters, paginated
from congvu.evaluations import exports, selectors, services
from congvu.evaluations.api.serializers import (
    EvaluationActionSerializer,
    EvaluationDetailSerializer,
    EvaluationQuotaSerializer,
    EvaluationResultRowSerializer,
    EvaluationRoundActionSerializer,
    EvaluationRoundDetailSerializer,
    EvaluationRoundOpenSerializer,
    EvaluationRoundSerializer,
    EvaluationSerializer,
)
from congvu.evaluations.models import Evaluation, EvaluationStatus, EvaluationStep, Round
from congvu.organizations.models import Unit
from congvu.organizations.selectors import official_of


def _round(request: Request, pk: int) -> Round:
    round_ = selectors.round_list(user=request.user).filter(pk=pk).first()
    if round_ is None:
        raise NotFound(_("No evaluation round with this number is visible to you."))
    return round_


def _overseen_round(request: Request, pk: int) -> Round:
    round_ = _round(request, pk)
    if not selectors.may_oversee(request.user):
        raise PermissionDenied(_("Only the Department of Home Affairs or the provincial office."))
    return round_


def _evaluation(request: Request, pk: int) -> Evaluation:
    evaluation = (
        selectors.evaluation_list(user=request.user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("steps", queryset=EvaluationStep.objects.order_by("at", "pk")),
            "period_scores",
        )
        .first()
    )
    if evaluation is None:
        raise NotFound(_("No evaluation with this number is visible to you."))
    return evaluation


def _detail(request: Request, evaluation: Evaluation) -> dict[str, Any]:
    proposal = None
    if evaluation.status != EvaluationStatus.DECIDED:
        proposal = selectors.proposal_compute(evaluation)
    context = {
        "proposal": proposal,
        "actions": selectors.evaluation_actions(evaluation=evaluation, user=request.user),
    }
    return dict(EvaluationDetailSerializer(evaluation, context=context).data)


class RoundListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_rounds_list",
        parameters=page_parameters(),
        responses={200: paginated(EvaluationRoundSerializer, name="EvaluationRoundPage")},
    )
    def get(self, request: Request) -> Response:
        paginator = Pages()
        page = paginator.paginate_queryset(
            selectors.round_list(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(EvaluationRoundSerializer(page, many=True).data)

    @extend_schema(
        operation_id="evaluation_rounds_open",
        request=EvaluationRoundOpenSerializer,
        responses={201: EvaluationRoundSerializer},
    )
    def post(self, request: Request) -> Response:
        body = EvaluationRoundOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        if values["scope"] is not None:
            scope = Unit.objects.filter(pk=values["scope"]).first()
            if scope is None:
                raise ValidationError({"scope": [_("No such unit.")]})
            values["scope"] = scope
        try:
            round_ = services.round_open(actor=request.user, **values)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(EvaluationRoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_rounds_retrieve", responses={200: EvaluationRoundDetailSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        round_ = _round(request, pk)
        context: dict[str, Any] = {
            "quotas": selectors.quotas_for(user=request.user, rounds=[round_])
        }
        if selectors.may_oversee(request.user):
            context["overview"] = selectors.round_overview(round=round_)
        return Response(EvaluationRoundDetailSerializer(round_, context=context).data)


class RoundActionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_rounds_actions_perform",
        request=EvaluationRoundActionSerializer,
        responses={200: EvaluationRoundSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        round_ = _overseen_round(request, pk)
        body = EvaluationRoundActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            if body.validated_data["action"] == "close":
                round_ = services.round_close(actor=request.user, round=round_)
            else:
                services.round_refresh(actor=request.user, round=round_)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.EvaluationActionError as exc:
            raise Conflict(str(exc)) from exc
        return Response(EvaluationRoundSerializer(round_).data)


class RoundResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_rounds_results",
        description=exports.__doc__,
        parameters=[
            OpenApiParameter(
                "file",
                str,
                required=False,
                enum=["csv", "xlsx"],
                description=_("Answer with a CSV or XLSX file instead of JSON."),
            )
        ],
        responses={
            200: OpenApiResponse(
                response=EvaluationResultRowSerializer(many=True),
                description=_("The decided results; a file when `file` is given."),
            )
        },
    )
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        round_ = _overseen_round(request, pk)
        fmt = request.query_params.get("file", "")
        if fmt:
            if fmt not in exports.CONTENT_TYPES:
                raise ValidationError({"file": [_("csv or xlsx.")]})
            response = HttpResponse(
                exports.export(round_, fmt), content_type=exports.CONTENT_TYPES[fmt]
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{exports.filename(round_, fmt)}"'
            )
            return response
        return Response(exports.rows(exports.results(round_)))


class RoundQuotasView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_rounds_quotas",
        responses={200: EvaluationQuotaSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        round_ = _round(request, pk)
        quotas = selectors.quotas_for(user=request.user, rounds=[round_])
        return Response(EvaluationQuotaSerializer(quotas, many=True).data)


ROLES = ["mine", "propose", "decide"]


class EvaluationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluations_list",
        parameters=[
            OpenApiParameter("round", int, required=False),
            OpenApiParameter("status", str, required=False, enum=EvaluationStatus.values),
            OpenApiParameter(
                "role",
                str,
                required=False,
                enum=ROLES,
                description=_("Only my own, those I propose for, or those I decide."),
            ),
            *page_parameters(),
        ],
        responses={200: paginated(EvaluationSerializer, name="EvaluationPage")},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        round_id = params.get("round")
        if round_id and not round_id.isdigit():
            raise ValidationError({"round": [_("A number is expected.")]})
        evaluations = selectors.evaluation_list(
            user=request.user,
            round=int(round_id) if round_id else None,
            status=params.get("status") or None,
        )
        role = params.get("role", "")
        if role:
            if role not in ROLES:
                raise ValidationError({"role": [_("mine, propose or decide.")]})
            official = official_of(request.user)
            if official is None:
                evaluations = evaluations.none()
            elif role == "mine":
                evaluations = evaluations.filter(official=official)
            elif role == "propose":
                evaluations = evaluations.filter(
                    Q(evaluator=official) | Q(evaluator__in=selectors.acting_for(official))
                ).exclude(official=official)
            else:
                evaluations = evaluations.filter(decider=official)
        paginator = Pages()
        page = paginator.paginate_queryset(evaluations, request, view=self)
        return paginator.get_paginated_response(EvaluationSerializer(page, many=True).data)


class EvaluationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="evaluations_retrieve", responses={200: EvaluationDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, _evaluation(request, pk)))


def _perform(request: Request, evaluation: Evaluation, values: dict[str, Any]) -> None:
    action, actor = values["action"], request.user
    if action == "self_assess":
        services.evaluation_self_assess(
            actor=actor, evaluation=evaluation, text=values["text"], level=values["level"]
        )
    elif action == "propose":
        services.evaluation_propose(
            actor=actor, evaluation=evaluation, level=values["level"], comment=values["comment"]
        )
    elif action == "decide":
        services.evaluation_decide(
            actor=actor, evaluation=evaluation, level=values["level"], reason=values["reason"]
        )
    elif action == "set_facts":
        services.evaluation_facts_set(
            actor=actor,
            evaluation=evaluation,
            months_worked=values["months_worked"],
            months_absent=values["months_absent"],
            disciplined=values["disciplined"],
            discipline_note=values["discipline_note"],
        )
    else:
        services.period_score_record(
            actor=actor,
            evaluation=evaluation,
            period=values["period"],
            score=values["score"],
            note=values["note"],
        )


class EvaluationActionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluations_actions_perform",
        request=EvaluationActionSerializer,
        responses={200: EvaluationDetailSerializer, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        evaluation = _evaluation(request, pk)
        body = EvaluationActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            _perform(request, evaluation, dict(body.validated_data))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.EvaluationActionError as exc:
            raise Conflict(str(exc)) from exc
        return Response(_detail(request, _evaluation(request, pk)))
