"""``fmg:matrix``: the crosswalk of every item against every framework it references.

The matrix is the one aggregate that grows with the whole catalog (2,000 items make a 2,000-row
table), so it is built late: the directive leaves a small placeholder node, and the table is made
at ``doctree-resolved``, when the page is written (sphinx/ext/todo.py's pattern). Reading the page
stays cheap, and so does the re-read that every checklist edit triggers (the directive depends on
every checklist file). Links to items are resolved here directly from the domain's data; an item
no page renders stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util.docutils import SphinxTranslator

from ..core.models import FRAMEWORK_TITLES, Checklist, Item
from . import catalog, htmlbody, render
from .directives import FmgDirective, id_list
from .domain import FmgDomain, link
from .output import badge_classes, style_badges


class fmg_matrix(nodes.General, nodes.Element):
    """Placeholder for the matrix; attributes ``checklists`` and ``frameworks`` (tuples of ids)."""


def framework_order(frameworks: Iterable[str]) -> list[str]:
    """Known frameworks in their catalogue order, then any others alphabetically."""
    present = set(frameworks)
    known = [f for f in FRAMEWORK_TITLES if f in present]
    return known + sorted(present - set(known))


class MatrixDirective(FmgDirective):
    """The crosswalk: every item of every (selected) checklist against each referenced framework."""

    option_spec: ClassVar[dict[str, Any]] = {"checklists": id_list, "frameworks": id_list}

    def render(self) -> list[nodes.Node]:
        loaded = self.loaded
        # The matrix shows every checklist, so any checklist edit must re-read (and so rewrite) it.
        self.depend(*loaded.files)
        self.domain.note_user(self.env.docname)
        # Its links point at items on other pages: rewrite it when they move (see domain.py).
        self.domain.data["linkers"][self.env.docname] = True
        wanted = tuple(dict.fromkeys(self.options.get("checklists", ())))  # each once, in order
        unknown = [c for c in wanted if loaded.catalog.get(c) is None]
        if unknown:
            self.warn(f"fmg:matrix: unknown checklist {unknown[0]!r}", "checklist")
        frameworks = tuple(dict.fromkeys(self.options.get("frameworks", ())))
        strange = [f for f in frameworks if f not in FRAMEWORK_TITLES]
        if strange:
            self.warn(f"fmg:matrix: unknown framework {strange[0]!r} (frameworks: {', '.join(FRAMEWORK_TITLES)})", "checklist")
        if not wanted and not list(loaded.catalog):
            fix = (
                "see the fmg.checklist warnings about its files"
                if loaded.files
                else "list checklist folders in fmg_checklist_dirs or built-ins in fmg_builtin_checklists"
            )
            self.warn(f"fmg:matrix: no checklist is loaded, so the crosswalk is empty — {fix}", "checklist")
        node = fmg_matrix(checklists=wanted, frameworks=frameworks)
        self.set_source_info(node)
        return [node]


def _item_link(item_id: str, builder: Builder, docname: str, domain: FmgDomain) -> nodes.Node:
    entry = domain.objects.get(("item", item_id))
    label = nodes.inline(item_id, item_id)
    if entry is None:
        return label
    todoc, anchor, title = entry
    return link(builder, docname, todoc, anchor, label, f"{item_id}: {title}")


def matrix_table(
    checklists: list[Checklist], wanted_frameworks: tuple[str, ...], builder: Builder, docname: str, domain: FmgDomain, *, compact: bool = False
) -> nodes.table:
    """The crosswalk table.

    On screen each framework gets a column, so a risk officer can scan down one framework. On paper
    (``compact``: PDF, text) twelve columns do not fit a portrait page — ids and framework ids
    would break mid-word — so the frameworks share one "References" column, one line each.
    """
    items = [it for c in checklists for it in c.items]
    frameworks = _frameworks(items, wanted_frameworks)
    rows = []
    for it in items:
        cells: list[Any] = [
            _item_link(it.id, builder, docname, domain),
            it.title,
            render.badge("severity", it.severity.value),
            render.badge("owner", it.owner),
        ]
        per_framework = dict(zip(frameworks, _framework_ids(it, frameworks), strict=True))
        if compact:
            lines = [
                render.paragraph(nodes.strong(FRAMEWORK_TITLES.get(f, f), FRAMEWORK_TITLES.get(f, f)), f": {ids}") for f, ids in per_framework.items() if ids
            ]
            cells.append(lines or "")
        else:
            cells.extend(per_framework.values())
        rows.append(cells)
    if compact:
        headers = ["ID", "Title", "Severity", "Owner", "References"]
        widths = [9, 25, 11, 13, 42]
    else:
        headers, widths = _wide_columns(frameworks)
    return render.table(headers, rows, widths=widths, classes=["fmg-matrix", "colwidths-given"])


#: Relative column widths on screen: id, title, severity, owner (then 9 per framework).
_WIDE = [7, 24, 7, 8]


def _frameworks(items: list[Item], wanted: tuple[str, ...]) -> list[str]:
    frameworks = framework_order(r.framework for it in items for r in it.references if not r.is_source)
    return [f for f in wanted if f in frameworks] if wanted else frameworks


def _wide_columns(frameworks: list[str]) -> tuple[list[str], list[int]]:
    """Headers and relative widths of the on-screen table: one column per framework."""
    return ["ID", "Title", "Severity", "Owner", *(FRAMEWORK_TITLES.get(f, f) for f in frameworks)], _WIDE[:4] + [9] * len(frameworks)


def _framework_ids(item: Item, frameworks: list[str]) -> list[str]:
    """The item's clause ids in each framework, in column order ("" where it has none)."""
    return ["; ".join(r.id for r in item.references if r.framework == f) for f in frameworks]


MATRIX_TEMPLATE = "fmg/matrix.html"
_CONTROL_SPACE = re.compile("[\n\r\t\v\f]")
#: Builders that get the matrix from the template: html and dirhtml, whose template output
#: tests/test_htmlbody.py holds to the node table's. The others get the node table; EPUB must (it
#: shows link addresses, which it can do only for link nodes).
TEMPLATE_BUILDERS = ("html", "dirhtml")


def matrix_html(checklists: list[Checklist], wanted_frameworks: tuple[str, ...], app: Sphinx, docname: str, domain: FmgDomain) -> nodes.raw:
    """The crosswalk for html and dirhtml: the same table as :func:`matrix_table` makes of nodes,
    from the template ``fmg/matrix.html`` — one ``raw`` node instead of some 25 nodes a row."""
    items = [it for c in checklists for it in c.items]
    frameworks = _frameworks(items, wanted_frameworks)
    headers, widths = _wide_columns(frameworks)
    rows = []
    for it in items:
        # The same link the node table makes, written as the translator writes a reference.
        link = _item_link(it.id, app.builder, docname, domain)
        linked = isinstance(link, nodes.reference)
        rows.append(
            {
                "id": it.id,
                "href": (f"#{link['refid']}" if "refid" in link else link["refuri"]) if linked else "",
                "title": it.title,
                # As the translator writes an attribute: control whitespace becomes spaces.
                "link_title": _CONTROL_SPACE.sub(" ", link["reftitle"]) if linked else "",
                "severity": htmlbody.BadgeView("severity", it.severity.value, badge_classes("severity", it.severity.value, app.config)),
                "owner": htmlbody.BadgeView("owner", it.owner, badge_classes("owner", it.owner, app.config)),
                "frameworks": _framework_ids(it, frameworks),
            }
        )
    context = {"matrix": {"headers": headers, "widths": [f"{w / sum(widths):.1%}" for w in widths], "rows": rows, "frameworks": frameworks}}
    confdir = catalog.confdir(app.env)
    tmpl = htmlbody.template(app.config, confdir, MATRIX_TEMPLATE)
    return nodes.raw("", htmlbody.render_or_fall_back(tmpl, context, app.config, confdir, "matrix template failed"), format="html")


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(fmg_matrix))
    if not placeholders:
        return
    loaded = catalog.for_env(app.env)
    domain: FmgDomain = app.env.domains["fmg"]  # type: ignore[assignment]
    for node in placeholders:
        wanted = node["checklists"]
        selected = [c for c in (loaded.catalog.get(w) for w in wanted) if c is not None] if wanted else list(loaded.catalog)
        if not selected:  # warned while reading; a table of headings alone says nothing
            node.replace_self(render.paragraph("No checklist items to show.", classes=["fmg-matrix-empty"]))
            continue
        if app.builder.name in TEMPLATE_BUILDERS:
            node.replace_self(_scrolling(matrix_html(selected, node["frameworks"], app, docname, domain)))
            continue
        table = matrix_table(selected, node["frameworks"], app.builder, docname, domain, compact=app.builder.format != "html")
        if app.builder.format == "html":
            style_badges(table, app.config)
            node.replace_self(_scrolling(table))
        else:
            node.replace_self(table)


def _scrolling(table: nodes.Element) -> nodes.container:
    """The on-screen crosswalk in a box of its own that scrolls sideways (fmg.css), with the item
    column kept in view: a dozen framework columns never fit a phone, and no theme may be relied
    on to wrap a table (furo does for the tables it writes, not for the template's; alabaster never)."""
    return nodes.container("", table, classes=["fmg-scroll", "fmg-matrix-scroll"])


def _skip(self: SphinxTranslator, node: fmg_matrix) -> None:
    """Placeholders are replaced before writing; one that is not (a custom builder that never
    resolves doctrees) is dropped rather than crashing the writer."""
    raise nodes.SkipNode


def setup_matrix(app: Sphinx) -> None:
    app.add_node(fmg_matrix, **dict.fromkeys(("html", "latex", "text", "man", "texinfo"), (_skip, None)))
    app.add_directive_to_domain("fmg", "matrix", MatrixDirective)
    app.connect("doctree-resolved", _on_doctree_resolved)
