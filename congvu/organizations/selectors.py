from __future__ import annotations

from django.core.cache import cache

from congvu.organizations.models import Unit

_PROVINCE_CACHE_KEY = "congvu:province-id"


def province_get() -> Unit | None:
    """The province this installation serves: the first provincial People's Committee."""
    province_id = cache.get(_PROVINCE_CACHE_KEY)
    if province_id is not None:
        unit = Unit.objects.filter(pk=province_id).first()
        if unit is not None:
            return unit
    unit = Unit.objects.filter(kind=Unit.Kind.PROVINCE_COMMITTEE, parent__isnull=True).order_by("pk").first()
    if unit is not None:
        cache.set(_PROVINCE_CACHE_KEY, unit.pk, 300)
    return unit
