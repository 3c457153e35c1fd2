"""``fm-governance report``: a filled assessment as a document to read and sign."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from .app import (
    SEVERITIES,
    FiniteFloatRange,
    _build_report,
    _emit,
    _require_stdout,
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "pdf"]),
    default="markdown",
    show_default=True,
    help="Report format. pdf needs the [pdf] extra of fm-governance.",
)
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
def report(
    file: Path,
    fmt: str,
    fail_on: str | None,
    fail_under: float | None,
    owners: tuple[str, ...],
    output: Path | None,
    paper: str,
    force: bool,
    as_of: _dt.datetime | None,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Render a filled assessment FILE as a standalone Markdown, HTML or PDF report.

    The report opens with the verdict under the same policy as `check` (the flags, else the
    assessment's `policy:` section, else `[tool.fm-governance]` in the pyproject.toml beside FILE),
    then what blocks approval, the to-do per owner role, every area's items and the inventory.
    It is a document, not a gate: it exits 0 whatever the verdict (use `check` to gate). The PDF
    is binary: pass -o FILE or redirect stdout.

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    if fmt == "pdf":
        _check_pdf_output(output)  # before the work: a missing extra or a terminal is known now
    built = _build_report(file, checklists_dirs, as_of, output=output, force=force, fail_on=fail_on, fail_under=fail_under, owners=owners)
    if fmt == "markdown":
        from ..reports.markdown import document

        _emit(document(built), output)
    elif fmt == "html":
        from ..reports import html

        _emit(html.render(built, paper=paper.lower()), output)
    else:
        from ..reports import pdf

        _emit_binary(pdf.render(built, paper=paper.lower()), output)


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
