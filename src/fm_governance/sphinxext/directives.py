"""Directives that render checklist data: ``fmg:checklist`` and ``fmg:item`` (and their shared base).

Each reads the catalog (see :mod:`.catalog`), notes a dependency on every YAML file whose content
it shows — so an edited checklist re-reads exactly the pages that show it — and registers what it
renders with the :class:`~.domain.FmgDomain` so roles and intersphinx can link to it. Problems
(an unknown id, a bad option) are located ``fmg`` warnings and the directive renders nothing,
rather than a traceback or a half-built page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import DirectiveError, directives
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, sphinx_domains

from ..core.models import MODES, OWNERS, Checklist, Item, Severity
from . import catalog, htmlbody, latex, render
from .config import fmg_config
from .domain import FmgDomain
from .output import template_download

logger = logging.getLogger(__name__)


def word_list(allowed: Iterable[str]) -> Callable[[str | None], tuple[str, ...]]:
    """An option converter for a comma- or space-separated list drawn from ``allowed``."""
    choices = tuple(allowed)

    def convert(argument: str | None) -> tuple[str, ...]:
        words = tuple(w for w in (argument or "").replace(",", " ").split() if w)
        bad = [w for w in words if w not in choices]
        if bad or not words:
            raise ValueError(f"expected one or more of {', '.join(choices)}, got {bad[0] if bad else 'nothing'!r}")
        return words

    return convert


def id_list(argument: str | None) -> tuple[str, ...]:
    words = tuple(w for w in (argument or "").replace(",", " ").split() if w)
    if not words:
        raise ValueError("expected one or more ids")
    return words


class FmgDirective(SphinxDirective):
    """Shared plumbing: the catalog, the domain, dependencies and located warnings.

    Subclasses write :meth:`render`; :meth:`run` calls it so that nothing a checklist or an
    assessment file holds can end the build with a traceback: an unexpected error is a located
    warning (type ``fmg``, the directive's :attr:`subtype`) and the directive renders nothing.
    """

    #: Warning subtype of the directive's unexpected failures.
    subtype = "checklist"

    def render(self) -> list[nodes.Node]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        try:
            return self.render()
        except DirectiveError:  # docutils' own error reporting (bad options, …): let it report
            raise
        except Exception as exc:  # a build never dies on a traceback; the page is built without it
            logger.debug("fm-governance: %s failed", self.name, exc_info=True)
            return self.warn(
                f"{self.name}: could not be rendered ({catalog.unexpected(exc)}) — this is a fault in fm-governance: please report it with the file",
                self.subtype,
            )

    @property
    def loaded(self) -> catalog.LoadedCatalog:
        return catalog.for_env(self.env)

    @property
    def domain(self) -> FmgDomain:
        return self.env.domains["fmg"]  # type: ignore[return-value]

    def depend(self, *paths: str) -> None:
        for path in paths:
            self.env.note_dependency(path)

    def warn(self, message: str, subtype: str) -> list[nodes.Node]:
        logger.warning(message, type="fmg", subtype=subtype, location=self.get_location())
        return []

    def note_item(self, item: Item, anchor: str, checklist_title: str, box: nodes.Element) -> None:
        """Register a rendered item: a link target, and entries in the general index.

        The entries go straight into Sphinx's index domain, as its ``process_doc`` would take them
        from ``index`` nodes; the ``index`` node itself (a LaTeX ``\\index``, the search's
        index entries) is made with the item's body when the page is written.
        """
        self.domain.note_object("item", item.id, anchor, item.title, location=self.get_location())
        self.env.domains["index"].entries.setdefault(self.env.docname, []).extend(render.index_entries(item, checklist_title, anchor))  # type: ignore[attr-defined]
        box[render.INDEXED] = True

    def find_checklist(self, checklist_id: str) -> Checklist | None:
        found = self.loaded.catalog.get(checklist_id)
        if found is None:
            # Depend on every file: the checklist may appear once a file is fixed or added.
            self.depend(*self.loaded.files)
            known = ", ".join(c.id for c in self.loaded.catalog) or "none"
            self.warn(f"unknown checklist {checklist_id!r} (loaded checklists: {known})", "checklist")
        return found


class ChecklistDirective(FmgDirective):
    """A whole checklist: summary, template download, then one section per item."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "severity": word_list(s.value for s in Severity),
        "owner": word_list(OWNERS),
        "mode": word_list(MODES),
        "no-index": directives.flag,
    }

    def render(self) -> list[nodes.Node]:
        checklist = self.find_checklist(self.arguments[0])
        if checklist is None:
            return []
        self.depend(checklist.path)
        self.domain.note_user(self.env.docname)
        items = [it for it in checklist.items if self._shown(it)]
        index = "no-index" not in self.options
        anchor = nodes.make_id(f"checklist-{checklist.id}")
        # The summary and facts under it are made when the page is written (see ExpandItemBodies).
        head = nodes.container(ids=[anchor], classes=["fmg-checklist"], fmg_checklist=checklist.id, fmg_count=self._count(len(items), len(checklist.items)))
        if index:
            self.domain.note_object("checklist", checklist.id, anchor, checklist.title, location=self.get_location())
        result: list[nodes.Node] = [head]
        # fmg_item_toc = False: items are blocks with a heading one level below the directive's
        # section (<h2> under the page title), so they are not contents entries or numbered.
        as_section = fmg_config(self.config).item_toc
        level = 0 if as_section else min(6, getattr(self.state.memo, "section_level", 1) + 1)
        view = render.ItemView(self.state, as_section=as_section, heading_level=level)
        for item in items:
            node, item_anchor = render.item_node(item, view)
            self.set_source_info(node)  # guidance warnings point here
            if index:
                self.note_item(item, item_anchor, checklist.title, node)
            result.append(node)
        if not index:
            no_search(result)
        return result

    def _shown(self, item: Item) -> bool:
        if "severity" in self.options and item.severity.value not in self.options["severity"]:
            return False
        if "owner" in self.options and item.owner not in self.options["owner"]:
            return False
        return not ("mode" in self.options and not item.applies(self.options["mode"]))

    def _count(self, shown: int, total: int) -> str:
        filters = [f"{k} {', '.join(self.options[k])}" for k in ("severity", "owner", "mode") if k in self.options]
        return f"{shown} of {total} (filtered by {'; '.join(filters)})" if filters else str(total)


class ItemDirective(FmgDirective):
    """One item as a block inside prose, linked back to its checklist."""

    subtype = "item"

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"no-index": directives.flag}

    def render(self) -> list[nodes.Node]:
        item_id = self.arguments[0]
        item = self.loaded.catalog.item(item_id) or self.loaded.catalog.item(item_id.upper())
        if item is None:
            self.depend(*self.loaded.files)
            return self.warn(f"unknown item {item_id!r}: no loaded checklist defines it", "item")
        checklist = self.loaded.catalog.get(item.checklist_id)
        assert checklist is not None  # an item always comes from a loaded checklist
        self.depend(checklist.path)
        self.domain.note_user(self.env.docname)
        view = render.ItemView(self.state, as_section=False)
        node, anchor = render.item_node(item, view)
        self.set_source_info(node)
        node += render.paragraph("From the ", render.xref("checklist", checklist.id, checklist.title, docname=self.env.docname, soft=True), " checklist.")
        if "no-index" not in self.options:
            self.note_item(item, anchor, checklist.title, node)
        else:
            no_search([node])
        return [node]


def no_search(rendered: list[nodes.Node]) -> None:
    """Leave a second rendering (``:no-index:``) out of the search index, as it is left out of the
    object and general indexes: a search finds the item once, where it is registered. Sphinx's
    indexer skips an element of class ``no-search``; the page's own prose is still indexed."""
    for node in rendered:
        if isinstance(node, nodes.Element) and not isinstance(node, nodes.target) and "no-search" not in node["classes"]:
            node["classes"].append("no-search")


class ExpandItemBodies(SphinxPostTransform):
    """Make what the directives left for the write: each checklist's summary and facts, and each
    item's body (see :func:`.render.item_node`), as nodes — for builders other than HTML.

    Priority 5 runs before Sphinx's reference resolver (10), so links written in guidance resolve
    like any other. Smart quotes, a read-time transform, are applied to the new nodes here, so the
    text reads the same as if it had been there when the page was read.
    """

    default_priority = 5
    badge_row = False

    def run(self, **kwargs: Any) -> None:
        heads, boxes = _left_for_the_write(self.document)
        if not heads and not boxes:
            return
        loaded = catalog.for_env(self.env)
        self.expand(boxes, loaded, self.fill_heads(heads, loaded))

    def expand(self, boxes: list[nodes.Element], loaded: catalog.LoadedCatalog, quotable: list[list[nodes.Node]]) -> None:
        """Give each item box its body; ``quotable``: texts already made that smart quotes may change."""
        bodies: list[tuple[nodes.Element, list[nodes.Node]]] = []
        # Roles and directives in guidance are looked up as while reading (sphinx_domains).
        with sphinx_domains(self.env):
            for box, item, parsed in _items(boxes, loaded):
                if item.location is not None:  # where the PDF pass (latex.py) says the text is from
                    box[latex.ORIGIN] = f"{item.location.file}:{item.location.line or 1}"
                body = [*_index_node(box, item, loaded), *render.item_body(item, self.document, badge_row=self.badge_row, parsed=parsed, lineno=box.line or 0)]
                bodies.append((box, body))
                if smart_quotable(item):
                    quotable.append(body)
        smarten(quotable, self.document)
        for box, body in bodies:
            box[1:1] = body  # under the heading

    def fill_heads(self, heads: list[nodes.Element], loaded: catalog.LoadedCatalog) -> list[list[nodes.Node]]:
        """Fill each checklist's head; return the texts smart quotes may change."""
        quotable = []
        for head in heads:
            checklist = loaded.catalog.get(head[HEAD])
            del head[HEAD]
            if checklist is None:  # read with a catalog that had it; nothing to show
                continue
            head[latex.ORIGIN] = f"{checklist.path}:1"
            summary = render.paragraph(checklist.summary, classes=["fmg-summary"])
            meta = [
                render.field("Version", checklist.version),
                render.field("Default owner", render.badge("owner", checklist.owner)),
                render.field("Items", head[COUNT]),
                render.field("Assessment template", template_download(checklist.id, self.config)),
            ]
            del head[COUNT]
            head += [summary, render.field_list(meta, classes=["fmg-checklist-meta"])]
            if quotable_text(checklist.summary):
                quotable.append([summary])
        return quotable


class ExpandItemBodiesEpub(ExpandItemBodies):
    """EPUB: nodes, with the badge row. The EPUB builder shows a link's address after it or in a
    footnote (``epub_show_urls``), which it can only do for link nodes, not for HTML from a
    template; and an e-book of a handbook is small enough that the nodes cost nothing to speak of."""

    default_priority = 3
    builders = ("epub",)
    badge_row = True


class ExpandItemBodiesHtml(ExpandItemBodies):
    """The same for the other HTML builders (html, dirhtml, singlehtml): each item's body is
    rendered from :mod:`.htmlbody`'s template as HTML around the guidance, which stays nodes. It
    runs before the generic transform, which then finds nothing left to do."""

    default_priority = 4
    formats = ("html",)

    def expand(self, boxes: list[nodes.Element], loaded: catalog.LoadedCatalog, quotable: list[list[nodes.Node]]) -> None:
        found: list[tuple[nodes.Element, Item, nodes.Element, list[nodes.paragraph] | None]] = []
        with sphinx_domains(self.env):
            for box, item, parsed in _items(boxes, loaded):
                guidance = render.guidance_node(item, self.document, parsed, box.line or 0)
                units = None
                if smart_quotable(item):
                    units = htmlbody.smartened_units(htmlbody.text_units(item))
                    quotable.append([guidance, *units])
                found.append((box, item, guidance, units))
        smarten(quotable, self.document)
        confdir = catalog.confdir(self.env)
        tmpl = htmlbody.template(self.config, confdir)
        for box, item, guidance, units in found:
            text = htmlbody.units_of(units) if units is not None else htmlbody.text_units(item)
            view = htmlbody.item_view(item, text, self.config)
            parts = htmlbody.render(tmpl, view, self.config, confdir)
            box[1:1] = [*_index_node(box, item, loaded), *htmlbody.body_nodes(parts, guidance)]


HEAD, COUNT = "fmg_checklist", "fmg_count"


def _left_for_the_write(document: nodes.document) -> tuple[list[nodes.Element], list[nodes.Element]]:
    """Checklist heads and item boxes whose content is made at write time (one walk of the page)."""
    heads, boxes = [], []
    for node in document.findall(nodes.Element):
        if render.ITEM in node:
            boxes.append(node)
        elif HEAD in node:
            heads.append(node)
    return heads, boxes


def _items(boxes: list[nodes.Element], loaded: catalog.LoadedCatalog) -> Iterator[tuple[nodes.Element, Item, nodes.Element | None]]:
    """Each box's item and the guidance parsed while reading (taken out of the box), if any."""
    for box in boxes:
        item = loaded.catalog.item(box[render.ITEM])
        del box[render.ITEM]
        parsed = None
        if len(box) > 1 and render.READ_GUIDANCE in box[1]["classes"]:
            parsed = box.pop(1)
            parsed["classes"].remove(render.READ_GUIDANCE)
        if item is not None:  # None: read with a catalog that had the item; nothing to show
            yield box, item, parsed


def _index_node(box: nodes.Element, item: Item, loaded: catalog.LoadedCatalog) -> list[nodes.Node]:
    """The ``index`` node for the entries the directive registered (:meth:`FmgDirective.note_item`)."""
    if not box.get(render.INDEXED):
        return []
    del box[render.INDEXED]
    checklist = loaded.catalog.get(item.checklist_id)
    return [addnodes.index(entries=render.index_entries(item, checklist.title if checklist else "", box["ids"][0]))]


#: What smart quotes can change: quotes, backticks (``smartquotes_action`` "b"), dashes, ellipses.
_SMARTQUOTABLE = ('"', "'", "`", "--", "...", ". .", "&")  # "&": entities such as &quot;


def smart_quotable(item: Item) -> bool:
    """Whether any text the item's body shows has a character smart quotes could change (checked
    on the source strings: cheaper than on the nodes, and at worst a needless pass)."""
    parts = [item.question, item.why, item.guidance, *item.evidence, item.previous_question]
    parts += [f"{r.label} {r.note}" for r in item.references]
    return quotable_text("\n".join(parts))


def quotable_text(text: str) -> bool:
    return any(mark in text for mark in _SMARTQUOTABLE)


def smarten(bodies: list[list[nodes.Node]], document: nodes.document) -> None:
    """Apply the project's smart-quotes setting to nodes made after the page was read: in place,
    in one pass per page (setting the transform up costs more than running it on one item)."""
    if not bodies:
        return
    holder = new_document(document.get("source", ""), document.settings)
    parents = [(node, node.parent) for body in bodies for node in body]
    for body in bodies:
        holder.extend(body)
    SphinxSmartQuotes(holder, None).apply()
    holder.clear()
    for node, parent in parents:  # nodes already in the page stay where they are
        node.parent = parent


def setup_directives(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "checklist", ChecklistDirective)
    app.add_directive_to_domain("fmg", "item", ItemDirective)
    app.add_post_transform(ExpandItemBodies)
    app.add_post_transform(ExpandItemBodiesEpub)
    app.add_post_transform(ExpandItemBodiesHtml)
