"""Provider-terms tables: the shipped data on one page, and a small data file of its own with
hostile text, a secondary-only cell and gaps (unverified, not applicable) on another."""

project = "fmg-terms"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
