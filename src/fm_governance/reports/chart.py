"""The per-area score chart, as inline SVG (HTML report, PDF through HTML, Sphinx html and epub).

One horizontal bar per area on a 0–100 scale, the score written beside each bar, so the chart
reads without colour (greyscale print) and without the picture (the SVG has a title and a
description that state every score, and each bar a ``<title>``). Text uses ``currentColor`` so
the chart follows the page's light or dark theme; the bar colours are mid-tones that keep their
contrast on white and on near-black. Labels from checklist files are escaped.
"""

from __future__ import annotations

from html import escape

from .model import Report, fmt_score

#: Bar fill by score band (below 50, below 80, 80 and over): darker is worse in greyscale too.
_BANDS = ((50.0, "#b3261e"), (80.0, "#b26a00"), (101.0, "#2e7d32"))
_ROW = 28
_LABEL_W = 230
_BAR_W = 360
_NUM_W = 60


def _fill(value: float | None) -> str:
    if value is None:
        return "#9e9e9e"
    return next(colour for limit, colour in _BANDS if value < limit)


def _clip(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


_TOP = 22


def chart_size(report: Report) -> tuple[int, int]:
    """The chart's natural width and height in CSS pixels (its ``width`` and ``height`` attributes).

    For print stylesheets: WeasyPrint sizes an inline SVG whose CSS height is ``auto`` as a square
    (it does not take the ratio from the attributes), which leaves a page of white space around
    the chart, so a page that is printed sets both lengths explicitly.
    """
    return _LABEL_W + _BAR_W + _NUM_W, _TOP + _ROW * (len(report.areas) + 1) + 8


def score_chart_svg(report: Report, *, element_id: str = "fmg-score-chart") -> str:
    """The chart as an ``<svg>`` element (no XML declaration), ready to inline in HTML or XHTML."""
    rows = [(a.title, a.score) for a in report.areas] + [("Overall", report.score)]
    top = _TOP
    width, height = chart_size(report)
    described = "; ".join(f"{title}: {fmt_score(value)} of 100" for title, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="fmg-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{escape(element_id)}-title {escape(element_id)}-desc" '
        'style="max-width:100%;height:auto;font-family:inherit;font-size:13px">',
        f'<title id="{escape(element_id)}-title">Score per area, 0 to 100</title>',
        f'<desc id="{escape(element_id)}-desc">{escape(described)}</desc>',
    ]
    # Gridlines at 0, 50, 80 and 100: the band limits, labelled on top.
    for mark in (0, 50, 80, 100):
        x = _LABEL_W + _BAR_W * mark / 100
        parts.append(f'<line x1="{x:g}" y1="{top - 4}" x2="{x:g}" y2="{height - 6}" stroke="currentColor" stroke-opacity="0.35" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x:g}" y="{top - 8}" text-anchor="middle" fill="currentColor" font-size="11">{mark}</text>')
    for n, (title, value) in enumerate(rows):
        y = top + n * _ROW
        bold = ' font-weight="bold"' if n == len(rows) - 1 else ""
        parts.append(f'<text x="{_LABEL_W - 8}" y="{y + 18}" text-anchor="end" fill="currentColor"{bold}>{escape(_clip(title))}</text>')
        bar = _BAR_W * (value or 0.0) / 100
        parts.append(
            f'<rect x="{_LABEL_W}" y="{y + 5}" width="{max(bar, 1.5):.1f}" height="{_ROW - 10}" fill="{_fill(value)}" '
            f'stroke="currentColor" stroke-width="0.5"><title>{escape(title)}: {fmt_score(value)} of 100</title></rect>'
        )
        # The scores in a column of their own, right of the 100 line: aligned for comparison, and
        # never drawn across a gridline (a label at the bar's end sat on the 50 line at 43.8).
        parts.append(f'<text x="{width - 6}" y="{y + 18}" text-anchor="end" fill="currentColor"{bold}>{fmt_score(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)
