"""The ``fmg`` domain: checklists and items as linkable objects, and the build bookkeeping.

Modelled on ``sphinx/domains/rst.py``: the cross-document state is plain data (tuples in dicts,
never nodes), so it pickles small, merges after a parallel read (``merge_domaindata``) and is
cleared per document (``clear_doc``). Objects land in ``objects.inv`` through :meth:`get_objects`,
which is what lets another project link to ``DE-01`` through intersphinx.

Roles resolve to the rendered target and show its title (``DE-01 — Data-flow inventory…``) unless
the author wrote explicit text. An id no page renders is a located ``fmg.ref`` warning instead of
Sphinx's generic one, so ``suppress_warnings = ["fmg.ref"]`` silences exactly these.

Incremental builds: directives note every YAML file they read, which re-reads the pages using an
edited checklist. Two cases that file dependencies cannot see are handled here: a checklist *file
added or removed* in a checklist folder (``env-get-outdated`` re-reads every page that renders
catalog data), and an item *moving or being retitled* (``env-get-updated`` rewrites the pages whose
``fmg`` links — roles, matrix rows, assessment rows — would otherwise keep the old target or title;
rewriting is cheap, re-reading is not needed because links resolve at write time; an edit that
moves and retitles nothing, such as a reworded question, rewrites none of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from . import catalog

logger = logging.getLogger(__name__)

#: Objects: (objtype, name) -> (docname, node_id, title).
ObjectEntry = tuple[str, str, str]


def link(builder: Builder, fromdocname: str, todocname: str, anchor: str, child: nodes.Node, title: str) -> nodes.reference:
    """A link to ``anchor`` on ``todocname``: Sphinx's :func:`~sphinx.util.nodes.make_refnode`, but
    on singlehtml (and builders made from it), where every page is one page, a link to an anchor is
    that anchor alone. Sphinx 8.2 to 9.0 write it as ``#document-page#anchor``, which no browser
    follows (sphinx-doc/sphinx#14221, open as of 2026-11); Sphinx up to 8.1 cut it to ``#anchor``.
    """
    if anchor and isinstance(builder, SingleFileHTMLBuilder):
        todocname = fromdocname  # the same page: Sphinx links by the anchor alone
    return make_refnode(builder, fromdocname, todocname, anchor, child, title)


def display_text(objtype: str, name: str, title: str) -> str:
    """How a reference to an object reads: items by id and title, checklists by title."""
    return f"{name} — {title}" if objtype == "item" else title


class FmgDomain(Domain):
    """Checklists and their items."""

    name = "fmg"
    label = "fm-governance"
    object_types: ClassVar[dict[str, ObjType]] = {
        "checklist": ObjType("checklist", "checklist"),
        "item": ObjType("checklist item", "item"),
    }
    roles: ClassVar[dict[str, Any]] = {
        "checklist": XRefRole(innernodeclass=nodes.inline, warn_dangling=True),
        "item": XRefRole(innernodeclass=nodes.inline, warn_dangling=True),
    }
    # Directives are added by setup_directives(), which keeps them in their own modules.
    directives: ClassVar[dict[str, Any]] = {}
    initial_data: ClassVar[dict[str, Any]] = {
        "objects": {},  # (objtype, name) -> (docname, node_id, title)
        "users": {},  # docname -> True: pages rendering catalog data
        "linkers": {},  # docname -> True: pages with fmg links (roles, matrix, assessment)
        "files": [],  # checklist files of the last build, to notice files added or removed
        "by_doc": {},  # docname -> keys of "objects" it registered (clearing a page is then O(its objects))
        "linked": None,  # "objects" as the linking pages were last written with
    }
    data_version = 2

    @property
    def objects(self) -> dict[tuple[str, str], ObjectEntry]:
        return self.data.setdefault("objects", {})

    def note_object(self, objtype: str, name: str, node_id: str, title: str, location: Any = None) -> None:
        # clear_doc() has already removed this page's old entries, so any entry left is a real
        # second rendering (on another page, or earlier on this one).
        other = self.objects.get((objtype, name))
        if other is not None:
            logger.warning(
                f"duplicate {objtype} {name!r}, also rendered in {other[0]!r}; use :no-index: on one of them",
                type="fmg",
                subtype="duplicate",
                location=location,
            )
        self.objects[objtype, name] = (self.env.docname, node_id, title)
        self.data["by_doc"].setdefault(self.env.docname, []).append((objtype, name))

    def note_user(self, docname: str) -> None:
        self.data["users"][docname] = True

    def docs_with_objects(self) -> set[str]:
        return {doc for doc, _id, _title in self.objects.values()}

    def has_objects(self, docname: str) -> bool:
        return any(self.objects.get(key, ("",))[0] == docname for key in self.data["by_doc"].get(docname, ()))

    def clear_doc(self, docname: str) -> None:
        for key in self.data["by_doc"].pop(docname, ()):
            # A key another page registered later (a duplicate) is that page's now.
            if self.objects.get(key, ("",))[0] == docname:
                del self.objects[key]
        self.data["users"].pop(docname, None)
        self.data["linkers"].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, entry in otherdata["objects"].items():
            if entry[0] not in docnames:
                continue
            mine = self.objects.get(key)
            if mine is not None and mine[0] != entry[0]:
                # The serial build warns while reading; a parallel one only sees it here.
                logger.warning(
                    f"duplicate {key[0]} {key[1]!r}, also rendered in {mine[0]!r}; use :no-index: on one of them",
                    type="fmg",
                    subtype="duplicate",
                    location=(entry[0], None),
                )
            self.objects[key] = entry
            self.data["by_doc"].setdefault(entry[0], []).append(key)
        for name in ("users", "linkers"):
            for doc in otherdata[name]:
                if doc in docnames:
                    self.data[name][doc] = True

    def _find(self, objtypes: Iterable[str], target: str) -> tuple[str, ObjectEntry] | None:
        for objtype in objtypes:
            for name in (target, target.upper()) if objtype == "item" else (target,):
                entry = self.objects.get((objtype, name))
                if entry is not None:
                    return objtype, entry
        return None

    def _refnode(self, builder: Builder, fromdocname: str, objtype: str, name: str, entry: ObjectEntry, node: Element, contnode: Element) -> Element:
        docname, node_id, title = entry
        if not node.get("refexplicit"):
            text = display_text(objtype, name, title)
            contnode = nodes.inline(text, text, classes=contnode.get("classes", []))
        return link(builder, fromdocname, docname, node_id, contnode, f"{name}: {title}" if objtype == "item" else title)

    def resolve_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str, node: pending_xref, contnode: Element
    ) -> Element | None:
        found = self._find(self.objtypes_for_role(typ) or (), target)
        if found is None:
            return None
        objtype, entry = found
        name = target if (objtype, target) in self.objects else target.upper()
        return self._refnode(builder, fromdocname, objtype, name, entry, node, contnode)

    def resolve_any_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str, node: pending_xref, contnode: Element
    ) -> list[tuple[str, Element]]:
        results = []
        for objtype in self.object_types:
            found = self._find((objtype,), target)
            if found is not None:
                name = target if (objtype, target) in self.objects else target.upper()
                role = self.role_for_objtype(objtype) or objtype
                results.append((f"fmg:{role}", self._refnode(builder, fromdocname, objtype, name, found[1], node, contnode)))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for (objtype, name), (docname, node_id, title) in sorted(self.objects.items()):
            yield name, display_text(objtype, name, title), objtype, docname, node_id, 1

    def get_full_qualified_name(self, node: Element) -> str | None:
        return node.get("reftarget")


# --- warnings for unknown ids --------------------------------------------------------------------


def _on_warn_missing_reference(app: Sphinx, domain: Domain, node: pending_xref) -> bool | None:
    """Replace Sphinx's generic dangling-reference warning for ``fmg`` roles with a typed one.

    Links generated by the matrix and assessment directives carry ``fmg_soft``: their items exist
    in the catalog but a project need not render every checklist, so they quietly stay text.
    """
    if domain is None or domain.name != "fmg":
        return None
    if node.get("fmg_soft"):
        return True
    typ, target = node["reftype"], node["reftarget"]
    loaded = catalog.for_env(app.env)
    known = loaded.catalog.item(target) if typ == "item" else loaded.catalog.get(target)
    hint = "it is in the catalog but no page renders it: add a fmg:checklist or fmg:item directive" if known else "no loaded checklist defines it"
    logger.warning(f"unknown {typ} {target!r}: {hint}", type="fmg", subtype="ref", location=node)
    return True


# --- incremental builds ---------------------------------------------------------------------------

#: Per project (srcdir): documents whose fmg objects were purged or read in this build. Process
#: state, not environment state, because it only lives between two events of one build.
_touched: dict[str, set[str]] = {}
_reading: dict[str, set[str]] = {}


def _domain(env: BuildEnvironment) -> FmgDomain:
    return env.domains["fmg"]  # type: ignore[return-value]


def _on_env_get_outdated(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]) -> list[str]:
    domain = _domain(env)
    files = list(catalog.for_env(env).files)
    if files == domain.data["files"]:
        return []
    domain.data["files"] = files
    return sorted(doc for doc in domain.data["users"] if doc not in removed)


def _on_env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    if _domain(env).has_objects(docname):
        _touched.setdefault(str(env.srcdir), set()).add(docname)


def _on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _reading[str(env.srcdir)] = set(docnames)


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Remember pages holding ``fmg`` links (plain data: just the page name)."""
    for ref in doctree.findall(pending_xref):
        if ref.get("refdomain") == "fmg":
            _domain(app.env).data["linkers"][app.env.docname] = True
            return


def _on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    key = str(env.srcdir)
    domain = _domain(env)
    read = _reading.pop(key, set())
    touched = _touched.pop(key, set()) | (read & domain.docs_with_objects())
    if not touched:
        return []
    # A link shows only its target's page, anchor and title: when no object's entry changed (a
    # checklist edit that moved or retitled nothing, such as a reworded question), the pages that
    # link to them would be written the same, so they are not rewritten.
    linked = dict(domain.objects)
    if domain.data.get("linked") == linked:
        return []
    domain.data["linked"] = linked
    return sorted(set(domain.data["linkers"]) - read)


def setup_domain(app: Sphinx) -> None:
    app.add_domain(FmgDomain)
    app.connect("warn-missing-reference", _on_warn_missing_reference)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-get-updated", _on_env_get_updated)
