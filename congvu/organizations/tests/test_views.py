from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congvu.organizations.models import Unit
from congvu.organizations.services import province_seed
from congvu.organizations.tests.factories import OfficialFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_directory_shows_the_tree_with_links(client, org_tree):
    response = client.get(reverse("organizations:directory"))

    assert response.status_code == 200
    html = response.content.decode()
    for unit in org_tree.values():
        assert reverse("organizations:unit_detail", args=[unit.pk]) in html
    assert "<details open>" in html
    assert html.count("<details") == html.count("</details>")


def test_directory_search_ignores_accents(client, org_tree):
    response = client.get(reverse("organizations:directory"), {"q": "y te"})

    html = response.content.decode()
    assert "Sở Y tế" in html
    assert "Sở Tư pháp" not in html


def test_directory_query_count_does_not_grow_with_units(
    client, org_tree, django_assert_max_num_queries
):
    url = reverse("organizations:directory")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(50):
        commune = UnitFactory.create(
            kind="commune_committee", name=f"UBND xã {n}", parent=org_tree["province"]
        )
        UnitFactory.create(kind="commune_centre", name=f"TTPVHCC xã {n}", parent=commune)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("UBND xã") == 50


def test_directory_of_a_seeded_province_in_constant_queries(client, django_assert_max_num_queries):
    province_seed(actor=None, province_name="Cao Bằng")

    with django_assert_max_num_queries(8):
        response = client.get(reverse("organizations:directory"))
    assert response.content.decode().count("Ủy ban nhân dân phường") == 3


def test_unit_detail_shows_chain_children_and_people(client, org_tree, head_a, deputy_a):
    response = client.get(reverse("organizations:unit_detail", args=[org_tree["dept_a"].pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "000.00.04.H12" in html
    assert "UBND tỉnh Cao Bằng" in html  # parent chain
    assert "Phòng Hành chính tư pháp" in html  # child
    assert html.index("Hoàng Văn Thụ") < html.index("Nông Thị Lan")  # head first
    assert "Giám đốc" in html


def test_contacts_are_shown_only_to_those_who_may_see_them(
    client, client_for, org_tree, head_a, official_a, outsider_b, provincial_office_user
):
    url = reverse("organizations:unit_detail", args=[org_tree["dept_a"].pk])

    anonymous = client.get(url).content.decode()
    outsider = client_for(outsider_b.user).get(url).content.decode()
    colleague = client_for(official_a.user).get(url).content.decode()
    office = client_for(provincial_office_user).get(url).content.decode()

    assert head_a.full_name in anonymous
    assert head_a.phone not in anonymous
    assert head_a.email not in anonymous
    assert head_a.phone not in outsider
    assert head_a.phone in colleague
    assert head_a.email in office


def test_unit_detail_query_count_does_not_grow_with_people(
    client_for, org_tree, provincial_office_user, django_assert_max_num_queries
):
    dept = org_tree["dept_b"]
    url = reverse("organizations:unit_detail", args=[dept.pk])
    browser = client_for(provincial_office_user)
    PositionFactory.create(official=OfficialFactory.create(unit=dept), unit=dept)
    with CaptureQueriesContext(connection) as small:
        browser.get(url)
    for _ in range(24):
        PositionFactory.create(official=OfficialFactory.create(unit=dept), unit=dept)
        UnitFactory.create(kind=Unit.Kind.DIVISION, parent=dept)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert browser.get(url).status_code == 200


def test_unit_detail_of_an_unknown_unit_is_404(client, db):
    assert client.get(reverse("organizations:unit_detail", args=[999999])).status_code == 404
