from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from vietnam_provinces import Province, Ward

from congvu.core.models import AuditLog
from congvu.organizations.models import Unit
from congvu.organizations.services import province_find, province_seed

pytestmark = pytest.mark.django_db


def _state() -> list[tuple]:
    return list(Unit.objects.order_by("pk").values_list())


def test_seed_all_provinces_matches_the_national_list_and_is_idempotent():
    provinces = list(Province.iter_all())
    started = time.monotonic()
    results = [province_seed(actor=None, province_name=p.name) for p in provinces]
    elapsed = time.monotonic() - started

    assert len(provinces) == 34
    expected = {int(p.code): len(list(Ward.iter_by_province(p.code))) for p in provinces}
    assert sum(expected.values()) == 3321
    assert expected[4] == 56
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)
    for result, source in zip(results, provinces, strict=True):
        assert result.province.admin_code == f"P{int(source.code):02d}"
        assert result.communes == expected[int(source.code)]
        assert communes.filter(parent=result.province).count() == expected[int(source.code)]
    assert communes.count() == 3321
    assert Unit.objects.filter(kind=Unit.Kind.COMMUNE_CENTRE).count() == 3321
    assert Unit.objects.filter(kind=Unit.Kind.PROVINCE_COMMITTEE).count() == 34
    assert AuditLog.objects.filter(action="organizations.province_seeded").count() == 34
    # A few seconds for the whole country; generous so that a slow machine does not fail.
    assert elapsed < 30

    before = _state()
    again = [province_seed(actor=None, province_name=p.name) for p in provinces]

    assert [r.created for r in again] == [0] * 34
    assert sum(r.unchanged for r in again) == len(before)
    assert _state() == before


def test_seeded_paths_codes_and_names_are_consistent():
    result = province_seed(actor=None, province_name="Cao Bằng")
    root = result.province
    units = list(Unit.objects.filter(path__startswith=root.path))
    by_pk = {u.pk: u for u in units}

    assert root.name == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert root.code == "000.00.00.H12"
    assert result.created == len(units) == 1 + 1 + 1 + 13 + 2 * 56
    for unit in units:
        parent_path = by_pk[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.pk}/"
    assert len({u.code for u in units}) == len(units)
    commune = Unit.objects.get(seed_key="W01273")
    assert commune.name == "Ủy ban nhân dân phường Thục Phán"
    assert commune.short_name == "UBND phường Thục Phán"
    assert commune.children.get().kind == Unit.Kind.COMMUNE_CENTRE
    office = Unit.objects.get(seed_key="P04/office")
    assert office.children.get().name == "Trung tâm Phục vụ hành chính công tỉnh Cao Bằng"
    assert Unit.objects.filter(seed_key="P04/dept/ngoai-vu").exists()


def test_foreign_affairs_only_in_border_provinces():
    province_seed(actor=None, province_name="Hưng Yên")

    assert Unit.objects.get(seed_key="P33").name == "Ủy ban nhân dân tỉnh Hưng Yên"
    assert not Unit.objects.filter(seed_key="P33/dept/ngoai-vu").exists()
    assert Unit.objects.filter(seed_key="P33/dept/tu-phap").exists()


@pytest.mark.parametrize("name", ["Hà Nội", "ha noi", "Thành phố Hà Nội", "THÀNH PHỐ HÀ NỘI"])
def test_province_names_match_without_accents_or_prefix(name):
    assert province_find(name).name == "Thành phố Hà Nội"


def test_unknown_province_is_refused():
    with pytest.raises(ValidationError):
        province_find("Hà Tây")


def test_seed_keeps_edits_made_after_seeding():
    province_seed(actor=None, province_name="Cao Bằng")
    Unit.objects.filter(seed_key="P04/dept/tu-phap").update(code="000.00.99.H12")

    result = province_seed(actor=None, province_name="Cao Bằng")

    assert result.created == 0
    assert Unit.objects.get(seed_key="P04/dept/tu-phap").code == "000.00.99.H12"


def test_seed_province_command_reports_counts():
    out = StringIO()
    call_command("seed_province", "cao bang", stdout=out)
    call_command("seed_province", stdout=out)

    lines = out.getvalue().splitlines()
    assert "128 units created, 0 unchanged, 56 communes" in lines[0]
    assert "0 units created, 128 unchanged, 56 communes" in lines[1]
    with pytest.raises(CommandError):
        call_command("seed_province", "Nowhere", stdout=out)
