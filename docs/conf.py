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

extensions = ["myst_parser", "sphinx_design"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True

html_theme = "furo"
html_title = "fm-governance handbook"
html_static_path = ["_static"]

# The JSON Schemas are published with the handbook, so the `$schema` modeline that every
# assessment starts with resolves for editors (see fm_governance.core.schemas.SCHEMA_BASE_URL).
_schemas = Path(__file__).parent / "_static" / "schemas"


def _write_schemas(_app: object) -> None:
    shutil.rmtree(_schemas, ignore_errors=True)
    _schemas.mkdir(parents=True)
    for kind in SCHEMA_KINDS:
        (_schemas / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")


def setup(app: object) -> None:
    app.connect("builder-inited", _write_schemas)  # type: ignore[attr-defined]
