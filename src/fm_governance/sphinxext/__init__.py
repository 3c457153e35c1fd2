"""Sphinx extension: checklists, items, a crosswalk matrix and scored assessments as pages.

Enable it with ``extensions = ["myst_parser", "fm_governance.sphinxext"]``. ``setup`` only composes
one ``setup_<feature>`` per module, so each feature can be read (and tested) on its own:

* :mod:`.config` — the validated ``fmg_*`` settings;
* :mod:`.catalog` — loading the checklists once per build, degrading on bad files;
* :mod:`.domain` — the ``fmg`` domain, roles, inventory and incremental-build bookkeeping;
* :mod:`.directives` — ``fmg:checklist``, ``fmg:item``, and their item bodies at write time;
* :mod:`.htmlbody` — item bodies for HTML builders, from an overridable template;
* :mod:`.matrix` — ``fmg:matrix``, built when the page is written;
* :mod:`.assessment` — ``fmg:assessment``, laid out by :mod:`.reportpage` from the report model,
  with the score chart of :mod:`.scorechart`;
* :mod:`.retirements` — ``fmg:retirements``, the model retirement calendar;
* :mod:`.portfolio` — ``fmg:portfolio``, many assessments' concentration risk as one page;
* :mod:`.output` — template downloads, per-builder visitors, HTML badges and CSS;
* :mod:`.latex` — text from data files made safe for LaTeX (invisible controls, pdflatex);
* :mod:`.guidance` — the safe Markdown subset of checklist guidance;
* :mod:`.form` — assessment mode (answer in the browser) and ``fmg:assessment-form``.
* :mod:`.terms` — ``fmg:provider-terms``, the provider-terms data as comparison tables.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .. import __version__
from .assessment import setup_assessment
from .catalog import setup_catalog
from .config import setup_config
from .directives import setup_directives
from .domain import setup_domain
from .form import setup_form
from .htmlbody import setup_htmlbody
from .latex import setup_latex
from .matrix import setup_matrix
from .output import setup_output
from .portfolio import setup_portfolio
from .retirements import setup_retirements
from .scorechart import setup_scorechart
from .terms import setup_terms

#: Bump when the shape of the domain data or of the doctrees changes, so pickled environments
#: from an older version are rebuilt instead of misread.
# 2: item bodies made at write time; 3: no placeholder nodes, index entries registered directly;
# 4: guidance parsed while reading is restricted to the safe subset (an older environment may
# hold guidance rendered without it); 5: the assessment page is laid out from the report model
# (verdict, chart placeholder, inventory tables).
ENV_VERSION = 5


def setup(app: Sphinx) -> dict[str, Any]:
    setup_config(app)
    setup_catalog(app)
    setup_domain(app)
    setup_directives(app)
    setup_htmlbody(app)
    setup_matrix(app)
    setup_assessment(app)
    setup_portfolio(app)
    setup_scorechart(app)
    setup_terms(app)
    setup_output(app)
    setup_latex(app)
    setup_retirements(app)
    setup_form(app)
    return {"version": __version__, "env_version": ENV_VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
