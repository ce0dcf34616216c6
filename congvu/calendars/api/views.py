from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congvu.calendars.api.serializers import (
    AppointmentQuerySerializer,
    AppointmentSerializer,
    CalendarDaySerializer,
)
from congvu.calendars.selectors import work_calendar_get, year_calendar
from congvu.lib.workdays import CalendarError


class AppointmentView(APIView):
    """The appointment a dossier received at a given moment gets, in working days."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="calendar_appointment",
        parameters=[
            OpenApiParameter("received_at", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("working_days", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("cutoff", OpenApiTypes.STR, required=False, description="HH:MM"),
        ],
        responses={200: AppointmentSerializer},
    )
    def get(self, request: Request) -> Response:
        query = AppointmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        calendar = work_calendar_get()
        try:
            start, due = calendar.appointment(
                data["received_at"], data["working_days"], data.get("cutoff")
            )
        except CalendarError as exc:
            raise serializers.ValidationError({"working_days": [str(exc)]}) from exc
        return Response(
            AppointmentSerializer(
                {"clock_start": start.isoformat(), "due_at": due.isoformat()}
            ).data
        )


class NonWorkingDaysView(APIView):
    """Days of a year that differ from a plain Monday–Friday week: days off and make-up days."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="calendar_year",
        responses={200: CalendarDaySerializer(many=True)},
    )
    def get(self, request: Request, year: int) -> Response:
        if not 1990 <= year <= 2100:
            raise serializers.ValidationError({"year": [_("Choose a year between 1990 and 2100.")]})
        rows = []
        seen: set[dt.date] = set()
        for _month, weeks in year_calendar(province=None, year=year):
            for week in weeks:
                for day in week:
                    if not day.in_month or day.date in seen:
                        continue
                    seen.add(day.date)
                    if day.kind in {"day_off", "make_up"}:
                        rows.append({"date": day.date, "kind": day.kind, "reason": day.reason})
        return Response(CalendarDaySerializer(rows, many=True).data)
