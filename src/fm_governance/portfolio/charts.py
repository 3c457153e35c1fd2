"""Inline SVG charts of the portfolio: shares per level, the HHI against its band, retirements.

Plain SVG text, no script and no external resource, so it works inline in the HTML page, in a
Sphinx HTML build and in print. Each chart has a ``<title>`` and ``<desc>`` (``role="img"``) that
say in words what it shows, every bar and marker carries its number as text, and colour always
comes with a label or a pattern, so greyscale print and screen readers lose nothing. Names come
from files: every text is escaped for XML.
"""

from __future__ import annotations

import datetime as _dt
from html import escape

from ..core.escaping import xml_text
from .model import HIGHLY_CONCENTRATED, Level, Portfolio, Retirement, percent

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif"'
ALL_COLOUR = "#3b6ea8"
CRITICAL_COLOUR = "#a50e0e"
BAND_COLOUR = "#fdecea"
MAX_BARS = 8


def _t(text: str) -> str:
    return escape(xml_text(text), quote=True)


def _clip(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shares_svg(level: Level, critical_total: int, *, element_id: str) -> str:
    """Horizontal bars: each value's share of all projects and (when any) of critical projects."""
    shares = level.shares[:MAX_BARS]
    label_w, bar_w, row_h = 200, 360, 34 if critical_total else 22
    height = 30 + row_h * max(len(shares), 1) + 10
    width = label_w + bar_w + 70
    desc = "; ".join(
        f"{s.name}: {percent(s.share)} of projects" + (f", {percent(s.critical_share)} of critical projects" if critical_total else "") for s in shares
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" role="img" aria-labelledby="{element_id}-t {element_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" {FONT} font-size="13">',
        f'<title id="{element_id}-t">{_t(level.title)}: share of projects that depend on each</title>',
        f'<desc id="{element_id}-d">{_t(desc or "no project names one")}</desc>',
        f'<rect x="{label_w}" y="6" width="12" height="10" fill="{ALL_COLOUR}"/><text x="{label_w + 16}" y="15">all projects</text>',
    ]
    if critical_total:
        parts.append(
            f'<rect x="{label_w + 120}" y="6" width="12" height="10" fill="{CRITICAL_COLOUR}"/><text x="{label_w + 136}" y="15">critical projects</text>'
        )
    if not shares:
        parts.append('<text x="0" y="45">No project names one.</text>')
    for i, s in enumerate(shares):
        y = 30 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{_t(_clip(s.name))}</text>')
        w = max(bar_w * s.share, 1)
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="14" fill="{ALL_COLOUR}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 13}">{percent(s.share)}</text>')
        if critical_total and s.critical_share is not None:
            wc = max(bar_w * s.critical_share, 1)
            parts.append(f'<rect x="{label_w}" y="{y + 17}" width="{wc:.1f}" height="12" fill="{CRITICAL_COLOUR}"/>')
            parts.append(f'<text x="{label_w + wc + 6:.1f}" y="{y + 27}" font-size="12">{percent(s.critical_share)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hhi_svg(portfolio: Portfolio, *, element_id: str) -> str:
    """Each level's HHI on the 0–10,000 scale, with the band above 1,800 shaded and labelled."""
    left, scale_w = 170, 520
    rows = [(level.title, level.hhi, level.hhi_critical) for level in portfolio.levels]
    row_h = 40
    height = 46 + row_h * len(rows) + 24
    width = left + scale_w + 30

    def x(value: float) -> float:
        return left + scale_w * value / 10_000

    desc = "; ".join(
        f"{title}: {'not measurable' if v is None else f'{v:,.0f}'}" + (f", critical projects {vc:,.0f}" if vc is not None else "") for title, v, vc in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" role="img" aria-labelledby="{element_id}-t {element_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" {FONT} font-size="13">',
        f'<title id="{element_id}-t">Herfindahl–Hirschman index per level, against the highly concentrated band (above {HIGHLY_CONCENTRATED:,})</title>',
        f'<desc id="{element_id}-d">{_t(desc)}</desc>',
        f'<rect x="{x(HIGHLY_CONCENTRATED):.1f}" y="22" width="{x(10_000) - x(HIGHLY_CONCENTRATED):.1f}" height="{row_h * len(rows) + 10}" fill="{BAND_COLOUR}" stroke="#b3261e" stroke-dasharray="4 3"/>',
        f'<text x="{x(HIGHLY_CONCENTRATED) + 6:.1f}" y="16">highly concentrated (above {HIGHLY_CONCENTRATED:,})</text>',
    ]
    base = 32 + row_h * len(rows) + 4
    for tick in (0, 1800, 5000, 7500, 10_000):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{base}" x2="{x(tick):.1f}" y2="{base + 5}" stroke="#4f4f4f"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{base + 18}" text-anchor="middle" font-size="11">{tick:,}</text>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{x(10_000):.1f}" y2="{base}" stroke="#4f4f4f"/>')
    for i, (title, value, critical) in enumerate(rows):
        y = 40 + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 5}" text-anchor="end">{_t(title)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{x(10_000):.1f}" y2="{y}" stroke="#c4c4c4"/>')
        if value is None:
            parts.append(f'<text x="{left + 6}" y="{y + 5}" fill="#4f4f4f">not measurable</text>')
            continue
        parts.append(f'<circle cx="{x(value):.1f}" cy="{y}" r="6" fill="{ALL_COLOUR}"/>')
        parts.append(f'<text x="{x(value):.1f}" y="{y - 9}" text-anchor="middle" font-size="12">{value:,.0f}</text>')
        if critical is not None:
            cx = x(critical)
            parts.append(f'<path d="M{cx - 6:.1f} {y + 13} L{cx + 6:.1f} {y + 13} L{cx:.1f} {y + 3} Z" fill="{CRITICAL_COLOUR}"/>')
            parts.append(f'<text x="{cx:.1f}" y="{y + 25}" text-anchor="middle" font-size="11" fill="{CRITICAL_COLOUR}">critical {critical:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(retirements: tuple[Retirement, ...], today: _dt.date, horizon: int, *, element_id: str) -> str:
    """Retirement dates of the models in use, from a year ago (or the earliest) to ``horizon`` days ahead."""
    dated = [r for r in retirements if r.retired is not None][:12]
    left, scale_w, row_h = 220, 440, 24
    # From a year back, or from just before the earliest retirement shown, so no mark is clamped.
    earliest = min((r.retired for r in dated if r.retired is not None), default=today)
    start = min(today - _dt.timedelta(days=365), earliest - _dt.timedelta(days=30))
    end = today + _dt.timedelta(days=horizon)
    height = 40 + row_h * max(len(dated), 1) + 28
    width = left + scale_w + 40

    def x(day: _dt.date) -> float:
        clamped = min(max(day, start), end)
        return left + scale_w * (clamped - start).days / (end - start).days

    desc = "; ".join(f"{r.model_id} retire{'d' if (r.days or 0) <= 0 else 's'} {r.retired}, used by {len(r.projects)} projects" for r in dated)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" role="img" aria-labelledby="{element_id}-t {element_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" {FONT} font-size="13">',
        f'<title id="{element_id}-t">Retirement dates of models in use, {start.isoformat()} to {end.isoformat()}</title>',
        f'<desc id="{element_id}-d">{_t(desc or "No model in use has a retirement date in this window.")}</desc>',
        f'<line x1="{x(today):.1f}" y1="20" x2="{x(today):.1f}" y2="{height - 24}" stroke="#1a1a1a" stroke-dasharray="3 3"/>',
        f'<text x="{x(today):.1f}" y="14" text-anchor="middle">today {today.isoformat()}</text>',
    ]
    if not dated:
        parts.append('<text x="0" y="50">No model in use has a retirement date.</text>')
    for i, r in enumerate(dated):
        assert r.retired is not None
        y = 40 + i * row_h
        past = r.retired <= today
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{_t(_clip(r.model_id, 30))}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + scale_w}" y2="{y}" stroke="#e0e0e0"/>')
        mark = (
            f'<rect x="{x(r.retired) - 5:.1f}" y="{y - 5}" width="10" height="10" fill="{CRITICAL_COLOUR}"/>'
            if past
            else f'<circle cx="{x(r.retired):.1f}" cy="{y}" r="5" fill="{ALL_COLOUR}"/>'
        )
        parts.append(mark)
        label = f"{r.retired.isoformat()} · {len(r.projects)} project{'s' if len(r.projects) != 1 else ''}" + (" · retired" if past else "")
        anchor = "end" if x(r.retired) > left + scale_w - 150 else "start"
        dx = -9 if anchor == "end" else 9
        parts.append(f'<text x="{x(r.retired) + dx:.1f}" y="{y + 4}" text-anchor="{anchor}" font-size="11">{_t(label)}</text>')
    base = height - 22
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + scale_w}" y2="{base}" stroke="#4f4f4f"/>')
    for day in (start, end):
        parts.append(f'<text x="{x(day):.1f}" y="{base + 16}" text-anchor="middle" font-size="11">{day.isoformat()}</text>')
    parts.append("</svg>")
    return "".join(parts)
