"""Text from files made safe for each output: the terminal, JSON, XML 1.0 and Markdown.

Everything an assessment, a checklist or a scanned repository holds is data, and every output must
show it as written without letting it act: a project named ``[/]`` must not be rich markup, a note
holding ``ESC ] 8`` must not become a terminal hyperlink, U+FFFE must not make a JUnit file
unparseable, a ``|`` must not split a Markdown table row. Each output has one function here and
every renderer sends file text through it, so a new field cannot forget a case.

The terminal filter is a few regular expressions over ECMA-48 (the standard that defines escape
and control sequences) rather than a dependency: no maintained library strips the whole class —
C0/C1 controls, every escape-sequence form, and the Unicode bidirectional controls that reorder
what a reader sees — and rich's own ``strip_control_codes`` removes only five characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

# ECMA-48 sequences, 7-bit (ESC-introduced) and 8-bit (C1-introduced) forms:
#   CSI  ESC [ or 0x9B, parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte;
#   OSC, DCS, SOS, PM, APC: ESC ] P X ^ _ (or 0x9D 0x90 0x98 0x9E 0x9F) up to ST (ESC \ or 0x9C)
#   or BEL, so an OSC 8 hyperlink loses its target and keeps its visible text; the string may not
#   hold another ESC, which keeps the scan linear and, when a string is never terminated, removes
#   only its introducer (below), so the text after it is still shown rather than lost;
#   any other ESC plus intermediates plus one final byte (charset switches, keypad modes, RIS...).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x1b\\|\x9c|\x07)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?",
)
# What is left once sequences are gone: C0 controls but tab and newline, DEL, C1 controls, and the
# bidirectional controls (ALM, LRM, RLM, embeddings, overrides, isolates) that make a terminal or a
# rendered page show text in an order other than the one it has (CVE-2021-42574, "Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates reach Python strings from file names that are not UTF-8 (the file system's
# surrogateescape decoding: a path given to `check`, a file the scanner lists); no UTF-8 output can
# hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def terminal_text(text: object) -> str:
    """``text`` with every escape sequence and control character removed (tab and newline kept).

    What remains prints as itself on any terminal: no colour, cursor movement, title change,
    hyperlink, or reordering of the line by bidirectional controls.
    """
    cleaned = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))
    return _SURROGATE.sub(REPLACEMENT, cleaned)


def terminal_line(text: object) -> str:
    """:func:`terminal_text` on one line: every run of whitespace, newlines included, becomes a space."""
    return " ".join(terminal_text(text).split())


def has_visible_text(text: object) -> bool:
    """Whether ``text`` holds anything a reader can see: not only whitespace or invisible format
    characters (a non-breaking space, a zero-width space, a bidi mark or a newline is nothing)."""
    return any(not ch.isspace() and ch.isprintable() for ch in str(text))


# --- XML 1.0 ------------------------------------------------------------------------------------

# XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; a
# single other character makes the whole document not well-formed. DEL and the C1 controls are
# allowed but discouraged by the specification, and a CI log that prints them can act on them.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (or discourages) replaced by U+FFFD.

    Apply it to a serialised document: markup never holds such characters, so only text from
    files changes, and no field can be missed.
    """
    return _NOT_XML.sub(REPLACEMENT, text)


# --- JSON ---------------------------------------------------------------------------------------

_JSON_ESCAPE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(data: Any, **kwargs: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, **kwargs)``, safe to print and to store as UTF-8.

    ``json.dumps`` already writes C0 controls as ``\\uXXXX``; DEL, the C1 controls, the bidi
    controls and the line separators are written the same way here, which is lossless (a JSON reader
    gets the same string back) and keeps a terminal from acting on them. A lone surrogate cannot be
    stored in UTF-8 at all, so it becomes U+FFFD.
    """
    dumped = json.dumps(data, ensure_ascii=False, **kwargs)
    # These characters only ever occur inside JSON strings, so rewriting them in the whole text is
    # the same as rewriting every string.
    escaped = _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
    return _SURROGATE.sub(REPLACEMENT, escaped)


# --- Markdown -----------------------------------------------------------------------------------

# Every ASCII punctuation character CommonMark lets a backslash escape that can start or end
# markup: emphasis, code, links and images, raw HTML, headings, lists, tables (GitHub), strikethrough.
_MD_SPECIAL = frozenset("\\`*_{}[]<>()#+!|~")
# GitHub turns :name: into an emoji (a location ``file:100:7`` into ``file💯7``): escape the
# colon that would open one.
_EMOJI_SHORTCODE = re.compile(r":(?=[\w+-]+:)")
# A line that starts like a list item, a thematic break, a setext underline or a block quote.
_BLOCK_START = re.compile(r"^(?:(\d{1,9})([.)])|([-=]))")


def md_inline(text: object) -> str:
    """Escape ``text`` for a Markdown table cell or an inline run (GitHub and CommonMark).

    The result is one line (a newline would end a table row), holds no control characters, and
    renders as the characters it was given: no emphasis, link, image, raw HTML, heading or list.
    """
    out = []
    for ch in terminal_line(text):
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")  # an entity such as &lt; would otherwise render as its character
        else:
            out.append(ch)
    return _EMOJI_SHORTCODE.sub(r"\\:", "".join(out))


def md_paragraph(text: object) -> str:
    """:func:`md_inline` for text that starts a line: it cannot start a list, a rule or a heading."""
    escaped = md_inline(text)
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", escaped)


def md_code(text: object) -> str:
    """``text`` as an inline code span that no backtick inside it can close early."""
    body = terminal_line(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def md_fenced_json(data: Any) -> list[str]:
    """``data`` as an indented JSON code block, fenced so that nothing in it can end the block."""
    body = json_text(data, indent=2, default=str)
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}json", body, fence]


__all__ = [
    "REPLACEMENT",
    "has_visible_text",
    "json_text",
    "md_code",
    "md_fenced_json",
    "md_inline",
    "md_paragraph",
    "terminal_line",
    "terminal_text",
    "xml_text",
]
