"""What ``check`` and ``assess`` print for a person: the text report and the summaries, as strings.

The text report is laid out by rich (a table of areas, then open items, problems and the gate), but
rich reads ``[...]`` as markup and ``:name:`` as emoji in any *string* it is given: a project named
``[/]`` crashed ``check``, ``[internal] Chatbot`` lost its first word and the location
``fm-governance.yaml:100:7`` printed as ``fm-governance.yaml💯7``. So nothing built from file text
is ever a markup string here: every such value goes through
:func:`~fm_governance.core.escaping.terminal_line` (no escape sequences, controls or bidi
characters) into a :class:`rich.text.Text`, which rich never parses, on a console with markup,
emoji and highlighting off.

The functions return text rather than print it, so the command writes it the way it writes every
other output (stdout, or ``-o FILE`` through the one atomic write path), and tests read it whole.
rich is imported only when a report is rendered: it is the slowest import of the command line.
"""

from __future__ import annotations

import codecs
import io
import sys
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .escaping import terminal_line

if TYPE_CHECKING:
    from .policy import Policy
    from .scoring import GateOutcome, Result

#: Columns when the output is not a terminal (a pipe, a file, CI logs): the width people read at.
DEFAULT_WIDTH = 80
#: Open items listed in full; the rest are counted (the machine formats list them all).
MAX_OPEN_ITEMS = 25


def check_report(result: Result, gate: GateOutcome | None, *, policy: Policy, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """The text report of ``check``: a score table, open items, problems in the file, the policy and gate.

    ``gate`` is None when ``policy`` sets no gate.

    ``width`` is the terminal's width (the table fits in it; long lines of text are never cut, a
    terminal wraps them). ``color`` adds ANSI styles for a terminal; without it the text is plain.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .policy import verdict_lines
    from .reports import fmt_score, sorted_for_attention
    from .scoring import Status

    sink = io.StringIO()
    console = Console(
        file=sink,
        width=max(width, 40),
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        color_system="auto" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    name = result.assessment.project_name or result.assessment.path
    table = Table(title=Text(f"fm-governance · {terminal_line(name)}"), box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("Area", "left"),
        ("Score", "right"),
        ("Met", "right"),
        ("Partial", "right"),
        ("No", "right"),
        ("Open", "right"),
        ("Waived", "right"),
        ("n/a", "right"),
    ):
        # fold: a word wider than its column (a long checklist title) breaks, it is never cut.
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    groups = ((Status.MET,), (Status.PARTIAL,), (Status.NOT_MET,), (Status.OPEN,), (Status.WAIVED,), (Status.EXCLUDED, Status.NOT_APPLICABLE))
    for c in result.checklists:
        table.add_row(Text(terminal_line(c.checklist.title)), fmt_score(c.score), *[str(c.count(*g)) for g in groups])
    table.add_section()
    table.add_row("Overall", fmt_score(result.score), *[str(sum(c.count(*g) for c in result.checklists)) for g in groups], style="bold")
    console.print(table)

    def line(text: str, style: str = "") -> None:
        # soft_wrap: printed as one logical line that the terminal wraps, so nothing is cut.
        console.print(Text(text, style=style), soft_wrap=True)

    open_items = [r for r in sorted_for_attention(result.items) if r.is_open]
    if open_items:
        line(f"Open items ({len(open_items)}), most severe first:", "bold")
        for r in open_items[:MAX_OPEN_ITEMS]:
            state = "unanswered" if r.status is Status.OPEN else "no"
            where = f"{r.location}: " if r.location else ""
            # The location, id and state lead (one line a log parser can read); the question follows,
            # wrapped under it, so the list reads at the width it is shown at.
            line("  " + terminal_line(f"{where}{r.item.id} [{r.item.severity.value} · {r.item.owner}] {state}:"))
            for part in textwrap.wrap(terminal_line(r.item.question), width=max(width, 40) - 6, break_on_hyphens=False) or [""]:
                line("      " + part)
        if len(open_items) > MAX_OPEN_ITEMS:
            line(f"  … and {len(open_items) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    for problem in result.problems:
        line(problem.one_line(), "yellow")
    # The policy and its verdict close the report: what was gated, where that was set, and either
    # the reasons it failed or what it let through — never "passed" when nothing was gated.
    for sentence in verdict_lines(policy, gate):
        style = "" if sentence.startswith("Policy:") else ("bold red" if gate is not None and not gate.passed else "green" if gate is not None else "bold")
        line(terminal_line(sentence), style)
    if gate is not None:
        for reason in gate.reasons[:MAX_OPEN_ITEMS]:
            line(f"  {terminal_line(reason)}")
        if len(gate.reasons) > MAX_OPEN_ITEMS:
            line(f"  … and {len(gate.reasons) - MAX_OPEN_ITEMS} more (use --format markdown or json for all)")
    text = sink.getvalue()
    # rich pads every table line to the full width; in a file or a CI log that is trailing space.
    return text if color else "".join(part.rstrip(" ") + "\n" for part in text.splitlines())


def assess_summary(
    target: str,
    action: str,
    changes: Iterable[Any],
    *,
    inventory_replaced: bool = False,
    inventory_comments: Sequence[str] = (),
    lost_comments: Sequence[tuple[int, str]] = (),
) -> str:
    """What ``assess`` did to the file: created, updated (checklist by checklist) or up to date,
    and every rewrite of what a person wrote (answers respelled, comments moved or replaced), so
    that nothing a person wrote changes silently."""
    target = terminal_line(target)
    if action == "unchanged":
        return f"{target}: up to date"
    lines = [f"{target}: {action}"]
    for c in changes:
        if not c.changed:
            continue
        parts = []
        if c.created:
            parts.append(f"added checklist at {c.new_version}")
        elif c.old_version != c.new_version:
            parts.append(f"{c.old_version} → {c.new_version}")
        if c.added and not c.created:
            parts.append(f"new items {', '.join(c.added)}")
        if c.carried_over:
            parts.append("answers carried over " + ", ".join(f"{old} → {new}" for new, old in c.carried_over.items()))
        if c.retired:
            parts.append(f"retired {', '.join(c.retired)}")
        if parts:
            lines.append("  " + terminal_line(f"{c.checklist_id}: {'; '.join(parts)}"))
        if c.regraded:
            n = len(c.regraded)
            shown = _first(f"{item_id} {old} → {new}" for item_id, old, new in c.regraded)
            lines.append("  " + terminal_line(f"{c.checklist_id}: regraded {n} item{'s' if n != 1 else ''}: {shown}"))
        if c.normalised:
            n = len(c.normalised)
            shown = _first(f"{r.item_id} {r.before} → {r.after}" for r in c.normalised)
            lines.append("  " + terminal_line(f"{c.checklist_id}: normalised {n} answer{'s' if n != 1 else ''}: {shown}"))
        for r in c.words_kept:
            lines.append("  " + terminal_line(f"{c.checklist_id}: {r.item_id}: words after its question moved to a line of their own: {r.after}"))
        for r in c.comments_replaced:
            lines.append(
                "  " + terminal_line(f"{c.checklist_id}: {r.item_id}: question comment replaced (the question changed, or it was edited); it was: {r.before}")
            )
    if inventory_replaced:
        lines.append("  inventory: replaced by this scan (the scanner writes that section on every run)")
    if inventory_comments:
        n = len(inventory_comments)
        lines.append(f"  inventory: moved {n} comment{'s' if n != 1 else ''} above `inventory:` (the scanner rewrites the section)")
    for line, comment in lost_comments:
        # YAML libraries keep no comment inside a multi-line { } or [ ] value: say so, with the text.
        lines.append(
            "  " + terminal_line(f"line {line}: comment not kept (none can be inside a multi-line {{ }} or [ ]); put it on a line of its own: {comment}")
        )
    return "\n".join(lines)


#: How many rewrites a summary line names before it says how many more there are.
_SHOWN = 5


def _first(values: Iterable[str]) -> str:
    values = list(values)
    more = len(values) - _SHOWN
    return ", ".join(values[:_SHOWN]) + (f" and {more} more (see --format json)" if more > 0 else "")


def scan_summary(scan: Any) -> str:
    """What the scan found, in a few lines: providers, model ids and signals (all found in files)."""
    providers = _joined(p["id"] for p in scan.providers) or "none"
    lines = [f"scan: {scan.stats.get('files_listed', '?')} files; providers in use: {providers}"]
    if scan.models:
        lines.append("  models: " + _joined(sorted({str(m["id"]) for m in scan.models})))
    if scan.signals:
        lines.append("  signals: " + _joined(s["id"] for s in scan.signals))
    if scan.skipped:
        lines.append(f"  skipped {len(scan.skipped)} paths (see --format json)")
    return "\n".join(lines)


def _joined(values: Iterable[object]) -> str:
    # Each value on its own: a newline in one model id must not start a line of its own.
    return ", ".join(terminal_line(v) for v in values)


# --- output a stream's encoding cannot hold -----------------------------------------------------

#: The characters the tool itself prints, as a plain-ASCII reader would write them.
_ASCII_FORMS = {
    "—": "-",  # em dash, between what is wrong and what to do
    "–": "-",  # en dash, an unscored area
    "·": ".",
    "→": "->",
    "…": "...",
    "½": "1/2",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "•": "*",
    "─": "-",  # rich's table rules
    "━": "-",
    "│": "|",
    "\u00a0": " ",
}
ERROR_HANDLER = "fm-governance-degrade"


def degrade(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: what an output encoding cannot hold is written in plainer characters.

    The tool's own typography becomes its ASCII form (``—`` to ``-``, ``→`` to ``->``); a letter
    with accents loses them when that leaves a letter (``é`` to ``e``); anything else becomes its
    ``\\uXXXX`` escape, so a value from a file is still readable and nothing is dropped silently.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        if ch in _ASCII_FORMS:
            out.append(_ASCII_FORMS[ch])
            continue
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        if base.strip() and base.isprintable():
            out.append(base)
        else:
            out.append(ch.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), error.end


def degrade_unencodable_output() -> None:
    """Make stdout and stderr degrade characters their encoding cannot hold, instead of failing.

    A C locale, ``PYTHONIOENCODING=ascii`` or a Windows code page used to end the command on the
    first ``—`` with an internal error. Every character of the tool's output is still written, as
    :func:`degrade` puts it. (Click writes UTF-8 to a stream whose encoding is ASCII, which it takes
    for a misconfigured locale; streams in every other narrow encoding get the degraded form.)
    """
    try:
        codecs.lookup_error(ERROR_HANDLER)
    except LookupError:
        codecs.register_error(ERROR_HANDLER, degrade)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("_", "-") not in ("utf-8", "utf8"):
            reconfigure(errors=ERROR_HANDLER)


__all__ = ["DEFAULT_WIDTH", "assess_summary", "check_report", "degrade", "degrade_unencodable_output", "scan_summary"]
