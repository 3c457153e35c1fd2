"""The ``fm-governance`` group and what every command shares: options, output, one-line errors.

Start-up cost is part of the interface (the CLI runs in every CI job and pre-commit hook), so this
module imports only click at load time; each command imports the core modules, jsonschema, rich or
jinja2 when it runs. Exit codes are a contract: 0 ok, 1 the gate failed, 2 bad input or usage.
Every failure is reported as one line — ``file:line:col: what is wrong — what to do`` — on stderr.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .. import __version__

if TYPE_CHECKING:  # only for annotations: pathlib and datetime stay out of start-up
    import datetime as _dt
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_GATE, EXIT_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of stdout closed it before everything was written
SEVERITIES = ("critical", "high", "medium", "low")
MODES = ("hosted-api", "rag", "hosted-fine-tuning", "self-hosted")  # mirrored from core.models (kept import-free)


def _fail(lines: list[str]) -> NoReturn:
    from ..core.escaping import terminal_line

    # Every error line goes through here; a file name or an OS message may quote file text.
    for line in lines[:50]:
        click.echo(terminal_line(line), err=True)
    if len(lines) > 50:
        click.echo(f"… and {len(lines) - 50} more problems", err=True)
    raise SystemExit(EXIT_INPUT)


def reports_input_errors(func: F) -> F:
    """Turn located input errors into one line each on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..core.errors import InputError, InputErrors

        try:
            return func(*args, **kwargs)
        except InputErrors as exc:
            _fail(exc.lines())
        except InputError as exc:
            _fail([exc.one_line()])
        except BrokenPipeError:
            # The reader went away (`fm-governance check | head`): nothing left to tell it, and
            # nothing to print on the terminal for what was a normal end of the pipeline. But the
            # output was not all delivered, so not success either: 141 (128 + SIGPIPE) is what a
            # command killed by the broken pipe would have returned, and fails `set -o pipefail`.
            with contextlib.suppress(OSError, ValueError, AttributeError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not complain
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            # Reads and writes of named files become located InputErrors where they happen; what
            # is left here has no better name than the one the OS gave.
            target = exc.filename or "fm-governance"
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
    from ..core.checklists import load_catalog

    return load_catalog(dirs)


def _emit(text: str, output: Path | str | None) -> None:
    """Write ``text`` to ``output`` (atomically), or to stdout when it is None or ``-``.

    Every command's data goes through here, so every output gets the same guarantees: a file is
    replaced atomically (never left half-written), through its symlink, and only if it is a regular
    writable file; a stdout that is closed (``>&-``) or full is an error, never data silently lost
    with exit 0. Which existing files an output may replace is decided before the work, by
    :func:`_guard_output`.
    """
    if output is not None and str(output) != "-":
        from ..core.files import write_atomic

        write_atomic(output, text)
        return
    from ..core.errors import InputError, Location

    _require_stdout()
    try:
        _write_stdout(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise InputError(
            Location("<stdout>"), f"cannot be written ({exc.strerror or exc})", "redirect standard output to a writable file, or pass -o FILE"
        ) from None


def _require_stdout() -> None:
    """Refuse to run a command whose output would go to a closed stdout (``>&-``)."""
    if sys.stdout is None:  # Python found no file descriptor 1 at start-up
        from ..core.errors import InputError, Location

        raise InputError(Location("<stdout>"), "standard output is closed; the output would be lost", "redirect it to a file, or pass -o FILE")


def _write_stdout(text: str) -> None:
    """Write all of ``text`` to stdout, or raise: no byte dropped without an error.

    Straight to the file descriptor, in a loop over partial writes: when the reader of a pipe goes
    away in the middle of a large write, the kernel reports the part it took, and Python's buffered
    stream has been seen to drop the rest without raising. The stream's own encoding and error
    handler are kept. Streams without a descriptor (tests, IDEs) get an ordinary write.
    """
    stream = sys.stdout
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):
        fd = None
    if fd is None:
        click.echo(text, nl=False)  # click flushes, so a failed write is raised here
        return
    stream.flush()
    view = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while view:
        view = view[os.write(fd, view) :]


def _guard_output(output: Path | str | None, *, force: bool, reading: tuple[Any, ...] = (), catalog: Any = None, **kwargs: Any) -> None:
    """Refuse, before any work, an ``-o`` target that must not be replaced (see core.outputs)."""
    from ..core.outputs import check_output

    checklists = [c.path for c in catalog] if catalog is not None else []
    check_output(output, force=force, reading=reading, checklists=checklists, **kwargs)


def force_option(func: F) -> F:
    return click.option(
        "--force",
        is_flag=True,
        help="Replace an existing output file. Never the file being read, an assessment or a checklist.",
    )(func)


class FiniteFloatRange(click.FloatRange):
    """A float range that refuses nan and infinities (``nan`` compares false with any bound)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number is not None and not math.isfinite(number):
            self.fail(f"{value!r} is not a number between {self.min:g} and {self.max:g}", param, ctx)
        return number


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


def _score_file(file: Path, checklists_dirs: tuple[Path, ...], as_of: _dt.datetime | None, *, output: Path | None, force: bool) -> Any:
    from pathlib import Path

    from ..core.assessment import read_assessment
    from ..core.scoring import score

    catalog = _catalog(checklists_dirs)
    _guard_output(output, force=force, reading=(file,), catalog=catalog)
    return score(read_assessment(Path(file), catalog), catalog, today=as_of.date() if as_of else None)


def owner_option(func: F) -> F:
    return click.option(
        "--owner",
        "owners",
        multiple=True,
        metavar="ROLE",
        help=(
            "List only the open items and to-do of this owner role (repeatable): legal, procurement, risk, security, privacy, "
            "engineering, or a role a loaded checklist names. The score, the verdict, the gate and the exit code still cover all items."
        ),
    )(func)


def _check_owners(owners: tuple[str, ...], roles: tuple[str, ...]) -> None:
    """Refuse a role no loaded checklist has: a typo would otherwise list nothing, silently."""
    from ..core.errors import InputError, Location

    for owner in owners:
        if owner.strip().lower() not in roles:
            ctx = click.get_current_context(silent=True)
            where = ctx.command_path if ctx is not None else "fm-governance"
            raise InputError(Location(where), f"--owner {owner!r} is not an owner role of the loaded checklists", f"use one of {', '.join(roles)}")


def _lazy_catalog_lookup() -> Callable[[str], Any]:
    """The model catalog's lookup, compiled only when the inventory names a model (~0.2 s)."""
    lookup: Callable[[str], Any] | None = None

    def find(model_id: str) -> Any:
        nonlocal lookup
        if lookup is None:
            from ..reports.model import catalog_lookup

            lookup = catalog_lookup()
        return lookup(model_id)

    return find


def _build_report(
    file: Path,
    checklists_dirs: tuple[Path, ...],
    as_of: _dt.datetime | None,
    *,
    output: Path | None,
    force: bool,
    fail_on: str | None = None,
    fail_under: float | None = None,
    owners: tuple[str, ...] = (),
    fail_on_review: bool = False,
) -> Any:
    """Score FILE, resolve its policy (flags over the assessment over pyproject.toml), gate it and
    build the report model every format of ``check`` and ``report`` renders."""
    from ..core.policy import resolve_policy
    from ..core.scoring import evaluate_gate
    from ..reports.model import build, owner_roles

    result = _score_file(file, checklists_dirs, as_of, output=output, force=force)
    _check_owners(owners, owner_roles(result))
    policy = resolve_policy(result.assessment, fail_on=fail_on, fail_under=fail_under, fail_on_review=fail_on_review)
    gate = evaluate_gate(result, policy.gate)  # None: no gate set
    return build(result, policy=policy, gate=gate, owners=owners, model_lookup=_lazy_catalog_lookup())
