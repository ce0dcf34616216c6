from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from congvu.organizations import selectors, services
from congvu.organizations.models import Delegation, Official, Position
from congvu.organizations.tests.factories import OfficialFactory, PositionFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


@pytest.fixture
def delegation(head_a, deputy_a):
    """Head of A away from 2/3 08:00 to 6/3 08:00; the deputy acts for all work."""
    return services.delegation_create(
        actor=head_a.user,
        delegator=head_a,
        delegate=deputy_a,
        unit=head_a.unit,
        scope=Delegation.Scope.ALL,
        valid_from=at(2),
        valid_until=at(6),
    )


def test_without_delegation_the_head_is_accountable_and_acting(head_a):
    found = selectors.responsibility_resolve(unit=head_a.unit, at=at(1), scope="dossiers")

    assert found.accountable == head_a
    assert found.acting == head_a
    assert found.delegation is None


def test_acting_follows_the_half_open_delegation_window(head_a, deputy_a, delegation):
    def resolve(moment):
        return selectors.responsibility_resolve(unit=head_a.unit, at=moment, scope="tasks")

    before = resolve(at(2) - dt.timedelta(seconds=1))
    start = resolve(at(2))
    inside = resolve(at(4))
    end = resolve(at(6))

    assert (before.acting, start.acting, inside.acting, end.acting) == (
        head_a,
        deputy_a,
        deputy_a,
        head_a,
    )
    assert {r.accountable for r in (before, start, inside, end)} == {head_a}
    assert inside.delegation == delegation
    assert end.delegation is None


def test_a_revoked_delegation_ends_acting_from_the_revocation(head_a, deputy_a, delegation):
    services.delegation_revoke(actor=head_a.user, delegation=delegation, at=at(3))

    earlier = selectors.responsibility_resolve(unit=head_a.unit, at=at(3, 7), scope="all")
    later = selectors.responsibility_resolve(unit=head_a.unit, at=at(4), scope="all")

    # What happened before the revocation stays as it was, for reports about the past.
    assert earlier.acting == deputy_a
    assert later.acting == head_a
    assert later.accountable == head_a


def test_scope_filters_delegations(head_a, deputy_a, official_a):
    services.delegation_create(
        actor=head_a.user,
        delegator=head_a,
        delegate=deputy_a,
        unit=head_a.unit,
        scope=Delegation.Scope.DOSSIERS,
        valid_from=at(2),
        valid_until=at(6),
    )

    dossiers = selectors.responsibility_resolve(unit=head_a.unit, at=at(3), scope="dossiers")
    tasks = selectors.responsibility_resolve(unit=head_a.unit, at=at(3), scope="tasks")

    assert dossiers.acting == deputy_a
    assert tasks.acting == head_a


def test_a_delegation_for_the_scope_wins_over_one_for_all_work(
    head_a, deputy_a, official_a, delegation
):
    services.delegation_create(
        actor=head_a.user,
        delegator=head_a,
        delegate=official_a,
        unit=head_a.unit,
        scope=Delegation.Scope.EVALUATION,
        valid_from=at(3),
        valid_until=at(5),
    )

    found = selectors.responsibility_resolve(unit=head_a.unit, at=at(4), scope="evaluation")
    other = selectors.responsibility_resolve(unit=head_a.unit, at=at(4), scope="tasks")

    assert found.acting == official_a
    assert other.acting == deputy_a


def test_a_delegation_lapses_with_the_office_of_the_head(head_a, deputy_a, delegation, admin_user):
    services.position_end(
        actor=admin_user, position=head_a.positions.get(kind="head"), on=dt.date(2026, 3, 4)
    )
    successor = OfficialFactory.create(unit=head_a.unit)
    PositionFactory.create(
        official=successor, unit=head_a.unit, kind="head", valid_from=dt.date(2026, 3, 4)
    )

    found = selectors.responsibility_resolve(unit=head_a.unit, at=at(5), scope="all")

    assert found.accountable == successor
    assert found.acting == successor


def test_a_unit_without_head_has_no_one_responsible(org_tree):
    found = selectors.responsibility_resolve(unit=org_tree["dept_b"], at=at(1), scope="all")

    assert found == selectors.Responsibility(accountable=None, acting=None, delegation=None)


def test_unit_head_get_accepts_a_date(head_a):
    assert selectors.unit_head_get(unit=head_a.unit, at=dt.date(2026, 1, 1)) == head_a
    assert selectors.unit_head_get(unit=head_a.unit, at=dt.date(2025, 6, 30)) is None


def test_an_official_sees_the_officials_of_their_own_agency(
    head_a, deputy_a, official_a, outsider_b
):
    seen_by_a = set(Official.objects.visible_to(official_a.user))
    seen_by_b = set(Official.objects.visible_to(outsider_b.user))

    # official_a works in a division of Department A, so the whole department is their agency.
    assert seen_by_a == {head_a, deputy_a, official_a}
    assert seen_by_b == {outsider_b}


def test_a_position_in_another_agency_widens_what_one_sees(official_a, outsider_b, org_tree):
    PositionFactory.create(
        official=outsider_b, unit=org_tree["division_a"], kind=Position.Kind.CLERK
    )

    assert official_a in set(Official.objects.visible_to(outsider_b.user))
    assert outsider_b in set(Official.objects.visible_to(official_a.user))


def test_province_wide_roles_and_the_province_committee_see_everyone(
    head_a, official_a, outsider_b, provincial_office_user, admin_user, org_tree
):
    chairman = OfficialFactory.create(unit=org_tree["province"])
    everyone = set(Official.objects.all())

    assert set(Official.objects.visible_to(provincial_office_user)) == everyone
    assert set(Official.objects.visible_to(admin_user)) == everyone
    assert set(Official.objects.visible_to(chairman.user)) == everyone


def test_citizens_and_anonymous_see_no_officials(head_a, citizen):
    from django.contrib.auth.models import AnonymousUser

    assert not Official.objects.visible_to(citizen).exists()
    assert not Official.objects.visible_to(AnonymousUser()).exists()
    assert not Delegation.objects.visible_to(AnonymousUser()).exists()


def test_delegations_are_visible_within_the_agency_only(
    delegation, official_a, outsider_b, provincial_office_user, citizen
):
    assert list(Delegation.objects.visible_to(official_a.user)) == [delegation]
    assert not Delegation.objects.visible_to(outsider_b.user).exists()
    assert not Delegation.objects.visible_to(citizen).exists()
    assert list(Delegation.objects.visible_to(provincial_office_user)) == [delegation]


def test_unit_tree_reads_in_one_query(org_tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        tree = selectors.unit_tree(org_tree["province"])

    names = [child.unit.name for child in tree.children]
    assert names == [
        "Văn phòng Ủy ban nhân dân tỉnh Cao Bằng",
        "Sở Tư pháp",
        "Sở Y tế",
        "Ủy ban nhân dân phường Thục Phán",
    ]
    assert [c.unit for c in tree.children[1].children] == [org_tree["division_a"]]


def test_unit_tree_rows_filter_ignores_accents(org_tree):
    rows = selectors.unit_tree_rows(selectors.unit_tree(org_tree["province"]), q="thuc phan")

    assert [r.unit for r in rows] == [
        org_tree["province"],
        org_tree["commune"],
        org_tree["commune_centre"],
    ]


def test_unit_list_filters(org_tree):
    departments = selectors.unit_list(kind="department")
    below_a = selectors.unit_list(parent=org_tree["dept_a"])
    named = selectors.unit_list(q="y tế")

    assert set(departments) == {org_tree["dept_a"], org_tree["dept_b"]}
    assert list(below_a) == [org_tree["division_a"]]
    assert list(named) == [org_tree["dept_b"]]


def test_province_get_ignores_a_stale_cached_id(org_tree):
    from django.core.cache import cache

    cache.set("congvu:province-id", org_tree["dept_a"].pk)

    assert selectors.province_get() == org_tree["province"]
