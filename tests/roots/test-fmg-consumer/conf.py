"""A second project that links to the first one's checklist items through intersphinx.

It loads the extension with no checklists of its own: the ``fmg`` domain must exist for
``:external+fmg-handbook:fmg:item:`` roles (MyST ``inv:`` links work without it). The test points
``intersphinx_mapping`` at the first project's freshly built ``objects.inv``.
"""

import os

project = "fmg-consumer"
extensions = ["myst_parser", "sphinx.ext.intersphinx", "fm_governance.sphinxext"]
fmg_builtin_checklists = []
intersphinx_mapping = {"fmg-handbook": ("https://handbook.example/", os.environ.get("FMG_TEST_INVENTORY"))}
nitpicky = True
