"""Assessment mode's embedded data with text that would end a <script> element if not escaped."""

project = "fmg-form </script> & <!-- escape"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
