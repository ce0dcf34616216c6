from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.core.api import (
    MAX_ID,
    Conflict,
    Pages,
    page_parameters,
    paginated,
    text_param,
)
from congvu.directives import services
from congvu.directives.api.serializers import (
    DirectingDocumentInputSerializer,
    DirectingDocumentSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
    TaskActionSerializer,
    TaskAssignSerializer,
    TaskDetailSerializer,
    TaskSerializer,
)
from congvu.directives.models import (
    DirectingDocument,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskEvent,
    TaskOccurrence,
    TaskStatus,
)
from congvu.directives.selectors import document_list, task_list
from congvu.organizations.models import Official, Unit


def _document(request: Request, pk: int) -> DirectingDocument:
    document = document_list(user=request.user).filter(pk=pk).first()
    if document is None:
        raise NotFound(_("No document with this number is visible to you."))
    return document


def _task(request: Request, pk: int) -> Task:
    task = task_list(user=request.user).filter(pk=pk).first()
    if task is None:
        raise NotFound(_("No task with this number is visible to you."))
    return task


def _detail(request: Request, pk: int) -> Task:
    task = (
        task_list(user=request.user)
        .filter(pk=pk)
        .prefetch_related(
            "coordinating_units",
            Prefetch("events", queryset=TaskEvent.objects.order_by("at", "pk")),
            Prefetch("reports", queryset=ProgressReport.objects.select_related("occurrence")),
            Prefetch("extension_requests", queryset=ExtensionRequest.objects.all()),
            Prefetch("occurrences", queryset=TaskOccurrence.objects.order_by("due_on")),
        )
        .first()
    )
    if task is None:
        raise NotFound(_("No task with this number is visible to you."))
    return task


def _get(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [_("No such record.")]})
    return obj


class DocumentListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_list",
        parameters=page_parameters(),
        responses={200: paginated(DirectingDocumentSerializer, name="DirectingDocumentPage")},
    )
    def get(self, request: Request) -> Response:
        paginator = Pages()
        page = paginator.paginate_queryset(
            document_list(user=request.user).prefetch_related("implements"), request, view=self
        )
        return paginator.get_paginated_response(DirectingDocumentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="documents_create",
        request=DirectingDocumentInputSerializer,
        responses={201: DirectingDocumentSerializer},
    )
    def post(self, request: Request) -> Response:
        body = DirectingDocumentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values["issuer"] = _get(Unit, values["issuer"], "issuer")
        values["implements"] = list(DirectingDocument.objects.filter(pk__in=values["implements"]))
        try:
            document = services.document_create(actor=request.user, **values)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(DirectingDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="documents_retrieve", responses={200: DirectingDocumentSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(DirectingDocumentSerializer(_document(request, pk)).data)


class TaskListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tasks_list",
        parameters=[
            OpenApiParameter("document", int, required=False),
            OpenApiParameter("unit", int, required=False, description=_("Lead unit or its parts.")),
            OpenApiParameter("status", str, required=False, enum=TaskStatus.values),
            OpenApiParameter("overdue", bool, required=False),
            *page_parameters(),
        ],
        responses={200: paginated(TaskSerializer, name="TaskPage")},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params

        def number(name: str) -> int | None:
            value = params.get(name)
            if not value:
                return None
            if not value.isdigit() or int(value) > MAX_ID:
                raise ValidationError({name: [_("A number is expected.")]})
            return int(value)

        overdue = params.get("overdue")
        tasks = task_list(
            user=request.user,
            document=number("document"),
            unit=number("unit"),
            status=text_param(params, "status") or None,
            overdue=None if overdue in (None, "") else overdue.lower() in ("1", "true", "yes"),
        )
        paginator = Pages()
        page = paginator.paginate_queryset(tasks, request, view=self)
        return paginator.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(
        operation_id="tasks_assign",
        request=TaskAssignSerializer,
        responses={201: TaskDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        body = TaskAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values["lead_unit"] = _get(Unit, values["lead_unit"], "lead_unit")
        values["document"] = _get(DirectingDocument, values["document"], "document")
        if values["parent"] is not None:
            values["parent"] = _task(request, values["parent"])
        values["assignee"] = _get(Official, values["assignee"], "assignee")
        values["coordinating_units"] = list(
            Unit.objects.filter(pk__in=values["coordinating_units"])
        )
        try:
            task = services.task_assign(actor=request.user, **values)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(
            TaskDetailSerializer(_detail(request, task.pk)).data, status=status.HTTP_201_CREATED
        )


class TaskDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="tasks_retrieve", responses={200: TaskDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(TaskDetailSerializer(_detail(request, pk)).data)


def _perform(request: Request, task: Task, values: dict[str, Any]) -> None:
    action = values["action"]
    actor = request.user
    if action == "acknowledge":
        services.task_acknowledge(actor=actor, task=task)
    elif action == "report":
        services.task_report_progress(
            actor=actor,
            task=task,
            percent=values["percent"],
            text=values["text"],
            occurrence=_get(TaskOccurrence, values["occurrence"], "occurrence"),
            is_completion=values["is_completion"],
        )
    elif action == "accept":
        if values["quality"] is None:
            raise ValidationError({"quality": [_("Give the quality, 1 to 5.")]})
        services.task_accept(actor=actor, task=task, quality=values["quality"])
    elif action == "send_back":
        services.task_send_back(actor=actor, task=task, note=values["note"])
    elif action == "request_extension":
        if values["proposed_due_on"] is None:
            raise ValidationError({"proposed_due_on": [_("Give the proposed deadline.")]})
        services.task_request_extension(
            actor=actor,
            task=task,
            proposed_due_on=values["proposed_due_on"],
            reason=values["reason"],
        )
    elif action == "decide_extension":
        request_obj = ExtensionRequest.objects.filter(pk=values["request"], task=task).first()
        if request_obj is None:
            raise ValidationError({"request": [_("No such request on this task.")]})
        services.task_decide_extension(
            actor=actor, request=request_obj, approve=values["approve"], note=values["note"]
        )
    elif action == "cancel":
        services.task_cancel(actor=actor, task=task, reason=values["reason"] or values["note"])
    elif action == "delegate":
        assignee = _get(Official, values["assignee"], "assignee")
        if assignee is None:
            raise ValidationError({"assignee": [_("Choose the official.")]})
        services.task_delegate(actor=actor, task=task, assignee=assignee)


class TaskActionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tasks_actions_perform",
        request=TaskActionSerializer,
        responses={200: TaskDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        body = TaskActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            _perform(request, task, dict(body.validated_data))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.TaskActionError as exc:
            raise Conflict(str(exc)) from exc
        return Response(TaskDetailSerializer(_detail(request, pk)).data)


class TaskReportsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="tasks_reports_list", responses={200: ProgressReportSerializer(many=True)}
    )
    def get(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        reports = ProgressReport.objects.filter(task=task).select_related("occurrence")
        return Response(ProgressReportSerializer(reports, many=True).data)

    @extend_schema(
        operation_id="tasks_reports_create",
        request=ProgressReportInputSerializer,
        responses={201: ProgressReportSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        body = ProgressReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        try:
            report = services.task_report_progress(
                actor=request.user,
                task=task,
                percent=values["percent"],
                text=values["text"],
                file=values["file"],
                occurrence=_get(TaskOccurrence, values["occurrence"], "occurrence"),
                is_completion=values["is_completion"],
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.TaskActionError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)
