"""The portfolio as text (``portfolio``'s default format), for a terminal or a CI log.

Laid out with rich tables, 80 columns wide off a terminal (:data:`DEFAULT_WIDTH`), plain with no
trailing spaces. Every name comes from a file (project names, model ids, owners), so it goes
through :func:`~fm_governance.core.escaping.terminal_line` into a :class:`rich.text.Text` on a
console with markup and emoji off: rich never interprets it (see :mod:`fm_governance.reports.text`
for the crashes that guards against).
"""

from __future__ import annotations

import io
import re
import textwrap

from ..core.escaping import terminal_line
from ..core.terminal import text_console
from .model import HHI_SOURCE, NOT_FOUND, Level, Portfolio, percent, plural

DEFAULT_WIDTH = 80
#: Rows listed per table; the rest are counted (json and csv list them all).
MAX_ROWS = 15


def hhi_text(value: float | None, band: str | None) -> str:
    return "–" if value is None else f"{value:,.0f} ({band})"


def level_note(level: Level, projects: int, critical: int) -> str:
    """Over how many projects the HHI was computed, and its value and band."""
    note = f"HHI {hhi_text(level.hhi, level.band)} over {level.known} of {plural(projects, 'project')}"
    if critical:
        note += f"; critical projects: {hhi_text(level.hhi_critical, level.band_critical)} over {level.critical_known} of {critical}"
    return note


def render(portfolio: Portfolio, *, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    width = max(width, 40)
    sink = io.StringIO()
    console = text_console(sink, width=width, color=color)

    def wrapped(text: str, indent: str = "", style: str = "", subsequent: str | None = None) -> None:
        parts = textwrap.wrap(
            terminal_line(text), width=width - 1, initial_indent=indent, subsequent_indent=indent if subsequent is None else subsequent, break_on_hyphens=False
        )
        for part in parts or [indent]:
            console.print(Text(part, style=style), soft_wrap=True)

    def heading(text: str) -> None:
        console.print()
        wrapped(text, style="bold")

    def table(*columns: str) -> Table:
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for i, col in enumerate(columns):
            t.add_column(col, justify="left" if i == 0 else "right", overflow="fold")
        return t

    def rows_note(total: int) -> None:
        if total > MAX_ROWS:
            wrapped(f"… and {total - MAX_ROWS} more (--format json or csv lists them all)", indent="  ")

    n, critical = len(portfolio.projects), portfolio.critical_count
    wrapped(f"fm-governance portfolio · as of {portfolio.today.isoformat()}", style="bold")
    wrapped(portfolio.headline(), style="bold red" if portfolio.single_points or portfolio.excluded else "")
    if portfolio.criticality:
        wrapped("Criticality: " + ", ".join(f"{name} {count}" for name, count in portfolio.criticality))

    for level in portfolio.levels:
        heading(f"{level.title}")
        t = table("Name", "Projects", "Share", "Critical", "Of critical")
        for s in level.shares[:MAX_ROWS]:
            t.add_row(Text(terminal_line(s.name)), str(s.projects), percent(s.share), str(s.critical), percent(s.critical_share))
        unknown = n - level.known
        if unknown:
            t.add_row(
                Text(NOT_FOUND, style="italic"),
                str(unknown),
                percent(unknown / n),
                str(critical - level.critical_known),
                percent((critical - level.critical_known) / critical if critical else None),
            )
        if level.shares or unknown:
            console.print(t)
        rows_note(len(level.shares))
        wrapped(level_note(level, n, critical), indent="  ")
    console.print()
    wrapped(f"HHI bands: {HHI_SOURCE}. Shares of projects can add up to more than 100%: a project that uses two developers depends on both.")

    heading("Single points of failure" + (f" (more than {percent(portfolio.settings.spof_threshold)} of critical projects)"))
    if not critical:
        wrapped("None measurable: no project has criticality: critical.", indent="  ")
    elif not portfolio.single_points:
        wrapped("None.", indent="  ")
    for point in portfolio.single_points:
        wrapped(
            f"{point.level} {point.name}: {point.critical} of {point.critical_total} critical projects ({percent(point.share)})", indent="  ", style="bold red"
        )

    days90, days180 = portfolio.settings.retire_days
    heading(f"Models retired, retiring within {days180} days, or deprecated")
    if portfolio.retirements:
        t = table("Model", "Status", "Date", "Projects", "Critical")
        for r in portfolio.retirements[:MAX_ROWS]:
            when = r.retired or r.deprecated
            status = {"past": "retired", "90": f"≤ {days90} days", "180": f"≤ {days180} days", "deprecated": "deprecated"}[r.window]
            t.add_row(Text(terminal_line(r.model_id)), status, when.isoformat() if when else "–", str(len(r.projects)), str(r.critical))
        console.print(t)
        rows_note(len(portfolio.retirements))
    else:
        wrapped("None.", indent="  ")

    for title, rows, label in (
        ("Open critical and high items per owner role", portfolio.open_by_owner, "Owner"),
        ("Open critical and high items per area", portfolio.open_by_area, "Area"),
    ):
        heading(title)
        if rows:
            t = table(label, "Critical", "High", "Projects")
            for c in rows[:MAX_ROWS]:
                t.add_row(Text(terminal_line(c.name)), str(c.critical), str(c.high), str(c.projects))
            console.print(t)
            rows_note(len(rows))
        else:
            wrapped("None.", indent="  ")

    heading("Scores")
    scores = portfolio.scores
    wrapped(", ".join(f"{name}: {count}" for name, count in scores.bands) + (f"; not scored: {scores.unscored}" if scores.unscored else ""), indent="  ")
    if scores.median is not None:
        wrapped(f"median {scores.median:g}, mean {scores.mean:g}, lowest {scores.lowest:g}", indent="  ")

    heading(f"Waivers expiring within {portfolio.settings.waiver_days} days")
    for w in portfolio.waivers_due[:MAX_ROWS]:
        wrapped(f"{w.expires.isoformat()} ({plural(w.days, 'day')}): {w.project} {w.item_id}, approved by {w.approved_by}", indent="  ")
    rows_note(len(portfolio.waivers_due))
    if not portfolio.waivers_due:
        wrapped("None.", indent="  ")

    heading(f"Assessments older than {portfolio.settings.max_age_days} days, or undated")
    for stale in portfolio.stale[:MAX_ROWS]:
        age = f"{stale.date.isoformat()} ({plural(stale.age_days or 0, 'day')} old)" if stale.date else "no project.date"
        wrapped(f"{stale.project}: {age} — {stale.path}", indent="  ")
    rows_note(len(portfolio.stale))
    if not portfolio.stale:
        wrapped("None.", indent="  ")

    if portfolio.duplicates:
        heading("Duplicate project names (counted once: the most recent assessment)")
        for d in portfolio.duplicates:
            wrapped(f"{d.name}: kept {d.kept}; not counted: {', '.join(d.dropped)}", indent="  ")
    if portfolio.excluded:
        heading(f"Not counted: {plural(len(portfolio.excluded), 'file')} could not be read")
        for e in portfolio.excluded[:MAX_ROWS]:
            wrapped(e.errors[0], indent="  ", subsequent="    ")
        rows_note(len(portfolio.excluded))
    text = re.sub(r"\n(?:[ \t]*\n){2,}", "\n\n", sink.getvalue())  # a table's own blank line, then a heading's
    return text if color else "".join(part.rstrip(" ") + "\n" for part in text.splitlines())
