"""Bar charts drawn on the server as SVG: no script, no outside file, printable, and readable
by a screen reader through their title and the table each one sits beside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 24
LABEL_WIDTH = 300
BAR_WIDTH = 380
VALUE_WIDTH = 70
LABEL_CHARS = 44


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    url: str = ""
    tone: str = ""  # "", "good", "bad": a colour class of the stylesheet


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(bars: Sequence[Bar], *, title: str, scale: Decimal = Decimal(100)) -> SafeString:
    """Horizontal bars, one a row, scaled to `scale` (100 for indices and percentages); a
    bar with a link opens the rows behind it. Units without a figure show a dash."""
    height = ROW * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(
            f'<line class="chart-grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 4}"/>'
        )
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        label = escape(_short(bar.label))
        if bar.value is None:
            length = 0.0
            shown = "—"
        else:
            ratio = max(Decimal(0), min(Decimal(1), bar.value / scale)) if scale else Decimal(0)
            length = float(ratio) * BAR_WIDTH
            shown = number_format(bar.value, 2)
        tone = f" chart-bar-{bar.tone}" if bar.tone else ""
        row = (
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 15}" '
            f'text-anchor="end">{label}</text>'
            f'<rect class="chart-bar{tone}" x="{LABEL_WIDTH}" y="{y + 3}" '
            f'width="{length:.1f}" height="{ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">'
            f"{shown}</text>"
        )
        if bar.url:
            row = f'<a href="{escape(bar.url)}"><title>{escape(bar.label)}</title>{row}</a>'
        parts.append(row)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
