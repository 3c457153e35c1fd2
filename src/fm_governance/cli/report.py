"""``fm-governance report``: a filled assessment as a document to read and sign."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from .app import _emit, _require_stdout, _score_file, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path


@main.command()
@click.argument("file", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "pdf"]),
    default="markdown",
    show_default=True,
    help="Report format. pdf needs the extra: pip install 'fm-governance[pdf]'.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout (`-`: stdout).")
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"], case_sensitive=False),
    default="a4",
    show_default=True,
    help="Paper size of the PDF and of the HTML report when printed.",
)
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def report(file: Path, fmt: str, output: Path | None, paper: str, force: bool, as_of: _dt.datetime | None, checklists_dirs: tuple[Path, ...]) -> None:
    """Render a filled assessment FILE as a standalone Markdown, HTML or PDF report.

    The HTML and PDF reports open with the verdict under the assessment's gate policy (its
    `policy:` section or [tool.fm-governance] in the pyproject.toml beside it), a chart of the
    score per area, what blocks approval and a to-do list per owner role; then every item by area
    and status, and the inventory as tables. The PDF is binary: pass -o FILE or redirect stdout.

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    from ..core import reports

    if fmt == "pdf":
        _check_pdf_output(output)  # before the work: a missing extra or a terminal is known now
    result = _score_file(file, checklists_dirs, as_of, output=output, force=force)
    if fmt == "markdown":
        _emit(reports.to_markdown(result, full=True), output)
        return

    from ..core.policy import resolve_policy
    from ..core.scoring import evaluate_gate
    from ..reports.model import build, catalog_lookup

    policy = resolve_policy(result.assessment)
    document = build(result, policy=policy, gate=evaluate_gate(result, policy.gate), model_lookup=catalog_lookup())
    if fmt == "html":
        from ..reports import html

        _emit(html.render(document, paper=paper.lower()), output)
    else:
        from ..reports import pdf

        _emit_binary(pdf.render(document, paper=paper.lower()), output)


def _to_stdout(output: Path | str | None) -> bool:
    return output is None or str(output) == "-"


def _check_pdf_output(output: Path | str | None) -> None:
    """Refuse a PDF for a terminal, and a PDF without WeasyPrint, before scoring anything."""
    from ..core.errors import InputError, Location
    from ..reports.pdf import require

    if _to_stdout(output):
        _require_stdout()
        if sys.stdout.isatty():
            raise InputError(Location("<stdout>"), "PDF is binary and standard output is a terminal", "pass -o FILE or redirect standard output to a file")
    require()


def _emit_binary(data: bytes, output: Path | str | None) -> None:
    """Write ``data`` to ``output`` atomically, or all of it to stdout (no byte dropped silently)."""
    if not _to_stdout(output):
        from ..core.files import write_atomic

        assert output is not None
        write_atomic(output, data)
        return
    from ..core.errors import InputError, Location

    stream = sys.stdout
    try:
        try:
            fd = stream.fileno()
        except (AttributeError, ValueError, OSError):
            fd = None
        if fd is None:  # a stream without a descriptor (tests, IDEs): its binary buffer
            stream.buffer.write(data)
            stream.buffer.flush()
            return
        stream.flush()
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise InputError(
            Location("<stdout>"), f"cannot be written ({exc.strerror or exc})", "redirect standard output to a writable file, or pass -o FILE"
        ) from None
