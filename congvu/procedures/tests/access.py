"""Who may have the catalogue's pages and API (see tests/matrix.py).

The procedures in force are public. The catalogue's management page and its export belong to
the provincial office and the administrator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from congvu.procedures.models import Field, Procedure, ProcedureVersion
from tests.matrix import EVERYONE, Case, Cast

CATALOGUE_KEEPERS = frozenset({"provincial_office", "administrator"})


def published_version(cast: Cast) -> ProcedureVersion:
    """A procedure of Department A in force, made once per cast."""
    if "procedure_version" not in cast.objects:
        field, _created = Field.objects.get_or_create(
            code="TP", defaults={"name": "Lý lịch tư pháp"}
        )
        procedure = Procedure.objects.create(
            code="1.009999", name="Cấp Phiếu lý lịch tư pháp số 2", field=field
        )
        cast.objects["procedure_version"] = ProcedureVersion.objects.create(
            procedure=procedure,
            name=procedure.name,
            field=field,
            level=ProcedureVersion.Level.PROVINCE,
            competent_unit=cast.units["dept_a"],
            processing_time=Decimal(5),
            online_level=ProcedureVersion.Online.FULL,
            status=ProcedureVersion.Status.PUBLISHED,
            valid_from=dt.date(2025, 7, 1),
        )
    version: ProcedureVersion = cast.objects["procedure_version"]
    return version


def access_cases(cast: Cast) -> list[Case]:
    code = published_version(cast).procedure.code
    return [
        Case("GET", reverse("procedures:list"), "procedures:list", EVERYONE),
        Case("GET", reverse("procedures:detail", args=[code]), "procedures:detail", EVERYONE),
        Case("GET", reverse("procedures:catalogue"), "procedures:catalogue", CATALOGUE_KEEPERS),
        Case(
            "GET",
            reverse("procedures:catalogue_export", args=["csv"]),
            "procedures:catalogue_export",
            CATALOGUE_KEEPERS,
        ),
        Case("GET", "/api/v1/procedures/", "GET /api/v1/procedures/", EVERYONE, api=True),
        Case(
            "GET",
            f"/api/v1/procedures/{code}/",
            "GET /api/v1/procedures/{code}/",
            EVERYONE,
            api=True,
        ),
    ]
