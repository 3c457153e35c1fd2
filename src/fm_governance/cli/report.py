"""``fm-governance report``: a filled assessment as a document to read and sign."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import (
    SEVERITIES,
    FiniteFloatRange,
    _build_report,
    _emit,
    checklists_dir_option,
    force_option,
    main,
    owner_option,
    reports_input_errors,
    version_option,
)

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path


@main.command()
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True, help="Report format.")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="The policy the verdict states, as for `check`: an item at or above this severity left open fails it. Overrides `fail-on` in the policy.",
)
@click.option(
    "--fail-under",
    type=FiniteFloatRange(0, 100),
    metavar="SCORE",
    help="The policy the verdict states, as for `check`: an overall score below SCORE (0–100) fails it. Overrides `fail-under` in the policy.",
)
@owner_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout (`-`: stdout).")
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def report(
    file: Path,
    fmt: str,
    fail_on: str | None,
    fail_under: float | None,
    owners: tuple[str, ...],
    output: Path | None,
    force: bool,
    as_of: _dt.datetime | None,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Render a filled assessment FILE as a standalone Markdown or HTML report.

    The report opens with the verdict under the same policy as `check` (the flags, else the
    assessment's `policy:` section, else `[tool.fm-governance]` in the pyproject.toml beside FILE),
    then what blocks approval, the to-do per owner role, every area's items and the inventory.
    It is a document, not a gate: it exits 0 whatever the verdict (use `check` to gate).

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    built = _build_report(file, checklists_dirs, as_of, output=output, force=force, fail_on=fail_on, fail_under=fail_under, owners=owners)
    if fmt == "html":
        from ..reports.html_legacy import to_html

        text = to_html(built.result)
    else:
        from ..reports.markdown import document

        text = document(built)
    _emit(text, output)
