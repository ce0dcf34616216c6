"""Charts of the index as SVG markup rendered by the server: no script and no outside
resource, so they print and pass a strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _colour(value: Decimal) -> str:
    if value >= 80:
        return "#1b7f3b"
    if value >= 50:
        return "#b7791f"
    return "#b42318"


def bars(rows: Sequence[tuple[str, Decimal, str]], *, title: str, maximum: int = 100) -> SafeString:
    """Horizontal bars, one a row: (label, value on `maximum`, link)."""
    row_height, label_width, width = 22, 240, 720
    plot = width - label_width - 60
    height = row_height * len(rows) + 30
    parts = [
        format_html(
            '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
            'xmlns="http://www.w3.org/2000/svg" width="100%">',
            title,
            width,
            height,
        ),
        format_html("<title>{}</title>", title),
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_width + plot * tick / 100
        parts.append(
            format_html(
                '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>',
                x,
                x,
                height - 18,
                x,
                height - 4,
                tick * maximum // 100,
            )
        )
    for i, (label, value, link) in enumerate(rows):
        y = i * row_height + 4
        w = max(float(value) / maximum * plot, 0.0)
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            format_html(
                '<a href="{}"><text x="{}" y="{}" font-size="12" text-anchor="end" '
                'fill="#222">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title>'
                '</rect><text x="{}" y="{}" font-size="11" fill="#222">{}</text></a>',
                link,
                label_width - 6,
                y + 14,
                short,
                label_width,
                y + 2,
                f"{w:.1f}",
                row_height - 6,
                _colour(value),
                label,
                number_format(value, 2),
                f"{label_width + w + 4:.1f}",
                y + 14,
                number_format(value, 2),
            )
        )
    parts.append(mark_safe("</svg>"))
    return format_html_join("", "{}", ((p,) for p in parts))


def line(points: Sequence[tuple[str, Decimal]], *, title: str) -> SafeString:
    """A line of totals (0–100) over labelled periods, e.g. the months of a year."""
    width, height, left, bottom, top = 720, 220, 40, 30, 10
    plot_w, plot_h = width - left - 20, height - bottom - top
    parts = [
        format_html(
            '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
            'xmlns="http://www.w3.org/2000/svg" width="100%">',
            title,
            width,
            height,
        ),
        format_html("<title>{}</title>", title),
    ]
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - tick / 100)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{}</text>',
                left,
                f"{y:.1f}",
                width - 20,
                f"{y:.1f}",
                left - 4,
                f"{y + 4:.1f}",
                tick,
            )
        )
    if points:
        step = plot_w / max(len(points) - 1, 1)
        coords = [
            (left + i * step, top + plot_h * (1 - float(v) / 100))
            for i, (_l, v) in enumerate(points)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="#a3120c" stroke-width="2"/>', path
            )
        )
        for (label, value), (x, y) in zip(points, coords, strict=True):
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3.5" fill="#a3120c"><title>{}: {}</title>'
                    '</circle><text x="{}" y="{}" font-size="11" text-anchor="middle" '
                    'fill="#555">{}</text>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    label,
                    number_format(value, 2),
                    f"{x:.1f}",
                    height - 10,
                    label,
                )
            )
    parts.append(mark_safe("</svg>"))
    return format_html_join("", "{}", ((p,) for p in parts))
