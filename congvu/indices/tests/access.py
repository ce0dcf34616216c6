"""Who may have the index's pages and API (see tests/matrix.py).

Every official and staff role sees the ranking; a unit's figures, the dossiers behind them and
its evidence files are for its own officials and for the province-wide roles; the provincial
office (and the administrator) locks or returns the figures units enter.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congvu.indices.models import ManualFigure
from congvu.indices.selectors import figure_units_for
from congvu.indices.services import figure_submit
from tests.matrix import STAFF, Case, Cast

PROVINCE_WIDE = frozenset({"provincial_office", "appraiser", "administrator"})
UNIT_A = PROVINCE_WIDE | {"specialist_a", "head_a"}
REVIEWERS = frozenset({"provincial_office", "administrator"})
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def figure_of_unit_a(cast: Cast) -> ManualFigure:
    if "index_figure" not in cast.objects:
        cast.objects["index_figure"] = figure_submit(
            actor=cast.users["head_a"],
            unit=cast.units["dept_a"],
            indicator="published_on_time",
            year=2026,
            quarter=1,
            numerator=9,
            denominator=10,
            evidence=SimpleUploadedFile("minh-chung.pdf", PDF, "application/pdf"),
        )
    figure: ManualFigure = cast.objects["index_figure"]
    return figure


def access_cases(cast: Cast) -> list[Case]:
    unit = cast.units["dept_a"].pk
    figure = figure_of_unit_a(cast).pk
    enterers = frozenset(
        name for name, user in cast.users.items() if user is not None and figure_units_for(user)
    )
    return [
        Case("GET", reverse("indices:dashboard"), "indices:dashboard", STAFF),
        Case("GET", reverse("indices:export"), "indices:export", STAFF),
        Case("GET", reverse("indices:unit", args=[unit]), "indices:unit", UNIT_A),
        Case("GET", reverse("indices:unit_export", args=[unit]), "indices:unit_export", UNIT_A),
        Case(
            "GET",
            reverse("indices:indicator", args=[unit, "on_time"]),
            "indices:indicator",
            UNIT_A,
        ),
        Case("GET", reverse("indices:figures"), "indices:figures", STAFF),
        Case(
            "GET",
            reverse("indices:figure_evidence", args=[figure]),
            "indices:figure_evidence",
            UNIT_A,
        ),
        Case(
            "POST",
            reverse("indices:figure_review", args=[figure]),
            "indices:figure_review",
            REVIEWERS,
            ok=frozenset({302}),
            data={"decision": "return", "note": "Thiếu quyết định công bố"},
        ),
        Case(
            "GET",
            "/api/v1/indices/ranking/?year=2026",
            "GET /api/v1/indices/ranking/",
            STAFF,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/indices/units/{unit}/?year=2026",
            "GET /api/v1/indices/units/{id}/",
            UNIT_A,
            api=True,
        ),
        Case(
            "GET",
            f"/api/v1/indices/units/{unit}/indicators/on_time/?year=2026",
            "GET /api/v1/indices/units/{id}/indicators/{code}/",
            UNIT_A,
            api=True,
        ),
        Case("GET", "/api/v1/indices/figures/", "GET /api/v1/indices/figures/", STAFF, api=True),
        # Without its evidence file the figure is refused as bad input (400) to those who may
        # enter figures at all, and forbidden to everyone else.
        Case(
            "POST",
            "/api/v1/indices/figures/",
            "POST /api/v1/indices/figures/",
            enterers,
            ok=frozenset({400}),
            data={
                "unit": unit,
                "indicator": "synchronised",
                "year": 2026,
                "quarter": 1,
                "numerator": 1,
                "denominator": 2,
            },
            api=True,
        ),
        Case(
            "POST",
            f"/api/v1/indices/figures/{figure}/review/",
            "POST /api/v1/indices/figures/{id}/review/",
            REVIEWERS,
            ok=frozenset({200, 400}),
            data={"decision": "return", "note": "Thiếu quyết định công bố"},
            api=True,
        ),
        Case(
            "GET",
            "/api/v1/indices/configuration/2026/",
            "GET /api/v1/indices/configuration/{year}/",
            STAFF,
            api=True,
        ),
    ]
