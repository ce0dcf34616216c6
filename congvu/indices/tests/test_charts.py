from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation

from congvu.indices.charts import bars, line


def test_charts_write_figures_the_vietnamese_way():
    with translation.override("vi"):
        ranking = str(bars([("Sở Nội vụ", Decimal("89.31"), "units/1/")], title="Xếp hạng"))
        trend = str(line([("T1", Decimal("72.5")), ("T2", Decimal("80"))], title="Diễn biến"))
    assert ">89,31<" in ranking
    assert "89.31" not in ranking
    assert "72,50" in trend
    assert "80,00" in trend
    # Coordinates stay numbers SVG can read.
    assert re.search(r'<rect x="\d+" y="\d+" width="\d+\.\d"', ranking)
    assert re.search(r'points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"', trend)
