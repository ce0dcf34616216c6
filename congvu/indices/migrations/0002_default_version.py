"""The first configuration of the index: this year's version with the default weights of
`congvu.lib.index766` (domain.md §9: the points inside each group are to verify and to keep
configurable; the provincial office changes them in the administration)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def seed(apps: Any, schema_editor: Any) -> None:
    from congvu.lib.index766 import INDICATORS

    IndexVersion = apps.get_model("indices", "IndexVersion")
    IndicatorWeight = apps.get_model("indices", "IndicatorWeight")
    year = timezone.localdate().year
    version, created = IndexVersion.objects.get_or_create(
        year=year, defaults={"note": "QĐ 766/QĐ-TTg, default weights (verify)"}
    )
    if created:
        IndicatorWeight.objects.bulk_create(
            IndicatorWeight(version=version, indicator=i.code, points=i.points, full_at=i.full_at)
            for i in INDICATORS
        )


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
