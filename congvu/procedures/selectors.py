"""Reads of the procedure catalogue. The catalogue is public: anyone may read the procedures in
force, so these selectors take no user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from congvu.lib.text import fold
from congvu.procedures.models import Field, Procedure, ProcedureVersion


def in_force_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """The condition of a version in force on `on` (today by default)."""
    day = on or timezone.localdate()
    return (
        Q(**{f"{prefix}status": ProcedureVersion.Status.PUBLISHED})
        & Q(**{f"{prefix}valid_from__lte": day})
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": day}))
    )


def procedure_list(
    *,
    q: str = "",
    field: Field | int | None = None,
    level: str | None = None,
    online_level: str | None = None,
    published_only: bool = True,
    on: dt.date | None = None,
) -> QuerySet[ProcedureVersion]:
    """The catalogue: one row per procedure, as the version that stands for it, ordered by code.

    With `published_only` (the public catalogue) that is the version in force on `on`; otherwise
    every procedure is listed, as its version in force or else its latest. `q` matches code, name
    and field whatever the accents and case: every word of it must occur ("dang ky khai sinh"
    finds "Đăng ký khai sinh"). `field` is a Field or its id; the filters apply to the version
    shown.
    """
    day = on or timezone.localdate()
    versions = ProcedureVersion.objects.all()
    if published_only:
        versions = versions.filter(in_force_q(day))
    else:
        ranked = (
            ProcedureVersion.objects.filter(procedure=OuterRef("procedure_id"))
            .annotate(
                rank=Case(
                    When(in_force_q(day), then=Value(0)),
                    When(status=ProcedureVersion.Status.WITHDRAWN, then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "-number")
            .values("pk")[:1]
        )
        versions = versions.annotate(shown=Subquery(ranked)).filter(pk=F("shown"))
    for word in fold(q).split():
        versions = versions.filter(procedure__search_text__icontains=word)
    if field:
        versions = versions.filter(field=field)
    if level:
        versions = versions.filter(level=level)
    if online_level:
        versions = versions.filter(online_level=online_level)
    return versions.select_related("procedure", "field", "competent_unit").order_by(
        "procedure__code"
    )


def procedure_get(code: str) -> Procedure | None:
    """The procedure with national code `code`, or None."""
    return Procedure.objects.filter(code=code.strip()).select_related("field").first()


def procedure_version_current(
    procedure: Procedure, on: dt.date | None = None
) -> ProcedureVersion | None:
    """The version of `procedure` in force on `on` (today by default), or None: the version a
    dossier received that day is handled under."""
    return (
        ProcedureVersion.objects.filter(procedure=procedure)
        .filter(in_force_q(on))
        .select_related("procedure", "field", "competent_unit")
        .order_by("-valid_from", "-number")
        .first()
    )


def procedure_version_detail(version_id: int) -> ProcedureVersion:
    """A version with its documents, fees and steps read in a fixed number of queries, for the
    detail page and the API."""
    return (
        ProcedureVersion.objects.select_related("procedure", "field", "competent_unit")
        .prefetch_related("documents", "fees", "steps__unit")
        .get(pk=version_id)
    )


def catalogue_export(format: str) -> bytes:
    """Every version not withdrawn, as a catalogue file of `format` ("xlsx" or "csv") in the
    columns `catalogue_import` reads, so that an export imports back as it was."""
    from congvu.procedures import catalogue

    versions = (
        ProcedureVersion.objects.exclude(status=ProcedureVersion.Status.WITHDRAWN)
        .select_related("procedure", "field", "competent_unit")
        .prefetch_related("documents", "fees")
        .order_by("procedure__code", "number")
    )
    return catalogue.table_write((catalogue.version_row(v) for v in versions), format)
