from __future__ import annotations

import pytest
from django.urls import reverse

from congvu.core.models import AuditLog
from congvu.organizations.models import Delegation, Position, Unit
from congvu.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_unit_through_the_service(client_for, admin_user, org_tree):
    response = client_for(admin_user).post(
        reverse("admin:organizations_unit_add"),
        {
            "kind": "division",
            "name": "Phòng Bổ trợ tư pháp",
            "short_name": "",
            "parent": org_tree["dept_a"].pk,
            "sort_order": 0,
            "valid_from": "01/07/2025",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(name="Phòng Bổ trợ tư pháp")
    assert unit.path == f"{org_tree['dept_a'].path}{unit.pk}/"
    assert AuditLog.objects.filter(action="organizations.unit_created").count() == 1


def test_admin_refuses_a_cycle(client_for, admin_user, org_tree):
    dept = org_tree["dept_a"]
    response = client_for(admin_user).post(
        reverse("admin:organizations_unit_change", args=[dept.pk]),
        {
            "kind": dept.kind,
            "name": dept.name,
            "short_name": dept.short_name,
            "code": dept.code,
            "parent": org_tree["division_a"].pk,
            "sort_order": 0,
            "valid_from": "01/07/2025",
        },
    )

    assert response.status_code == 200
    assert "under itself" in response.content.decode()


def test_admin_creates_an_official_with_a_position(client_for, admin_user, org_tree):
    user = UserFactory.create()
    response = client_for(admin_user).post(
        reverse("admin:organizations_official_add"),
        {
            "user": user.pk,
            "full_name": "Triệu Văn Hải",
            "title": "Chuyên viên",
            "unit": org_tree["dept_b"].pk,
            "phone": "",
            "email": "",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-unit": org_tree["dept_b"].pk,
            "positions-0-kind": "specialist",
            "positions-0-title": "",
            "positions-0-valid_from": "01/08/2025",
            "positions-0-valid_until": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    position = Position.objects.get(official__user=user)
    assert position.unit == org_tree["dept_b"]
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"organizations.official_created", "organizations.position_assigned"} <= actions


def test_admin_delegation_is_checked_by_the_service(client_for, admin_user, head_a, deputy_a):
    data = {
        "unit": head_a.unit.pk,
        "delegator": deputy_a.pk,
        "delegate": head_a.pk,
        "scope": "all",
        "valid_from_0": "02/03/2026",
        "valid_from_1": "08:00",
        "valid_until_0": "06/03/2026",
        "valid_until_1": "08:00",
        "reason": "",
    }
    url = reverse("admin:organizations_delegation_add")
    browser = client_for(admin_user)

    refused = browser.post(url, data)
    accepted = browser.post(url, {**data, "delegator": head_a.pk, "delegate": deputy_a.pk})

    assert refused.status_code == 200
    assert "only the head can delegate" in refused.content.decode()
    assert accepted.status_code == 302
    assert Delegation.objects.get().created_by == admin_user


def test_nothing_is_deleted_in_the_admin(client_for, admin_user, org_tree):
    response = client_for(admin_user).get(
        reverse("admin:organizations_unit_delete", args=[org_tree["dept_b"].pk])
    )

    assert response.status_code == 403
