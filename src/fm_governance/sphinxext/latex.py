"""Text from checklists and assessments in the PDF: nothing in it can stop LaTeX.

A note, a guidance paragraph or a checklist title is whatever a person typed or pasted, and
LaTeX is less forgiving than a browser:

* **Invisible controls** — C0 and C1 control characters (but tab and newline), zero-width spaces
  and joiners, left-to-right and right-to-left marks, bidirectional embeddings, overrides and
  isolates, the byte-order mark and the non-characters U+FFFE/U+FFFF — are "invalid characters"
  to TeX, or unknown to pdflatex's ``inputenc``, and stop the build; none of them prints anything.
  They are removed from this text in LaTeX output, whatever the engine.
* **pdflatex** typesets only the characters its font encodings declare (Latin scripts, common
  punctuation and symbols: ``pdflatex-characters.txt``); any other character — CJK, Greek,
  Cyrillic, emoji — is an error ("Unicode character … not set up for use with LaTeX"). A project
  that keeps pdflatex gets each run of such characters replaced by :data:`PLACEHOLDER` and an
  ``fmg.latex`` warning at the file the text came from, naming the characters — a PDF with a
  marked gap rather than no PDF. With xelatex or lualatex (the handbook's engine) nothing is
  replaced: they take any Unicode text, shown in whatever fonts the project configures.

Only text the extension renders from data files is touched (item sections and blocks, checklist
heads, guidance, assessment reports, the matrix, ``fmg`` links); a project's own pages are its
own business. The pass runs at ``doctree-resolved``, after the item bodies, the matrix and the
links exist, on the LaTeX builder only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Invisible characters that stop a LaTeX build: C0 and C1 controls except tab and newline,
#: U+200B–U+200F (zero-width space, joiners, LRM, RLM), U+202A–U+202E (bidirectional embeddings
#: and overrides), U+2060–U+2064 and U+2066–U+2069 (word joiner, invisible operators, isolates),
#: U+FEFF (byte-order mark) and the non-characters U+FFFE, U+FFFF.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe\uffff]")

#: Stands in the PDF for a run of characters pdflatex cannot typeset.
PLACEHOLDER = "[?]"

#: Attribute of a node naming the data file its text came from (``file:line``), for warnings.
ORIGIN = "fmg_origin"


@functools.cache
def pdflatex_characters() -> frozenset[int]:
    """Code points pdflatex typesets with Sphinx's default preamble (``pdflatex-characters.txt``)."""
    points: set[int] = {0x09, 0x0A}
    text = resources.files(__package__).joinpath("pdflatex-characters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first, _, last = line.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


@functools.cache
def _untypesettable() -> re.Pattern[str]:
    """Runs of characters outside :func:`pdflatex_characters`, as one character class."""
    ranges = []
    points = sorted(pdflatex_characters())
    start = prev = points[0]
    for point in points[1:]:
        if point != prev + 1:
            ranges.append((start, prev))
            start = point
        prev = point
    ranges.append((start, prev))
    allowed = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{allowed}]+")


def without_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def for_pdflatex(text: str) -> tuple[str, list[str]]:
    """``text`` with every run pdflatex cannot typeset replaced by :data:`PLACEHOLDER`, and the runs."""
    runs: list[str] = []

    def replace(match: re.Match[str]) -> str:
        runs.append(match.group())
        return PLACEHOLDER

    return _untypesettable().sub(replace, text), runs


def is_fmg(node: nodes.Element) -> bool:
    """Whether the extension rendered ``node`` from a data file (its classes say so)."""
    return any(c == "fmg" or c.startswith("fmg-") for c in node.get("classes", ()))


def _fmg_elements(tree: nodes.Element) -> Iterator[nodes.Element]:
    """The outermost elements the extension rendered (their descendants are its text too)."""
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Element):
            if is_fmg(node):
                yield node
            else:
                stack.extend(reversed(node.children))


def clean_for_latex(tree: nodes.Element, *, pdflatex: bool, docname: str) -> None:
    """Remove invisible controls from the extension's text in ``tree``; for pdflatex, replace
    what it cannot typeset and warn once per source, naming the characters."""
    unprintable: dict[str, list[str]] = {}
    for root in _fmg_elements(tree):
        for node in root.findall(nodes.Element, include_self=True):
            _clean_attributes(node, pdflatex, unprintable, docname)
        for text in list(root.findall(nodes.Text)):
            fixed = without_invisible(str(text))
            if pdflatex:
                fixed, runs = for_pdflatex(fixed)
                if runs:
                    unprintable.setdefault(_origin(text.parent, docname), []).extend(runs)
            if fixed != str(text):
                text.parent.replace(text, nodes.Text(fixed))
    for where, runs in unprintable.items():
        shown = ", ".join(repr(run) for run in dict.fromkeys(runs))
        logger.warning(
            f"pdflatex cannot typeset {shown}: shown as {PLACEHOLDER} in the PDF — set latex_engine = 'xelatex' or 'lualatex' "
            "in conf.py to print any Unicode text (with fonts that have the characters)",
            type="fmg",
            subtype="latex",
            location=where,
        )


def _clean_attributes(node: nodes.Element, pdflatex: bool, unprintable: dict[str, list[str]], docname: str) -> None:
    """Text LaTeX takes from attributes rather than from Text children: a code block's source
    (highlighted from ``rawsource``) and index entries."""
    if isinstance(node, nodes.literal_block | nodes.literal) and node.rawsource:
        fixed = without_invisible(node.rawsource)
        if pdflatex:
            fixed, runs = for_pdflatex(fixed)
            if runs:
                unprintable.setdefault(_origin(node, docname), []).extend(runs)
        node.rawsource = fixed
    elif isinstance(node, addnodes.index):
        entries = []
        for entry in node["entries"]:
            kind, value, *rest = entry
            value = without_invisible(value)
            if pdflatex:
                value, _ = for_pdflatex(value)  # the same text is in the heading, which warns
            entries.append((kind, value, *rest))
        node["entries"] = entries


def _origin(node: nodes.Node | None, docname: str) -> str:
    """Where a piece of text came from: the nearest data file named on an ancestor, else the
    page's location of the node."""
    current = node
    while current is not None:
        if isinstance(current, nodes.Element) and current.get(ORIGIN):
            return str(current[ORIGIN])
        current = current.parent
    for current in _self_and_ancestors(node):
        source, line = get_source_line(current)
        if source:
            return f"{source}:{line or 1}"
    return docname


def _self_and_ancestors(node: nodes.Node | None) -> Iterator[nodes.Node]:
    while node is not None:
        yield node
        node = node.parent


def label_containers(tree: nodes.Element) -> None:
    """Give the extension's anchored containers (a checklist's head) a LaTeX label.

    Sphinx's LaTeX writer turns a container into a ``sphinxuseclass`` environment and drops its
    ids, so a link to a checklist (``{fmg:checklist}`` and the matrix's headings) pointed at a
    label the PDF never had: a dead link that LaTeX only reports in its log. A target node with
    the same ids at the start of the container is written as ``\\phantomsection\\label``.
    """
    for node in list(tree.findall(nodes.container)):
        if node["ids"] and is_fmg(node) and not (node.children and isinstance(node[0], nodes.target) and node[0]["ids"] == node["ids"]):
            node.insert(0, nodes.target("", "", ids=list(node["ids"])))


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    clean_for_latex(doctree, pdflatex=app.config.latex_engine == "pdflatex", docname=docname)
    label_containers(doctree)


def setup_latex(app: Sphinx) -> None:
    # After the matrix (default priority 500) has filled its placeholder on the same event.
    app.connect("doctree-resolved", _on_doctree_resolved, priority=900)
