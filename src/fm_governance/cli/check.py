"""``fm-governance check``: score an assessment and gate on it (exit 1 when the gate fails)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from .app import (
    EXIT_GATE,
    EXIT_OK,
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
@click.argument("file", required=False, default="fm-governance.yaml", type=click.Path())
@click.option(
    "--fail-under",
    type=FiniteFloatRange(0, 100),
    metavar="SCORE",
    help="Fail (exit 1) when the overall score is below SCORE (0–100). Overrides `fail-under` in the policy.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Fail (exit 1) when an item at or above this severity is unanswered or answered no without a valid waiver. Overrides `fail-on` in the policy.",
)
@click.option(
    "--fail-on-review",
    is_flag=True,
    help="Fail (exit 1) while any answer needs review: its question changed in meaning after it was answered (`review:` in the file).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown", "sarif", "junit", "gitlab"]), default="text", show_default=True, help="Output format."
)
@owner_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output to this file instead of stdout (`-`: stdout).")
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date (waiver expiry) [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def check(
    file: Path,
    fail_under: float | None,
    fail_on: str | None,
    fail_on_review: bool,
    fmt: str,
    owners: tuple[str, ...],
    output: Path | None,
    force: bool,
    as_of: _dt.datetime | None,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Validate and score an assessment FILE, and gate on it.

    Scores each area and the whole 0–100 (yes 1, partial ½, no or unanswered 0, n/a excluded;
    weights critical 4, high 3, medium 2, low 1; a valid waiver counts as met). Expired waivers,
    n/a without notes, stale versions and answers that need review (their question
    changed since; `assess` marks them `review:`) are reported with the line and column where they occur.

    The gate policy comes, key by key, from the flags, else the assessment's `policy:` section,
    else `[tool.fm-governance]` in the pyproject.toml beside FILE (keys `fail-on`, `fail-under`,
    and `waivers.max-days`: a waiver expiring further ahead does not satisfy fail-on; `max-age`,
    days per severity or `default`, lists answers not confirmed (`reviewed:`) for longer as
    stale, and `evidence-max-age` likewise lists evidence entries dated (`{ref, date}`) longer
    ago as stale evidence; neither gates anything). With no
    gate set nothing is gated, and every format says so. Every format states the policy it
    applied and where each part came from.

    Every format opens with the verdict in one sentence. `--format markdown` fits a pull-request
    comment or a job summary: the verdict and what blocks approval first, the rest folded, and
    under GitHub's comment limit (shortened, with a note, when it would not fit).

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    from ..reports import gitlab, jsondoc, junit, markdown, sarif

    report = _build_report(
        file, checklists_dirs, as_of, output=output, force=force, fail_on=fail_on, fail_under=fail_under, owners=owners, fail_on_review=fail_on_review
    )
    if fmt == "json":
        _emit(jsondoc.render(report), output)
    elif fmt == "markdown":
        _emit(markdown.comment(report), output)
    elif fmt == "sarif":
        _emit(sarif.render(report), output)
    elif fmt == "junit":
        _emit(junit.render(report), output)
    elif fmt == "gitlab":
        _emit(gitlab.render(report), output)
    else:
        _print_text(report, output)
    if fmt != "text":
        # Machine formats keep stdout clean; the problems still reach a person on stderr.
        for problem in report.problems:
            click.echo(problem.one_line(), err=True)
    raise SystemExit(EXIT_GATE if report.verdict.state == "failed" else EXIT_OK)


def _print_text(report: Any, output: Path | None) -> None:
    import shutil

    from ..reports.text import DEFAULT_WIDTH, render

    # Laid out for the terminal it is shown on; anything else (a pipe, a file, a CI log) gets the
    # plain text at a fixed width, so the same input always gives the same bytes.
    to_terminal = (output is None or str(output) == "-") and sys.stdout is not None and sys.stdout.isatty()
    width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if to_terminal else DEFAULT_WIDTH
    _emit(render(report, width=width, color=to_terminal), output)
