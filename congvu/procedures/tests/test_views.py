from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congvu.procedures.catalogue import COLUMNS
from congvu.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db


def test_the_list_shows_published_procedures_with_search(client, make_version):
    make_version()
    make_version("1.000894", "Đăng ký kết hôn")
    make_version("2.000908", "Cấp bản sao từ sổ gốc", publish=False)

    everything = client.get(reverse("procedures:list")).content.decode()
    found = client.get(reverse("procedures:list"), {"q": "dang ky khai sinh"}).content.decode()

    assert "Đăng ký khai sinh" in everything
    assert "Đăng ký kết hôn" in everything
    assert "Cấp bản sao từ sổ gốc" not in everything
    assert reverse("procedures:detail", args=["1.001193"]) in found
    assert "Đăng ký kết hôn" not in found


def test_the_list_filters_and_pages(client, make_version):
    for n in range(25):
        make_version(f"9.{n:06d}", f"Thủ tục {n}", online_level=ProcedureVersion.Online.PARTIAL)
    make_version("1.001193", "Đăng ký khai sinh")

    first = client.get(reverse("procedures:list"), {"online_level": "partial"}).content.decode()
    second = client.get(
        reverse("procedures:list"), {"online_level": "partial", "page": 2}
    ).content.decode()

    assert "25 procedures" in first
    assert "Page 1 of 2" in first
    assert "online_level=partial&amp;page=2" in first
    assert "Thủ tục 24" in second
    assert "Đăng ký khai sinh" not in first + second


def test_the_list_query_count_does_not_grow(client, make_version, django_assert_max_num_queries):
    make_version()
    url = reverse("procedures:list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(15):
        make_version(f"9.{n:06d}", f"Thủ tục {n}")

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Thủ tục ") == 15


def test_the_detail_shows_the_current_version(client, make_version, dept_a, certification):
    make_version(
        "2.000815",
        "Chứng thực bản sao từ bản chính",
        field=certification,
        level=ProcedureVersion.Level.PROVINCE,
        competent_kind=ProcedureVersion.Competent.UNIT,
        competent_unit=dept_a,
        fees=[{"description": "Phí chứng thực", "amount": 1100000, "kind": "fee"}],
        documents=[{"name": "Bản sao cần chứng thực", "originals": 0, "copies": 2}],
    )

    html = client.get(reverse("procedures:detail", args=["2.000815"])).content.decode()

    assert "Chứng thực bản sao từ bản chính" in html
    assert "Sở Tư pháp" in html
    assert "1.100.000 đ" in html
    assert "Bản sao cần chứng thực" in html
    assert "15:00" in html
    assert "01/07/2025" in html
    assert "Tiếp nhận, kiểm tra hồ sơ" in html
    assert "8 working hours" in html  # the total of the budgets


def test_the_detail_query_count_is_bounded(client, make_version, django_assert_max_num_queries):
    make_version(
        documents=[{"name": f"Giấy tờ {n}"} for n in range(12)],
        fees=[{"description": f"Phí {n}", "amount": n} for n in range(5)],
    )

    with django_assert_max_num_queries(8):
        response = client.get(reverse("procedures:detail", args=["1.001193"]))
    assert response.status_code == 200


def test_a_draft_or_unknown_procedure_is_404(client, make_version):
    make_version(publish=False)

    assert client.get(reverse("procedures:detail", args=["1.001193"])).status_code == 404
    assert client.get(reverse("procedures:detail", args=["0.000000"])).status_code == 404


# The catalogue page ------------------------------------------------------------------------


def test_the_catalogue_page_is_for_the_provincial_office(
    client, client_for, official_a, provincial_office_user
):
    url = reverse("procedures:catalogue")

    assert client.get(url).status_code == 302  # to the login page
    assert client_for(official_a.user).get(url).status_code == 403
    assert client_for(provincial_office_user).get(url).status_code == 200


def test_the_catalogue_upload_shows_row_errors(client_for, provincial_office_user, civil_status):
    row = dict.fromkeys(COLUMNS, "") | {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field_code": "ho-tich",
        "level": "huyện",
        "processing_time": "1",
        "valid_from": "01/07/2025",
    }
    data = (",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n").encode()
    upload = io.BytesIO(data)
    upload.name = "thu-tuc.csv"

    response = client_for(provincial_office_user).post(
        reverse("procedures:catalogue"), {"file": upload}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "Row 2: level: unknown value “huyện”." in html
    assert not ProcedureVersion.objects.exists()


def test_the_catalogue_upload_imports_and_the_download_exports(
    client_for, provincial_office_user, make_version
):
    make_version()
    browser = client_for(provincial_office_user)
    exported = browser.get(reverse("procedures:catalogue_export", args=["csv"]))
    assert exported["Content-Type"].startswith("text/csv")
    assert "1.001193" in exported.content.decode("utf-8-sig")

    upload = io.BytesIO(exported.content.replace(b"01/07/2025", b"01/01/2026"))
    upload.name = "thu-tuc.csv"
    response = browser.post(reverse("procedures:catalogue"), {"file": upload}, follow=True)

    assert "1 versions created" in response.content.decode()
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 2


def test_the_catalogue_download_needs_the_permission(client_for, official_a):
    url = reverse("procedures:catalogue_export", args=["xlsx"])

    assert client_for(official_a.user).get(url).status_code == 403
