"""Items whose text tests the HTML item template: quotes, dashes, markup-like text, notes, links."""

project = "fmg-html"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
