"""Checklist guidance is data: only a safe subset of Markdown is rendered, the rest is shown as text.

A checklist file may come from anywhere — another team, a vendor, a pull request — and its
``guidance`` is rendered by MyST into the project's pages. MyST Markdown is a full document
language: ``{include}``, ``{literalinclude}``, ``{eval-rst}`` (and its ``.. raw:: :file:``), raw
HTML, local images and ``path:`` links all read files from the build machine or pass markup
through, and math reaches LaTeX as it is written. A checklist must not be able to publish a host
file, or inject HTML or LaTeX, into the handbook.

So guidance is parsed into MyST's token stream and every token is checked against an
**allow-list** *before* docutils sees it (a deny-list would miss the next directive or
extension). Allowed:

* paragraphs, line breaks, ``*emphasis*``, ``**strong**``, ``~~strike~~``, ``inline code``;
* code blocks: fenced (a plain language name, never a ``{directive}`` or a name the project
  turns into a directive with ``myst_fence_as_directive``) and indented;
* bullet and numbered lists, block quotes, tables, definition lists, horizontal rules;
* links to ``http:``, ``https:`` and ``mailto:`` addresses, to ``#anchors`` and to relative paths
  inside the project (no ``..`` segment, no leading ``/``);
* images whose source is an ``http(s)`` address;
* footnotes, ``(label)=`` targets, and the roles ``{fmg:item}``, ``{fmg:checklist}`` and
  ``{index}``.

Anything else — directives of any kind, raw HTML (blocks and inline), math, headings,
substitutions, comments, front matter, field lists, token attributes, other roles, other links
and images — is *refused*: replaced by literal text showing what was written (a code block for a
block construct, inline code for an inline one), and reported once per rendering by the caller
as a located ``fmg.guidance`` warning, so ``-W`` fails the build. Nothing the person wrote is
dropped silently.

This module knows Markdown tokens only (``markdown-it-py``, MyST's parser); rendering and
warnings stay with :mod:`.render`.
"""

from __future__ import annotations

import re
import textwrap
import urllib.parse
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

#: Block tokens whose content is fine as it is (their inline children are checked separately).
_BLOCKS = frozenset(
    {
        "paragraph_open",
        "paragraph_close",
        "inline",
        "bullet_list_open",
        "bullet_list_close",
        "ordered_list_open",
        "ordered_list_close",
        "list_item_open",
        "list_item_close",
        "blockquote_open",
        "blockquote_close",
        "code_block",
        "fence",  # checked: a plain language name only
        "hr",
        "table_open",
        "table_close",
        "thead_open",
        "thead_close",
        "tbody_open",
        "tbody_close",
        "tr_open",
        "tr_close",
        "th_open",
        "th_close",
        "td_open",
        "td_close",
        "dl_open",
        "dl_close",
        "dt_open",
        "dt_close",
        "dd_open",
        "dd_close",
        "footnote_reference_open",
        "footnote_reference_close",
        "myst_target",
    }
)

#: Inline tokens allowed as they are (links, images and roles are checked).
_INLINES = frozenset(
    {
        "text",
        "text_special",
        "softbreak",
        "hardbreak",
        "em_open",
        "em_close",
        "strong_open",
        "strong_close",
        "s_open",
        "s_close",
        "code_inline",
        "footnote_ref",
        "link_open",  # checked: the address
        "link_close",
        "image",  # checked: the source
        "myst_role",  # checked: the role's name
    }
)

#: Roles guidance may use: links to checklist items and checklists, and general-index entries.
ALLOWED_ROLES = frozenset({"fmg:item", "fmg:checklist", "index"})

#: Attributes a token may carry (anything else comes from MyST's attribute syntax, ``{.class}``).
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "link_open": frozenset({"href", "title"}),
    "image": frozenset({"src", "alt", "title"}),
    "ordered_list_open": frozenset({"start"}),
    "th_open": frozenset({"style"}),  # column alignment, from the table's delimiter row
    "td_open": frozenset({"style"}),
    "myst_target": frozenset({"class"}),
}
_ALIGNMENT = re.compile(r"text-align:(left|center|right)")

#: A fenced block's info string that only names a language for highlighting.
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.\-]*")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: What a refused block token is, in the words of the warning.
_BLOCK_NAMES = {
    "html_block": "raw HTML",
    "heading_open": "a heading",
    "math_block": "math",
    "math_block_label": "math",
    "amsmath": "math",
    "front_matter": "front matter",
    "myst_line_comment": "a % comment",
    "myst_block_break": "a +++ block break",
    "substitution_block": "a {{ substitution }}",
    "field_list_open": "a field list",
}
_INLINE_NAMES = {
    "html_inline": "raw HTML",
    "span_open": "a [text]{attributes} span",
    "math_inline": "math",
    "math_inline_double": "math",
    "math_single": "math",
    "amsmath": "math",
    "substitution_inline": "a {{ substitution }}",
}


#: The allowed subset in one sentence, for the warnings.
ALLOWED_SUMMARY = (
    "checklist guidance allows plain Markdown only: paragraphs, emphasis, code, lists, quotes, tables, footnotes, "
    "http(s) and relative links, http(s) images, and the {fmg:item}, {fmg:checklist} and {index} roles"
)


@dataclass(frozen=True)
class Refusal:
    """A construct guidance may not use. ``line``: 0-based line in the guidance text;
    ``outcome``: what became of it."""

    line: int
    what: str
    outcome: str = "shown as literal text"


def refuse_unsafe(tokens: list[Token], source: str, fence_as_directive: Collection[str] = ()) -> list[Refusal]:
    """Replace every construct outside the allowed subset in ``tokens`` (MyST's block tokens for
    ``source``) by literal text, in place; return what was refused, in order.

    ``fence_as_directive``: the project's ``myst_fence_as_directive`` (fences MyST runs as
    directives).
    """
    lines = source.splitlines()
    refused: list[Refusal] = []  # in order; repeats on one line (each tag of inline HTML) dropped at the end
    i = 0
    while i < len(tokens):
        token = tokens[i]
        what = _refused_block(token, fence_as_directive)
        if what is not None:
            end = _closing(tokens, i)
            tokens[i : end + 1] = [_literal_block(token, lines)]
            refused.append(Refusal(_line(token), what))
        else:
            refused.extend(_attributes(token, _line(token)))
            if token.type == "inline" and token.children:
                token.children = _safe_inlines(token.children, _line(token), refused)
        i += 1
    return list(dict.fromkeys(refused))


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _refused_block(token: Token, fence_as_directive: Collection[str]) -> str | None:
    if token.type == "fence":
        info = token.info.strip()
        name = info.split(maxsplit=1)[0] if info else ""
        if name.startswith("{"):
            return f"the {name} directive"
        if not _LANGUAGE.fullmatch(info) or name in fence_as_directive:
            return f"a code block marked {info!r} (a directive, or not a language name)"
        return None
    if token.type in _BLOCKS:
        return None
    if token.type == "colon_fence":
        info = token.info.strip()
        return f"the :::{info.split(maxsplit=1)[0] if info else ''} directive"
    return _BLOCK_NAMES.get(token.type, f"Markdown of type {token.type!r}")


def _closing(tokens: Sequence[Token], start: int) -> int:
    """Index of the token closing ``tokens[start]`` (itself when it opens nothing)."""
    opener = tokens[start]
    if opener.nesting != 1:
        return start
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _literal_block(token: Token, lines: list[str]) -> Token:
    """A code block showing the refused construct as it was written."""
    if token.map:
        shown = textwrap.dedent("\n".join(lines[token.map[0] : token.map[1]]))
    else:
        shown = token.content
    block = Token("code_block", "code", 0, map=token.map, level=token.level, content=shown.rstrip("\n") + "\n", block=True)
    return block


def _attributes(token: Token, line: int) -> list[Refusal]:
    """Drop attributes outside the allow-list (MyST's ``{.class #id key=value}`` syntax)."""
    if not token.attrs:
        return []
    allowed = _ATTRIBUTES.get(token.type, frozenset())
    extra = {k: v for k, v in token.attrs.items() if k not in allowed or (k == "style" and not _ALIGNMENT.fullmatch(str(v)))}
    for key in extra:
        del token.attrs[key]
    if not extra:
        return []
    shown = " ".join(f"{k}={v!r}" for k, v in extra.items())
    return [Refusal(line, f"attributes ({shown})", "left out")]


def _safe_inlines(children: list[Token], line: int, refused: list[Refusal]) -> list[Token]:
    out: list[Token] = []
    #: Addresses of refused links, by the index of their closing token: shown after the label.
    shown_after: dict[int, str] = {}
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):  # inline tokens have no line of their own
            line += 1
        if index in shown_after:
            out.append(_text(child, f" <{shown_after[index]}>"))
            continue
        what = _refused_inline(child)
        if what is None:
            refused.extend(_attributes(child, line))
            out.append(child)
            continue
        if child.nesting == -1:  # the end of a refused pair (a span, say): its start was reported
            continue
        refused.append(Refusal(line, what))
        if child.type == "link_open":
            # The label is the person's text and stays; the link goes, its address is shown.
            shown_after[_closing(children, index)] = str(child.attrs.get("href", ""))
        elif child.nesting == 0:
            out.append(_code(child, _source_of(child)))
        # else: the start of another pair: what it wraps stays, as text
    return out


def _refused_inline(token: Token) -> str | None:
    if token.type == "link_open":
        href = str(token.attrs.get("href", ""))
        return None if safe_link(href) else f"a link to {href!r} (allowed: http, https and mailto addresses, #anchors, relative paths in the project)"
    if token.type == "image":
        src = str(token.attrs.get("src", ""))
        return None if src.startswith(("https://", "http://")) else f"an image from {src!r} (images must be http(s) addresses)"
    if token.type == "myst_role":
        name = str(token.meta.get("name", ""))
        return None if name in ALLOWED_ROLES else f"the {{{name}}} role"
    if token.type in _INLINES:
        return None
    return _INLINE_NAMES.get(token.type, f"Markdown of type {token.type!r}")


def safe_link(href: str) -> bool:
    """Whether guidance may link to ``href``: http(s) and mailto addresses, ``#anchors``, and
    relative paths that stay inside the project (Sphinx copies a linked local file into the site,
    so ``..`` and absolute paths could publish files from outside it)."""
    scheme = _SCHEME.match(href)
    if scheme:
        return scheme.group(1).lower() in _LINK_SCHEMES
    path = urllib.parse.unquote(href.split("#", 1)[0].split("?", 1)[0])  # %2e%2e is ..
    if path.startswith(("/", "\\")) or "\\" in path:
        return False
    return ".." not in path.split("/")


def _source_of(token: Token) -> str:
    """The refused inline construct as the person wrote it (near enough to recognise)."""
    if token.type == "myst_role":
        return f"{{{token.meta.get('name', '')}}}`{token.content}`"
    if token.type == "image":
        return f"![{token.content}]({token.attrs.get('src', '')})"
    if token.type.startswith("math"):
        return f"{token.markup or '$'}{token.content}{token.markup or '$'}"
    if token.type.startswith("substitution"):
        return f"{{{{{token.content}}}}}"
    return token.content or token.markup


def _text(like: Token, content: str) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


def _code(like: Token, content: str) -> Token:
    return Token("code_inline", "code", 0, content=content, level=like.level, markup="`")
