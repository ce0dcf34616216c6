"""A PAR index tree with appraised, survey and automatic criteria, and the figures the
automatic ones read."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from congvu.assessments import imports, services
from congvu.assessments.models import Round
from congvu.organizations.models import Unit

VN = dt.timezone(dt.timedelta(hours=7))

TREE = [
    # code, title, max, applies, kind, measure, rule, zero, full
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 10, "", "", "", "", "", ""),
    ("1.1", "Kế hoạch cải cách hành chính năm", 6, "", "", "", "", "", ""),
    ("1.1.1", "Ban hành kế hoạch đúng thời hạn", 4, "Tất cả", "Thẩm định", "", "", "", ""),
    ("1.1.2", "Báo cáo cải cách hành chính của sở", 2, "Sở", "Thẩm định", "", "", "", ""),
    ("1.2", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", 4, "", "", "task_on_time", "Tỷ lệ", "0", "100"),
    ("2", "Cải cách thủ tục hành chính", 12, "", "", "", "", "", ""),
    ("2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", 6, "", "", "dossier_on_time", "", "", ""),
    ("2.2", "Tỷ lệ hồ sơ trực tuyến", 3, "", "", "online_share", "Tỷ lệ", "0", "50"),
    ("2.3", "Mức độ hài lòng", 3, "", "", "satisfaction", "Tỷ lệ", "50", "100"),
    ("3", "Điều tra xã hội học", 8, "", "Điều tra", "", "", "", ""),
    ("4", "Chỉ số phục vụ người dân, doanh nghiệp (766)", 5, "", "", "service_index", "", "", ""),
]


def at(day: int, month: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def sheet(header: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append(["Bộ chỉ số cải cách hành chính"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tree_xlsx(rows: list[tuple[Any, ...]] | None = None) -> bytes:
    header = [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Áp dụng",
        "Loại",
        "Đo tự động",
        "Cách tính",
        "0 điểm khi không quá",
        "Điểm tối đa khi đạt",
    ]
    return sheet(header, rows or TREE)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # Assertions read the English source strings.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _private_root(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def units(org_tree: dict[str, Unit], home_affairs: Unit) -> dict[str, Unit]:
    return {**org_tree, "home_affairs": home_affairs}


@pytest.fixture
def par_round(units: dict[str, Unit], appraiser: Any) -> Round:
    """The 2026 PAR round, a draft with the tree above."""
    round = services.round_create(
        actor=appraiser,
        kind=Round.Kind.PAR,
        year=2026,
        title="Chỉ số cải cách hành chính năm 2026",
        decision="Quyết định 123/QĐ-UBND",
    )
    services.round_tree_replace(actor=appraiser, round=round, rows=imports.read_tree(tree_xlsx()))
    return round
