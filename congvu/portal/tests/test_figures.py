"""The home page's figures and the public dashboards, from the dossier summary rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congvu.dossiers.models import DossierMonthStat
from congvu.dossiers.tests.conftest import make_version
from congvu.portal import selectors


def test_figures_add_up_the_summary_rows_by_agency(org_tree: dict[str, Any]) -> None:
    version = make_version(org_tree["dept_a"])
    this_year = timezone.localdate().year
    for unit, received, online, early, on_time, late in [
        (org_tree["dept_a"], 40, 30, 10, 15, 5),
        (org_tree["division_a"], 10, 10, 0, 5, 0),  # counted with its department
        (org_tree["commune"], 20, 5, 0, 10, 10),
    ]:
        DossierMonthStat.objects.create(
            unit=unit,
            procedure_version=version,
            month=dt.date(this_year, 1, 1),
            received=received,
            received_online=online,
            resolved_early=early,
            resolved_on_time=on_time,
            resolved_late=late,
        )
    figures = selectors.headline_figures()
    by_name = {u.name: u for u in figures.units}
    justice = by_name["Sở Tư pháp"]
    assert (justice.received, justice.resolved, justice.resolved_in_time) == (50, 35, 30)
    assert justice.on_time_rate == Decimal("85.7")
    assert figures.total.received == 70
    assert figures.total.online_rate == Decimal("64.3")
    assert figures.total.satisfaction is None
    home = Client().get("/").content.decode()
    assert "64,3 %" in home
    page = Client().get(reverse("portal:dashboards")).content.decode()
    assert "Sở Tư pháp" in page
    assert "85,7 %" in page


def test_dashboards_show_public_directives_only(org_tree: dict[str, Any]) -> None:
    from congvu.directives.models import DirectingDocument

    for number, public in (("15/CT-UBND", True), ("99/CT-UBND", False)):
        DirectingDocument.objects.create(
            number=number,
            kind="chi_thi",
            issuer=org_tree["province"],
            issued_on=dt.date(2022, 11, 23),
            title=f"Chỉ thị {number}",
            is_public=public,
        )
    page = Client().get(reverse("portal:dashboards")).content.decode()
    assert "15/CT-UBND" in page
    assert "99/CT-UBND" not in page
