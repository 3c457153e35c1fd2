"""``fm-governance checklists`` and ``fm-governance schema``: what the tool knows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import _catalog, _emit, _guard_output, checklists_dir_option, force_option, main, reports_input_errors, version_option

if TYPE_CHECKING:
    from pathlib import Path


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

        _emit(json.dumps(rows, indent=2) + "\n", None)
        return
    from ..core.escaping import terminal_line

    width = max(len(r["id"]) for r in rows)
    # A custom checklist's title is file text: shown, never acting on the terminal.
    _emit("".join(f"{r['id']:<{width}}  {r['version']:<7}  {r['items']:>3} items  {terminal_line(r['title'])}\n" for r in rows), None)


@main.command()
@click.argument("kind", type=click.Choice(["checklist", "assessment", "portfolio"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the schema to this file instead of stdout (`-`: stdout).")
@force_option
@version_option
@reports_input_errors
def schema(kind: str, output: Path | None, force: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a checklist or an assessment file, or of the
    document `portfolio --format json` writes."""
    _guard_output(output, force=force)
    if kind == "portfolio":
        import json

        from ..portfolio.jsondoc import schema as portfolio_schema

        # Printed as the other two are: two-space indent, characters as they are.
        _emit(json.dumps(portfolio_schema(), indent=2, ensure_ascii=False) + "\n", output)
        return
    from ..core.schemas import schema_text

    _emit(schema_text(kind), output)
