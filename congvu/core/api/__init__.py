"""The one JSON error shape of the API: {"detail": "...", "errors": {"field": ["..."]}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Services validate with Django's ValidationError; to a client it is bad input, 400.
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            errors = {k: v if isinstance(v, list) else [v] for k, v in detail.items()}
        else:
            errors = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        parts = [f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in errors.items()]
        response.data = {"detail": _("Invalid input.") + " " + "; ".join(parts), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"], "errors": {}}
    return response


class Conflict(exceptions.APIException):
    """The request is valid but the resource's present state does not allow it (HTTP 409)."""

    status_code = 409
    default_detail = "The request conflicts with the present state of the resource."
    default_code = "conflict"
