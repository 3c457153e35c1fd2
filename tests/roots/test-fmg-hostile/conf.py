"""Checklist guidance and assessment notes that try to publish a host file or pass markup through.

``checklists/hostile.yaml.in`` and ``fm-governance.yaml.in`` name the host file as ``@HOST_FILE@``;
the test writes them out with the path of a temporary file holding a unique marker, and checks the
marker never reaches any output. MyST's extensions that add syntax are on, so every construct they
add is tried too.
"""

project = "fmg-hostile"
version = release = "1.0"
copyright = "2026, fm-governance tests"
extensions = ["myst_parser", "fm_governance.sphinxext"]
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "substitution", "attrs_inline", "html_image", "html_admonition", "fieldlist"]
myst_substitutions = {"who": "the team"}
fmg_checklist_dirs = ["checklists"]
fmg_builtin_checklists = []
exclude_patterns = ["_build", "*.in"]
nitpicky = True
