"""Assessment mode: the four built-in checklists under Furo (light and dark), one page each, and
the ``fmg:assessment-form`` page holding them all."""

project = "fmg-form"
version = release = "1.0"
copyright = "2026, fm-governance tests"
# sphinx-design as the handbook loads it: its badge colours are the ones checked in dark mode.
extensions = ["myst_parser", "sphinx_design", "fm_governance.sphinxext"]
html_theme = "furo"
nitpicky = True
