from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from congvu.core.models import AuditLog
from congvu.organizations import services
from congvu.organizations.models import Delegation
from congvu.organizations.tests.factories import OfficialFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FROM = dt.datetime(2026, 3, 2, 8, tzinfo=TZ)
UNTIL = dt.datetime(2026, 3, 6, 8, tzinfo=TZ)


@pytest.fixture
def delegation_a(head_a, deputy_a):
    return services.delegation_create(
        actor=head_a.user,
        delegator=head_a,
        delegate=deputy_a,
        unit=head_a.unit,
        scope=Delegation.Scope.ALL,
        valid_from=FROM,
        valid_until=UNTIL,
    )


@pytest.fixture
def delegation_b(outsider_b, admin_user, org_tree):
    head_b = OfficialFactory.create(unit=org_tree["dept_b"])
    PositionFactory.create(official=head_b, unit=org_tree["dept_b"], kind="head")
    return services.delegation_create(
        actor=admin_user,
        delegator=head_b,
        delegate=outsider_b,
        unit=org_tree["dept_b"],
        scope=Delegation.Scope.TASKS,
        valid_from=FROM,
        valid_until=UNTIL,
    )


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Units: public ------------------------------------------------------------------------------


def test_anonymous_may_read_units(api_client, org_tree):
    listed = api_client.get(reverse("unit-list"))
    detail = api_client.get(reverse("unit-detail", args=[org_tree["dept_a"].pk]))

    assert _ids(listed) == {u.pk for u in org_tree.values()}
    assert detail.status_code == 200
    assert detail.json()["name"] == "Sở Tư pháp"


def test_units_filter_by_kind_parent_and_name(api_client, org_tree):
    url = reverse("unit-list")

    assert _ids(api_client.get(url, {"kind": "department"})) == {
        org_tree["dept_a"].pk,
        org_tree["dept_b"].pk,
    }
    assert _ids(api_client.get(url, {"parent": org_tree["dept_a"].pk})) == {
        org_tree["division_a"].pk
    }
    assert _ids(api_client.get(url, {"q": "Y tế"})) == {org_tree["dept_b"].pk}


def test_unit_list_query_count_is_constant(api_client, org_tree, django_assert_max_num_queries):
    for n in range(30):
        UnitFactory.create(parent=org_tree["dept_b"], kind="division", name=f"Phòng {n}")

    with django_assert_max_num_queries(3):
        response = api_client.get(reverse("unit-list"), {"limit": 100})
    assert response.json()["count"] == 38


# Officials: the caller's own agency -------------------------------------------------------


def test_anonymous_gets_no_officials(api_client, head_a):
    listed = api_client.get(reverse("official-list"))
    detail = api_client.get(reverse("official-detail", args=[head_a.pk]))

    assert listed.status_code in {401, 403}
    assert detail.status_code in {401, 403}


def test_citizen_sees_no_officials(api_client_for, citizen, head_a):
    client = api_client_for(citizen)

    assert _ids(client.get(reverse("official-list"))) == set()
    assert client.get(reverse("official-detail", args=[head_a.pk])).status_code == 404


def test_an_official_of_a_cannot_see_officials_of_b(
    api_client_for, head_a, deputy_a, official_a, outsider_b
):
    client = api_client_for(official_a.user)

    assert _ids(client.get(reverse("official-list"))) == {head_a.pk, deputy_a.pk, official_a.pk}
    assert client.get(reverse("official-detail", args=[outsider_b.pk])).status_code == 404
    own = client.get(reverse("official-detail", args=[head_a.pk]))
    assert own.status_code == 200
    assert own.json()["phone"] == head_a.phone
    assert own.json()["positions"][0]["kind"] == "head"


def test_the_province_office_sees_all_officials(
    api_client_for, provincial_office_user, head_a, official_a, outsider_b
):
    client = api_client_for(provincial_office_user)

    assert _ids(client.get(reverse("official-list"), {"limit": 100})) == {
        head_a.pk,
        official_a.pk,
        outsider_b.pk,
        provincial_office_user.official.pk,
    }
    assert client.get(reverse("official-detail", args=[outsider_b.pk])).status_code == 200


def test_official_list_query_count_is_constant(
    api_client_for, provincial_office_user, org_tree, django_assert_max_num_queries
):
    for _ in range(20):
        PositionFactory.create(
            official=OfficialFactory.create(unit=org_tree["dept_b"]), unit=org_tree["dept_b"]
        )
    client = api_client_for(provincial_office_user)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("official-list"), {"limit": 100})
    assert response.json()["count"] == 21


# Delegations ------------------------------------------------------------------------------


def test_an_official_of_a_cannot_see_delegations_of_b(
    api_client_for, official_a, outsider_b, delegation_a, delegation_b
):
    client_a = api_client_for(official_a.user)
    client_b = api_client_for(outsider_b.user)

    assert _ids(client_a.get(reverse("delegation-list"))) == {delegation_a.pk}
    assert client_a.get(reverse("delegation-detail", args=[delegation_b.pk])).status_code == 404
    assert _ids(client_b.get(reverse("delegation-list"))) == {delegation_b.pk}
    assert client_b.get(reverse("delegation-detail", args=[delegation_a.pk])).status_code == 404


def test_the_province_office_sees_all_delegations(
    api_client_for, provincial_office_user, delegation_a, delegation_b
):
    client = api_client_for(provincial_office_user)

    assert _ids(client.get(reverse("delegation-list"))) == {delegation_a.pk, delegation_b.pk}


def test_anonymous_gets_no_delegations(api_client, delegation_a):
    assert api_client.get(reverse("delegation-list")).status_code in {401, 403}
    assert api_client.post(reverse("delegation-list"), {}).status_code in {401, 403}


def _payload(head, delegate, **extra):
    return {
        "unit": head.unit.pk,
        "delegator": head.pk,
        "delegate": delegate.pk,
        "scope": "dossiers",
        "valid_from": FROM.isoformat(),
        "valid_until": UNTIL.isoformat(),
        "reason": "Nghỉ phép",
        **extra,
    }


def test_the_head_creates_a_delegation_through_the_api(api_client_for, head_a, deputy_a):
    response = api_client_for(head_a.user).post(
        reverse("delegation-list"), _payload(head_a, deputy_a), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["delegate"]["id"] == deputy_a.pk
    assert AuditLog.objects.latest("id").action == "organizations.delegation_created"


def test_a_deputy_cannot_create_a_delegation(api_client_for, head_a, deputy_a, official_a):
    response = api_client_for(deputy_a.user).post(
        reverse("delegation-list"), _payload(head_a, official_a), format="json"
    )

    # Not a head at all: refused before the input is read (the permission matrix's 403).
    assert response.status_code == 403
    body = response.json()
    assert "Only heads" in body["detail"]
    assert body["errors"] == {}
    assert not Delegation.objects.exists()


def test_overlap_is_a_400_with_the_field_shape(api_client_for, head_a, deputy_a, delegation_a):
    response = api_client_for(head_a.user).post(
        reverse("delegation-list"),
        _payload(head_a, deputy_a, scope="all", delegator=deputy_a.pk),
        format="json",
    )

    assert response.status_code == 400
    assert "delegator" in response.json()["errors"]


def test_the_head_revokes_and_the_deputy_cannot(api_client_for, head_a, deputy_a, delegation_a):
    url = reverse("delegation-revoke", args=[delegation_a.pk])

    refused = api_client_for(deputy_a.user).post(url, {"at": FROM.isoformat()}, format="json")
    revoked = api_client_for(head_a.user).post(url, {"at": FROM.isoformat()}, format="json")

    assert refused.status_code == 403
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None


def test_an_outsider_cannot_revoke_what_they_cannot_see(api_client_for, outsider_b, delegation_a):
    response = api_client_for(outsider_b.user).post(
        reverse("delegation-revoke", args=[delegation_a.pk]), {}, format="json"
    )

    assert response.status_code == 404


# Responsibility ---------------------------------------------------------------------------


def test_responsibility_names_accountable_and_acting(
    api_client_for, official_a, head_a, deputy_a, delegation_a
):
    url = reverse("unit-responsibility", args=[head_a.unit.pk])
    client = api_client_for(official_a.user)

    during = client.get(url, {"at": "2026-03-03T09:00:00+07:00", "scope": "tasks"})
    after = client.get(url, {"at": UNTIL.isoformat(), "scope": "tasks"})

    assert during.status_code == 200, during.content
    assert during.json()["accountable"]["id"] == head_a.pk
    assert during.json()["acting"]["id"] == deputy_a.pk
    assert during.json()["delegation"] == delegation_a.pk
    assert after.json()["acting"]["id"] == head_a.pk
    assert after.json()["delegation"] is None


def test_responsibility_is_asked_for_a_moment_of_this_century(api_client_for, official_a, head_a):
    # Before 1911 local time was seven hours six and a half minutes ahead of UTC: a moment
    # then cannot be written back as an RFC 3339 date-time, and no unit of today existed.
    url = reverse("unit-responsibility", args=[head_a.unit.pk])
    client = api_client_for(official_a.user)

    refused = client.get(url, {"at": "1906-01-31T13:17:25+07:00"})

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["at"]
    assert client.get(url, {"at": "2026-03-03T09:00:00+07:00"}).status_code == 200


def test_responsibility_is_for_the_agency_and_province_wide_roles(
    api_client, api_client_for, outsider_b, provincial_office_user, head_a
):
    url = reverse("unit-responsibility", args=[head_a.unit.pk])

    assert api_client.get(url).status_code in {401, 403}
    assert api_client_for(outsider_b.user).get(url).status_code == 403
    assert api_client_for(provincial_office_user).get(url).status_code == 200


def test_schema_generates_without_warnings_for_organizations():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/api/v1/units/{id}/responsibility/" in schema["paths"]
    assert "/api/v1/delegations/{id}/revoke/" in schema["paths"]
    assert not GENERATOR_STATS
