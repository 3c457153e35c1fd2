"""Per-builder output: template downloads, HTML polish and the stylesheet.

* ``fmg_template`` (one of two custom nodes; the matrix placeholder is the other, and never
  reaches a writer) wraps the template's file name. HTML makes it a download link to a file written at build start; every
  other builder (latex, epub, text, man, texinfo) shows the name and the command that produces
  the same file — a PDF or an e-book reader cannot download a YAML file, so a link there would
  be a dead end.
* Badges: HTML-format builders show an item's severity, owner and modes as one row of coloured
  badges (:mod:`.htmlbody`; EPUB: :func:`.render.item_body`); :class:`HtmlBadges` gives every badge on the page sphinx-design's
  classes when the project loads sphinx-design (our small stylesheet styles them otherwise), and
  :func:`badge_classes` the same to badges written as HTML. Other builders keep a labelled field
  list, where "Severity: high" reads better than a bare "high".
* Templates are produced by :func:`fm_governance.core.assessment.template_text` — the code behind
  ``fm-governance template ID`` — so the download and the CLI never disagree.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

from ..core.assessment import template_text
from ..core.escaping import xml_text
from . import catalog, latex, render
from .config import fmg_config

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
DOWNLOAD_SUBDIR = "fmg"


class fmg_template(nodes.Inline, nodes.TextElement):
    """A blank assessment template for one checklist (attributes ``checklist``, ``filename``)."""


def template_download(checklist_id: str, config: Config) -> nodes.paragraph:
    filename = fmg_config(config).template_file(checklist_id)
    node = fmg_template("", checklist=checklist_id, filename=filename)
    node += nodes.literal(filename, filename)
    para = nodes.paragraph()
    para += node
    command = f"fm-governance template {checklist_id}"
    para += nodes.Text(" — the blank assessment, as written by ")
    para += nodes.literal(command, command)
    return para


def visit_template_html(self: SphinxTranslator, node: fmg_template) -> None:
    if not _is_download_builder(self.builder):
        return  # EPUB: the file name only (see _is_download_builder)
    # singlehtml does not set dlpath; its one page sits at the root of the output folder.
    dlpath = getattr(self.builder, "dlpath", "_downloads")
    href = posixpath.join(dlpath, DOWNLOAD_SUBDIR, urllib.parse.quote(node["filename"]))
    self.body.append(f'<a class="reference download internal fmg-template" download="" href="{self.encode(href)}">')


def depart_template_html(self: SphinxTranslator, node: fmg_template) -> None:
    if _is_download_builder(self.builder):
        self.body.append("</a>")


def visit_template_plain(self: SphinxTranslator, node: fmg_template) -> None:
    """Everywhere but HTML the file name (the child literal) is rendered as it is."""


def depart_template_plain(self: SphinxTranslator, node: fmg_template) -> None:
    pass


_PLAIN = (visit_template_plain, depart_template_plain)

#: sphinx-design colour names by badge value, used only when the project loads sphinx-design.
_SD_COLOURS = {"critical": "danger", "high": "warning", "medium": "info", "low": "secondary"}


class HtmlBadges(SphinxPostTransform):
    """HTML only: badges take sphinx-design's colours when the project loads sphinx-design."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        style_badges(self.document, self.config)


class XmlSafeText(SphinxPostTransform):
    """HTML and EPUB: text the extension rendered from data files loses the characters XML 1.0
    forbids (C0 controls but tab and newline, U+FFFE, U+FFFF), shown as U+FFFD. EPUB pages are
    XHTML, where one such character in a note makes the whole book unreadable; HTML only
    tolerates them."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        stack: list[nodes.Node] = [self.document]
        while stack:  # the outermost elements the extension rendered; their text is its text
            node = stack.pop()
            if not isinstance(node, nodes.Element):
                continue
            if not latex.is_fmg(node):
                stack.extend(node.children)
                continue
            for text in list(node.findall(nodes.Text)):
                safe = str(text) if isinstance(text.parent, nodes.raw) else xml_text(str(text))
                if safe != str(text):
                    text.parent.replace(text, nodes.Text(safe))


def style_badges(tree: nodes.Element, config: Config) -> None:
    """Give badges sphinx-design's colour classes when the project loads sphinx-design (its
    stylesheet is then on the page); otherwise the extension's own ``fmg.css`` styles them."""
    # The config lists what conf.py loads; that is when the sd-* styles are on the page.
    if "sphinx_design" not in config.extensions:
        return
    for badge in tree.findall(nodes.inline):
        classes = badge["classes"]
        if "fmg-badge" in classes:
            classes.extend(_sd_classes(badge.astext(), "fmg-severity" in classes))


def _sd_classes(shown: str, severity: bool) -> list[str]:
    colour = _SD_COLOURS.get(shown, "primary" if severity else "secondary")
    return ["sd-badge", f"sd-bg-{colour}", f"sd-bg-text-{colour}"]


def badge_classes(kind: str, value: str, config: Config, *, shown: str | None = None) -> str:
    """The ``class`` attribute of a badge written as HTML directly (:mod:`.htmlbody`): the same
    classes :func:`.render.badge` gives a node plus, as :func:`style_badges` adds them, sphinx-design's."""
    classes = render.badge_classes(kind, value)
    if "sphinx_design" in config.extensions:
        classes += _sd_classes(value if shown is None else shown, kind == "severity")
    return " ".join(classes)


def _is_download_builder(builder: Builder) -> bool:
    # EPUB has the html format but packages every file in its output folder; a YAML download
    # there is unreachable for a reader, and an unknown media type would warn.
    return builder.format == "html" and not builder.name.startswith("epub")


def _on_write_started(app: Sphinx, builder: Builder) -> None:
    """Write the stylesheet and every checklist's blank template before pages link to them."""
    if builder.format != "html":
        return
    static = Path(builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "fmg.css").write_bytes((STATIC_DIR / "fmg.css").read_bytes())
    if not _is_download_builder(builder):
        return
    folder = Path(builder.outdir) / "_downloads" / DOWNLOAD_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    config = fmg_config(app.config)
    for checklist in catalog.for_env(app.env).catalog:
        target = folder / config.template_file(checklist.id)
        # An incremental build regenerates only templates older than their checklist file.
        if target.is_file() and target.stat().st_mtime_ns >= Path(checklist.path).stat().st_mtime_ns:
            continue
        target.write_text(template_text([checklist]), encoding="utf-8")


def setup_output(app: Sphinx) -> None:
    app.add_node(
        fmg_template,
        # No separate ``epub`` entry: Sphinx looks handlers up by builder name *before* format,
        # so registering "epub" would hide every other extension's html visitors from EPUB.
        html=(visit_template_html, depart_template_html),
        latex=_PLAIN,
        text=_PLAIN,
        man=_PLAIN,
        texinfo=_PLAIN,
    )
    app.add_post_transform(HtmlBadges)
    app.add_post_transform(XmlSafeText)
    app.add_css_file("fmg.css")
    app.connect("write-started", _on_write_started)
