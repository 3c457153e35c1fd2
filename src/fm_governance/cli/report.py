"""``fm-governance report``: a filled assessment as a document to read and sign."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import _emit, _score_file, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path


@main.command()
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout (`-`: stdout).")
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def report(file: Path, fmt: str, output: Path | None, force: bool, as_of: _dt.datetime | None, checklists_dirs: tuple[Path, ...]) -> None:
    """Render a filled assessment FILE as a standalone Markdown or HTML report.

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    from ..core import reports

    result = _score_file(file, checklists_dirs, as_of, output=output, force=force)
    text = reports.to_html(result) if fmt == "html" else reports.to_markdown(result, full=True)
    _emit(text, output)
