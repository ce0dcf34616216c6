from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """The province's name for the page header, from the seeded province or the settings."""
    from congvu.organizations.selectors import province_get

    province = province_get()
    return {
        "province_name": province.name if province else settings.CONGVU_PROVINCE_NAME,
        "province_unit": province,
    }
