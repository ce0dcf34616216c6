from __future__ import annotations

import pytest

from congvu.procedures import services
from congvu.procedures.models import ProcedureVersion
from congvu.procedures.selectors import procedure_get, procedure_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_version, certification, dept_a):
    return {
        "khai_sinh": make_version("1.001193", "Đăng ký khai sinh"),
        "ket_hon": make_version(
            "1.000894", "Đăng ký kết hôn", online_level=ProcedureVersion.Online.PARTIAL
        ),
        "chung_thuc": make_version(
            "2.000815",
            "Chứng thực bản sao từ bản chính",
            field=certification,
            level=ProcedureVersion.Level.PROVINCE,
            competent_kind=ProcedureVersion.Competent.UNIT,
            competent_unit=dept_a,
        ),
        "draft": make_version("2.000908", "Cấp bản sao từ sổ gốc", publish=False),
    }


def _codes(versions):
    return [v.procedure.code for v in versions]


@pytest.mark.parametrize(
    "q", ["khai sinh", "dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "sinh khai"]
)
def test_search_ignores_diacritics_case_and_word_order(catalogue, q):
    assert _codes(procedure_list(q=q)) == ["1.001193"]


def test_search_matches_code_and_field(catalogue):
    assert _codes(procedure_list(q="1.001193")) == ["1.001193"]
    assert _codes(procedure_list(q="ho tich")) == ["1.000894", "1.001193"]
    assert _codes(procedure_list(q="chung thuc")) == ["2.000815"]


def test_filters_by_field_level_and_online_level(catalogue, certification):
    assert _codes(procedure_list(field=certification)) == ["2.000815"]
    assert _codes(procedure_list(level="province")) == ["2.000815"]
    assert _codes(procedure_list(online_level="partial")) == ["1.000894"]


def test_only_published_procedures_are_public(catalogue):
    assert "2.000908" not in _codes(procedure_list())
    assert "2.000908" in _codes(procedure_list(published_only=False))


def test_the_full_list_shows_each_procedure_once_as_its_standing_version(catalogue, admin_user):
    services.procedure_version_copy(actor=admin_user, version=catalogue["khai_sinh"])

    rows = list(procedure_list(published_only=False))

    assert _codes(rows) == ["1.000894", "1.001193", "2.000815", "2.000908"]
    assert next(r for r in rows if r.procedure.code == "1.001193").number == 1


def test_procedure_get_by_code(catalogue):
    assert procedure_get(" 1.001193 ") == catalogue["khai_sinh"].procedure
    assert procedure_get("9.999999") is None
