"""``fm-governance template``: a blank, fillable assessment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import MODES, _catalog, _emit, _guard_output, checklists_dir_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    from pathlib import Path


@main.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the template to this file instead of stdout (`-`: stdout).")
@click.option("--force", is_flag=True, help="Replace an existing file, or an assessment with no answers yet.")
@click.option("--discard-answers", is_flag=True, help="With --force: replace an assessment even though it holds answers (they are lost).")
@click.option("--mode", "modes", multiple=True, type=click.Choice(MODES), help="Pre-fill context.modes (repeatable).")
@click.option("--project-name", help="Pre-fill project.name.")
@checklists_dir_option
@version_option
@reports_input_errors
def template(
    ids: tuple[str, ...],
    output: Path | None,
    force: bool,
    discard_answers: bool,
    modes: tuple[str, ...],
    project_name: str | None,
    checklists_dirs: tuple[Path, ...],
) -> None:
    """Print a blank, fillable assessment for all checklists or the IDs named.

    -o FILE does not replace an existing file unless --force is given; an assessment that holds
    answers (or notes, evidence, waivers) needs --force --discard-answers, and a checklist is never
    replaced. To add checklists to an answered assessment, use `fm-governance assess` instead.
    """
    from ..core.assessment import template_text

    catalog = _catalog(checklists_dirs)
    _guard_output(output, force=force, catalog=catalog, template=True, discard_answers=discard_answers)
    _emit(template_text(catalog.select(ids), project_name=project_name, modes=modes), output)
