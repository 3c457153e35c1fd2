"""A small handbook: two custom checklists, every directive and role, MyST and reST pages."""

project = "fmg-basic"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
