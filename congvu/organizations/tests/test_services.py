from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from congvu.core.models import AuditLog
from congvu.organizations import services
from congvu.organizations.models import Delegation, Position, Unit
from congvu.organizations.tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


def last_audit() -> tuple[AuditLog, dict, dict]:
    """The newest audit row with its before and after pictures ({} when absent)."""
    row = AuditLog.objects.latest("id")
    return row, row.before or {}, row.after or {}


def test_unit_create_sets_path_and_writes_one_audit_row(province, admin_user):
    rows_before = AuditLog.objects.count()

    unit = services.unit_create(
        actor=admin_user, kind=Unit.Kind.DEPARTMENT, name="Sở Xây dựng", parent=province
    )

    assert unit.path == f"{province.path}{unit.pk}/"
    assert AuditLog.objects.count() == rows_before + 1
    row, _before, after = last_audit()
    assert row.action == "organizations.unit_created"
    assert row.actor == admin_user
    assert after["name"] == "Sở Xây dựng"
    assert after["path"] == unit.path


def test_unit_create_refuses_an_orphan_department(admin_user, db):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=admin_user, kind=Unit.Kind.DEPARTMENT, name="Sở mồ côi")

    assert "parent" in exc.value.message_dict


def test_unit_update_moving_a_unit_moves_its_subtree(org_tree, admin_user):
    division = org_tree["division_a"]
    sub = services.unit_create(
        actor=admin_user, kind=Unit.Kind.DIVISION, name="Tổ một cửa", parent=division
    )

    services.unit_update(actor=admin_user, unit=division, parent=org_tree["dept_b"])

    division.refresh_from_db()
    sub.refresh_from_db()
    assert division.path == f"{org_tree['dept_b'].path}{division.pk}/"
    assert sub.path == f"{division.path}{sub.pk}/"
    row, before, after = last_audit()
    assert row.action == "organizations.unit_updated"
    assert before["parent_id"] == org_tree["dept_a"].pk
    assert after["parent_id"] == org_tree["dept_b"].pk


def test_unit_update_refuses_a_cycle(org_tree, admin_user):
    with pytest.raises(ValidationError):
        services.unit_update(
            actor=admin_user, unit=org_tree["dept_a"], parent=org_tree["division_a"]
        )


def test_unit_end_links_successors(org_tree, admin_user):
    merged = services.unit_create(
        actor=admin_user, kind=Unit.Kind.DEPARTMENT, name="Sở mới", parent=org_tree["province"]
    )

    services.unit_end(
        actor=admin_user, unit=org_tree["dept_b"], on=dt.date(2026, 1, 1), successors=[merged]
    )

    dept_b = Unit.objects.get(pk=org_tree["dept_b"].pk)
    assert dept_b.valid_until == dt.date(2026, 1, 1)
    assert list(dept_b.successors.all()) == [merged]
    assert list(merged.predecessors.all()) == [dept_b]
    assert not Unit.objects.active(dt.date(2026, 1, 1)).filter(pk=dept_b.pk).exists()
    assert Unit.objects.active(dt.date(2025, 12, 31)).filter(pk=dept_b.pk).exists()
    row, _before, after = last_audit()
    assert row.action == "organizations.unit_ended"
    assert after["successors"] == [merged.pk]


def test_official_create_and_position_assign_write_audit_rows(org_tree, admin_user):
    user = UserFactory.create()
    official = services.official_create(
        actor=admin_user, user=user, full_name="Lý Thị Mai", unit=org_tree["dept_b"]
    )
    position = services.position_assign(
        actor=admin_user,
        official=official,
        unit=org_tree["dept_b"],
        kind=Position.Kind.HEAD,
        valid_from=dt.date(2025, 8, 1),
    )

    actions = list(AuditLog.objects.values_list("action", flat=True)[:2])
    assert actions == ["organizations.position_assigned", "organizations.official_created"]
    assert position.is_active_on(dt.date(2025, 8, 1))


def test_position_assign_refuses_a_second_head(head_a, admin_user):
    other = OfficialFactory.create(unit=head_a.unit)

    with pytest.raises(ValidationError):
        services.position_assign(
            actor=admin_user, official=other, unit=head_a.unit, kind=Position.Kind.HEAD
        )


def test_position_end_then_a_new_head_may_be_appointed(head_a, admin_user):
    position = head_a.positions.get(kind=Position.Kind.HEAD)
    services.position_end(actor=admin_user, position=position, on=dt.date(2026, 1, 1))
    other = OfficialFactory.create(unit=head_a.unit)

    services.position_assign(
        actor=admin_user,
        official=other,
        unit=head_a.unit,
        kind=Position.Kind.HEAD,
        valid_from=dt.date(2026, 1, 1),
    )

    assert Position.objects.filter(unit=head_a.unit, kind=Position.Kind.HEAD).count() == 2


def _delegate(
    actor,
    head,
    deputy,
    *,
    scope: str = Delegation.Scope.ALL,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
):
    return services.delegation_create(
        actor=actor,
        delegator=head,
        delegate=deputy,
        unit=head.unit,
        scope=scope,
        valid_from=valid_from or at(2),
        valid_until=valid_until or at(6),
        reason="Đi công tác",
    )


def test_the_head_may_delegate_and_it_is_audited(head_a, deputy_a):
    delegation = _delegate(head_a.user, head_a, deputy_a)

    assert delegation.created_by == head_a.user
    row, _before, after = last_audit()
    assert row.action == "organizations.delegation_created"
    assert row.actor == head_a.user
    assert after["delegate_id"] == deputy_a.pk


def test_only_the_head_may_delegate(head_a, deputy_a, official_a, outsider_b):
    for actor in (deputy_a.user, official_a.user, outsider_b.user):
        with pytest.raises(ValidationError, match="Only the head"):
            _delegate(actor, head_a, deputy_a)
    assert not Delegation.objects.exists()


def test_the_delegator_must_be_the_head(head_a, deputy_a, official_a, provincial_office_user):
    with pytest.raises(ValidationError) as exc:
        _delegate(provincial_office_user, deputy_a, official_a)

    assert "delegator" in exc.value.message_dict


def test_province_wide_roles_may_record_a_delegation(head_a, deputy_a, provincial_office_user):
    delegation = _delegate(provincial_office_user, head_a, deputy_a)

    assert delegation.pk is not None


def test_overlapping_delegations_of_one_scope_are_refused(head_a, deputy_a, official_a):
    _delegate(head_a.user, head_a, deputy_a)

    with pytest.raises(ValidationError, match="overlaps"):
        _delegate(head_a.user, head_a, official_a, valid_from=at(5), valid_until=at(9))


def test_back_to_back_and_other_scope_delegations_are_allowed(head_a, deputy_a, official_a):
    _delegate(head_a.user, head_a, deputy_a)

    _delegate(head_a.user, head_a, official_a, valid_from=at(6), valid_until=at(9))
    _delegate(head_a.user, head_a, official_a, scope=Delegation.Scope.DOSSIERS, valid_from=at(3))

    assert Delegation.objects.count() == 3


def test_a_revoked_delegation_no_longer_blocks_the_period_after(head_a, deputy_a, official_a):
    first = _delegate(head_a.user, head_a, deputy_a)
    services.delegation_revoke(actor=head_a.user, delegation=first, at=at(4))

    _delegate(head_a.user, head_a, official_a, valid_from=at(4), valid_until=at(6))

    assert Delegation.objects.count() == 2


def test_delegation_revoke_is_for_the_head_and_audited(head_a, deputy_a, outsider_b):
    delegation = _delegate(head_a.user, head_a, deputy_a)

    with pytest.raises(ValidationError):
        services.delegation_revoke(actor=deputy_a.user, delegation=delegation, at=at(3))
    services.delegation_revoke(actor=head_a.user, delegation=delegation, at=at(3))

    delegation.refresh_from_db()
    assert delegation.revoked_at == at(3)
    row, before, _after = last_audit()
    assert row.action == "organizations.delegation_revoked"
    assert before["revoked_at"] is None
    with pytest.raises(ValidationError, match="already"):
        services.delegation_revoke(actor=head_a.user, delegation=delegation, at=at(4))


def test_delegation_must_end_after_it_starts(head_a, deputy_a):
    with pytest.raises(ValidationError):
        _delegate(head_a.user, head_a, deputy_a, valid_from=at(6), valid_until=at(2))
