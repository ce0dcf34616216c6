from __future__ import annotations

from typing import Any

from congvu.demo.services import demo_seed
from congvu.indices.demo import demo_indices_exist, demo_indices_seed
from congvu.indices.models import FigureStatus, IndexVersion, ManualFigure


def test_demo_figures_are_seeded_once(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    demo_seed(dossiers=0)
    # demo_seed loads the figures; a second seeding adds nothing.
    assert demo_indices_exist()
    made = ManualFigure.objects.count()
    assert made > 0
    assert IndexVersion.objects.exists()
    assert ManualFigure.objects.filter(status=FigureStatus.SUBMITTED).exists()
    assert demo_indices_seed() == 0
    assert ManualFigure.objects.count() == made
