"""Directives that render checklist data: ``fmg:checklist`` and ``fmg:item`` (and their shared base).

Each reads the catalog (see :mod:`.catalog`), notes a dependency on every YAML file whose content
it shows — so an edited checklist re-reads exactly the pages that show it — and registers what it
renders with the :class:`~.domain.FmgDomain` so roles and intersphinx can link to it. Problems
(an unknown id, a bad option) are located ``fmg`` warnings and the directive renders nothing,
rather than a traceback or a half-built page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxTranslator, sphinx_domains

from ..core.models import MODES, OWNERS, Checklist, Item, Severity
from . import catalog, htmlbody, render
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
    """Shared plumbing: the catalog, the domain, dependencies and located warnings."""

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

    def run(self) -> list[nodes.Node]:
        checklist = self.find_checklist(self.arguments[0])
        if checklist is None:
            return []
        self.depend(checklist.path)
        self.domain.note_user(self.env.docname)
        items = [it for it in checklist.items if self._shown(it)]
        index = "no-index" not in self.options
        anchor = nodes.make_id(f"checklist-{checklist.id}")
        head = nodes.container(ids=[anchor], classes=["fmg-checklist"])
        head += render.paragraph(checklist.summary, classes=["fmg-summary"])
        meta = [
            render.field("Version", checklist.version),
            render.field("Default owner", render.badge("owner", checklist.owner)),
            render.field("Items", self._count(len(items), len(checklist.items))),
            render.field("Assessment template", template_download(checklist.id, self.config)),
        ]
        head += render.field_list(meta, classes=["fmg-checklist-meta"])
        if index:
            self.domain.note_object("checklist", checklist.id, anchor, checklist.title, location=self.get_location())
        result: list[nodes.Node] = [head]
        # fmg_item_toc = False: items are blocks with a heading one level below the directive's
        # section (<h2> under the page title), so they are not contents entries or numbered.
        as_section = fmg_config(self.config).item_toc
        level = 0 if as_section else min(6, getattr(self.state.memo, "section_level", 1) + 1)
        view = render.ItemView(self.state, as_section=as_section, checklist_title=checklist.title, heading_level=level)
        for item in items:
            node, item_anchor = render.item_node(item, view)
            self.set_source_info(node[-1])  # the body placeholder: guidance warnings point here
            if index:
                self.domain.note_object("item", item.id, item_anchor, item.title, location=self.get_location())
            result.append(node)
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

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"no-index": directives.flag}

    def run(self) -> list[nodes.Node]:
        item_id = self.arguments[0]
        item = self.loaded.catalog.item(item_id) or self.loaded.catalog.item(item_id.upper())
        if item is None:
            self.depend(*self.loaded.files)
            return self.warn(f"unknown item {item_id!r}: no loaded checklist defines it", "item")
        checklist = self.loaded.catalog.get(item.checklist_id)
        assert checklist is not None  # an item always comes from a loaded checklist
        self.depend(checklist.path)
        self.domain.note_user(self.env.docname)
        view = render.ItemView(self.state, as_section=False, checklist_title=checklist.title)
        node, anchor = render.item_node(item, view)
        self.set_source_info(node[-1])
        node += render.paragraph("From the ", render.xref("checklist", checklist.id, checklist.title, docname=self.env.docname, soft=True), " checklist.")
        if "no-index" not in self.options:
            self.domain.note_object("item", item.id, anchor, item.title, location=self.get_location())
        return [node]


class ExpandItemBodies(SphinxPostTransform):
    """Fill each item's body placeholder (see :class:`.render.fmg_item_body`) with nodes, for
    builders other than HTML.

    Priority 5 runs before Sphinx's reference resolver (10), so links written in guidance resolve
    like any other. Smart quotes, a read-time transform, are applied to the new nodes here, so the
    text reads the same as if it had been there when the page was read.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(render.fmg_item_body))
        if not placeholders:
            return
        loaded = catalog.for_env(self.env)
        bodies: list[list[nodes.Node]] = []
        quotable: list[list[nodes.Node]] = []
        # Roles and directives in guidance are looked up as while reading (sphinx_domains).
        with sphinx_domains(self.env):
            for node in placeholders:
                # None: the page was read with a catalog that had the item; nothing to show.
                item = loaded.catalog.item(node["item"])
                body = render.item_body(item, self.document, parsed=_parsed(node), lineno=node.line or 0) if item is not None else []
                bodies.append(body)
                if item is not None and smart_quotable(item):
                    quotable.append(body)
        smarten(quotable, self.document)
        for node, body in zip(placeholders, bodies, strict=True):
            node.replace_self(body)


class ExpandItemBodiesHtml(SphinxPostTransform):
    """The same for HTML-format builders (html, dirhtml, singlehtml, epub): each body is rendered
    from :mod:`.htmlbody`'s template as HTML around the guidance, which stays nodes. It runs
    first, so the generic transform finds nothing left to do."""

    default_priority = 4
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(render.fmg_item_body))
        if not placeholders:
            return
        loaded = catalog.for_env(self.env)
        found: list[tuple[nodes.Element, Item, nodes.Element, list[nodes.paragraph] | None]] = []
        quotable: list[list[nodes.Node]] = []
        with sphinx_domains(self.env):
            for node in placeholders:
                item = loaded.catalog.item(node["item"])
                if item is None:
                    node.parent.remove(node)
                    continue
                guidance = render.guidance_node(item, self.document, _parsed(node), node.line or 0)
                units = None
                if smart_quotable(item):
                    units = htmlbody.smartened_units(htmlbody.text_units(item))
                    quotable.append([guidance, *units])
                found.append((node, item, guidance, units))
        smarten(quotable, self.document)
        confdir = catalog.confdir(self.env)
        tmpl = htmlbody.template(self.config, confdir)
        for node, item, guidance, units in found:
            text = htmlbody.units_of(units) if units is not None else htmlbody.text_units(item)
            view = htmlbody.item_view(item, text, self.config)
            node.replace_self(htmlbody.body_nodes(htmlbody.render(tmpl, view, self.config, confdir), guidance))


def _parsed(placeholder: nodes.Element) -> nodes.Element | None:
    """The guidance parsed while reading, kept as the placeholder's child (if any)."""
    return placeholder[0] if len(placeholder) and isinstance(placeholder[0], nodes.Element) else None


#: What smart quotes can change: quotes, backticks (``smartquotes_action`` "b"), dashes, ellipses.
_SMARTQUOTABLE = ('"', "'", "`", "--", "...", ". .", "&")  # "&": entities such as &quot;


def smart_quotable(item: Item) -> bool:
    """Whether any text the item's body shows has a character smart quotes could change (checked
    on the source strings: cheaper than on the nodes, and at worst a needless pass)."""
    parts = [item.question, item.why, item.guidance, *item.evidence]
    parts += [f"{r.label} {r.note}" for r in item.references]
    text = "\n".join(parts)
    return any(mark in text for mark in _SMARTQUOTABLE)


def smarten(bodies: list[list[nodes.Node]], document: nodes.document) -> None:
    """Apply the project's smart-quotes setting to nodes made after the page was read: in place,
    in one pass per page (setting the transform up costs more than running it on one item)."""
    if not bodies:
        return
    holder = new_document(document.get("source", ""), document.settings)
    for body in bodies:
        holder.extend(body)
    SphinxSmartQuotes(holder, None).apply()
    holder.clear()


def _skip(self: SphinxTranslator, node: nodes.Element) -> None:
    """A placeholder left by a builder that never resolves doctrees is dropped, not a crash."""
    raise nodes.SkipNode


def setup_directives(app: Sphinx) -> None:
    app.add_node(render.fmg_item_body, **dict.fromkeys(("html", "latex", "text", "man", "texinfo"), (_skip, None)))
    app.add_directive_to_domain("fmg", "checklist", ChecklistDirective)
    app.add_directive_to_domain("fmg", "item", ItemDirective)
    app.add_post_transform(ExpandItemBodies)
    app.add_post_transform(ExpandItemBodiesHtml)
