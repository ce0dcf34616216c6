"""Demo data of the index: this year's configuration, and the figures the demo units enter by
hand (procedures published on time, dossiers synchronised, data reused) for each quarter so
far, with an evidence file, locked by the provincial office. Made by the services as the demo
accounts; a second run changes nothing."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from congvu.indices.models import MANUAL_CODES, FigureStatus, IndexVersion, ManualFigure
from congvu.indices.selectors import figure_units_for
from congvu.indices.services import figure_review, figure_submit, index_version_save
from congvu.lib.index766 import INDICATORS

# The demo accounts that enter their unit's figures, and the one that locks them.
ENTERING = ("giamdoc", "giamdoc.noivu", "chutich.xa", "chutich.phuong")
REVIEWER = "vanphong"
# A minimal PDF: the evidence of a demo figure.
EVIDENCE = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@transaction.atomic
def demo_indices_seed(*, seed: int = 766) -> int:
    """Seed the configuration and the demo units' figures; returns the figures made."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[*ENTERING, REVIEWER])
    }
    reviewer = users.get(REVIEWER)
    if reviewer is None:
        return 0
    today = timezone.localdate()
    if not IndexVersion.objects.filter(year=today.year).exists():
        index_version_save(
            actor=reviewer,
            year=today.year,
            weights={i.code: (i.points, i.full_at) for i in INDICATORS},
            note="QĐ 766/QĐ-TTg",
        )
    rng = random.Random(seed)  # noqa: S311 - repeatable demo figures, not secrets
    made = 0
    quarters = [(today.year - 1, q) for q in (3, 4)] + [
        (today.year, q) for q in range(1, (today.month - 1) // 3 + 2)
    ]
    for username in ENTERING:
        user = users.get(username)
        if user is None:
            continue
        for unit in figure_units_for(user):
            for year, quarter in quarters:
                for code in MANUAL_CODES:
                    if ManualFigure.objects.filter(
                        unit=unit, indicator=code, year=year, quarter=quarter
                    ).exists():
                        continue
                    denominator = rng.randint(20, 120)
                    numerator = denominator - rng.randint(0, denominator // 4)
                    figure = figure_submit(
                        actor=user,
                        unit=unit,
                        indicator=code,
                        year=year,
                        quarter=quarter,
                        numerator=numerator,
                        denominator=denominator,
                        evidence=SimpleUploadedFile(
                            f"minh-chung-{code}-{year}-q{quarter}.pdf", EVIDENCE, "application/pdf"
                        ),
                        note="Số liệu theo báo cáo quý của đơn vị.",
                    )
                    # The current quarter's figures wait for review; earlier ones are locked.
                    if (year, quarter) != quarters[-1]:
                        figure_review(actor=reviewer, figure=figure, lock=True)
                    made += 1
    return made


def demo_indices_exist() -> bool:
    return ManualFigure.objects.filter(status=FigureStatus.LOCKED).exists()
