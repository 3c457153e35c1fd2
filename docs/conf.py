"""Sphinx configuration for the fm-governance handbook (MyST Markdown, published on Read the Docs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import fm_governance
from fm_governance.core.schemas import SCHEMA_KINDS, schema_text

project = "fm-governance"
author = "fm-governance developers"
copyright = "2026, fm-governance developers"
version = release = fm_governance.__version__

extensions = ["myst_parser", "sphinx_design", "fm_governance.sphinxext"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True

html_theme = "furo"
html_title = "fm-governance handbook"
html_static_path = ["_static"]
# The schemas are published for editors (HTML site); an EPUB reader has no use for them.
epub_exclude_files = ["_static/schemas/assessment.schema.json", "_static/schemas/checklist.schema.json"]

# The JSON Schemas are published with the handbook, so the `$schema` modeline that every
# assessment starts with resolves for editors (see fm_governance.core.schemas.SCHEMA_BASE_URL).
_schemas = Path(__file__).parent / "_static" / "schemas"


def _write_schemas(_app: object) -> None:
    shutil.rmtree(_schemas, ignore_errors=True)
    _schemas.mkdir(parents=True)
    for kind in SCHEMA_KINDS:
        (_schemas / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")


_generated = Path(__file__).parent / "reference" / "_generated"


def _write_reference_tables(_app: object) -> None:
    """Reference tables generated from the scanner's data files, so the docs cannot drift."""
    from fm_governance.core.checklists import load_catalog
    from fm_governance.scan.catalog import provider_table, signal_definitions

    _generated.mkdir(parents=True, exist_ok=True)
    rows = ["| Id | Provider or library | Role |", "|---|---|---|"]
    rows += [f"| `{p['id']}` | {p['name']} | {', '.join(p['roles'])} |" for p in provider_table()]
    _write_if_changed(_generated / "providers.md", "\n".join(rows) + "\n")
    items_by_signal: dict[str, list[str]] = {}
    for checklist in load_catalog():
        for item in checklist.items:
            for signal in item.signals:
                items_by_signal.setdefault(signal, []).append(item.id)
    rows = ["| Signal | Meaning | Checklist items |", "|---|---|---|"]
    for signal_id, info in signal_definitions().items():
        items = ", ".join(items_by_signal.get(signal_id, [])) or "–"
        rows.append(f"| `{signal_id}` | {info['title']}: {info['description']} | {items} |")
    _write_if_changed(_generated / "signals.md", "\n".join(rows) + "\n")


def _write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged include would make Sphinx re-read the page on every build.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup(app: object) -> None:
    app.connect("builder-inited", _write_schemas)  # type: ignore[attr-defined]
    app.connect("builder-inited", _write_reference_tables)  # type: ignore[attr-defined]
