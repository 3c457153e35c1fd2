"""The text report of ``check``, for a person at a terminal or reading a CI log.

It opens with the verdict sentence (a headline a person reads first, and the only line of the
report that names every concern at once: the gate, the score, open critical and high items,
expiring waivers, models near retirement), then the score per area, the open items, the to-do per
owner role and problems in the file, and closes with the policy and the gate's verdict — the lines
a terminal still shows after a long listing scrolls by, and the lines scripts and the guides read
(``| tail``).

The table is laid out by rich, but rich reads ``[...]`` as markup and ``:name:`` as emoji in any
*string* it is given: a project named ``[/]`` crashed ``check``, ``[internal] Chatbot`` lost its
first word and the location ``fm-governance.yaml:100:7`` printed as ``fm-governance.yaml💯7``. So
nothing built from file text is ever a markup string here: every such value goes through
:func:`~fm_governance.core.escaping.terminal_line` (no escape sequences, controls or bidi
characters) into a :class:`rich.text.Text`, which rich never parses, on a console with markup,
emoji and highlighting off.

Guarantees: off a terminal the text is plain (no styles) and fits :data:`DEFAULT_WIDTH` columns
wherever the tool wraps it (the table, the headline, the wrapped questions and to-do lists; a
location leading an open item is one line, so that log parsers read it whole); no line ends in a
space. rich is imported only when a report is rendered: it is the slowest import of the command.
"""

from __future__ import annotations

import io
import textwrap

from ..core.escaping import terminal_line
from ..core.scoring import Status
from ..core.terminal import text_console
from .model import WAIVER_HORIZON_DAYS, Report, fmt_score

#: Columns when the output is not a terminal (a pipe, a file, CI logs): the width people read at.
DEFAULT_WIDTH = 80
#: Open items listed in full; the rest are counted (the machine formats list them all).
MAX_OPEN_ITEMS = 25

# The count columns of the table, each the statuses it adds up.
_COLUMNS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("Met", (Status.MET,)),
    ("Partial", (Status.PARTIAL,)),
    ("No", (Status.NOT_MET,)),
    ("Unanswered", (Status.OPEN,)),
    ("Waived", (Status.WAIVED,)),
    ("n/a", (Status.EXCLUDED, Status.NOT_APPLICABLE)),
)


def render(report: Report, *, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """The report as text ``width`` columns wide; ``color`` adds ANSI styles for a terminal."""
    from rich import box
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    width = max(width, 40)
    sink = io.StringIO()
    console = text_console(sink, width=width, color=color)

    def line(text: str, style: str = "") -> None:
        # soft_wrap: printed as one logical line that the terminal wraps, so nothing is cut.
        console.print(Text(text, style=style), soft_wrap=True)

    def wrapped(text: str, indent: str = "", style: str = "", subsequent: str | None = None) -> None:
        parts = textwrap.wrap(
            text, width=width - 1, initial_indent=indent, subsequent_indent=indent if subsequent is None else subsequent, break_on_hyphens=False
        )
        for part in parts or [indent]:
            line(part, style)

    verdict = report.verdict
    failed = verdict.state == "failed"
    verdict_style = "bold red" if failed else "green" if verdict.state == "passed" else "bold"
    name = report.project_name or report.result.assessment.path
    wrapped(terminal_line(f"fm-governance · {name}"), style="bold")
    wrapped(verdict.sentence, style=verdict_style)
    if report.owners:
        wrapped(report.owner_note)

    # A column for answers that need review only when there are some: most reports never have one.
    columns = _COLUMNS + ((("Review", (Status.REVIEW,)),) if report.result.needing_review else ())
    # Two spaces between columns and none at the edges: the table fits 80 columns with its
    # "Unanswered" column, indented like the item lists below it.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("Area", justify="left", overflow="fold")
    for col, _ in (("Score", ()), *columns):
        # fold: a word wider than its column (a long checklist title) breaks, it is never cut.
        table.add_column(col, justify="right", overflow="fold")
    for area in report.areas:
        table.add_row(Text(terminal_line(area.title)), fmt_score(area.score), *[str(area.count(*statuses)) for _, statuses in columns])
    table.add_section()
    table.add_row("Overall", fmt_score(report.score), *[str(sum(a.count(*s) for a in report.areas)) for _, s in columns], style="bold")
    console.print()
    console.print(Padding(table, (0, 0, 0, 2)))
    console.print()

    open_items = report.open_items
    if open_items:
        whose = f" owned by {', '.join(report.owners)}" if report.owners else ""
        line(f"Open items{whose} ({len(open_items)}), most severe first:", "bold")
        for v in open_items[:MAX_OPEN_ITEMS]:
            answer = v.result.open_state if v.status is Status.OPEN else "no (needs review)" if v.status is Status.REVIEW else "no"
            where = f"{v.location}: " if v.location else ""
            # The location, id and state lead (one line a log parser can read); the question
            # follows, wrapped under it, so the list reads at the width it is shown at.
            line("  " + terminal_line(f"{where}{v.id} [{v.severity.value} · {v.owner}] {answer}:"))
            wrapped(terminal_line(v.question), indent="      ")
        if len(open_items) > MAX_OPEN_ITEMS:
            line(f"  … and {len(open_items) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    elif report.owners:
        line(f"No open items owned by {', '.join(report.owners)}.", "bold")
    review = report.needing_review
    if review:
        line(f"Needs review ({len(review)}): the question changed since the answer; re-confirm it, then delete `review:`", "bold")
        for v in review[:MAX_OPEN_ITEMS]:
            resp = v.result.response
            at = (resp.review_location if resp else None) or v.location
            where = f"{at}: " if at else ""
            line("  " + terminal_line(f"{where}{v.id} [{v.severity.value} · {v.owner}] {v.state}:"))
            wrapped(terminal_line(v.question), indent="      ")
        if len(review) > MAX_OPEN_ITEMS:
            line(f"  … and {len(review) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    stale = [st for st in report.stale if report.lists(st.view.owner)]
    if stale:
        line(f"Stale answers ({len(stale)}): older than the policy's max-age for their severity", "bold")
        for st in stale[:MAX_OPEN_ITEMS]:
            where = f"{st.location}: " if st.location else ""
            since = f"last confirmed {st.since.isoformat()} ({st.since_source}), {st.age_days} days ago" if st.since else "no reviewed: date"
            line("  " + terminal_line(f"{where}{st.view.id} [{st.view.severity.value} · {st.view.owner}] {since}; max-age {st.max_age}"))
        if len(stale) > MAX_OPEN_ITEMS:
            line(f"  … and {len(stale) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    stale_evidence = [st for st in report.stale_evidence if report.lists(st.view.owner)]
    if stale_evidence:
        line(f"Stale evidence ({len(stale_evidence)}): older than the policy's evidence-max-age", "bold")
        for se in stale_evidence[:MAX_OPEN_ITEMS]:
            where = f"{se.location}: " if se.location else ""
            dated = se.entry.date.isoformat() if se.entry.date else ""
            line(
                "  "
                + terminal_line(
                    f"{where}{se.view.id} [{se.view.severity.value} · {se.view.owner}] dated {dated}, {se.age_days} days old; max-age {se.max_age}:"
                )
            )
            wrapped(terminal_line(se.entry.ref), indent="      ")
        if len(stale_evidence) > MAX_OPEN_ITEMS:
            line(f"  … and {len(stale_evidence) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    # Listings follow --owner; the verdict's count covers every item.
    expiring = [v for v in report.expiring_waivers if v.waiver is not None and report.lists(v.owner)]
    if expiring:
        line(f"Waivers expiring within {WAIVER_HORIZON_DAYS} days ({len(expiring)}):", "bold")
        for v in expiring:
            if v.waiver is None:
                continue
            where = f"{v.location}: " if v.location else ""
            left = f"{v.waiver.days_left} day{'s' if v.waiver.days_left != 1 else ''} left"
            line(
                "  "
                + terminal_line(
                    f"{where}{v.id} [{v.severity.value} · {v.owner}] expires {v.waiver.expires.isoformat()} ({left}), approved by {v.waiver.approved_by}"
                )
            )
    if report.todo:
        line("To do by owner, most severe first:", "bold")
        for todo in report.todo:
            head = f"  {terminal_line(todo.owner)} ({len(todo.items)}): "
            wrapped(head + ", ".join(terminal_line(v.id) for v in todo.items), subsequent=" " * 4)
    for problem in report.problems:
        line(problem.one_line(), "yellow")
    # The policy and its verdict close the report: what was gated, where that was set, and either
    # the reasons it failed or what it let through — never "passed" when nothing was gated.
    for sentence in verdict.policy_lines:
        line(terminal_line(sentence), "" if sentence.startswith("Policy:") else verdict_style)
    for reason in verdict.reasons[:MAX_OPEN_ITEMS]:
        line(f"  {terminal_line(reason)}")
    if len(verdict.reasons) > MAX_OPEN_ITEMS:
        line(f"  … and {len(verdict.reasons) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    text = sink.getvalue()
    # rich pads every table line to the full width; in a file or a CI log that is trailing space.
    return text if color else "".join(part.rstrip(" ") + "\n" for part in text.splitlines())


__all__ = ["DEFAULT_WIDTH", "MAX_OPEN_ITEMS", "render"]
