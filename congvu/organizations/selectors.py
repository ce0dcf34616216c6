"""Reads of the organisation: the unit tree, who may see whom, and who is responsible."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from congvu.accounts.roles import is_province_wide
from congvu.lib.text import fold
from congvu.organizations.models import Delegation, Official, Position, Unit

_PROVINCE_CACHE_KEY = "congvu:province-id"


def province_get() -> Unit | None:
    """The province this installation serves: the first provincial People's Committee."""
    roots = Unit.objects.filter(kind=Unit.Kind.PROVINCE_COMMITTEE, parent__isnull=True)
    province_id = cache.get(_PROVINCE_CACHE_KEY)
    if province_id is not None:
        unit = roots.filter(pk=province_id).first()
        if unit is not None:
            return unit
    unit = roots.order_by("pk").first()
    if unit is not None:
        cache.set(_PROVINCE_CACHE_KEY, unit.pk, 300)
    return unit


# Units -------------------------------------------------------------------------------------


def unit_list(
    *,
    kind: str | None = None,
    parent: Unit | int | None = None,
    q: str = "",
    on: dt.date | None = None,
) -> QuerySet[Unit]:
    """Units in force on `on` (today by default), optionally of one kind, below one parent, or
    whose name or short name contains `q`. Units are public records."""
    units = Unit.objects.active(on).select_related("parent")
    if kind:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent=parent)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code=q))
    return units.order_by("path")


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The chain of units above `unit`, from the root down, in one query."""
    ids = [pk for pk in unit.ancestor_ids() if pk != unit.pk]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def unit_agency_get(*, unit: Unit) -> Unit:
    """The agency `unit` belongs to: the nearest unit at or above it whose kind stands on its own
    (a division belongs to its department, a commune centre to its commune committee)."""
    if unit.kind in Unit.AGENCY_KINDS:
        return unit
    for ancestor in reversed(unit_ancestors(unit)):
        if ancestor.kind in Unit.AGENCY_KINDS:
            return ancestor
    return unit


@dataclasses.dataclass
class TreeNode:
    """One unit in the directory tree, with its children in display order."""

    unit: Unit
    children: list[TreeNode] = dataclasses.field(default_factory=list)
    depth: int = 0


def _sort_key(unit: Unit) -> tuple[int, str]:
    return (unit.sort_order, fold(unit.name))


def unit_tree(root: Unit, *, on: dt.date | None = None) -> TreeNode:
    """The units in force under `root` as a tree, read in one query and assembled here."""
    units = list(Unit.objects.active(on).filter(path__startswith=root.path).exclude(pk=root.pk))
    children: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit)

    def build(unit: Unit, depth: int) -> TreeNode:
        kids = sorted(children.get(unit.pk, []), key=_sort_key)
        return TreeNode(unit=unit, depth=depth, children=[build(k, depth + 1) for k in kids])

    return build(root, 0)


@dataclasses.dataclass(frozen=True)
class TreeRow:
    """A flattened tree line for templates: open a branch, or a leaf, then close `closes`."""

    unit: Unit
    depth: int
    has_children: bool
    closes: range


def unit_tree_rows(root: TreeNode, *, q: str = "") -> list[TreeRow]:
    """The tree as rows a template renders in one loop. With `q`, only units whose name holds
    `q` (ignoring accents and case) and the units above them are kept."""
    needle = fold(q)

    def keep(node: TreeNode) -> TreeNode | None:
        kids = [k for k in (keep(c) for c in node.children) if k is not None]
        hit = not needle or needle in fold(node.unit.name) or needle in fold(node.unit.short_name)
        if hit or kids:
            return TreeNode(unit=node.unit, children=kids, depth=node.depth)
        return None

    kept = keep(root)
    rows: list[TreeRow] = []
    if kept is None:
        return rows

    def walk(node: TreeNode, closes_after: int) -> None:
        if not node.children:
            rows.append(TreeRow(node.unit, node.depth, False, range(closes_after)))
            return
        rows.append(TreeRow(node.unit, node.depth, True, range(0)))
        last = len(node.children) - 1
        for i, child in enumerate(node.children):
            walk(child, closes_after + 1 if i == last else 0)

    walk(kept, 0)
    return rows


# Who may see what ------------------------------------------------------------------------


def official_units(official: Official, *, on: dt.date | None = None) -> list[Unit]:
    """The units an official works in: their main unit and those of their current positions."""
    units = {official.unit_id: official.unit}
    for position in Position.objects.active(on).filter(official=official).select_related("unit"):
        units[position.unit_id] = position.unit
    return list(units.values())


def official_of(user: Any) -> Official | None:
    """The official profile of a logged-in user, or None; read once per user object, since
    permission checks ask for it many times in one request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if "_congvu_official" not in user.__dict__:
        user.__dict__["_congvu_official"] = (
            Official.objects.filter(user=user).select_related("unit").first()
        )
    official: Official | None = user.__dict__["_congvu_official"]
    return official


def agency_paths_for(user: Any) -> list[str] | None:
    """Subtree paths whose officials and delegations `user` may see; None means everything.

    Administrators and province-wide roles see the whole province. An official sees their own
    agency (the agency of their main unit and of each current position) and all its parts;
    an official of the provincial People's Committee itself therefore sees everything. Citizens
    and anonymous visitors see nothing.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser or is_province_wide(user):
        return None
    cached = getattr(user, "_congvu_agency_paths", None)
    if cached is not None:
        return list(cached)
    official = official_of(user)
    if official is None:
        paths: list[str] = []
    else:
        units = official_units(official)
        wanted: set[int] = set()
        for unit in units:
            wanted.update(unit.ancestor_ids())
            wanted.add(unit.pk)
        by_id = Unit.objects.in_bulk(wanted)
        agencies: set[str] = set()
        for unit in units:
            chain = [by_id[pk] for pk in unit.ancestor_ids() if pk in by_id] or [unit]
            agency = next((u for u in reversed(chain) if u.kind in Unit.AGENCY_KINDS), unit)
            agencies.add(agency.path)
        # A path inside another path adds nothing to the filter.
        paths = sorted(p for p in agencies if not any(p != o and p.startswith(o) for o in agencies))
    user._congvu_agency_paths = tuple(paths)
    return paths


def unit_details_visible(*, unit: Unit, user: Any) -> bool:
    """Whether `user` may see the non-public side of `unit`: contacts, delegations, acting."""
    paths = agency_paths_for(user)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


# Officials ---------------------------------------------------------------------------------


def official_list(*, user: Any, unit: Unit | int | None = None) -> QuerySet[Official]:
    """Officials `user` may see, with their unit and current positions, for lists and the API."""
    from django.db.models import Prefetch

    officials = Official.objects.visible_to(user).select_related("unit")
    if unit is not None:
        officials = officials.filter(unit=unit)
    current = Position.objects.active().select_related("unit").order_by("valid_from")
    return officials.prefetch_related(Prefetch("positions", queryset=current)).order_by(
        "full_name", "pk"
    )


def delegation_list(*, user: Any) -> QuerySet[Delegation]:
    return (
        Delegation.objects.visible_to(user)
        .select_related("unit", "delegator", "delegate")
        .order_by("-valid_from", "-pk")
    )


# Responsibility ----------------------------------------------------------------------------


def _as_datetime(at: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(at, dt.datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    return timezone.make_aware(dt.datetime.combine(at, dt.time.min))


def _as_date(at: dt.datetime | dt.date) -> dt.date:
    if isinstance(at, dt.datetime):
        return timezone.localtime(_as_datetime(at)).date()
    return at


def unit_head_get(*, unit: Unit, at: dt.datetime | dt.date) -> Official | None:
    """The official holding the head position of `unit` on the day of `at`, if any."""
    position = (
        Position.objects.active(_as_date(at))
        .filter(unit=unit, kind=Position.Kind.HEAD)
        .select_related("official", "official__unit")
        .order_by("-valid_from")
        .first()
    )
    return position.official if position else None


@dataclasses.dataclass(frozen=True)
class Responsibility:
    """Who answers for a unit's work at a moment, and who actually does it.

    `accountable` is the head (Chỉ thị 15/CT-UBND: the head answers for the work of the unit
    even when it is assigned or delegated to a deputy), so delegation never changes it.
    `acting` is the delegate while a delegation is in force, otherwise the head.
    """

    accountable: Official | None
    acting: Official | None
    delegation: Delegation | None


def responsibility_resolve(
    *, unit: Unit, at: dt.datetime | dt.date, scope: str = Delegation.Scope.ALL
) -> Responsibility:
    """Resolve the accountable head and the acting official of `unit` at `at` for `scope`.

    A delegation counts when it is of `unit`, covers `scope` (or all work), its window
    [valid_from, valid_until) holds `at`, it was not revoked by then, and it was given by the
    head in office at `at`: a delegation lapses with the office of the head who gave it. A
    delegation for the very scope wins over one for all work.
    """
    moment = _as_datetime(at)
    head = unit_head_get(unit=unit, at=moment)
    if head is None:
        return Responsibility(accountable=None, acting=None, delegation=None)
    scopes = {Delegation.Scope.ALL, scope}
    delegation = (
        Delegation.objects.in_force(moment)
        .filter(unit=unit, delegator=head, scope__in=scopes)
        .select_related("delegate", "delegate__unit", "delegator")
        .annotate(
            general=Case(
                When(scope=Delegation.Scope.ALL, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("general", "-valid_from", "-pk")
        .first()
    )
    if delegation is None:
        return Responsibility(accountable=head, acting=head, delegation=None)
    return Responsibility(accountable=head, acting=delegation.delegate, delegation=delegation)
