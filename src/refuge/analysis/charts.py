"""Bar charts as server-side SVG: no JavaScript, no third-party request, printable."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from refuge.analysis.statistics import CountRow

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 220
PLOT_WIDTH = 320


def bar_chart_svg(rows: Sequence[CountRow], *, title: str) -> str:
    """Horizontal bars; suppressed cells are drawn as a hatched stub marked "<5"."""
    height = 30 + len(rows) * (BAR_HEIGHT + GAP)
    largest = max((row.count for row in rows if not row.is_suppressed), default=1) or 1
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}"'
        f' font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for index, row in enumerate(rows):
        y = 28 + index * (BAR_HEIGHT + GAP)
        width = 4 if row.is_suppressed else max(1, round(PLOT_WIDTH * row.count / largest))
        fill = "#999" if row.is_suppressed else "#0b4f8a"
        parts.append(f'<text x="0" y="{y + 13}">{escape(row.label[:34])}</text>')
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{fill}"/>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 13}">{escape(row.shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)
