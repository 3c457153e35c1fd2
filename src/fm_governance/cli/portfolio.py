"""``fm-governance portfolio PATH...``: concentration risk and open work across many assessments.

A thin layer over :mod:`fm_governance.portfolio`: collect the files, read and score each (in
parallel for large inputs), build the portfolio once, render it in the format asked for.

Exit codes follow the CLI contract, in this order: 2 when any input could not be read (a path that
names nothing, a file ``check`` would refuse) — the output is still written, with every readable
file counted and each bad one listed with its located error, but the portfolio is incomplete and
the exit code says so; else 1 when a gate that was asked for fails (``--fail-on-spof``,
``--max-hhi``); else 0.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .app import (
    EXIT_GATE,
    EXIT_INPUT,
    EXIT_OK,
    FiniteFloatRange,
    _emit,
    _guard_output,
    checklists_dir_option,
    force_option,
    main,
    reports_input_errors,
    version_option,
)

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path

    from ..portfolio.model import Portfolio

FORMATS = ("text", "json", "markdown", "csv", "csv-models", "html")


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format. csv: one row per project; csv-models: one row per project × model.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output to this file instead of stdout (`-`: stdout).")
@force_option
@click.option(
    "--spof-threshold",
    type=FiniteFloatRange(0, 1),
    default=0.5,
    show_default=True,
    metavar="SHARE",
    help="A developer or channel behind more than this share (0–1) of the critical projects is a single point of failure.",
)
@click.option("--fail-on-spof", is_flag=True, help="Fail (exit 1) when there is a single point of failure.")
@click.option("--max-hhi", type=FiniteFloatRange(0, 10_000), metavar="N", help="Fail (exit 1) when any level's HHI (all projects) is above N (0–10,000).")
@click.option(
    "--max-age", type=click.IntRange(min=1), default=365, show_default=True, metavar="DAYS", help="List assessments whose project.date is older than this."
)
@click.option(
    "--waiver-days", type=click.IntRange(min=0), default=30, show_default=True, metavar="DAYS", help="List waivers that expire within this many days."
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="Worker processes for large inputs [default: one per CPU].")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge waivers, retirements and ages as on this date [default: today].")
@click.option("--title", default="Model portfolio", show_default=True, help="Title of the HTML page.")
@checklists_dir_option
@version_option
@reports_input_errors
def portfolio(
    paths: tuple[str, ...],
    fmt: str,
    output: Path | None,
    force: bool,
    spof_threshold: float,
    fail_on_spof: bool,
    max_hhi: float | None,
    max_age: int,
    waiver_days: int,
    jobs: int | None,
    as_of: _dt.datetime | None,
    title: str,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Measure concentration risk across many assessments.

    PATH is an assessment file, a folder (searched for fm-governance.yaml, skipping hidden folders
    and node_modules), a glob (quote it: `'assessments/**/*.yaml'`), or `-` to read such paths from
    stdin, one a line. A project named in two files is counted once (the most recent assessment).

    For each level — model developer, hosting channel, provider contracted — it shows the share of
    projects and of critical projects (`project.criticality: critical`) that depend on each, and
    the Herfindahl–Hirschman index (0–10,000; above 1,800 is "highly concentrated" in the US
    DOJ/FTC 2023 Merger Guidelines, §2.1). It lists single points of failure, models retired or
    retiring within 180 days, open critical and high items per owner role and per area, the score
    distribution, waivers expiring soon and assessments older than --max-age.

    A file that cannot be read is listed with its located error and left out of every figure; the
    output is still written, and the exit code is 2 (the portfolio is incomplete). Otherwise exit 1
    when --fail-on-spof or --max-hhi fails, else 0.
    """
    import datetime as dt

    from ..core.errors import InputErrors
    from ..portfolio import inputs, model, read

    files, errors = inputs.collect(paths, sys.stdin if "-" in paths else None)
    _guard_output(output, force=force, reading=tuple(files))
    if not files:
        raise InputErrors(errors) if errors else click.UsageError("no assessment files given")
    today = as_of.date() if as_of else dt.date.today()
    entries = read.read_all(files, checklists_dirs, today=today, jobs=jobs)
    settings = model.Settings(spof_threshold=spof_threshold, max_age_days=max_age, waiver_days=waiver_days)
    built = model.build(entries, today=today, settings=settings)
    _render(built, fmt, output, title)
    # The problems reach a person on stderr in every format (stdout stays clean for the data).
    for error in errors:
        click.echo(error.one_line(), err=True)
    for excluded in built.excluded:
        for line in excluded.errors:
            click.echo(line, err=True)
    for duplicate in built.duplicates:
        click.echo(
            f"{duplicate.dropped[0]}: warning: project {duplicate.name!r} is also in {duplicate.kept} — counted once, from the most recent assessment", err=True
        )
    if errors or built.excluded:
        raise SystemExit(EXIT_INPUT)
    reasons = model.gate(built, fail_on_spof=fail_on_spof, max_hhi=max_hhi)
    for reason in reasons:
        click.echo(f"portfolio gate failed: {reason}", err=True)
    raise SystemExit(EXIT_GATE if reasons else EXIT_OK)


def _render(built: Portfolio, fmt: str, output: Path | None, title: str) -> None:
    from ..portfolio import csvout, html, jsondoc, markdown, text

    if fmt == "json":
        _emit(jsondoc.render(built), output)
    elif fmt == "markdown":
        _emit(markdown.render(built), output)
    elif fmt == "csv":
        _emit(csvout.projects(built), output)
    elif fmt == "csv-models":
        _emit(csvout.models(built), output)
    elif fmt == "html":
        _emit(html.render(built, title=title), output)
    else:
        import shutil

        to_terminal = (output is None or str(output) == "-") and sys.stdout is not None and sys.stdout.isatty()
        width = shutil.get_terminal_size((text.DEFAULT_WIDTH, 24)).columns if to_terminal else text.DEFAULT_WIDTH
        _emit(text.render(built, width=width, color=to_terminal), output)
