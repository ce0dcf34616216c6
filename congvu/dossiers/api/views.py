from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.accounts.roles import Role
from congvu.core.api import Conflict, page_parameters, paginated
from congvu.core.ratelimit import ClientRateThrottle, hit, limited_message
from congvu.core.routers import replica_reads
from congvu.dossiers.api.serializers import (
    ActionSerializer,
    AllowedActionSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    DossierDetailSerializer,
    DossierSerializer,
    DossierSubmitSerializer,
    PublicDossierSerializer,
)
from congvu.dossiers.models import Dossier
from congvu.dossiers.selectors import (
    dossier_actions_allowed,
    dossier_list,
    dossier_public_answer,
)
from congvu.dossiers.services import (
    ActionNotAllowedError,
    Applicant,
    NotYoursError,
    dossier_act,
    dossier_document_add,
    dossier_submit,
)
from congvu.dossiers.workflow import ACTIONS
from congvu.organizations.models import Unit


class DossierCursor(CursorPagination):
    # Keyset pagination: page 1,000 costs what page 1 costs.
    ordering = "-id"
    page_size = 50


def _visible(request: Request, code: str) -> Dossier:
    dossier = (
        dossier_list(user=request.user)
        .select_related("current_step", "procedure_version")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound(_("No dossier with this code is visible to you."))
    return dossier


class SubmitThrottle(ClientRateThrottle):
    """Submissions per client address (settings.DOSSIER_SUBMIT_RATE); one-stop officers
    entering walk-in applicants' dossiers at the desk are not counted."""

    scope = "dossier_submit"
    rate_setting = "DOSSIER_SUBMIT_RATE"
    exempt_roles = (Role.ONE_STOP_OFFICER,)


class DossierListView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [SubmitThrottle]

    @extend_schema(
        operation_id="dossiers_list",
        parameters=page_parameters(cursor=True),
        responses={200: paginated(DossierSerializer, name="DossierPage", cursor=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = DossierCursor()
        page = paginator.paginate_queryset(
            dossier_list(user=request.user).select_related("current_step"), request, view=self
        )
        return paginator.get_paginated_response(DossierSerializer(page, many=True).data)

    @extend_schema(
        operation_id="dossiers_submit",
        request=DossierSubmitSerializer,
        responses={201: DossierSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=_("A retried submission with the same key returns the first dossier."),
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = DossierSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        commune = None
        if values["commune"]:
            commune = Unit.objects.filter(
                admin_code=values["commune"], kind=Unit.Kind.COMMUNE_COMMITTEE
            ).first()
            if commune is None:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"commune": [_("No commune has this code.")]})
        dossier = dossier_submit(
            actor=request.user,
            procedure_code=values["procedure"],
            channel=int(values["channel"]),
            applicant=Applicant(**values["applicant"]),
            commune=commune,
            request=values["request"],
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        dossier = Dossier.objects.select_related(
            "procedure_version__procedure", "received_unit", "competent_unit", "current_unit"
        ).get(pk=dossier.pk)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class DossierDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="dossiers_retrieve", responses={200: DossierDetailSerializer})
    def get(self, request: Request, code: str) -> Response:
        dossier = _visible(request, code)
        return Response(DossierDetailSerializer(dossier).data)


class DossierActionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossiers_actions_list", responses={200: AllowedActionSerializer(many=True)}
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = _visible(request, code)
        names = dossier_actions_allowed(dossier=dossier, user=request.user)
        rows = [
            {"action": n, "title": str(ACTIONS[n].label), "note_required": ACTIONS[n].note_required}
            for n in names
        ]
        return Response(AllowedActionSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="dossiers_actions_perform",
        request=ActionSerializer,
        responses={200: DossierDetailSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = _visible(request, code)
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        responsible = None
        if values["responsible_unit"]:
            responsible = get_object_or_404(Unit, pk=values["responsible_unit"])
        try:
            dossier = dossier_act(
                actor=request.user,
                dossier=dossier,
                action=values["action"],
                note=values["note"],
                to_step=values["to_step"],
                expected_step=values["expected_step"],
                new_due_at=values["new_due_at"],
                responsible_unit=responsible,
                return_method=values["return_method"],
                rating=dict(values["rating"]) if values["rating"] else None,
            )
        except NotYoursError as exc:
            raise PermissionDenied(str(exc)) from exc
        except ActionNotAllowedError as exc:
            raise Conflict(str(exc)) from exc
        return Response(DossierDetailSerializer(_visible(request, code)).data)


class DossierDocumentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dossiers_documents_upload",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = _visible(request, code)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        try:
            with transaction.atomic():
                document = dossier_document_add(
                    actor=request.user,
                    dossier=dossier,
                    file=values["file"],
                    kind=values["kind"],
                    required_document_id=values["required_document"],
                )
        except ActionNotAllowedError as exc:
            raise Conflict(str(exc)) from exc
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class LookupThrottle(ClientRateThrottle):
    """At most DOSSIER_LOOKUP_RATE public lookups from one client address (an IPv6 /64 counts
    as one client), so codes cannot be guessed by brute force."""

    scope = "lookup"
    rate_setting = "DOSSIER_LOOKUP_RATE"
    # HEAD too: its status alone says whether a code and key match.
    methods = frozenset({"GET", "HEAD"})


# The lookup's timestamps, rendered as the serializers render them (local time, ISO 8601).
_PUBLIC_TIMESTAMPS = ("received_at", "due_at", "returned_at")
_TIMESTAMP = serializers.DateTimeField()


def _json(data: Any, status_code: int = 200) -> HttpResponse:
    # Encoded as DRF's JSONRenderer does.
    return JsonResponse(
        data,
        status=status_code,
        safe=False,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@replica_reads
def _public_answer(code: str, secret: str, phone: str) -> HttpResponse:
    """The public status of a dossier (what PublicDossierSerializer documents), or the API's
    404 when the code and key match none."""
    answer = dossier_public_answer(code=code, secret=secret, phone=phone)
    if answer is None:
        return _json({"detail": _("No dossier matches this code and key."), "errors": {}}, 404)
    for name in _PUBLIC_TIMESTAMPS:
        if answer[name] is not None:
            answer[name] = _TIMESTAMP.to_representation(answer[name])
    response = _json(answer)
    # The answer is for whoever holds the key; no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


def _public_lookup(request: HttpRequest, code: str) -> HttpResponse:
    """GET (and HEAD) of the public lookup, outside DRF's request handling: counted against the same
    limit as LookupThrottle, with the same answers and error bodies. It is the busiest public
    endpoint, and wrapping, negotiating and finalising a DRF request cost more than the read
    itself (bench/dossiers_http.py: about a third more lookups a second this way)."""
    wait = hit(LookupThrottle.scope, str(getattr(settings, LookupThrottle.rate_setting)))
    if wait:
        response = _json({"detail": limited_message(wait), "errors": {}}, 429)
        response["Retry-After"] = str(wait)
        return response
    return _public_answer(code, request.GET.get("secret", ""), request.GET.get("phone", ""))


class PublicDossierView(APIView):
    """The public lookup. GET is served by `_public_lookup` (see `as_view`); the class
    documents it in the schema and answers the other methods as any API view does."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [LookupThrottle]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        api_view = super().as_view(**initkwargs)

        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in LookupThrottle.methods:
                return _public_lookup(request, *args, **kwargs)
            return api_view(request, *args, **kwargs)

        # What DRF's own view function carries, for the schema generator and CSRF.
        view.cls = cls  # type: ignore[attr-defined]
        view.initkwargs = initkwargs  # type: ignore[attr-defined]
        view.csrf_exempt = True  # type: ignore[attr-defined]
        return view

    @extend_schema(
        operation_id="public_dossier_lookup",
        parameters=[
            OpenApiParameter("secret", str, required=False),
            OpenApiParameter("phone", str, required=False),
        ],
        responses={200: PublicDossierSerializer},
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        return _public_answer(
            code, request.query_params.get("secret", ""), request.query_params.get("phone", "")
        )
