"""The one JSON error shape of the API: {"detail": "...", "errors": {"field": ["..."]}}."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
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
    elif type(exc) is exceptions.Throttled:
        # DRF's own text is not translated; the client is told in its language how long to
        # wait. Subclasses (the login throttle) carry their own message.
        from congvu.core.ratelimit import limited_message

        wait = math.ceil(getattr(exc, "wait", None) or 1)
        response.data = {"detail": limited_message(wait), "errors": {}}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"], "errors": {}}
    return response


class Conflict(exceptions.APIException):
    """The request is valid but the resource's present state does not allow it (HTTP 409)."""

    status_code = 409
    default_detail = "The request conflicts with the present state of the resource."
    default_code = "conflict"


def paginated(serializer: Any, *, name: str, cursor: bool = False) -> Any:
    """The documented shape of a page of `serializer` items, for views that paginate by hand
    (drf-spectacular pages only generic list views): next and previous links, the items, and
    with limit/offset pagination the total count."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    fields: dict[str, Any] = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer(many=True),
    }
    if not cursor:
        fields = {"count": serializers.IntegerField(), **fields}
    return inline_serializer(name=name, fields=fields)


def page_parameters(*, cursor: bool = False) -> list[Any]:
    """The query parameters of those pages."""
    from drf_spectacular.utils import OpenApiParameter

    if cursor:
        return [OpenApiParameter("cursor", str, description="The page's cursor, from next.")]
    return [
        OpenApiParameter("limit", int, description="Items on a page."),
        OpenApiParameter("offset", int, description="Items skipped before the page."),
    ]


# The largest id a database row can have (a signed 64-bit integer); larger numbers in a query
# match nothing and must not reach the database, where they overflow.
MAX_ID = 2**63 - 1


class Pages(LimitOffsetPagination):
    """Limit/offset pages within bounds: at most 200 items a page, and an offset the database's
    64-bit integers can hold (a larger number is an error in SQL, a 500 otherwise)."""

    max_limit = 200
    max_offset = 1_000_000_000

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)


def text_param(params: Any, name: str) -> str:
    """A query parameter as text, stripped, without NUL characters: PostgreSQL text cannot
    hold them, and a filter on one is a database error rather than no match."""
    return str(params.get(name, "")).replace("\x00", "").strip()
