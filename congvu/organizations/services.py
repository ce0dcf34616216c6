"""Writes of the organisation: units, officials, positions and delegations.

Every function here takes the acting user, validates, saves and writes one audit row. Who may
change units, officials and positions is decided by the caller (the admin site checks the model
permissions each role has); who may delegate is a rule of its own and is checked here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congvu.accounts.roles import is_province_wide
from congvu.core.services import audit_record, snapshot
from congvu.lib.text import fold
from congvu.organizations import seed_data
from congvu.organizations.models import Delegation, Official, Position, Unit
from congvu.organizations.selectors import official_of, unit_head_get

# Kinds that may stand at the top of a tree: the province itself and agencies outside it.
_ROOT_KINDS = frozenset({Unit.Kind.PROVINCE_COMMITTEE, Unit.Kind.EXTERNAL_AGENCY})

UNIT_UPDATABLE_FIELDS = frozenset(
    {
        "kind",
        "name",
        "short_name",
        "code",
        "admin_code",
        "parent",
        "sort_order",
        "address",
        "phone",
        "email",
        "valid_from",
    }
)
OFFICIAL_UPDATABLE_FIELDS = frozenset({"full_name", "title", "unit", "phone", "email"})


# Units -------------------------------------------------------------------------------------


def unit_check_parent(unit: Unit) -> None:
    """Raise ValidationError if `unit` may not sit under its parent (forms call it too)."""
    if unit.parent is None:
        if unit.kind not in _ROOT_KINDS:
            raise ValidationError(
                {"parent": _("A unit of this kind must belong to a parent unit.")}
            )
        return
    if unit.pk is not None and (unit.parent.pk == unit.pk or unit.pk in unit.parent.ancestor_ids()):
        raise ValidationError({"parent": _("A unit cannot be placed under itself.")})


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    short_name: str = "",
    code: str | None = None,
    admin_code: str | None = None,
    parent: Unit | None = None,
    sort_order: int = 0,
    address: str = "",
    phone: str = "",
    email: str = "",
    valid_from: dt.date | None = None,
) -> Unit:
    """Create a unit in force from `valid_from` (1/7/2025, when the two-tier local government
    of Luật 72/2025/QH15 took effect, unless given) and place it in the tree."""
    unit = Unit(
        kind=kind,
        name=name,
        short_name=short_name,
        code=code or None,
        admin_code=admin_code or None,
        parent=parent,
        sort_order=sort_order,
        address=address,
        phone=phone,
        email=email,
    )
    if valid_from is not None:
        unit.valid_from = valid_from
    unit_check_parent(unit)
    # The path holds the unit's own id, which exists only once the row is saved.
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="organizations.unit_created", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **changes: Any) -> Unit:
    """Change a unit's fields; moving it to another parent moves its whole subtree."""
    unknown = set(changes) - UNIT_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unit_update() cannot change {', '.join(sorted(unknown))}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    old_path = unit.path
    for field, value in changes.items():
        if field in {"code", "admin_code"}:
            value = value or None
        setattr(unit, field, value)
    unit_check_parent(unit)
    unit.full_clean()
    new_path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    unit.path = new_path
    unit.save()
    if new_path != old_path:
        below = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
        for descendant in below:
            descendant.path = new_path + descendant.path[len(old_path) :]
        Unit.objects.bulk_update(below, ["path"], batch_size=500)
    after = snapshot(unit)
    if after != before:
        audit_record(
            actor=actor, action="organizations.unit_updated", obj=unit, before=before, after=after
        )
    return unit


@transaction.atomic
def unit_end(*, actor: Any, unit: Unit, on: dt.date, successors: Iterable[Unit] = ()) -> Unit:
    """End a unit on `on` (it is no longer in force from that day) and link the units that take
    over its work, so that reports about the past still find it and its heirs.

    Calling it again on an ended unit corrects the date and the successors.
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    heirs = list(successors)
    before = {**snapshot(unit), "successors": sorted(unit.successors.values_list("pk", flat=True))}
    if any(heir.pk == unit.pk for heir in heirs):
        raise ValidationError({"successors": _("A unit cannot succeed itself.")})
    for heir in heirs:
        if not heir.is_active_on(on):
            raise ValidationError(
                {"successors": _("%(unit)s is not in force on that day.") % {"unit": heir}}
            )
    unit.valid_until = on
    unit.full_clean()
    unit.save(update_fields=["valid_until"])
    unit.successors.set(heirs)
    after = {**snapshot(unit), "successors": sorted(h.pk for h in heirs)}
    audit_record(
        actor=actor, action="organizations.unit_ended", obj=unit, before=before, after=after
    )
    return unit


# Officials and positions -------------------------------------------------------------------


@transaction.atomic
def official_create(
    *,
    actor: Any,
    user: Any,
    full_name: str,
    unit: Unit,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> Official:
    official = Official(
        user=user, full_name=full_name, unit=unit, title=title, phone=phone, email=email
    )
    official.full_clean()
    official.save()
    audit_record(
        actor=actor,
        action="organizations.official_created",
        obj=official,
        after=snapshot(official),
    )
    return official


@transaction.atomic
def official_update(*, actor: Any, official: Official, **changes: Any) -> Official:
    unknown = set(changes) - OFFICIAL_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"official_update() cannot change {', '.join(sorted(unknown))}")
    official = Official.objects.select_for_update().get(pk=official.pk)
    before = snapshot(official)
    for field, value in changes.items():
        setattr(official, field, value)
    official.full_clean()
    official.save()
    after = snapshot(official)
    if after != before:
        audit_record(
            actor=actor,
            action="organizations.official_updated",
            obj=official,
            before=before,
            after=after,
        )
    return official


def _overlaps(
    start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None
) -> bool:
    return (end is None or other_start < end) and (other_end is None or start < other_end)


@transaction.atomic
def position_assign(
    *,
    actor: Any,
    official: Official,
    unit: Unit,
    kind: str,
    title: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Position:
    """Appoint `official` to a position in `unit` from `valid_from` (today unless given)."""
    start = valid_from or timezone.localdate()
    # Locking the unit serialises two appointments of a head to the same unit.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    position = Position(
        official=official,
        unit=unit,
        kind=kind,
        title=title,
        valid_from=start,
        valid_until=valid_until,
    )
    if kind == Position.Kind.HEAD:
        # One head at a time, so that who is accountable is never in doubt (Chỉ thị 15/CT-UBND).
        for other in Position.objects.filter(unit=unit, kind=Position.Kind.HEAD):
            if _overlaps(start, valid_until, other.valid_from, other.valid_until):
                raise ValidationError(
                    _(
                        "%(unit)s already has a head, %(name)s, in that period; end that "
                        "position first."
                    )
                    % {"unit": unit, "name": other.official}
                )
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action="organizations.position_assigned",
        obj=position,
        after=snapshot(position),
    )
    return position


@transaction.atomic
def position_update(*, actor: Any, position: Position, title: str) -> Position:
    """Correct the title shown for a position; a change of post is a new position."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    before = snapshot(position)
    position.title = title
    position.full_clean()
    position.save(update_fields=["title"])
    audit_record(
        actor=actor,
        action="organizations.position_updated",
        obj=position,
        before=before,
        after=snapshot(position),
    )
    return position


@transaction.atomic
def position_end(*, actor: Any, position: Position, on: dt.date) -> Position:
    """End a position on `on`: from that day the official no longer holds it."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    before = snapshot(position)
    if on <= position.valid_from:
        raise ValidationError({"valid_until": _("A position must end after the day it started.")})
    position.valid_until = on
    position.full_clean()
    position.save(update_fields=["valid_until"])
    audit_record(
        actor=actor,
        action="organizations.position_ended",
        obj=position,
        before=before,
        after=snapshot(position),
    )
    return position


# Delegations -------------------------------------------------------------------------------


def _actor_official(actor: Any) -> Official | None:
    return official_of(actor)


def delegation_check(
    *,
    actor: Any,
    delegator: Official,
    delegate: Official,
    unit: Unit,
    scope: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
) -> None:
    """Raise ValidationError unless `actor` may record this delegation (see
    `delegation_create`); forms call it to show the reason next to the fields."""
    today_head = unit_head_get(unit=unit, at=timezone.now())
    actor_official = _actor_official(actor)
    may_act = is_province_wide(actor) or (
        today_head is not None and actor_official is not None and actor_official.pk == today_head.pk
    )
    if not may_act:
        raise ValidationError(
            _("Only the head of %(unit)s or an administrator may record its delegations.")
            % {"unit": unit}
        )
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("A delegation must end after it starts.")})
    head_then = unit_head_get(unit=unit, at=valid_from)
    if head_then is None or head_then.pk != delegator.pk:
        raise ValidationError(
            {
                "delegator": _(
                    "%(name)s is not the head of %(unit)s when the delegation starts; only "
                    "the head can delegate."
                )
                % {"name": delegator, "unit": unit}
            }
        )
    if (
        not is_province_wide(actor)
        and actor_official is not None
        and (actor_official.pk != delegator.pk)
    ):
        # A head delegates their own authority, not that of a predecessor or successor.
        raise ValidationError({"delegator": _("A head can only delegate their own authority.")})
    if delegate.pk == delegator.pk:
        raise ValidationError({"delegate": _("A head cannot delegate to themselves.")})
    for other in Delegation.objects.filter(
        unit=unit, scope=scope, valid_from__lt=valid_until, valid_until__gt=valid_from
    ).select_related("delegate"):
        if other.valid_from < other.ends_at and other.ends_at > valid_from:
            raise ValidationError(
                _(
                    "This overlaps the delegation to %(name)s from %(start)s to %(end)s for "
                    "the same scope; revoke it or choose another period."
                )
                % {
                    "name": other.delegate,
                    "start": timezone.localtime(other.valid_from).strftime("%d/%m/%Y %H:%M"),
                    "end": timezone.localtime(other.ends_at).strftime("%d/%m/%Y %H:%M"),
                }
            )


@transaction.atomic
def delegation_create(
    *,
    actor: Any,
    delegator: Official,
    delegate: Official,
    unit: Unit,
    scope: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    reason: str = "",
) -> Delegation:
    """Record that the head of `unit` authorises `delegate` to act for them in `scope` during
    [valid_from, valid_until).

    Only the unit's current head, an administrator or a province-wide role may record it, the
    delegator must be the head on the first day of the delegation, and two delegations of the
    same unit and scope may not overlap: otherwise who acts would be ambiguous. The head stays
    accountable throughout (Chỉ thị 15/CT-UBND).
    """
    # Locking the unit serialises concurrent delegations of it, so the overlap check cannot
    # be passed by two requests at once.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    delegation_check(
        actor=actor,
        delegator=delegator,
        delegate=delegate,
        unit=unit,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    delegation = Delegation(
        unit=unit,
        delegator=delegator,
        delegate=delegate,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    delegation.full_clean()
    delegation.save()
    audit_record(
        actor=actor,
        action="organizations.delegation_created",
        obj=delegation,
        after=snapshot(delegation),
    )
    return delegation


@transaction.atomic
def delegation_revoke(
    *, actor: Any, delegation: Delegation, at: dt.datetime | None = None
) -> Delegation:
    """Withdraw a delegation from `at` (now unless given); the head acts again from then."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    moment = at or timezone.now()
    actor_official = _actor_official(actor)
    head_now = unit_head_get(unit=delegation.unit, at=timezone.now())
    allowed_ids = {delegation.delegator_id} | ({head_now.pk} if head_now else set())
    if not (
        is_province_wide(actor) or (actor_official is not None and actor_official.pk in allowed_ids)
    ):
        raise ValidationError(
            _("Only the head of %(unit)s or an administrator may revoke its delegations.")
            % {"unit": delegation.unit}
        )
    if delegation.revoked_at is not None:
        raise ValidationError(_("This delegation has already been revoked."))
    if moment >= delegation.valid_until:
        raise ValidationError(_("This delegation has already ended."))
    before = snapshot(delegation)
    delegation.revoked_at = moment
    delegation.full_clean()
    delegation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="organizations.delegation_revoked",
        obj=delegation,
        before=before,
        after=snapshot(delegation),
    )
    return delegation


# Seeding a province ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SeedResult:
    """What one run of `province_seed` did."""

    province: Unit
    created: int
    unchanged: int
    communes: int


def province_find(name: str) -> Any:
    """The province of the national list whose name matches `name`, ignoring accents, case and
    a leading "Tỉnh" or "Thành phố"."""
    from vietnam_provinces import Province

    def bare(text: str) -> str:
        folded = fold(text)
        for prefix in ("thanh pho ", "tinh ", "tp. ", "tp "):
            if folded.startswith(prefix):
                return folded[len(prefix) :]
        return folded

    wanted = bare(name)
    for province in Province.iter_all():
        if bare(province.name) == wanted:
            return province
    raise ValidationError(
        _("No province named %(name)s in the national list of administrative units.")
        % {"name": name}
    )


def _seq(number: int) -> str:
    # Two digits as in the published examples, three once a province has more than 99.
    return f"{number:02d}"


@transaction.atomic
def province_seed(*, actor: Any, province_name: str) -> SeedResult:
    """Create the standard units of a province and of every commune in it, from the national
    list of administrative units after the 2025 merger (Luật 72/2025/QH15: the province and
    its communes are the only two levels of local government).

    Units already seeded (found by their seed key) are left exactly as they are, so running it
    again creates nothing and changes nothing, and edits made since are kept.

    The electronic identifier codes given here are provisional, in the shape of the published
    codes (000.00.00.H12); administrators replace them with the codes the province was issued.
    """
    from vietnam_provinces import Ward

    source = province_find(province_name)
    pcode = int(source.code)
    if source.name.startswith("Thành phố "):
        level, bare_name = "thành phố", source.name[len("Thành phố ") :]
    else:
        level, bare_name = "tỉnh", source.name
    ident = seed_data.PROVINCE_IDENTIFIER.get(pcode)
    if ident is None:
        ident = f"H{pcode:02d}"
        if ident in seed_data.PROVINCE_IDENTIFIER.values():
            # Taken by the issued code of another province: use a letter no issued code has.
            ident = f"Z{pcode:02d}"
    pkey = f"P{pcode:02d}"

    # (seed key, parent seed key, fields) for every unit of the province, parents first.
    planned: list[tuple[str, str | None, dict[str, Any]]] = []

    def plan(key: str, parent: str | None, **fields: Any) -> None:
        planned.append((key, parent, fields))

    fmt = {"level": level, "province": bare_name}
    plan(
        pkey,
        None,
        kind=Unit.Kind.PROVINCE_COMMITTEE,
        name=f"Ủy ban nhân dân {level} {bare_name}",
        short_name=f"UBND {level} {bare_name}",
        admin_code=pkey,
        code=f"000.00.00.{ident}",
    )
    agencies = [seed_data.OFFICE, *seed_data.DEPARTMENTS]
    if pcode in seed_data.BORDER_PROVINCE_CODES:
        agencies.append(seed_data.FOREIGN_AFFAIRS)
    for number, dept in enumerate(agencies, start=1):
        plan(
            f"{pkey}/{'office' if dept is seed_data.OFFICE else 'dept/' + dept.key}",
            pkey,
            kind=Unit.Kind.OFFICE if dept is seed_data.OFFICE else Unit.Kind.DEPARTMENT,
            name=dept.name.format(**fmt),
            short_name=dept.short_name.format(**fmt),
            code=f"000.00.{_seq(number)}.{ident}",
            sort_order=10 if dept is seed_data.OFFICE else 10 + number,
        )
    centre = seed_data.PROVINCE_CENTRE
    plan(
        f"{pkey}/office/centre",
        f"{pkey}/office",
        kind=Unit.Kind.SERVICE_CENTRE,
        name=centre.name.format(**fmt),
        short_name=centre.short_name.format(**fmt),
        # Level 3 under the Office (000.00.01): 000.01.01.
        code=f"000.01.01.{ident}",
        sort_order=1,
    )
    wards = list(Ward.iter_by_province(source.code))
    for number, ward in enumerate(wards, start=1):
        wkey = f"W{int(ward.code):05d}"
        kind_word = ward.division_type.value  # xã, phường, đặc khu
        ward_bare = ward.name[len(kind_word) + 1 :]
        plan(
            wkey,
            pkey,
            kind=Unit.Kind.COMMUNE_COMMITTEE,
            name=f"Ủy ban nhân dân {kind_word} {ward_bare}",
            short_name=f"UBND {kind_word} {ward_bare}",
            admin_code=wkey,
            code=f"000.{_seq(number)}.00.{ident}",
            sort_order=1000,
        )
        plan(
            f"{wkey}/centre",
            wkey,
            kind=Unit.Kind.COMMUNE_CENTRE,
            name=seed_data.COMMUNE_CENTRE_NAME.format(level=kind_word, name=ward_bare),
            short_name=seed_data.COMMUNE_CENTRE_SHORT_NAME.format(level=kind_word, name=ward_bare),
            # One level below its commune committee (000.NN.00): 001.NN.00.
            code=f"001.{_seq(number)}.00.{ident}",
            sort_order=1,
        )

    keys = [key for key, _parent, _fields in planned]
    admin_codes = [f["admin_code"] for _k, _p, f in planned if f.get("admin_code")]
    units: dict[str, Unit] = {
        u.seed_key: u for u in Unit.objects.filter(seed_key__in=keys) if u.seed_key
    }
    # A province or commune entered by hand before seeding is adopted as it is.
    for unit in Unit.objects.filter(admin_code__in=admin_codes, seed_key__isnull=True):
        units.setdefault(str(unit.admin_code), unit)
    unchanged = len(units)
    taken_codes = set(Unit.objects.exclude(code=None).values_list("code", flat=True))

    # Three passes (the province; its office, departments and communes; their centres), each
    # one bulk insert and one bulk update of the paths, which hold the ids of the new rows.
    created = 0
    depth_of: dict[str, int] = {}
    for key, parent, _fields in planned:
        depth_of[key] = 0 if parent is None else depth_of[parent] + 1
    for depth in sorted(set(depth_of.values())):
        fresh: list[Unit] = []
        for key, parent, fields in planned:
            if depth_of[key] != depth or key in units:
                continue
            if fields.get("code") in taken_codes:
                # The code was given to another unit by hand; leave this one without.
                fields = {**fields, "code": None}
            unit = Unit(seed_key=key, parent=units[parent] if parent else None, **fields)
            # Parent and uniqueness are known here; checking them row by row would cost
            # thousands of queries for a large province.
            unit.full_clean(
                exclude=["path", "parent"], validate_unique=False, validate_constraints=False
            )
            fresh.append(unit)
        if not fresh:
            continue
        Unit.objects.bulk_create(fresh, batch_size=500)
        for unit in fresh:
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
            units[str(unit.seed_key)] = unit
            if unit.code:
                taken_codes.add(unit.code)
        Unit.objects.bulk_update(fresh, ["path"], batch_size=500)
        created += len(fresh)

    root = units[pkey]
    result = SeedResult(province=root, created=created, unchanged=unchanged, communes=len(wards))
    audit_record(
        actor=actor,
        action="organizations.province_seeded",
        obj=root,
        after={
            "province": source.name,
            "created": created,
            "unchanged": unchanged,
            "communes": len(wards),
        },
    )
    return result
