"""``fm-governance diff``: what changed between two versions of an assessment.

Each side is a file, or a git revision of one (``HEAD~1:fm-governance.yaml``, read with
``git show`` run from the current folder with an argument list, never a shell). With one FILE, the
committed version (``HEAD:./FILE``) is compared with the working copy; with none, FILE is
``fm-governance.yaml``. Both sides are scored against the same checklists on the same day, so the
differences shown are the files'.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .app import _catalog, _check_owners, _emit, _guard_output, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    import datetime as _dt

DEFAULT = "fm-governance.yaml"
#: Seconds ``git show`` may take before the revision is reported unreadable.
_GIT_TIMEOUT = 60


@main.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True, help="Output format.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score both sides as on this date (waiver expiry) [default: today].")
@click.option(
    "--owner",
    "owners",
    multiple=True,
    metavar="ROLE",
    help=(
        "List only the answer, evidence and waiver changes of items this owner role owns (repeatable). "
        "The score delta, items added and retired, and the inventory still cover all items."
    ),
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diff to this file instead of stdout (`-`: stdout).")
@force_option
@checklists_dir_option
@version_option
@reports_input_errors
def diff(
    old: str | None,
    new: str | None,
    fmt: str,
    as_of: _dt.datetime | None,
    owners: tuple[str, ...],
    output: str | None,
    force: bool,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Show what changed between two versions of an assessment: OLD and NEW.

    Each is a file or a git revision of one, REV:PATH (`HEAD~1:fm-governance.yaml`; PATH as git
    reads it: from the repository root, or `./` for the current folder). With one argument, FILE,
    the committed version (HEAD) is compared with the working copy; with none, FILE is
    fm-governance.yaml.

    Shows answers changed (old → new, with the new notes), evidence entries added or removed, items
    added and retired, waivers added,
    removed, changed or expired, providers and models added or removed, and the score per area.
    `--format markdown` fits a pull-request comment. `--owner ROLE` limits the answer, evidence and
    waiver changes to that role's items; the score delta still covers every item. `-o FILE` writes the
    diff atomically (an existing file only with --force, never one of the files compared, an
    assessment or a checklist). Exit 0 whatever changed; 2 for bad input.
    """
    from ..core.assessment import read_assessment_text
    from ..core.scoring import score
    from ..reports import diff as render

    if old is not None and new is None:
        old, new = f"HEAD:./{old}", old
    old = old or f"HEAD:./{DEFAULT}"
    new = new or DEFAULT
    catalog = _catalog(checklists_dirs)
    # Files among the sides (not git revisions) are never written over; checked before any work.
    _guard_output(output, force=force, reading=tuple(spec for spec in (old, new) if Path(spec).exists()), catalog=catalog)
    today = as_of.date() if as_of else None
    results = []
    for side, spec in enumerate((old, new)):
        text, name = _read(spec)
        # The old side may answer items retired since: they are read as departed, shown as retired.
        results.append(score(read_assessment_text(text, name, catalog, departed_ok=side == 0), catalog, today=today))
    roles: tuple[str, ...] = ()
    if owners:
        from ..reports.model import owner_filter, owner_roles

        _check_owners(owners, owner_roles(results[1]))
        roles = owner_filter(owners)
    d = render.compare(results[0], results[1], old_name=old, new_name=new, owners=roles)
    if fmt == "json":
        _emit(render.render_json(d), output)
    elif fmt == "markdown":
        _emit(render.render_markdown(d), output)
    else:
        _emit(render.render_text(d), output)


def _read(spec: str) -> tuple[str, str]:
    """The text of ``spec`` (a file, else a ``REV:PATH`` git revision) and the name to locate it by."""
    from ..core.errors import InputError, Location
    from ..core.yamlio import read_text

    path = Path(spec)
    if path.exists() or ":" not in spec:
        return read_text(path), spec
    if spec.startswith("-"):
        raise InputError(Location(spec, 1, 1), "is not a file or a git revision", "write REV:PATH, such as HEAD~1:fm-governance.yaml")
    return _git_show(spec), spec


def _git_show(spec: str) -> str:
    import subprocess

    from ..core.errors import InputError, Location
    from ..core.yamlio import MAX_BYTES

    where = Location(spec, 1, 1)
    try:
        done: Any = subprocess.run(["git", "show", spec], capture_output=True, check=False, timeout=_GIT_TIMEOUT)
    except FileNotFoundError:
        raise InputError(where, "cannot be read: git is not installed", "install git, or compare two files") from None
    except subprocess.TimeoutExpired:
        raise InputError(where, f"cannot be read: git show took over {_GIT_TIMEOUT} s", "compare two files instead") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            where,
            f"is not a file, and git cannot show it ({reason[-1] if reason else f'exit {done.returncode}'})",
            "name a file, or a commit and path that exist, such as HEAD~1:fm-governance.yaml",
        )
    data: bytes = done.stdout
    if len(data) > MAX_BYTES:
        raise InputError(where, f"is larger than {MAX_BYTES // (1024 * 1024)} MiB", "this is not an assessment; check the revision and path")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", "save the assessment as UTF-8") from None
