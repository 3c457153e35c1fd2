"""The ``fm-governance`` command line: a thin click layer over :mod:`fm_governance.core`.

Start-up cost is part of the interface (the CLI runs in every CI job and pre-commit hook), so this
module imports only click at load time; each command imports the core modules, jsonschema, rich or
jinja2 when it runs. Exit codes are a contract: 0 ok, 1 the gate failed, 2 bad input or usage.
Every failure is reported as one line — ``file:line:col: what is wrong — what to do`` — on stderr.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__

if TYPE_CHECKING:  # only for annotations: pathlib and datetime stay out of start-up
    import datetime as _dt
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_GATE, EXIT_INPUT = 0, 1, 2
SEVERITIES = ("critical", "high", "medium", "low")
MODES = ("hosted-api", "rag", "hosted-fine-tuning", "self-hosted")  # mirrored from core.models (kept import-free)


def _fail(lines: list[str]) -> NoReturn:
    for line in lines[:50]:
        click.echo(line, err=True)
    if len(lines) > 50:
        click.echo(f"… and {len(lines) - 50} more problems", err=True)
    raise SystemExit(EXIT_INPUT)


def reports_input_errors(func: F) -> F:
    """Turn located input errors into one line each on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .core.errors import InputError, InputErrors

        try:
            return func(*args, **kwargs)
        except InputErrors as exc:
            _fail(exc.lines())
        except InputError as exc:
            _fail([exc.one_line()])
        except BrokenPipeError:
            # The reader went away (`fm-governance check | head`): nothing left to tell it.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(EXIT_OK) from None
        except OSError as exc:
            target = exc.filename or "output"
            _fail([f"{target}: {exc.strerror or exc} — check the path and permissions"])
        except Exception as exc:  # a bug in fm-governance: still one line, never a traceback
            if os.environ.get("FMG_DEBUG"):
                raise
            _fail([f"fm-governance: internal error ({type(exc).__name__}: {exc}) — please report it; FMG_DEBUG=1 shows the traceback"])

    return wrapper  # type: ignore[return-value]


def version_option(func: F) -> F:
    return click.version_option(__version__, "--version", prog_name="fm-governance", message="%(prog)s %(version)s")(func)


def checklists_dir_option(func: F) -> F:
    return click.option(
        "--checklists-dir",
        "checklists_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        envvar="FMG_CHECKLISTS_DIR",
        help="Extra folder of checklist files to load beside the built-in four (repeatable; env FMG_CHECKLISTS_DIR).",
    )(func)


def _catalog(dirs: tuple[Path, ...]) -> Any:
    from .core.checklists import load_catalog

    return load_catalog(dirs)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from .core.yamlio import write_atomic

    write_atomic(Path(output), text)


class OneLineErrorsGroup(click.Group):
    """A click group whose usage errors are one line, like every other failure."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            raise SystemExit(exc.exit_code) from None
        except click.UsageError as exc:
            name = exc.ctx.command_path if exc.ctx else "fm-governance"
            click.echo(f"{name}: {exc.format_message()} — see `{name} --help`", err=True)
            raise SystemExit(EXIT_INPUT) from None
        except click.ClickException as exc:
            click.echo(f"fm-governance: {exc.format_message()}", err=True)
            raise SystemExit(EXIT_INPUT) from None
        except click.Abort:
            click.echo("fm-governance: aborted", err=True)
            raise SystemExit(EXIT_INPUT) from None
        except KeyboardInterrupt:
            click.echo("fm-governance: interrupted", err=True)
            raise SystemExit(130) from None


@click.group(cls=OneLineErrorsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@version_option
def main() -> None:
    """Govern how your organisation chooses and adapts foundation models.

    Four checklists — data exposure, vendor lock-in, intellectual property, operational
    continuity — as a fillable YAML assessment that people answer and CI scores.

    \b
    Typical use:
      fm-governance assess .            # create or update ./fm-governance.yaml
      fm-governance check --fail-on high  # score it; exit 1 if a high item is open

    Exit codes: 0 ok, 1 the gate failed, 2 bad input or usage.
    """


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
    inherits its answer. The write is atomic.

    Unless --no-scan is given, PATH is scanned first: the providers, SDKs, model ids and signals
    found in its code, configuration and manifests replace the file's `inventory` section (secrets
    are reported by kind and location, never by value).
    """
    import json
    from pathlib import Path

    from .core.assessment import DEFAULT_FILENAME, load_document, merge, render
    from .core.errors import InputError, Location

    path, output = Path(path), Path(output) if output else None

    if not path.exists():
        raise InputError(Location(str(path)), "no such folder", "pass the project folder to assess")
    if not path.is_dir():
        raise InputError(Location(str(path)), "is not a folder", "pass the project folder; use --output to name the assessment file")
    target = output or path / DEFAULT_FILENAME
    if target.is_dir():
        raise InputError(Location(str(target)), "is a directory, not a YAML file", "pass a file path to --output")
    catalog = _catalog(checklists_dirs)
    catalog.select(checklist_ids)  # unknown ids are a usage error before anything is read
    if target.exists():
        document, original = load_document(target)
    else:
        document, original = None, None
    scan = None
    if not no_scan:
        from .scan import scan_project

        scan = scan_project(path, progress=None if fmt == "text" else False, catalog=catalog, exclude=[target])
    name = project_name or path.resolve().name
    result = merge(
        document, catalog, file=str(target), select=checklist_ids, project_name=name, modes=modes, inventory=scan.to_inventory() if scan is not None else None
    )
    text = render(result.document, original=original)
    changed = text != original
    action = "created" if original is None else ("updated" if changed else "unchanged")
    if not dry_run and changed:
        from .core.yamlio import write_atomic

        write_atomic(target, text)
    if fmt == "json":
        summary = {
            "file": str(target),
            "action": action,
            "dry_run": dry_run,
            "checklists": [c.as_dict() for c in result.changes],
            **(scan.to_json_dict() if scan is not None else {"scanned": False}),
        }
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    if dry_run:
        import difflib

        diff = difflib.unified_diff(
            (original or "").splitlines(keepends=True), text.splitlines(keepends=True), fromfile=f"{target} (current)", tofile=f"{target} (after assess)"
        )
        out = "".join(diff)
        click.echo(out if out else f"{target}: up to date, nothing to change", nl=not out)
        return
    click.echo(_assess_summary(str(target), action, result.changes))
    if scan is not None:
        click.echo(_scan_summary(scan))


def _scan_summary(scan: Any) -> str:
    from .core.terminal import scan_summary

    return scan_summary(scan)


def _assess_summary(target: str, action: str, changes: list[Any]) -> str:
    from .core.terminal import assess_summary

    return assess_summary(target, action, changes)


@main.command()
@click.argument("file", required=False, default="fm-governance.yaml", type=click.Path())
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="SCORE", help="Fail (exit 1) when the overall score is below SCORE (0–100).")
@click.option(
    "--fail-on", type=click.Choice(SEVERITIES), help="Fail (exit 1) when an item at or above this severity is unanswered or answered no without a valid waiver."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "sarif", "junit"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output to this file instead of stdout.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date (waiver expiry) [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def check(
    file: Path, fail_under: float | None, fail_on: str | None, fmt: str, output: Path | None, as_of: _dt.datetime | None, checklists_dirs: tuple[Path, ...]
) -> None:
    """Validate and score an assessment FILE, and gate on it.

    Scores each area and the whole 0–100 (yes 1, partial ½, no or unanswered 0, n/a excluded;
    weights critical 4, high 3, medium 2, low 1; a valid waiver counts as met). Expired waivers,
    n/a without notes and stale versions are reported with the line and column where they occur.
    """
    from .core import reports
    from .core.models import Severity
    from .core.scoring import Gate, evaluate_gate

    result = _score_file(file, checklists_dirs, as_of)
    gate = evaluate_gate(result, Gate(fail_under=fail_under, fail_on=Severity(fail_on) if fail_on else None))
    if fmt == "json":
        _emit(reports.to_json(result, gate), output)
    elif fmt == "markdown":
        _emit(reports.to_markdown(result, gate), output)
    elif fmt == "sarif":
        _emit(reports.to_sarif(result), output)
    elif fmt == "junit":
        _emit(reports.to_junit(result), output)
    else:
        _print_text(result, gate, output, fail_under is not None or fail_on is not None)
    if fmt != "text":
        # Machine formats keep stdout clean; the problems still reach a person on stderr.
        for problem in result.problems:
            click.echo(problem.one_line(), err=True)
    raise SystemExit(EXIT_OK if gate.passed else EXIT_GATE)


def _score_file(file: Path, checklists_dirs: tuple[Path, ...], as_of: _dt.datetime | None) -> Any:
    from pathlib import Path

    from .core.assessment import read_assessment
    from .core.scoring import score

    catalog = _catalog(checklists_dirs)
    return score(read_assessment(Path(file), catalog), catalog, today=as_of.date() if as_of else None)


def _print_text(result: Any, gate: Any, output: Path | None, gate_configured: bool) -> None:
    import shutil

    from .core.terminal import DEFAULT_WIDTH, check_report

    # Laid out for the terminal it is shown on; anything else (a pipe, a file, a CI log) gets the
    # plain text at a fixed width, so the same input always gives the same bytes.
    to_terminal = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if to_terminal else DEFAULT_WIDTH
    _emit(check_report(result, gate, gate_configured=gate_configured, width=width, color=to_terminal), output)


@main.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the template to this file instead of stdout.")
@click.option("--mode", "modes", multiple=True, type=click.Choice(MODES), help="Pre-fill context.modes (repeatable).")
@click.option("--project-name", help="Pre-fill project.name.")
@checklists_dir_option
@version_option
@reports_input_errors
def template(ids: tuple[str, ...], output: Path | None, modes: tuple[str, ...], project_name: str | None, checklists_dirs: tuple[Path, ...]) -> None:
    """Print a blank, fillable assessment for all checklists or the IDs named."""
    from .core.assessment import template_text

    catalog = _catalog(checklists_dirs)
    _emit(template_text(catalog.select(ids), project_name=project_name, modes=modes), output)


@main.command("checklists")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@checklists_dir_option
@version_option
@reports_input_errors
def list_checklists(fmt: str, checklists_dirs: tuple[Path, ...]) -> None:
    """List the available checklists: id, title, version and item count."""
    catalog = _catalog(checklists_dirs)
    rows = [{"id": c.id, "title": c.title, "version": c.version, "items": len(c.items), "owner": c.owner, "path": c.path} for c in catalog]
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    from .core.escaping import terminal_line

    width = max(len(r["id"]) for r in rows)
    for r in rows:
        # A custom checklist's title is file text: shown, never acting on the terminal.
        click.echo(f"{r['id']:<{width}}  {r['version']:<7}  {r['items']:>3} items  {terminal_line(r['title'])}")


@main.command()
@click.argument("kind", type=click.Choice(["checklist", "assessment"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the schema to this file instead of stdout.")
@version_option
@reports_input_errors
def schema(kind: str, output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of a checklist or an assessment file."""
    from .core.schemas import schema_text

    _emit(schema_text(kind), output)


@main.command()
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def report(file: Path, fmt: str, output: Path | None, as_of: _dt.datetime | None, checklists_dirs: tuple[Path, ...]) -> None:
    """Render a filled assessment FILE as a standalone Markdown or HTML report."""
    from .core import reports

    result = _score_file(file, checklists_dirs, as_of)
    text = reports.to_html(result) if fmt == "html" else reports.to_markdown(result, full=True)
    _emit(text, output)


def run() -> None:  # pragma: no cover - console-script entry point
    from .core.terminal import degrade_unencodable_output

    # Before anything is written: an output encoding that cannot hold a character (a C locale,
    # PYTHONIOENCODING=ascii, a Windows code page) degrades it instead of ending the command.
    degrade_unencodable_output()
    main(prog_name="fm-governance")


if __name__ == "__main__":  # pragma: no cover
    run()
