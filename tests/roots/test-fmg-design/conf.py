"""The extension beside sphinx-design: its badge colours in HTML, and EPUB still has the html
visitors of sphinx-design's own nodes (a regression: registering an ``epub`` visitor hid them)."""

project = "fmg-design"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "sphinx_design", "fm_governance.sphinxext"]
myst_enable_extensions = ["colon_fence"]
fmg_builtin_checklists = ["vendor-lock-in"]
