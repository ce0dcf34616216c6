from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from congvu.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db


def test_anonymous_may_list_published_procedures(api_client, make_version, dept_a, certification):
    make_version()
    make_version(
        "2.000488",
        "Cấp Phiếu lý lịch tư pháp",
        field=certification,
        level=ProcedureVersion.Level.PROVINCE,
        competent_kind=ProcedureVersion.Competent.UNIT,
        competent_unit=dept_a,
        processing_time=Decimal(10),
    )
    make_version("2.000908", "Cấp bản sao từ sổ gốc", publish=False)

    response = api_client.get(reverse("procedure-list"))

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"1.001193", "2.000488"}
    assert rows["1.001193"]["name"] == "Đăng ký khai sinh"
    assert rows["1.001193"]["online_level"] == "full"
    assert rows["1.001193"]["processing_days"] == 1
    assert rows["1.001193"]["cutoff_time"] == "15:00:00"
    assert rows["1.001193"]["competent_unit"] is None
    assert rows["2.000488"]["competent_unit"]["name"] == "Sở Tư pháp"
    assert rows["2.000488"]["field"] == {"code": "chung-thuc", "name": "Chứng thực"}


def test_processing_days_of_a_time_in_hours(api_client, make_version):
    make_version(
        processing_time=Decimal(4), processing_unit=ProcedureVersion.TimeUnit.WORKING_HOURS
    )

    row = api_client.get(reverse("procedure-list")).json()["results"][0]

    assert row["processing_days"] == 0.5


@pytest.mark.parametrize("q", ["khai sinh", "DANG KY KHAI SINH", "đăng ký khai sinh"])
def test_the_api_searches_with_q(api_client, make_version, q):
    make_version()
    make_version("1.000894", "Đăng ký kết hôn")

    rows = api_client.get(reverse("procedure-list"), {"q": q}).json()["results"]

    assert [r["code"] for r in rows] == ["1.001193"]


def test_the_api_list_query_count_is_constant(
    api_client, make_version, django_assert_max_num_queries
):
    for n in range(20):
        make_version(f"9.{n:06d}", f"Thủ tục {n}")

    with django_assert_max_num_queries(3):
        response = api_client.get(reverse("procedure-list"))
    assert response.json()["count"] == 20


def test_the_detail_has_documents_fees_and_steps(
    api_client, make_version, django_assert_max_num_queries
):
    make_version()

    with django_assert_max_num_queries(8):
        response = api_client.get(reverse("procedure-detail", args=["1.001193"]))

    body = response.json()
    assert response.status_code == 200
    assert body["documents"] == [
        {
            "order": 1,
            "name": "Tờ khai đăng ký khai sinh",
            "originals": 1,
            "copies": 0,
            "mandatory": True,
        }
    ]
    assert body["fees"] == [
        {"kind": "charge", "description": "Lệ phí đăng ký khai sinh quá hạn", "amount": 8000}
    ]
    assert [s["kind"] for s in body["steps"]] == ["receive", "review", "approve", "sign", "return"]
    assert sum(s["budget_hours"] for s in body["steps"]) == 8


def test_the_detail_of_a_draft_is_404(api_client, make_version):
    make_version(publish=False)

    assert api_client.get(reverse("procedure-detail", args=["1.001193"])).status_code == 404
