"""Accessibility fixes to Sphinx's HTML output (tests/test_browser.py runs axe-core on the pages)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.writers.html5 import HTML5Translator


class _HTMLTranslator(HTML5Translator):
    """Sphinx's HTML translator, with two accessibility fixes (tests/test_browser.py holds the
    pages to zero serious or critical axe-core violations).

    - A toctree caption (the navigation's "Handbook", "Reference", …) is written as
      ``<p class="caption" role="heading">`` without the ``aria-level`` that the heading role
      requires (WCAG 4.1.2; axe-core rule aria-required-attr, critical). The captions sit under
      the page's h1, so they are level 2, in the page body and in Furo's navigation sidebar, which
      is rendered by the same translator.
    - A code block wider than the column scrolls sideways, which a keyboard user can do only if
      the block can take focus (WCAG 2.1.1; rule scrollable-region-focusable, serious): every
      highlighted ``<pre>`` gets ``tabindex="0"``.
    """

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        try:
            super().visit_literal_block(node)  # highlighted blocks are appended whole, then skipped
        finally:
            if self.body and self.body[-1].startswith('<div class="highlight'):
                self.body[-1] = self.body[-1].replace("<pre>", '<pre tabindex="0">', 1)

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            tag = len(self.body) - 2  # visit_title appended the <p> tag, then the caption-text span
            self.body[tag] = self.body[tag].replace('role="heading"', 'role="heading" aria-level="2"', 1)


def setup_a11y(app: Any) -> None:
    for builder in ("html", "dirhtml", "singlehtml", "epub"):
        app.set_translator(builder, _HTMLTranslator, override=True)
