"""The retirement calendar: the built-in model catalog on a fixed day, and a hostile catalog file."""

project = "fmg-retirements"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
