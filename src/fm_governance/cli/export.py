"""``fm-governance export FORMAT [FILE]``: the assessment in a standard other tools read.

``cyclonedx``: a CycloneDX 1.6 ML-BOM (JSON) of the inventory, the checklists and the answers,
for an AI bill of materials or a platform that imports CycloneDX. It needs the ``export`` extra
(cyclonedx-python-lib), imported only by this command. The exit code is 0 whatever the gate
says: an export reports, ``check`` gates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import _build_report, _emit, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path

FORMATS = ("cyclonedx",)


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("file", required=False, default="fm-governance.yaml", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the export to this file instead of stdout (`-`: stdout).")
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date (waiver expiry) [default: today].")
@checklists_dir_option
@version_option
@reports_input_errors
def export(fmt: str, file: Path, output: Path | None, force: bool, as_of: _dt.datetime | None, checklists_dirs: tuple[Path, ...]) -> None:
    """Export the assessment FILE as FORMAT.

    `cyclonedx`: a CycloneDX 1.6 ML-BOM in JSON: providers as services, models as
    machine-learning-model components with their evidence, the checklists as
    `definitions.standards` and the answers as `declarations` (conformance yes 1, partial 0.5,
    no 0; notes as rationale; evidence; waivers with their expiry). Needs the `export` extra.
    """
    from ..core.errors import InputError, Location

    try:
        import cyclonedx  # noqa: F401
    except ImportError:
        raise InputError(
            Location("fm-governance export"),
            "cyclonedx-python-lib is not installed",
            "install the export extra ('.[export]' from a checkout of fm-governance, or 'fm-governance[export] @ git+REPOSITORY_URL')",
        ) from None
    from ..reports import cyclonedx as renderer

    report = _build_report(file, checklists_dirs, as_of, output=output, force=force)
    _emit(renderer.render(report), output)
