"""``fm-governance export FORMAT [FILE]``: the assessment in a standard other tools read.

``cyclonedx``: a CycloneDX 1.6 ML-BOM (JSON) of the inventory, the checklists and the answers,
for an AI bill of materials or a platform that imports CycloneDX. It needs the ``export`` extra
(cyclonedx-python-lib), imported only by this command.

``oscal-ar`` and ``oscal-catalog``: the answers as OSCAL assessment results and the checklists as
an OSCAL catalog (JSON), for GRC platforms that read OSCAL. Two formats rather than one command
writing two files: every export writes one document to stdout or ``-o``, so each can be piped,
and a platform imports the catalog once and the results of every project against it. They need
nothing beyond the base install.

The exit code is 0 whatever the gate says: an export reports, ``check`` gates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import _build_report, _emit, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    import datetime as _dt
    from pathlib import Path

FORMATS = ("cyclonedx", "oscal-ar", "oscal-catalog")


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("file", required=False, default="fm-governance.yaml", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the export to this file instead of stdout (`-`: stdout).")
@force_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Score as on this date (waiver expiry) [default: today].")
@click.option(
    "--catalog-href",
    metavar="HREF",
    help="oscal-ar: where the results say the OSCAL catalog is (a path relative to the results, or a URL) [default: fm-governance-catalog.json].",
)
@checklists_dir_option
@version_option
@reports_input_errors
def export(
    fmt: str, file: Path, output: Path | None, force: bool, as_of: _dt.datetime | None, catalog_href: str | None, checklists_dirs: tuple[Path, ...]
) -> None:
    """Export the assessment FILE as FORMAT.

    `cyclonedx`: a CycloneDX 1.6 ML-BOM in JSON: providers as services, models as
    machine-learning-model components with their evidence, the checklists as
    `definitions.standards` and the answers as `declarations` (conformance yes 1, partial 0.5,
    no 0; notes as rationale; evidence; waivers with their expiry). Needs the `export` extra.

    `oscal-catalog`: the checklists as an OSCAL 1.2.3 catalog in JSON (a group per checklist, a
    control per item).

    `oscal-ar`: the answers as OSCAL 1.2.3 assessment results in JSON: a finding per item
    (satisfied or not-satisfied), evidence and scanner signals as observations, waivers as risks
    (deviation-approved until they expire). UUIDs derive from the project name and item ids, so
    they stay the same from one export to the next. Write the catalog beside it as
    `fm-governance-catalog.json`, or say where it is with `--catalog-href`.
    """
    if catalog_href is not None and fmt != "oscal-ar":
        from ..core.errors import InputError, Location

        raise InputError(Location("--catalog-href"), f"applies to oscal-ar only, not {fmt}", "leave it out, or export oscal-ar")
    if fmt.startswith("oscal-"):
        _export_oscal(fmt, file, output, force, as_of, catalog_href, checklists_dirs)
        return
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


def _export_oscal(
    fmt: str, file: Path, output: Path | None, force: bool, as_of: _dt.datetime | None, catalog_href: str | None, checklists_dirs: tuple[Path, ...]
) -> None:
    from pathlib import PurePath

    from ..core.errors import InputError, Location
    from ..reports import oscal

    href = oscal.href_for(catalog_href) if catalog_href is not None else oscal.DEFAULT_CATALOG_HREF
    if href is None:
        raise InputError(Location("--catalog-href"), "is not a path or URL", "pass the catalog's path relative to the results, or its URL, on one line")
    report = _build_report(file, checklists_dirs, as_of, output=output, force=force)
    if fmt == "oscal-catalog":
        _emit(oscal.render_catalog(report), output)
        return
    # The results name the assessment file by its name alone: they are written beside it as a rule,
    # and an absolute path would carry one machine's directories into a shared document.
    plan_href = oscal.href_for(PurePath(str(file)).name) or "fm-governance.yaml"
    _emit(oscal.render_assessment_results(report, plan_href=plan_href, catalog_href=href), output)
