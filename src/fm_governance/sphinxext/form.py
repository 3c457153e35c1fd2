"""Assessment mode: answer checklist items in the browser, on the published (static) handbook.

Every HTML page that renders an ``fmg:checklist`` — and the page of the ``fmg:assessment-form``
directive, which renders every loaded checklist as one form — gets three static files from the
package (``static/fmg-form.js``, ``static/fmg-form.css`` and the vendored YAML library
``static/fmg-yaml.min.js``) and one ``<script type="application/json">`` holding what the script
needs, once per page:

* every loaded checklist's id, title, version and items (id, severity, owner, ``applies_to``), so
  the page scores an imported file exactly as ``fm-governance check`` does (:mod:`..core.scoring`)
  and refuses the files ``check`` refuses (unknown checklists and items);
* the items this page shows a form for, by anchor;
* the blank assessment text of ``fm-governance template`` for every loaded checklist
  (:func:`..core.assessment.template_text`), which a fresh export edits in place, so it is that
  file byte for byte plus the answers.

Nothing is fetched at view time: no server, no CDN. The work is kept in the reader's browser
(``localStorage``, one entry per Sphinx ``project``), so the checklist pages of one handbook are
views of one assessment. Other builders (latex, epub, text, man, texinfo) are unchanged: the
assets and the data are added in ``html-page-context`` for the html, dirhtml and singlehtml
builders only, and only to pages that need them (the JSON is escaped so that no ``</script>`` in
checklist text can end the element).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging

from ..core.assessment import template_text
from ..core.errors import InputError
from ..core.files import write_atomic
from . import catalog, render
from .directives import ChecklistDirective, no_search

STATIC_DIR = Path(__file__).parent / "static"
#: Shipped files copied to ``_static``; the licence travels with the vendored library.
ASSETS = ("fmg-form.js", "fmg-form.css", "fmg-yaml.min.js", "fmg-yaml.LICENSE.txt")
DATA_ID = "fmg-form-data"
#: Bump when the shape of the embedded data changes (the script refuses data it does not know).
DATA_VERSION = 1
FORM_CLASS = "fmg-form-page"

logger = logging.getLogger(__name__)


class AssessmentFormDirective(ChecklistDirective):
    """``fmg:assessment-form``: every loaded checklist on one page, each item with its form.

    The checklists are rendered as ``fmg:checklist`` renders them, with ``:no-index:`` (the
    checklist pages stay the link targets), each under a heading with the checklist's title, and
    are left out of the search index (the checklist pages are what a search finds).
    """

    required_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = {}
    subtype = "form"

    def render(self) -> list[nodes.Node]:
        result: list[nodes.Node] = [nodes.container(classes=[FORM_CLASS])]
        self.options = {"no-index": True}
        level = min(6, getattr(self.state.memo, "section_level", 1) + 1)
        for checklist in self.loaded.catalog:
            self.arguments = [checklist.id]
            heading = nodes.rubric(checklist.title, checklist.title, classes=["fmg-form-checklist"])
            heading["heading-level"] = level
            result.append(heading)
            result.extend(super().render())
        if len(result) == 1:
            return self.warn("fmg:assessment-form: no checklist is loaded, so there is nothing to answer", "form")
        # The checklists are :no-index: renderings, left out of the search index; so are their
        # headings here. The page's own prose is not.
        no_search(result)
        return result


def _is_form_builder(builder: Builder) -> bool:
    # EPUB has the html format, but an e-book reader is no place for a form that saves to
    # localStorage and downloads a file: EPUB stays as it was.
    return builder.format == "html" and not builder.name.startswith("epub")


def _page_items(doctree: nodes.document, anchors: dict[str, str]) -> list[str]:
    """Ids of the items rendered by ``fmg:checklist`` (or the form directive) on the page, in page
    order and once each; an empty list for pages with no checklist."""
    if not _has_form(doctree):
        return []
    seen: dict[str, None] = {}
    for node in doctree.findall(nodes.Element):
        if "fmg-item" in node.get("classes", ()) and node["ids"]:
            item = anchors.get(node["ids"][0])
            if item is not None:
                seen.setdefault(item, None)
    return list(seen)


def page_data(app: Sphinx, items: list[str]) -> dict[str, Any]:
    """What the script needs, as plain data (see the module docstring)."""
    loaded = catalog.for_env(app.env)
    checklists = list(loaded.catalog)
    return {
        "version": DATA_VERSION,
        "project": str(app.config.project or ""),
        "checklists": [
            {
                "id": c.id,
                "title": c.title,
                "version": c.version,
                "items": [[it.id, it.severity.value, it.owner, list(it.applies_to), render.item_id(it.id)] for it in c.items],
            }
            for c in checklists
        ],
        "page": items,
        "template": template_text(checklists),
    }


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are
    written as ``\\u`` escapes, so no text from a checklist can close the element or open a
    comment, and the JSON parser reads the same characters back."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None) -> None:
    if doctree is None or not _is_form_builder(app.builder):
        return
    loaded = catalog.for_env(app.env)
    anchors = {render.item_id(it.id): it.id for c in loaded.catalog for it in c.items}
    items = _page_items(doctree, anchors)
    if not items:
        return
    # Called here, the additions apply to this page only (Sphinx restores the lists afterwards).
    app.add_css_file("fmg-form.css")
    app.add_js_file(None, body=script_json(page_data(app, items)), type="application/json", id=DATA_ID)
    app.add_js_file("fmg-yaml.min.js", defer="defer")
    app.add_js_file("fmg-form.js", defer="defer")


def _has_form(doctree: nodes.Node) -> bool:
    return any(FORM_CLASS in n["classes"] or "fmg-checklist" in n["classes"] for n in doctree.findall(nodes.container))


#: The page data element as this module writes it (:func:`_on_html_page_context`, through Sphinx's
#: ``js_tag``): its text is :func:`script_json`'s, which holds no ``<``, so the first ``</script>``
#: ends it.
_DATA_ELEMENT = re.compile(r'(<script id="fmg-form-data" type="application/json">)([^<]*)(</script>)')


def _on_build_finished(app: Sphinx, exc: BaseException | None) -> None:
    """Bring the page data of form pages this build did not write up to date, in place.

    A page with a form embeds every loaded checklist (to score and check a whole file), not only
    the one it shows; so editing one checklist changes the data of every form page. The pages that
    render the edited checklist are read and written again; the others (each other checklist's page)
    differ only in that one element, so it is replaced in their written HTML instead of writing
    each page again (about a tenth of a second a page: post-transforms, search index, templates).
    The written files are compared, not a record of the last build, so a page's form data is
    brought up to date whatever build wrote it last — one sharing this doctree folder, or one
    interrupted before the end. The file is read and written as Sphinx writes it (in
    ``html_output_encoding``, characters it cannot encode as character references, line endings
    untouched), so a mended page is what a fresh build writes.
    """
    builder = app.builder
    if exc is not None or not _is_form_builder(builder) or builder.name == "singlehtml":
        return  # singlehtml writes its one page on every build
    users: dict[str, bool] = app.env.domains["fmg"].data["users"]
    if not users:
        return
    shared = page_data(app, [])
    encoding = app.config.html_output_encoding
    for docname in sorted(users):
        path = Path(builder.get_outfilename(docname))
        try:
            _mend(path, shared, encoding)
        except InputError as err:  # located, with its fix (a read-only page, a full disk)
            logger.warning(f"form data not brought up to date: {err}", type="fmg", subtype="form")
        except OSError as err:
            reason = err.strerror or str(err)
            logger.warning(
                f"{path}: form data not brought up to date ({reason}) — make the file readable, or delete it and build again", type="fmg", subtype="form"
            )


def _mend(path: Path, shared: dict[str, Any], encoding: str) -> None:
    """Replace ``path``'s page data with ``shared`` and the page's own items, if they differ."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return  # not written yet: Sphinx writes it on the next build
    try:
        html = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return  # not a page this build's settings wrote; Sphinx rewrites it when its source changes
    found = list(_DATA_ELEMENT.finditer(html))
    if len(found) != 1:
        return  # a page with no form (the matrix, an assessment), or one this module did not write
    try:
        old = json.loads(found[0][2])
    except ValueError:
        return
    if not isinstance(old, dict) or not isinstance(old.get("page"), list):
        return
    start, end = found[0].span(2)
    mended = (html[:start] + script_json({**shared, "page": old["page"]}) + html[end:]).encode(encoding, "xmlcharrefreplace")
    if mended != raw:
        write_atomic(path, mended)


def _on_write_started(app: Sphinx, builder: Builder) -> None:
    if not _is_form_builder(builder):
        return
    static = Path(builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(STATIC_DIR / name, static / name)


def setup_form(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "assessment-form", AssessmentFormDirective)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("write-started", _on_write_started)
    app.connect("build-finished", _on_build_finished)
