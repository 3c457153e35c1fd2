"""Sphinx configuration for the fm-governance handbook (MyST Markdown, published on Read the Docs)."""

from __future__ import annotations

import sys
from pathlib import Path

import fm_governance

# The handbook's own extension (docs/_ext/handbook): generated reference tables, the guides'
# real command output, the published schemas and two accessibility fixes.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "fm-governance"
author = "fm-governance developers"
copyright = "2026, fm-governance developers"
version = release = fm_governance.__version__

extensions = ["myst_parser", "sphinx_design", "sphinx_click", "notfound.extension", "sphinx.ext.graphviz", "fm_governance.sphinxext", "handbook"]
# Diagrams (the adaptation data flow) are Graphviz sources in the chapters: SVG on the web and in
# the EPUB, vector PDF in the LaTeX build. Needs Graphviz's `dot` (Debian package graphviz; Read the
# Docs installs it from build.apt_packages in .readthedocs.yaml).
graphviz_output_format = "svg"
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
# Quotes and ellipses only: the CLI help that sphinx-click renders names options like --fail-on,
# which the default smartquotes would turn into an en dash in running text.
smartquotes_action = "qe"

# Furo: a long-form reading layout with a search box in the sidebar and light, dark and automatic
# (follow the system) colour modes built in.
html_theme = "furo"
html_title = "fm-governance handbook"
# The 404 page (sphinx-notfound-page). Its asset links are absolute, under `notfound_urls_prefix`,
# which defaults to the Read the Docs path of this version (READTHEDOCS_CANONICAL_URL) or /en/latest/.
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>\n"
        "<p>There is no page at this address. It may have moved when the handbook was reorganised, "
        "or the link you followed may be mistyped.</p>\n"
        "<p>Search the handbook with the search box, or start again from the contents in the navigation.</p>\n"
    ),
}
html_static_path = ["_static"]
# Figures keep a readable width on a phone and scroll inside their own box. Written with the
# priority Sphinx gives a user's stylesheet (800): Sphinx adds it to this very dict once the builder
# starts, so a bare name would be compared with its own changed copy and reported as a changed
# configuration on every rebuild.
html_css_files = [("figures.css", {"priority": 800})]
# The schemas are published for editors (HTML site); an EPUB reader has no use for them.
epub_exclude_files = [f"_static/schemas/{kind}.schema.json" for kind in ("assessment", "checklist", "portfolio")]

# PDF: typeset with XeLaTeX, which takes any Unicode text (pdflatex stops at the first character its
# font encodings lack — a CJK word or an emoji in a checklist or an example assessment); Read the
# Docs supports it. The fonts are Sphinx's defaults for XeLaTeX (GNU FreeFont).
latex_engine = "xelatex"
# Index with makeindex, not xindy (Sphinx's default for XeLaTeX): xindy needs options that only
# Sphinx's generated Makefile passes, and Read the Docs runs latexmk directly
# (readthedocs/readthedocs.org#5476), so xindy would fail there.
latex_use_xindy = False
# Sphinx titles the table of contents with the first toctree's caption ("Handbook"), which
# reads as a part heading; call it what it is.
#
# Tables: inline code may break at its hyphens, underscores and bars (Sphinx's default keeps a
# hyphen whole and breaks only after . , ; ? ! /), and table text is set a size smaller: the
# reference tables hold long option names, signal ids and schema patterns in narrow columns, which
# otherwise run off the page (the Read the Docs replay test fails on an overfull box over 20pt).
latex_elements = {
    "tableofcontents": r"\renewcommand{\contentsname}{Contents}\sphinxtableofcontents",
    "preamble": r"""
\makeatletter
\renewcommand*{\sphinxhyphenininlineliteral}[1]{-\penalty\z@}
\renewcommand*{\sphinxbreaksafteractivelist}{\do\.\do\,\do\;\do\?\do\!\do\/\do\|\do\]}
\let\fmg@upquote\sphinxupquote
\protected\def\sphinxupquote#1{{\def\_{\char95\relax\penalty\z@}\fmg@upquote{#1}}}
\makeatother
\AtBeginEnvironment{tabulary}{\small}
\AtBeginEnvironment{longtable}{\small}
""",
}
