"""What ``assess`` prints for a person (its summary and the scan's), and how output that a
stream's encoding cannot hold is degraded instead of ending the command.

Every value that comes from a file or a scanned repository goes through
:func:`~fm_governance.core.escaping.terminal_line` (no escape sequences, controls or bidi
characters). The functions return text rather than print it, so the command writes it the way it
writes every other output, and tests read it whole. (The text report of ``check`` is
:mod:`fm_governance.reports.text`, rendered from the report model.)
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from .escaping import terminal_line


def text_console(sink: Any, *, width: int, color: bool) -> Any:
    """A rich Console that writes a report into ``sink``: ``width`` columns, ANSI styles only with
    ``color`` (a terminal), and never anything from the text itself (no markup, emoji codes or
    highlighting: text from files is data). Shared by every text renderer, so they all agree."""
    from rich.console import Console

    return Console(
        file=sink,
        width=width,
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
        if c.review:
            n = len(c.review)
            lines.append(
                "  "
                + terminal_line(
                    f"{c.checklist_id}: {n} answer{'s' if n != 1 else ''} to a changed question marked `review:` (re-confirm, then delete the key): {_first(c.review)}"
                )
            )
        if c.normalised:
            n = len(c.normalised)
            shown = _first(f"{r.item_id} {r.before} → {r.after}" for r in c.normalised)
            lines.append("  " + terminal_line(f"{c.checklist_id}: normalised {n} answer{'s' if n != 1 else ''}: {shown}"))
        suggestions = getattr(c, "suggestions", ())
        if suggestions and not c.created:  # a new file's suggestions are simply part of it
            n = len(suggestions)
            lines.append(
                "  "
                + terminal_line(
                    f"{c.checklist_id}: provider-terms suggestions (# [terms] comments) refreshed under {n} item{'s' if n != 1 else ''}: {_first(suggestions)}"
                )
            )
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
    files = scan.stats.get("files_listed", "?")
    lines = [f"scan: {files} {'file' if files == 1 else 'files'}; providers in use: {providers}"]
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


__all__ = ["assess_summary", "degrade", "degrade_unencodable_output", "scan_summary"]
