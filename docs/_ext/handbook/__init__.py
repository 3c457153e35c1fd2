"""The handbook's own Sphinx extension: pages generated from the project's data at build time.

Kept out of ``conf.py`` so the configuration stays configuration. One module per feature, each
with a ``setup_<feature>(app)``:

* :mod:`.schemas` — publishes the shipped JSON Schemas under ``_static/schemas/`` (the URL every
  assessment's ``$schema`` modeline points at) and writes the format reference tables from them;
* :mod:`.reference_tables` — the scanner's provider and signal tables, from its data files;
* :mod:`.guides` — the guides' command output, produced by running the CLI on copies of
  ``examples/support-bot`` in a forked copy of the build, while Sphinx reads and writes the other
  pages (the pages that show it take it when they are written);
* :mod:`.a11y` — two accessibility fixes to the HTML output;
* :mod:`.figures` — the chapters' charts, drawn with Matplotlib from ``docs/handbook/data/`` and
  the provider-terms data (SVG for HTML and EPUB, PDF for LaTeX) into
  ``docs/_generated/figures/``, redrawn only when their data changes;
* :mod:`.stable_config` — keeps two configuration values stable between builds, so a rebuild
  does not report the configuration as changed.

Generated files go to ``docs/reference/_generated/`` (ignored by git). The slow generators (the
guides' CLI runs, the reference tables, the charts) are keyed on a hash of their inputs and skipped
when those did not change (so a no-op rebuild costs about what Sphinx's own does:
``benchmarks/handbook_bench.py``), and a file is rewritten only when its text changes, so an
unchanged include does not make Sphinx re-read its page.
"""

from __future__ import annotations

from typing import Any

from .a11y import setup_a11y
from .figures import setup_figures
from .guides import setup_guides
from .reference_tables import setup_reference_tables
from .schemas import setup_schemas
from .stable_config import setup_stable_config


def setup(app: Any) -> dict[str, Any]:
    setup_schemas(app)
    setup_reference_tables(app)
    setup_guides(app)
    setup_a11y(app)
    setup_figures(app)
    setup_stable_config(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
