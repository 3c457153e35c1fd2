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
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.models import MODES, OWNERS, Checklist, Item, Severity
from . import catalog, render
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
        view = render.ItemView(self.state, self.env.docname, as_section=True, checklist_title=checklist.title)
        for item in items:
            node, item_anchor = render.item_node(item, view)
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
        view = render.ItemView(self.state, self.env.docname, as_section=False, checklist_title=checklist.title)
        node, anchor = render.item_node(item, view)
        node += render.paragraph("From the ", render.xref("checklist", checklist.id, checklist.title, docname=self.env.docname, soft=True), " checklist.")
        if "no-index" not in self.options:
            self.domain.note_object("item", item.id, anchor, item.title, location=self.get_location())
        return [node]


def setup_directives(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "checklist", ChecklistDirective)
    app.add_directive_to_domain("fmg", "item", ItemDirective)
