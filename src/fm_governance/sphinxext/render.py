"""Builder-neutral doctree pieces: items, badges, field lists, tables, links and Markdown.

Everything here is a standard docutils node (sections, field lists, tables, bullet lists, inline
with classes), because those are what every writer — html, latex, epub, text, man, texinfo —
already renders well: a table becomes a ``longtable`` in the PDF, a badge becomes its word in plain
text. An item's body is made at write time, once the builder is known — never by the directives,
whose doctree every builder shares: HTML builders render it from a template (:mod:`.htmlbody`),
the others get :func:`item_body`'s nodes.

Text from YAML only ever enters the tree as ``nodes.Text`` (escaped by each writer), as guidance
Markdown restricted to :mod:`.guidance`'s safe subset before MyST renders it (anything else is
shown as literal text, with an ``fmg.guidance`` warning), or through :mod:`.htmlbody`'s
autoescaping template: a ``<script>`` in a note or in guidance is shown, never executed, and is
valid LaTeX.
"""

from __future__ import annotations

import linecache
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from docutils import nodes
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.models import FRAMEWORK_TITLES, Item, Reference
from .catalog import unexpected
from .guidance import ALLOWED_SUMMARY, refuse_unsafe

logger = logging.getLogger(__name__)

NodeLike: TypeAlias = nodes.Node | str


def text(value: str) -> nodes.Text:
    return nodes.Text(value)


def paragraph(*children: NodeLike, classes: Sequence[str] = ()) -> nodes.paragraph:
    para = nodes.paragraph(classes=list(classes))
    para.extend(text(c) if isinstance(c, str) else c for c in children)
    return para


def badge_classes(kind: str, value: str) -> list[str]:
    return ["fmg-badge", f"fmg-{kind}", f"fmg-{kind}-{nodes.make_id(value) or 'none'}"]


def badge(kind: str, value: str, shown: str | None = None) -> nodes.inline:
    """A severity/owner/mode/status label: a styled pill in HTML, just the word elsewhere."""
    shown = value if shown is None else shown
    return nodes.inline(shown, shown, classes=badge_classes(kind, value))


def field(name: str, *body: NodeLike) -> nodes.field:
    value = nodes.field_body()
    for part in body:
        value += paragraph(part) if isinstance(part, (str, nodes.Inline | nodes.Text)) else part
    return nodes.field("", nodes.field_name(name, name), value)


def field_list(fields: Iterable[nodes.field], classes: Sequence[str] = ()) -> nodes.field_list:
    fl = nodes.field_list(classes=list(classes))
    fl.extend(fields)
    return fl


def bullet_list(entries: Iterable[NodeLike | list[NodeLike]], classes: Sequence[str] = ()) -> nodes.bullet_list:
    bl = nodes.bullet_list(classes=list(classes))
    for entry in entries:
        parts = entry if isinstance(entry, list) else [entry]
        bl += nodes.list_item("", paragraph(*parts))
    return bl


def joined(parts: Sequence[nodes.Node], sep: str = ", ") -> list[NodeLike]:
    out: list[NodeLike] = []
    for n, part in enumerate(parts):
        if n:
            out.append(text(sep))
        out.append(part)
    return out


def xref(reftype: str, target: str, label: str | None = None, *, docname: str, soft: bool = False) -> addnodes.pending_xref:
    """A link to an ``fmg`` object. ``soft`` links (generated tables) stay plain text if no page
    renders the target, instead of warning: a project need not render every checklist."""
    shown = label if label is not None else target
    ref = addnodes.pending_xref(
        "", refdomain="fmg", reftype=reftype, reftarget=target, refexplicit=label is not None, refwarn=not soft, refdoc=docname, fmg_soft=soft
    )
    ref += nodes.inline(shown, shown)
    return ref


def external_link(url: str, label: str) -> nodes.Node:
    """Only http(s) URLs become links; anything else (``javascript:``…) stays text."""
    if url.startswith(("https://", "http://")):
        return nodes.reference(label, label, refuri=url)
    return text(label)


def reference_entry(ref: Reference) -> list[NodeLike]:
    if ref.is_source:
        parts: list[NodeLike] = [external_link(ref.url, ref.label)]
    else:
        parts = [nodes.strong(FRAMEWORK_TITLES.get(ref.framework, ref.framework), FRAMEWORK_TITLES.get(ref.framework, ref.framework)), f" {ref.id}"]
    if ref.note:
        parts.append(f" — {ref.note}")
    return parts


def table(headers: Sequence[str], rows: Iterable[Sequence[NodeLike | list[NodeLike]]], *, widths: Sequence[int], classes: Sequence[str] = ()) -> nodes.table:
    """A plain docutils table. Class ``longtable`` lets the PDF break it across pages."""
    tbl = nodes.table(classes=["longtable", *classes])
    group = nodes.tgroup(cols=len(headers))
    tbl += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    for cells in rows:
        body += _row(cells)
    return tbl


def _row(cells: Sequence[NodeLike | list[NodeLike]]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        parts = cell if isinstance(cell, list) else [cell]
        if parts and all(isinstance(p, nodes.Body) and not isinstance(p, nodes.Inline) for p in parts):
            entry.extend(parts)  # block content (paragraphs, lists) goes in as it is
        elif parts and parts != [""]:
            entry += paragraph(*parts)
        row += entry
    return row


# --- Markdown ------------------------------------------------------------------------------------

_parsers: dict[int, tuple[Any, Any]] = {}
#: The standalone renderer's current document (reStructuredText pages): one set-up per page, not
#: per guidance, because setting a MyST renderer up builds docutils default settings (slow).
_standalone: dict[str, Any] = {}


def _md_parser(env: BuildEnvironment) -> Any:
    """One MyST parser per configuration, reused: building it costs more than parsing a guidance."""
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
    from myst_parser.parsers.mdit import create_md_parser

    config = getattr(env, "myst_config", None) or MdParserConfig()
    cached = _parsers.get(id(config))
    if cached is None or cached[0] is not config:
        cached = _parsers[id(config)] = (config, create_md_parser(config, SphinxRenderer))
    return cached[1]


def _standalone_renderer(document: nodes.document) -> Any:
    """A MyST renderer bound to a private sub-document of ``document`` (a guidance cannot add
    targets or substitutions to the page)."""
    if _standalone.get("for") is not document:
        md = _md_parser(document.settings.env)
        md.options["document"] = new_document(document.get("source", ""), document.settings)
        try:
            md.render("")  # sets the renderer up for this page
        finally:
            md.options.pop("document", None)
        _standalone.update({"for": document, "renderer": md.renderer})
    return _standalone["renderer"]


#: Markdown whose nodes need the page's read-time processing: roles, directives, substitutions and
#: attributes (``{``), images (the image collector), footnotes (numbered and linked while reading),
#: targets (``(label)=``), math (``$``) and headings (sections with ids). Guidance with any of these
#: is parsed while the page is read, like any Markdown on it; plain guidance — emphasis, lists,
#: links, code, tables — is parsed when the page is written.
_NEEDS_READING = re.compile(r"[{$]|!\[|\[\^|\)=|^\s{0,3}#", re.MULTILINE)


def parse_while_reading(guidance: str) -> bool:
    return _NEEDS_READING.search(guidance) is not None


def markdown(source: str, document: nodes.document, lineno: int = 0, item: Item | None = None) -> list[nodes.Node]:
    """Parse checklist Markdown with MyST into a private sub-document of ``document``: plain
    guidance when the page is written (see above), any guidance on a reStructuredText page.

    Guidance is Markdown in the data contract whatever the page's own markup is, so a MyST
    renderer with the project's MyST settings, set up once per page, parses it. Only the safe
    subset of :mod:`.guidance` is rendered; ``item``: whose guidance it is, for the warnings.
    """
    box = nodes.container()
    renderer = _standalone_renderer(document)
    with renderer.current_node_context(box):
        _render_or_show(renderer, source, lineno, item, box)
    return _literal_raw(box)


def markdown_while_reading(source: str, state: Any, item: Item) -> list[nodes.Node]:
    """Parse checklist Markdown while the page is read, into the page itself.

    On a MyST page the page's own renderer does it (the page's MyST settings, footnotes and
    targets registered with the page); on a reStructuredText page a MyST renderer set up once per
    page does.
    """
    from myst_parser.mocking import MockState

    if not isinstance(state, MockState):
        return markdown(source, state.document, item=item)
    box = nodes.container()
    renderer = state._renderer  # what MockState.nested_parse renders with
    with renderer.current_node_context(box):
        _render_or_show(renderer, source, getattr(state, "_lineno", 0), item, box)
    return _literal_raw(box)


def _render_or_show(renderer: Any, source: str, lineno: int, item: Item | None, box: nodes.Element) -> None:
    """Render guidance into ``box``; should that fail in a way nobody foresaw, show it as a literal
    block with a located warning instead — a checklist file never ends the build with a traceback."""
    try:
        _render_safe(renderer, source, lineno, item)
    except Exception as exc:
        logger.debug("fm-governance: guidance failed to render", exc_info=True)
        box.clear()
        box += nodes.literal_block(source, source, language="none")
        about = f"{item.id}: " if item is not None else ""
        logger.warning(
            f"{about}guidance could not be rendered ({unexpected(exc)}) and is shown as literal text — "
            "simplify it; if it is plain Markdown, report this fault in fm-governance",
            type="fmg",
            subtype="guidance",
            location=guidance_line(item, 0) if item is not None else None,
        )


def _render_safe(renderer: Any, source: str, lineno: int, item: Item | None) -> None:
    """What MyST's ``nested_render_text`` does, with the token stream restricted to the safe
    subset (:func:`.guidance.refuse_unsafe`) before any of it is rendered; each refused construct
    is a located ``fmg.guidance`` warning."""
    tokens = renderer.md.parse(source + "\n", renderer.md_env)
    for refusal in refuse_unsafe(tokens, source, renderer.md_config.fence_as_directive):
        where = guidance_line(item, refusal.line) if item is not None else None
        about = f"{item.id}: " if item is not None else ""
        logger.warning(
            f"{about}guidance may not use {refusal.what} ({refusal.outcome}) — {ALLOWED_SUMMARY}",
            type="fmg",
            subtype="guidance",
            location=where,
        )
    for token in tokens:  # MyST's line numbers: relative to the page (0-based until rendered)
        if token.map:
            token.map = [token.map[0] + lineno, token.map[1] + lineno]
    renderer._render_tokens(tokens)


def guidance_line(item: Item, offset: int) -> str:
    """``file:line`` of line ``offset`` of an item's guidance in its checklist file.

    Lines map one to one in a block scalar (``guidance: |``), whose text starts on the first
    non-blank line after the indicator; a flow scalar is located at its start.
    """
    loc = item.guidance_location or item.location
    if loc is None:
        return "guidance"
    linecache.checkcache(loc.file)  # the file may have changed since a previous build
    line = loc.line
    if linecache.getline(loc.file, line)[max(loc.column - 1, 0) :].startswith(("|", ">")):
        line += 1
        while linecache.getline(loc.file, line).isspace():  # blank lines the loader stripped
            line += 1
        line += offset
    return f"{loc.file}:{line}"


def _literal_raw(box: nodes.Element) -> list[nodes.Node]:
    for raw in list(box.findall(nodes.raw)):
        shown = raw.astext().strip()
        literal = nodes.literal(shown, shown)
        raw.replace_self(literal if isinstance(raw.parent, nodes.TextElement) else nodes.paragraph("", "", literal))
    return list(box.children)


# --- items ---------------------------------------------------------------------------------------


@dataclass
class ItemView:
    """How one directive renders items.

    ``state``: the directive's state (its page, for guidance parsed while reading). ``as_section``:
    items are sections (a checklist page: contents entries, numbered with the page, PDF outline);
    otherwise blocks whose heading is a rubric — at ``heading_level`` (``<h2>`` …) when set, as on
    a checklist page with ``fmg_item_toc = False``, or a plain rubric for an item inside prose.
    """

    state: Any
    as_section: bool = True
    heading_level: int = 0


#: Attribute of an item's box (its section, or container) naming the item: its body is made when
#: the page is written (:class:`~.directives.ExpandItemBodies`).
ITEM = "fmg_item"
#: Attribute of an item's box that registered its index entries (without ``:no-index:``).
INDEXED = "fmg_indexed"
#: Class of the guidance container parsed while reading, kept in the box until the body is made.
READ_GUIDANCE = "fmg-guidance-read"


def item_id(item_id_: str) -> str:
    """HTML anchor of an item: its id, lower-cased (``#de-01``), stable across versions."""
    return nodes.make_id(item_id_)


def index_entries(item: Item, checklist_title: str, anchor: str) -> list[tuple[str, str, str, str, None]]:
    """The item's general-index entries: under its id, and under its checklist."""
    return [("single", f"{item.id} (checklist item)", anchor, "", None), ("single", f"{checklist_title}; {item.id} {item.title}", anchor, "", None)]


def item_node(item: Item, view: ItemView) -> tuple[nodes.Element, str]:
    """The item as read: its heading and anchor (all the table of contents and links need) and
    the name of the item, whose body is made when the page is written.

    Sphinx's read-time transforms walk every node of a page several dozen times, and the
    environment keeps and pickles every node until the page is written; a body (question, badges,
    why, guidance, evidence, references) that does not exist yet costs neither (sphinx-needs and
    ``sphinx.ext.todo`` defer their layout the same way). The general-index entries are
    registered by the directive and their ``index`` node is made with the body. Guidance that
    needs read-time processing (:func:`parse_while_reading`) is parsed now and kept in the box.
    """
    anchor = item_id(item.id)
    heading = f"{item.id} {item.title}"
    if view.as_section:
        box: nodes.Element = nodes.section(ids=[anchor], classes=["fmg-item"])
        box += nodes.title(heading, heading)
    else:
        box = nodes.container(ids=[anchor], classes=["fmg-item", "fmg-item-block"])
        rubric = nodes.rubric(heading, heading)
        if view.heading_level:
            rubric["heading-level"] = view.heading_level
        box += rubric
    box[ITEM] = item.id
    if parse_while_reading(item.guidance):
        box += nodes.container("", *markdown_while_reading(item.guidance, view.state, item), classes=["fmg-guidance", READ_GUIDANCE])
    return box, anchor


def item_body(item: Item, document: nodes.document, *, badge_row: bool = False, parsed: nodes.Element | None = None, lineno: int = 0) -> list[nodes.Node]:
    """Question, severity/owner/applicability, why, guidance, evidence and references, as nodes —
    for every builder but html, dirhtml and singlehtml (which render :mod:`.htmlbody`'s template,
    the same HTML as these nodes with ``badge_row``).

    ``badge_row`` (EPUB): severity, owner and modes as one row of badges; otherwise a labelled
    field list, where "Severity: high" reads better than a bare "high". ``parsed``: the guidance
    when it was parsed while reading (see :func:`guidance_node`).
    """
    question = paragraph(nodes.strong(item.question, item.question), classes=["fmg-question"])
    applies = [badge("mode", m) for m in item.applies_to]
    meta: nodes.Element
    if badge_row:
        badges = [badge("severity", item.severity.value), badge("owner", item.owner), *consulted_badge(item)]
        badges += applies or [badge("mode", "all", "all modes")]
        meta = paragraph(*joined(badges, " "), classes=["fmg-badges", "fmg-meta"])
    else:
        fields = [field("Severity", badge("severity", item.severity.value)), field("Owner", badge("owner", item.owner))]
        if item.consulted:
            fields.append(field("Consulted", paragraph(*joined([badge("consulted", role) for role in item.consulted]))))
        fields.append(field("Applies to", paragraph(*joined(applies or [text("all modes")]))))
        meta = field_list(fields, classes=["fmg-meta"])
    body = [field("Why", item.why), field("Guidance", guidance_node(item, document, parsed, lineno))]
    body.append(field("Evidence", bullet_list(item.evidence)))
    if item.references:
        body.append(field("References", bullet_list(reference_entry(r) for r in item.references)))
    return [question, *changed_note(item), meta, field_list(body, classes=["fmg-body"])]


def changed_note(item: Item) -> list[nodes.paragraph]:
    """A quiet line under the question when it changed in meaning: "Question changed in 1.1.1;
    previously: …", so a reader comparing an old answer sees what it answered."""
    if not item.changed:
        return []
    if item.previous_question:
        return [paragraph(nodes.emphasis("", f"Question changed in {item.changed}; previously: {item.previous_question}"), classes=["fmg-changed"])]
    return [paragraph(nodes.emphasis("", f"Question changed in {item.changed}."), classes=["fmg-changed"])]


def consulted_value(item: Item) -> tuple[str, str]:
    """The consulted roles as one badge's value and its shown text ("consulted: legal, privacy"):
    one badge, so a row of badges still reads severity, owner, who is asked, modes."""
    value = ", ".join(item.consulted)
    return value, f"consulted: {value}"


def consulted_badge(item: Item) -> list[nodes.inline]:
    """The badge row's consulted badge, or nothing when the item names no consulted roles."""
    if not item.consulted:
        return []
    value, shown = consulted_value(item)
    return [badge("consulted", value, shown)]


def guidance_node(item: Item, document: nodes.document, parsed: nodes.Element | None, lineno: int) -> nodes.Element:
    """The guidance as a ``fmg-guidance`` container: ``parsed`` if it was parsed while reading,
    else parsed now (``lineno``: where warnings point)."""
    if parsed is not None:
        return parsed
    return nodes.container("", *markdown(item.guidance, document, lineno, item), classes=["fmg-guidance"])
