from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings, whatever the Vietnamese catalogue says.
    settings.LANGUAGE_CODE = "en"
