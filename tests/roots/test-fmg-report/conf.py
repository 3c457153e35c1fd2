"""An assessment page with everything a report shows: each gate state, waivers expiring and expired,
n/a without notes, evidence URLs, a retired model, and hostile text in notes, evidence and names."""

project = "fmg-report"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
