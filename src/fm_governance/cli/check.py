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
    _emit,
    _score_file,
    checklists_dir_option,
    force_option,
    main,
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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "sarif", "junit"]), default="text", show_default=True, help="Output format.")
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
    fmt: str,
    output: Path | None,
    force: bool,
    as_of: _dt.datetime | None,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Validate and score an assessment FILE, and gate on it.

    Scores each area and the whole 0–100 (yes 1, partial ½, no or unanswered 0, n/a excluded;
    weights critical 4, high 3, medium 2, low 1; a valid waiver counts as met). Expired waivers,
    n/a without notes and stale versions are reported with the line and column where they occur.

    The gate policy comes, key by key, from the flags, else the assessment's `policy:` section,
    else `[tool.fm-governance]` in the pyproject.toml beside FILE (keys `fail-on`, `fail-under`,
    and `waivers.max-days`: a waiver expiring further ahead does not satisfy fail-on). With no
    gate set nothing is gated, and every format says so. Every format states the policy it
    applied and where each part came from.

    -o FILE never replaces the assessment being read, another assessment or a checklist; an
    existing file of any other kind is replaced only with --force.
    """
    from ..core import reports
    from ..core.policy import resolve_policy
    from ..core.scoring import evaluate_gate

    result = _score_file(file, checklists_dirs, as_of, output=output, force=force)
    policy = resolve_policy(result.assessment, fail_on=fail_on, fail_under=fail_under)
    gate = evaluate_gate(result, policy.gate)  # None: no gate set
    if fmt == "json":
        _emit(reports.to_json(result, gate, policy), output)
    elif fmt == "markdown":
        _emit(reports.to_markdown(result, gate, policy=policy), output)
    elif fmt == "sarif":
        _emit(reports.to_sarif(result, policy=policy, gate=gate), output)
    elif fmt == "junit":
        _emit(reports.to_junit(result, policy=policy, gate=gate), output)
    else:
        _print_text(result, gate, policy, output)
    if fmt != "text":
        # Machine formats keep stdout clean; the problems still reach a person on stderr.
        for problem in result.problems:
            click.echo(problem.one_line(), err=True)
    raise SystemExit(EXIT_GATE if gate is not None and not gate.passed else EXIT_OK)


def _print_text(result: Any, gate: Any, policy: Any, output: Path | None) -> None:
    import shutil

    from ..core.terminal import DEFAULT_WIDTH, check_report

    # Laid out for the terminal it is shown on; anything else (a pipe, a file, a CI log) gets the
    # plain text at a fixed width, so the same input always gives the same bytes.
    to_terminal = (output is None or str(output) == "-") and sys.stdout is not None and sys.stdout.isatty()
    width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if to_terminal else DEFAULT_WIDTH
    _emit(check_report(result, gate, policy=policy, width=width, color=to_terminal), output)
