"""Text LaTeX chokes on, in a checklist title, a guidance paragraph and an assessment's notes.

Zero-width spaces, bidirectional marks and isolates, a byte-order mark, C0 and C1 control
characters, and CJK, Greek and emoji. The tests build it with pdflatex (the default), xelatex and
lualatex (``confoverrides``), compile the PDF and read it back.
"""

project = "fmg-unicode"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build"]
nitpicky = True
# xindy, Sphinx's index processor for xelatex and lualatex, needs options that only Sphinx's own
# Makefile passes; the tests compile with latexmk as Read the Docs does (see docs/conf.py).
latex_use_xindy = False
