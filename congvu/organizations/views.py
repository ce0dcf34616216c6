from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from congvu.lib.text import fold
from congvu.organizations.models import Official, Position, Unit
from congvu.organizations.selectors import (
    province_get,
    responsibility_resolve,
    unit_ancestors,
    unit_details_visible,
    unit_tree,
    unit_tree_rows,
)

_POSITION_RANK = {kind: rank for rank, kind in enumerate(Position.Kind.values)}


def directory(request: HttpRequest) -> HttpResponse:
    """The province's units as a tree, optionally narrowed to the names that match a search."""
    q = request.GET.get("q", "").strip()[:100]
    root = province_get()
    rows = unit_tree_rows(unit_tree(root), q=q) if root is not None else []
    return render(request, "organizations/directory.html", {"root": root, "rows": rows, "q": q})


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit: its kind and codes, where it sits, what is below it and who works there."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    today = timezone.localdate()
    children = sorted(
        Unit.objects.active(today).filter(parent=unit), key=lambda u: (u.sort_order, fold(u.name))
    )
    positions = sorted(
        Position.objects.active(today).filter(unit=unit).select_related("official"),
        key=lambda p: (_POSITION_RANK.get(p.kind, 99), fold(p.official.full_name)),
    )
    holders = {p.official_id for p in positions}
    others = list(
        Official.objects.filter(unit=unit).exclude(pk__in=holders).order_by("full_name", "pk")
    )
    people = [p.official for p in positions] + others
    # Names, titles and positions are public; telephone numbers and e-mail addresses of
    # officials are shown only to those who may see them.
    contact_ids = set(
        Official.objects.visible_to(request.user)
        .filter(pk__in=[o.pk for o in people])
        .values_list("pk", flat=True)
    )
    details_visible = unit_details_visible(unit=unit, user=request.user)
    responsibility = responsibility_resolve(unit=unit, at=timezone.now())
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(unit),
        "children": children,
        "positions": positions,
        "others": others,
        "contact_ids": contact_ids,
        "head": responsibility.accountable,
        "acting": responsibility.acting if details_visible else None,
        "delegation": responsibility.delegation if details_visible else None,
        "predecessors": list(unit.predecessors.all()),
        "successors": list(unit.successors.all()),
    }
    return render(request, "organizations/unit_detail.html", context)
