"""The dossiers' own fixtures (a procedure of Department A, the desk officer, a scripted history
of thirty dossiers through every path) reused to compute the index from real service writes."""

from __future__ import annotations

from typing import Any

import pytest

from congvu.dossiers.tests.conftest import applicant, one_stop, version  # noqa: F401
from congvu.dossiers.tests.test_stats import cast, frozen, history, second_version  # noqa: F401


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings.
    settings.LANGUAGE_CODE = "en"
