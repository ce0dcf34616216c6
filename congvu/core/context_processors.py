from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

_COMMITTEE = "Ủy ban nhân dân "


def site(request: HttpRequest) -> dict[str, Any]:
    """The province for the page header: "tỉnh Cao Bằng", as the seal of its committee reads."""
    from congvu.organizations.selectors import province_get

    province = province_get()
    if province is not None and province.name.startswith(_COMMITTEE):
        place = province.name[len(_COMMITTEE) :]
    elif province is not None:
        place = province.name
    else:
        place = f"tỉnh {settings.CONGVU_PROVINCE_NAME}"
    return {"province_place": place, "province_unit": province}
