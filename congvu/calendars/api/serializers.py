from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Far beyond any processing time the law sets; it bounds the work one request can cause.
MAX_WORKING_DAYS = Decimal(1000)


class AppointmentQuerySerializer(serializers.Serializer[Any]):
    received_at = serializers.CharField(
        help_text=_(
            "When the dossier was received, ISO 8601; without an offset it is Vietnam time."
        )
    )
    working_days = serializers.DecimalField(
        max_digits=8,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=MAX_WORKING_DAYS,
        help_text=_("Processing time in working days; fractions allowed (0.5 = 4 working hours)."),
        error_messages={
            "invalid": _("Enter a number of working days, e.g. 5 or 0.5."),
            "min_value": _("The number of working days cannot be negative."),
            "max_value": _("The number of working days cannot exceed 1000."),
            "max_decimal_places": _("Give at most 3 decimal places."),
        },
    )
    cutoff = serializers.CharField(
        required=False,
        help_text=_("The procedure's cut-off time of day, HH:MM (e.g. 15:00)."),
    )

    def validate_received_at(self, value: str) -> dt.datetime:
        text = value.strip()
        # An unescaped "+" in a query string arrives as a space: "...T10:00:00 07:00".
        if "T" in text and " " in text:
            text = text.replace(" ", "+")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise serializers.ValidationError(
                _("Enter an ISO 8601 date and time, e.g. 2026-02-13T10:00:00+07:00.")
            ) from exc
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def validate_cutoff(self, value: str) -> dt.time:
        try:
            return dt.datetime.strptime(value.strip(), "%H:%M").time()  # noqa: DTZ007
        except ValueError as exc:
            raise serializers.ValidationError(
                _("Enter the cut-off as HH:MM in 24-hour time, e.g. 15:00.")
            ) from exc


class AppointmentSerializer(serializers.Serializer[Any]):
    clock_start = serializers.CharField(help_text=_("When the clock starts, ISO 8601 with +07:00."))
    due_at = serializers.CharField(help_text=_("The appointment (due) time, ISO 8601 with +07:00."))


class CalendarDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    kind = serializers.CharField()
    reason = serializers.CharField()
