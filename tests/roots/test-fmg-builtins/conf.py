"""The four built-in checklists and the matrix, as a real handbook would render them."""

project = "fmg-builtins"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
nitpicky = True
