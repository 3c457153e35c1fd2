"""``fm-governance assess``: scan a project and create or update its assessment, keeping every answer."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import click

from .app import MODES, _catalog, _emit, _require_stdout, checklists_dir_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    from pathlib import Path


@main.command()
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Assessment file to create or update [default: PATH/fm-governance.yaml].")
@click.option("--dry-run", is_flag=True, help="Show what would change (a diff, or JSON with --format json) and write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format of the summary.")
@click.option(
    "--checklist",
    "checklist_ids",
    multiple=True,
    metavar="ID",
    help="Include this checklist (repeatable) [default: all for a new file, those present for an existing one].",
)
@click.option(
    "--mode", "modes", multiple=True, type=click.Choice(MODES), help="How the project adapts models (repeatable); written to context.modes when that is empty."
)
@click.option("--project-name", help="Project name for a new assessment [default: the folder name].")
@click.option("--no-scan", is_flag=True, help="Do not scan PATH; leave the inventory section as it is.")
@checklists_dir_option
@version_option
@reports_input_errors
def assess(
    path: Path,
    output: Path | None,
    dry_run: bool,
    fmt: str,
    checklist_ids: tuple[str, ...],
    modes: tuple[str, ...],
    project_name: str | None,
    no_scan: bool,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Create or update the assessment of the project at PATH.

    A new file lists every item of the selected checklists, blank. An existing file is merged:
    answers, notes, evidence, waivers, comments, key order and unknown keys are kept; new items
    are added; items that left a checklist move to `retired`; an item that replaces an old one
    inherits its answer. The write is atomic. An answer spelled otherwise (No, N/A, true) is
    written "no", "n/a", "yes"; the summary lists that and anything else rewritten in what a
    person wrote (comments moved out of the tool's question comment or out of `inventory`).

    Unless --no-scan is given, PATH is scanned first: the providers, SDKs, model ids and signals
    found in its code, configuration and manifests replace the file's `inventory` section (secrets
    are reported by kind and location, never by value).
    """
    from pathlib import Path

    from ..core.assessment import DEFAULT_FILENAME, load_document, lost_comments, merge, read_plain, render
    from ..core.errors import InputError, Location
    from ..core.files import FileChanged, locked, remove_stale_temporary_files, write_atomic
    from ..core.yamlio import read_text

    path, output = Path(path), Path(output) if output else None

    _require_stdout()  # before anything is written: the summary (or the dry run's diff) goes there
    if not path.exists():
        raise InputError(Location(str(path)), "no such folder", "pass the project folder to assess")
    if not path.is_dir():
        raise InputError(Location(str(path)), "is not a folder", "pass the project folder; use --output to name the assessment file")
    target = output or path / DEFAULT_FILENAME
    if target.is_dir():
        raise InputError(Location(str(target)), "is a directory, not a YAML file", "pass a file path to --output")
    catalog = _catalog(checklists_dirs)
    catalog.select(checklist_ids)  # unknown ids are a usage error before anything is read
    scan = None
    if not no_scan:
        from ..scan import scan_project

        if target.exists():
            # Fail fast, before the slow scan, on a file that cannot be read: check's reader and
            # schema check, which is what load_document refuses by. What is read here is not what
            # gets merged (the file is read again after the scan), so the slower round-trip parse
            # that keeps comments is left to that second read.
            read_plain(read_text(target), str(target), allow_empty=True)
        scan = scan_project(path, progress=None if fmt == "text" else False, catalog=catalog, exclude=[target])
    name = project_name or path.resolve().name
    inventory = scan.to_inventory() if scan is not None else None
    from ..terms import shipped as shipped_terms

    # Suggestions (comment lines, never answers) from the provider terms shipped with the tool.
    terms = shipped_terms()
    # The critical section: read, merge and write under a lock, after the slow scan, so an answer
    # saved during the scan is merged rather than overwritten, and two runs on one file take turns.
    # The lock binds only fm-governance; a person's editor is caught by the check that the file
    # still holds the text that was read (write_atomic's `expected`), and the merge is redone.
    with contextlib.nullcontext() if dry_run else locked(target):
        if not dry_run:
            remove_stale_temporary_files(target)
        for attempt in range(1, _MERGE_ATTEMPTS + 1):
            if target.exists():
                document, original = load_document(target)
            else:
                document, original = None, None
            result = merge(document, catalog, file=str(target), select=checklist_ids, project_name=name, modes=modes, inventory=inventory, terms=terms)
            text = render(result.document, original=original, file=str(target))
            changed = text != original
            if dry_run or not changed:
                break
            try:
                write_atomic(target, text, expected=original)
                break
            except FileChanged:
                if attempt == _MERGE_ATTEMPTS:
                    raise
    action = "created" if original is None else ("updated" if changed else "unchanged")
    lost = lost_comments(original, text) if changed else []
    if fmt == "json":
        summary = {
            "file": str(target),
            "action": action,
            "dry_run": dry_run,
            **result.as_dict(),
            "comments_lost": [{"line": line, "comment": comment} for line, comment in lost],
            **(scan.to_json_dict() if scan is not None else {"scanned": False}),
        }
        from ..core.escaping import json_text

        _emit(json_text(summary, indent=2) + "\n", None)
        return
    if dry_run:
        import difflib

        diff = difflib.unified_diff(
            (original or "").splitlines(keepends=True), text.splitlines(keepends=True), fromfile=f"{target} (current)", tofile=f"{target} (after assess)"
        )
        from ..core.escaping import terminal_text

        # The diff quotes the file: shown as text, never acting on the terminal.
        out = terminal_text("".join(diff))
        _emit(out if out else f"{terminal_text(target)}: up to date, nothing to change\n", None)
        return
    _emit(_assess_summary(str(target), action, result, lost) + "\n", None)
    if scan is not None:
        _emit(_scan_summary(scan) + "\n", None)


#: How often `assess` re-reads and re-merges a file that a person changed while it was merging.
_MERGE_ATTEMPTS = 3


def _scan_summary(scan: Any) -> str:
    from ..core.terminal import scan_summary

    return scan_summary(scan)


def _assess_summary(target: str, action: str, result: Any, lost: list[tuple[int, str]]) -> str:
    from ..core.terminal import assess_summary

    return assess_summary(
        target, action, result.changes, inventory_replaced=result.inventory_replaced, inventory_comments=result.inventory_comments, lost_comments=lost
    )
