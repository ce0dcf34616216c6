"""The assessments API: rounds, their actions and imports, the units' self-assessments and
appraisal, the public results of published rounds, and the combined rankings. Every view
scopes through the same selectors as the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.assessments import imports, selectors, services
from congvu.assessments.api.serializers import (
    AssessmentEntriesSerializer,
    AssessmentEvidenceInputSerializer,
    AssessmentEvidenceSerializer,
    AssessmentFileSerializer,
    AssessmentImportResultSerializer,
    AssessmentPublicRoundResultsSerializer,
    AssessmentRankingsSerializer,
    AssessmentRoundActionSerializer,
    AssessmentRoundCreateSerializer,
    AssessmentRoundDetailSerializer,
    AssessmentRoundSerializer,
    UnitAssessmentDetailSerializer,
    UnitAssessmentSerializer,
)
from congvu.assessments.models import Criterion, Evidence, Round, Score, UnitAssessment, UnitGroup
from congvu.assessments.workflow import ACTIONS
from congvu.core.api import Conflict, Pages, page_parameters, paginated
from congvu.core.routers import replica_reads


@contextmanager
def _service_errors() -> Iterator[None]:
    """Services' refusals as API errors: who → 403, the round's state → 409."""
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except services.RoundActionError as exc:
        raise Conflict(str(exc)) from exc


def _reader(request: Request) -> None:
    if not selectors.may_read_rounds(request.user):
        raise PermissionDenied(_("Rounds are read by officials; published results are public."))


def _manager(request: Request) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied(
            _("Only the Department of Home Affairs' appraisers manage assessment rounds.")
        )


def _round(request: Request, pk: int) -> Round:
    _reader(request)
    round = selectors.round_get(pk=pk, user=request.user)
    if round is None:
        raise NotFound(_("No round with this number."))
    return round


def _assessment(request: Request, pk: int) -> UnitAssessment:
    assessment = selectors.assessment_get(pk=pk, user=request.user)
    if assessment is None:
        raise NotFound(_("No unit assessment with this number is visible to you."))
    return assessment


def _entries(assessment: UnitAssessment, data: Any) -> list[services.Entry]:
    body = AssessmentEntriesSerializer(data=data)
    body.is_valid(raise_exception=True)
    criteria = Criterion.objects.in_bulk(
        [entry["criterion"] for entry in body.validated_data["entries"]]
    )
    result = []
    for entry in body.validated_data["entries"]:
        criterion = criteria.get(entry["criterion"])
        if criterion is None or criterion.round_id != assessment.round_id:
            raise ValidationError({"criterion": [_("Not a criterion of this round.")]})
        result.append(services.Entry(criterion, entry["points"], entry.get("text", "")))
    return result


def _detail(assessment: UnitAssessment) -> dict[str, Any]:
    fresh = (
        UnitAssessment.objects.select_related("unit")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.all()))
                .order_by("criterion__order", "criterion_id"),
            )
        )
        .get(pk=assessment.pk)
    )
    return dict(UnitAssessmentDetailSerializer(fresh).data)


class RoundListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="assessment_rounds_list",
        parameters=page_parameters(),
        responses={200: paginated(AssessmentRoundSerializer, name="AssessmentRoundPage")},
    )
    def get(self, request: Request) -> Response:
        _reader(request)
        paginator = Pages()
        page = paginator.paginate_queryset(
            selectors.round_list(user=request.user).prefetch_related("bands"), request, view=self
        )
        return paginator.get_paginated_response(AssessmentRoundSerializer(page, many=True).data)

    @extend_schema(
        operation_id="assessment_rounds_create",
        request=AssessmentRoundCreateSerializer,
        responses={201: AssessmentRoundSerializer},
    )
    def post(self, request: Request) -> Response:
        _manager(request)
        body = AssessmentRoundCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        copy_from = values.pop("copy_from")
        source = None
        if copy_from is not None:
            source = Round.objects.filter(pk=copy_from).first()
            if source is None:
                raise ValidationError({"copy_from": [_("No round with this number.")]})
        with _service_errors():
            round = services.round_create(actor=request.user, copy_from=source, **values)
        return Response(AssessmentRoundSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="assessment_rounds_retrieve", responses={200: AssessmentRoundDetailSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        round = _round(request, pk)
        return Response(AssessmentRoundDetailSerializer(round).data)


class RoundActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="assessment_rounds_act",
        request=AssessmentRoundActionSerializer,
        responses={200: AssessmentRoundSerializer},
        description=_(
            "Move the round: open (with working_days), start_appraisal, compute, publish; "
            "or refresh the automatic figures, or enrol the units of a draft DDCI round."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        round = _round(request, pk)
        _manager(request)
        body = AssessmentRoundActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action = body.validated_data["action"]
        calls: dict[str, Callable[[], Any]] = {
            "start_appraisal": lambda: services.round_start_appraisal(
                actor=request.user, round=round
            ),
            "compute": lambda: services.round_compute(actor=request.user, round=round),
            "publish": lambda: services.round_publish(actor=request.user, round=round),
            "refresh": lambda: services.round_measures_refresh(actor=request.user, round=round),
            "enrol": lambda: services.round_enrol(actor=request.user, round=round),
        }
        with _service_errors():
            if action == "open":
                if "working_days" not in body.validated_data:
                    raise ValidationError({"working_days": [_("This field is required.")]})
                services.round_open(
                    actor=request.user,
                    round=round,
                    working_days=body.validated_data["working_days"],
                    now=timezone.now(),
                )
            else:
                calls[action]()
        round.refresh_from_db()
        return Response(AssessmentRoundSerializer(round).data)


class RoundTreeImportView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="assessment_rounds_criteria_import",
        request={"multipart/form-data": AssessmentFileSerializer},
        responses={200: AssessmentImportResultSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        round = _round(request, pk)
        _manager(request)
        body = AssessmentFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = imports.read_tree(body.validated_data["file"].read())
        with _service_errors():
            count = services.round_tree_replace(actor=request.user, round=round, rows=rows)
        return Response({"imported": count})


class RoundSurveyImportView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="assessment_rounds_survey_import",
        request={"multipart/form-data": AssessmentFileSerializer},
        responses={200: AssessmentImportResultSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        round = _round(request, pk)
        _manager(request)
        if not ACTIONS["import_survey"].allowed_from(round.kind, round.status):
            raise Conflict(_("Survey results cannot be imported in this status."))
        body = AssessmentFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        values = imports.read_survey(upload.read(), round=round)
        with _service_errors():
            record = services.survey_import(
                actor=request.user, round=round, values=values, file_name=upload.name or ""
            )
        return Response({"imported": record.values})


class RoundAssessmentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="assessment_rounds_units",
        parameters=page_parameters(),
        responses={200: paginated(UnitAssessmentSerializer, name="UnitAssessmentPage")},
    )
    def get(self, request: Request, pk: int) -> Response:
        round = _round(request, pk)
        paginator = Pages()
        page = paginator.paginate_queryset(
            selectors.assessment_list(user=request.user, round=round), request, view=self
        )
        return paginator.get_paginated_response(UnitAssessmentSerializer(page, many=True).data)


class AssessmentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="unit_assessments_retrieve", responses={200: UnitAssessmentDetailSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_assessment(request, pk)))


class SelfScoreView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="unit_assessments_self_score",
        request=AssessmentEntriesSerializer,
        responses={200: UnitAssessmentDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        if not selectors.may_self_assess(request.user, assessment):
            raise PermissionDenied(_("Only the unit's officials assess the unit."))
        entries = _entries(assessment, request.data)
        with _service_errors():
            services.assessment_self_score(
                actor=request.user, assessment=assessment, entries=entries
            )
        return Response(_detail(assessment))


class SubmitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="unit_assessments_submit",
        request=None,
        responses={200: UnitAssessmentSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        if not selectors.may_submit(request.user, assessment):
            raise PermissionDenied(
                _("The head or a deputy head of the unit sends its self-assessment.")
            )
        with _service_errors():
            assessment = services.assessment_submit(actor=request.user, assessment=assessment)
        return Response(UnitAssessmentSerializer(assessment).data)


class AppraiseView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="unit_assessments_appraise",
        request=AssessmentEntriesSerializer,
        responses={200: UnitAssessmentDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        _manager(request)
        entries = _entries(assessment, request.data)
        with _service_errors():
            services.assessment_appraise(actor=request.user, assessment=assessment, entries=entries)
        return Response(_detail(assessment))


class EvidenceView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="unit_assessments_evidence_add",
        request={"multipart/form-data": AssessmentEvidenceInputSerializer},
        responses={201: AssessmentEvidenceSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        if not selectors.may_self_assess(request.user, assessment):
            raise PermissionDenied(_("Only the unit's officials file its evidence."))
        body = AssessmentEvidenceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        criterion = Criterion.objects.filter(
            pk=body.validated_data["criterion"], round=assessment.round_id
        ).first()
        if criterion is None:
            raise ValidationError({"criterion": [_("Not a criterion of this round.")]})
        with _service_errors():
            evidence = services.evidence_add(
                actor=request.user,
                assessment=assessment,
                criterion=criterion,
                file=body.validated_data["file"],
            )
        return Response(AssessmentEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class PublicResultsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        operation_id="assessment_public_results",
        responses={200: AssessmentPublicRoundResultsSerializer},
        description=_("The published results of a round: anyone may read them."),
    )
    @replica_reads
    def get(self, request: Request, pk: int) -> Response:
        round = selectors.published_round_get(pk=pk)
        if round is None:
            raise NotFound(_("No published results with this number."))
        rows = [row for group in selectors.round_results(round=round).values() for row in group]
        return Response(
            AssessmentPublicRoundResultsSerializer({"round": round, "results": rows}).data
        )


class RankingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="assessment_rankings",
        parameters=[
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("group", str, required=False, enum=UnitGroup.values),
            OpenApiParameter("metric", str, required=False, enum=list(selectors.METRICS)),
        ],
        responses={200: AssessmentRankingsSerializer},
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        if not selectors.sees_province(request.user):
            raise PermissionDenied(_("The rankings are for the province's leaders and office."))
        params = request.query_params
        year = params.get("year", "")
        group = params.get("group") or UnitGroup.DEPARTMENTS
        metric = params.get("metric") or "service_index"
        errors: dict[str, list[str]] = {}
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            errors["year"] = [_("Give a year from 2000 to 2100.")]
        if group not in UnitGroup.values:
            errors["group"] = [_("Unknown group.")]
        if metric not in selectors.METRICS:
            errors["metric"] = [_("Unknown figure.")]
        if errors:
            raise ValidationError(errors)
        table = selectors.rankings(
            year=int(year) if year else timezone.localdate().year, group=group, metric=metric
        )
        data = {
            "year": table.year,
            "group": table.group,
            "metric": table.metric,
            "rows": [
                {
                    "unit": row.unit,
                    "rank": row.rank,
                    "figures": {
                        key: {
                            "value": figure.value,
                            "part": figure.part,
                            "whole": figure.whole,
                            "url": figure.url,
                        }
                        for key, figure in row.figures.items()
                    },
                }
                for row in table.rows
            ],
        }
        return Response(AssessmentRankingsSerializer(data).data)
