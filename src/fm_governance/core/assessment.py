"""The fillable assessment: write a blank one, merge a checklist update into a filled one, read it.

``fm-governance.yaml`` is a document people own. The tool only ever *adds* to it or *moves* within
it; it never drops what a person wrote:

* answers, notes, evidence, waivers, comments, key order and keys the tool does not know survive
  every re-run (ruamel.yaml round trip);
* items new in a checklist are inserted in checklist order, blank;
* items that left a checklist move verbatim to that checklist's ``retired`` mapping;
* an item that ``replaces`` old ids inherits the old item's node (answer, notes, comments) and
  records ``carried_over_from`` so an auditor can trace it;
* a comment on lines of its own belongs to the key below it, and moves with that key (see
  :func:`_settle_comments`);
* the comment after each item id — ``[severity · owner] question`` — belongs to the tool and is
  refreshed when the checklist's wording changes; words a person added after the question move to
  a comment line of their own (see :func:`_refresh_comment`); any other comment is the person's
  and is left alone;
* comment lines starting ``# [terms]`` under an item are the tool's too: what the provider terms
  say for the providers and licences in the inventory, quoted with source and date, as a
  *suggestion* — refreshed on every run, never an answer (see :func:`_refresh_suggestions`); words a
  person added after a suggestion move to a comment line of their own;
* comments inside ``inventory``, which the scanner replaces on every run, move above the key;
* an answer spelled otherwise (``No``, `` N/A ``, ``true``) is written in its canonical form;
* every such rewrite is recorded in the :class:`MergeResult` for ``assess`` to report, and
  :func:`lost_comments` names any comment the YAML library itself could not keep;
* an item written as an alias of another (``AL-02: *first``) is written out as a copy, so that
  editing one never silently changes the other (see :func:`_unshare`).

A file is read for merging exactly as ``check`` reads it (:func:`read_plain`), so the two commands
accept and refuse the same files.

Answers are written quoted (``"yes"``) so YAML 1.1 readers, which turn a bare ``yes`` into a
boolean, read the same value as everyone else.
"""

from __future__ import annotations

import collections
import copy
import datetime as _dt
import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .checklists import Catalog
from .errors import InputError, InputErrors, Location
from .models import (
    MODES,
    AssessedChecklist,
    Assessment,
    Checklist,
    Evidence,
    Item,
    Response,
    Waiver,
    is_canonical_answer,
    parse_answer,
    version_key,
)
from .schemas import schema_url, validate_plain
from .yamlio import MAX_BYTES, dump_text, load_located, load_plain, load_round_trip, locate, new_yaml, read_text, to_plain

if TYPE_CHECKING:
    from ..terms import ProviderTerms

DEFAULT_FILENAME = "fm-governance.yaml"
MODELINE_PREFIX = "# yaml-language-server: $schema="
ANSWER_HINT = "yes | partial | no | n/a"
CRITICALITY_HINT = "critical | high | medium | low: how much the business depends on this project"
OWNER_HINT = "the business unit or team accountable for it"

_HEADER = """\
fm-governance assessment: answer every item yes, partial, no or n/a (n/a needs notes).
Re-run `fm-governance assess` at any time: answers, notes, evidence, waivers and comments are kept.
The comment after each item id ([severity · owner] question), and the `# [terms]` lines quoting provider terms (suggestions, never answers), are maintained by the tool.
A waiver (reason, approved_by, expires: YYYY-MM-DD) counts an item as met until it expires."""

_ITEM_INDENT = 6  # checklists > <id> > items > <ITEM-ID>, two spaces a level
_TOOL_COMMENT = re.compile(r"^#\s*\[(critical|high|medium|low) · [a-z]+\]")
#: The tool comment's parts: ``# [severity · owner]`` and the question (plus anything a person added).
_TOOL_COMMENT_PARTS = re.compile(r"^#\s*\[(?:critical|high|medium|low) · [a-z]+\][ \t]?(.*)$", re.DOTALL)


#: A suggestion line: ``# [terms] <channel>, <topic>: <what the terms say> (<source>, read <date>…)``,
#: then perhaps words a person added after the closing parenthesis.
_SUGGESTION = re.compile(r"^#\s*\[terms\] ")
_SUGGESTION_PARTS = re.compile(r"^(#\s*\[terms\] .*\(https://\S+, read \d{4}-\d{2}-\d{2}(?:, secondary sources only)?\))(.*)$")


def modeline() -> str:
    return MODELINE_PREFIX + schema_url("assessment")


def item_comment(item: Item) -> str:
    return f"[{item.severity.value} · {item.owner}] {item.question}"


def blank_response() -> CommentedMap:
    node = CommentedMap()
    node["answer"] = None
    node["notes"] = None
    node["evidence"] = CommentedSeq()
    node["waiver"] = None
    # Explicit columns keep two spaces before every comment (ruamel otherwise varies it).
    node.yaml_add_eol_comment(ANSWER_HINT, "answer", column=_ITEM_INDENT + 2 + len("answer: null") + 2)
    return node


def _new_document(project_name: str | None, modes: Sequence[str]) -> CommentedMap:
    doc = CommentedMap()
    project = CommentedMap()
    project["name"] = project_name
    project["assessors"] = CommentedSeq()
    project["date"] = None
    # Optional, for the portfolio (``fm-governance portfolio``): null until a person rates them.
    # Only a new file gets them; a re-run never adds keys to a person's ``project:`` section.
    project["criticality"] = None
    project.yaml_add_eol_comment(CRITICALITY_HINT, "criticality", column=len("  criticality: null") + 2)
    project["owner"] = None
    project.yaml_add_eol_comment(OWNER_HINT, "owner", column=len("  owner: null") + 2)
    doc["project"] = project
    context = CommentedMap()
    context["modes"] = CommentedSeq(modes)
    context.yaml_add_eol_comment(f"any of: {', '.join(MODES)}; empty = every item applies", "modes")
    doc["context"] = context
    doc["inventory"] = CommentedMap()
    doc.yaml_add_eol_comment("written by the project scanner on every run; edits here are replaced", "inventory", column=len("inventory:") + 2)
    doc["checklists"] = CommentedMap()
    doc.yaml_set_start_comment(_HEADER)
    return doc


@dataclass(frozen=True)
class Rewrite:
    """One thing ``assess`` rewrote in what a person wrote, so its summary can say so: the item,
    what was there, what is there now, and where (in the file as it was read)."""

    item_id: str
    before: str
    after: str
    location: Location | None = None

    def as_dict(self) -> dict[str, Any]:
        where = {"line": self.location.line, "column": self.location.column} if self.location else {}
        return {"item": self.item_id, "before": self.before, "after": self.after, **where}


@dataclass
class ChecklistChanges:
    checklist_id: str
    created: bool = False
    old_version: str | None = None
    new_version: str = ""
    added: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    carried_over: dict[str, str] = field(default_factory=dict)  # new id -> old id
    restored: list[str] = field(default_factory=list)
    #: Answers rewritten in their canonical spelling (``No`` → ``"no"``, ``true`` → ``"yes"``).
    normalised: list[Rewrite] = field(default_factory=list)
    #: Words a person added after an item's question comment, moved to a comment line of their own
    #: (``before`` the comment line as it was, ``after`` the new line).
    words_kept: list[Rewrite] = field(default_factory=list)
    #: Question comments replaced although they were not the tool's current text for any reading
    #: the tool can tell apart (the checklist's question changed, or a person edited it).
    comments_replaced: list[Rewrite] = field(default_factory=list)
    #: Items whose severity in the checklist differs from the one their question comment showed:
    #: (item id, old severity, new severity). Scores and gates change with it, so it is reported.
    regraded: list[tuple[str, str, str]] = field(default_factory=list)
    #: Items whose provider-terms suggestion lines were added, changed or removed.
    suggestions: list[str] = field(default_factory=list)
    #: Answered items whose question changed in meaning after the version they were answered
    #: against: each got a ``review:`` key (see :func:`_mark_for_review`).
    review: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.old_version != self.new_version
            or self.added
            or self.retired
            or self.carried_over
            or self.restored
            or self.normalised
            or self.words_kept
            or self.comments_replaced
            or self.regraded
            or self.suggestions
            or self.review
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "checklist": self.checklist_id,
            "created": self.created,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "added": self.added,
            "retired": self.retired,
            "carried_over": self.carried_over,
            "restored": self.restored,
            "answers_normalised": [r.as_dict() for r in self.normalised],
            "comments_kept": [r.as_dict() for r in self.words_kept],
            "comments_replaced": [r.as_dict() for r in self.comments_replaced],
            "regraded": [{"item": item_id, "from": old, "to": new} for item_id, old, new in self.regraded],
            "suggestions_refreshed": self.suggestions,
            "review": self.review,
        }


@dataclass
class MergeResult:
    document: CommentedMap
    changes: list[ChecklistChanges]
    created: bool
    #: The scan's inventory replaced one that said something else.
    inventory_replaced: bool = False
    #: Comments that were inside the replaced ``inventory`` section, now above ``inventory:``.
    inventory_comments: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """What the merge changed, for ``assess --format json``."""
        return {
            "checklists": [c.as_dict() for c in self.changes],
            "inventory": {"replaced": self.inventory_replaced, "comments_moved": self.inventory_comments},
        }


def template_document(checklists: Iterable[Checklist], *, project_name: str | None = None, modes: Sequence[str] = ()) -> CommentedMap:
    doc = _new_document(project_name, modes)
    for checklist in checklists:
        _merge_checklist(doc["checklists"], checklist)
    return doc


def render(document: CommentedMap, *, original: str | None = None, file: str | None = None) -> str:
    """Dump ``document``; keep the person's line endings, directives and ``---``, and make sure the
    modeline leads. A text too large for any reader to accept again is refused, located at
    ``file`` (the file it is for)."""
    yaml = new_yaml()
    header = ""
    if original is not None:
        _match_indent(yaml, original)
        header, marker_comment = _document_header(original)
    text = dump_text(document, yaml)
    if header and marker_comment:
        # ruamel.yaml moves a comment on the `---` line into the body; it stays in the header.
        first, _, rest = text.partition("\n")
        if first.strip() == marker_comment:
            text = rest
    text = header + text
    leading = []
    for line in text.splitlines():
        if not line.startswith(("#", "%", "---")) and line.strip():
            break
        leading.append(line)
    if not any(line.startswith(MODELINE_PREFIX) for line in leading):
        text = modeline() + "\n" + text
    ending = _line_ending(original)
    if ending != "\n" or "\r" in text:
        # One line ending throughout, the file's own (comments and the header were kept as read).
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ending)
    if len(text) > MAX_BYTES // 4:  # cheap test first: UTF-8 takes at most 4 bytes a character
        check_size(text, Location(file or DEFAULT_FILENAME, 1, 1))
    return text


_HEADER_LINE = re.compile(r"[ \t]*(?:#.*)?|%.*")
_MARKER_LINE = re.compile(r"---[ \t]*(#.*)?")


def _document_header(original: str) -> tuple[str, str]:
    """The directives (``%YAML``, ``%TAG``), comments and ``---`` that open ``original``, as
    written, plus the comment on the ``---`` line: ruamel.yaml drops everything before ``---``, so
    :func:`render` puts it back. Empty when the document has no ``---`` start marker."""
    offset = 0
    for line in original.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        marker = _MARKER_LINE.fullmatch(content)
        if marker:
            return original[: offset + len(line)], (marker.group(1) or "").strip()
        if not _HEADER_LINE.fullmatch(content):
            return "", ""
        offset += len(line)
    return "", ""


def _line_ending(original: str | None) -> str:
    """The file's line ending, from its first line break: ``\\r\\n``, a lone ``\\r`` (classic Mac
    OS) or ``\\n`` (also for a new file)."""
    if original is None:
        return "\n"
    match = re.search(r"\r\n|\r|\n", original)
    return match.group(0) if match else "\n"


def check_size(text: str, where: Location) -> None:
    """Refuse to write an assessment larger than every fm-governance reader accepts: a file `check`
    would refuse is of no use to anyone."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError(
            where,
            f"the assessment would be {size / 2**20:.1f} MiB, over the {MAX_BYTES / 2**20:g} MiB limit of every fm-governance reader",
            "select fewer checklists (name them after the command, or with --checklist)",
        )


def _match_indent(yaml: Any, original: str) -> None:
    """Re-use the sequence indentation the file already has, so a re-run does not reformat it."""
    for line_no, line in enumerate(original.splitlines()):
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") and line_no:
            prev = original.splitlines()[line_no - 1]
            if prev.rstrip().endswith(":"):
                prev_indent = len(prev) - len(prev.lstrip(" "))
                dash = len(line) - len(stripped) - prev_indent
                if dash >= 0:
                    yaml.indent(mapping=2, sequence=dash + 2, offset=dash)
                return


def template_text(checklists: Iterable[Checklist], *, project_name: str | None = None, modes: Sequence[str] = ()) -> str:
    """The blank assessment for ``checklists``: exactly ``render(template_document(...))``.

    The text is written directly when every value in it is one whose YAML form is known (see
    :func:`_fast_template_text`), which is about a hundred times faster than ruamel.yaml's emitter;
    anything else goes through the emitter.
    """
    checklists = list(checklists)
    modes = tuple(modes)  # the fast path may fall back: an iterator must survive its first look
    text = _fast_template_text(checklists, project_name, modes)
    if text is None:
        text = _slow_template_text(checklists, project_name, modes)
    if len(text) > MAX_BYTES // 4:  # cheap test first: UTF-8 takes at most 4 bytes a character
        biggest = max(checklists, key=lambda c: len(c.items))
        check_size(text, Location(biggest.path or biggest.id, 1, 1))
    return text


def _slow_template_text(checklists: list[Checklist], project_name: str | None, modes: Sequence[str]) -> str:
    return render(template_document(checklists, project_name=project_name, modes=modes))


# --- the direct writer behind template_text ---------------------------------------------------
#
# It only handles values whose ruamel.yaml output is known for certain, and returns None for
# anything else (the caller then uses the emitter):
#
# * the project name: None (``null``) or short ASCII text ruamel writes plain — starts with a
#   letter, no trailing space, no character that starts a comment, flow or indicator, and not a word
#   a YAML 1.1 or 1.2 reader resolves to a boolean or null (ruamel quotes ``null``/``True``);
#   longer than _MAX_PLAIN characters it may be wrapped or moved (width 4096), so that falls back;
# * modes: each one of MODES (all plain words);
# * checklist ids and item ids: the schema patterns (plain keys), minus YAML keywords, short enough
#   to stay simple keys; no id twice (merging a repeated id retires or reorders items);
# * versions: digits, letters, ``.``, ``+``, ``-`` (written double-quoted, nothing to escape);
# * the tool comment after each item id: written verbatim by ruamel, so any text without a line
#   break or control character (those would end or corrupt the comment line).

_MAX_PLAIN = 1000
_PLAIN_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9 _.,/()+-]*[A-Za-z0-9_.,/()+-])?")
_CHECKLIST_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_ITEM_ID = re.compile(r"[A-Z]{2,5}-[0-9]{2,3}")
_VERSION = re.compile(r"[0-9A-Za-z.+-]{1,64}")
#: Words some YAML reader (1.1 or 1.2) resolves to a boolean or null: never treated as plain.
_KEYWORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
#: Anything ruamel would not write verbatim on one comment line: C0/C1 controls and YAML/Unicode
#: line breaks.
_COMMENT_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_MODES_COMMENT = f"# any of: {', '.join(MODES)}; empty = every item applies"
_FAST_HEAD = "".join(f"# {line}\n" for line in _HEADER.splitlines()) + "project:\n  name: "
_FAST_PROJECT_REST = f"\n  assessors: []\n  date: null\n  criticality: null  # {CRITICALITY_HINT}\n  owner: null  # {OWNER_HINT}\ncontext:\n"
_FAST_INVENTORY = "inventory: {} # written by the project scanner on every run; edits here are replaced\n"
_FAST_RESPONSE = f"        answer: null  # {ANSWER_HINT}\n        notes: null\n        evidence: []\n        waiver: null\n"


def _plain_word(value: str, pattern: re.Pattern[str], max_len: int = 100) -> bool:
    return len(value) <= max_len and pattern.fullmatch(value) is not None and value.lower() not in _KEYWORDS


def _fast_template_text(checklists: Sequence[Checklist], project_name: str | None, modes: Sequence[str]) -> str | None:
    """``render(template_document(...))`` written directly, or None when a value is outside the
    set whose YAML form is known (see the notes above)."""
    if project_name is None:
        name = "null"
    elif type(project_name) is str and _plain_word(project_name, _PLAIN_NAME, _MAX_PLAIN):
        name = project_name
    else:
        return None
    if isinstance(modes, str):
        return None
    mode_list = list(modes)
    if any(type(m) is not str or m not in MODES for m in mode_list):
        return None
    parts = [modeline(), "\n", _FAST_HEAD, name, _FAST_PROJECT_REST]
    if mode_list:
        parts.append(f"  modes:  {_MODES_COMMENT}\n")
        parts.extend(f"    - {m}\n" for m in mode_list)
    else:
        parts.append(f"  modes: []  {_MODES_COMMENT}\n")
    parts.append(_FAST_INVENTORY)
    if not checklists:
        parts.append("checklists: {}\n")
        return "".join(parts)
    parts.append("checklists:\n")
    seen: set[str] = set()
    for checklist in checklists:
        cid, version = checklist.id, checklist.version
        if type(cid) is not str or cid in seen or not _plain_word(cid, _CHECKLIST_ID):
            return None
        if type(version) is not str or _VERSION.fullmatch(version) is None:
            return None
        seen.add(cid)
        parts.append(f'  {cid}:\n    version: "{version}"\n')
        if not checklist.items:
            parts.append("    items: {}\n")
            continue
        parts.append("    items:\n")
        item_ids: set[str] = set()
        for item in checklist.items:
            iid = item.id
            if type(iid) is not str or iid in item_ids or _ITEM_ID.fullmatch(iid) is None:
                return None
            item_ids.add(iid)
            comment = item_comment(item)
            if _COMMENT_UNSAFE.search(comment):
                return None
            parts.append(f"      {iid}:  # {comment}\n")
            parts.append(_FAST_RESPONSE)
    return "".join(parts)


def load_document(path: Any) -> tuple[CommentedMap | None, str]:
    """Read an assessment file as a round-trip document plus its original text.

    The text goes through exactly the reader and the schema check that ``check`` uses
    (:func:`read_plain`), so both commands accept the same files and refuse the others with the
    same located message; only then is the editable document built. An empty file is not an error
    here: ``assess`` fills it in.
    """
    file = str(path)
    text = read_text(path)
    data, _ = read_plain(text, file, allow_empty=True)
    if data is None:
        return None, text
    document = load_round_trip(text, file)
    if not isinstance(document, CommentedMap):  # the located reader saw a mapping: so must this one
        raise InputError(Location(file, 1, 1), "could not be read for rewriting", "please report it")
    return document, text


def read_plain(text: str, file: str, *, allow_empty: bool = False) -> tuple[dict[str, Any] | None, Callable[..., Location]]:
    """An assessment's text as plain data, validated against the schema, with its locator: the one
    reading every command shares (``check``, ``report``, the Sphinx directive and ``assess``)."""
    data, locator = load_located(text, file)
    if data is None:
        if allow_empty:
            return None, locator
        raise InputError(Location(file, 1, 1), "is empty", "create it with `fm-governance assess`")
    if not isinstance(data, dict):
        raise InputError(Location(file, 1, 1), "is not a mapping", "an assessment starts with `project:`, `context:` and `checklists:` keys")
    plain: dict[str, Any] = validate_plain("assessment", data, locator)
    return plain, locator


def _unshare(document: CommentedMap) -> None:
    """Give every checklist section, item list and item of ``document`` a node of its own.

    An item written as an alias of another (``AL-02: *first``) is the *same* node as that item in
    the round-trip document, so the merge's edits to one (the refreshed question comment, a
    ``carried_over_from`` key) would land in both, and moving one would move both. The alias is
    therefore expanded into an independent copy, and the file is written with the values spelled
    out: what the person wrote still means the same, and from then on each item is answered on its
    own. (Refusing the alias would make ``assess`` refuse a file that ``check`` accepts.) Aliases
    elsewhere in the file — the person's own keys — are left as written.
    """
    seen: set[int] = set()

    def note(node: Any) -> None:
        # Every container outside the sections the merge edits; an alias inside them of one of
        # these is expanded too.
        if isinstance(node, (CommentedMap, CommentedSeq)) and id(node) not in seen:
            seen.add(id(node))
            for child in node.values() if isinstance(node, CommentedMap) else node:
                note(child)

    for key, value in document.items():
        if key != "checklists":
            note(value)

    def own(parent: Any, key: Any, depth: int) -> None:
        node = parent[key]
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            return
        if id(node) in seen:
            node = parent[key] = _copy(node)
            _own_comment(parent, key, node)
        if depth < 3 and isinstance(node, CommentedMap):  # checklists > section > items/retired > item
            seen.add(id(node))
            for child in list(node):
                own(node, child, depth + 1)
        else:
            note(node)

    if isinstance(document.get("checklists"), CommentedMap):
        own(document, "checklists", 0)


def _own_comment(parent: CommentedMap, key: Any, node: Any) -> None:
    """Drop the comment tokens the copy at ``parent[key]`` shares with the aliased node (ruamel.yaml
    shares them between the two keys); the merge writes the copy's own question comment afresh.
    The lines above the key are the person's and stay."""
    slot = parent.ca.items.get(key)
    if slot is not None:
        parent.ca.items[key] = [slot[0], slot[1], None, None]
    if isinstance(node, (CommentedMap, CommentedSeq)):
        node.ca.comment = None


def _copy(node: Any) -> Any:
    """A deep copy of an aliased node without any of its anchors — on the node and on the values
    inside it — since an anchor written twice makes the file unreadable. (The copy's values are
    copies too, so clearing their anchors leaves the original's alone. Its keys are the original's
    own objects: an anchored key is written as an alias of itself the second time, which is valid.)"""
    duplicate = copy.deepcopy(node)
    for part in _parts(duplicate):
        anchor = getattr(part, "anchor", None) if hasattr(part, "yaml_anchor") else None
        if anchor is not None and anchor.value is not None:
            anchor.value = None
            anchor.always_dump = False
    return duplicate


def _parts(node: Any) -> Iterable[Any]:
    """``node`` and every container and value inside it."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CommentedMap):
            stack.extend(current.values())
        elif isinstance(current, CommentedSeq):
            stack.extend(current)


def merge(
    document: CommentedMap | None,
    catalog: Catalog,
    *,
    file: str,
    select: Sequence[str] = (),
    project_name: str | None = None,
    modes: Sequence[str] = (),
    inventory: dict[str, Any] | None = None,
    terms: ProviderTerms | None = None,
) -> MergeResult:
    """Bring ``document`` up to date with ``catalog`` without losing anything a person wrote.

    ``document`` is None for a new file, or what :func:`load_document` read (and validated).
    ``select`` names checklists to include (default: those already present, or all for a new file).
    ``inventory``, when given, replaces the scanner-owned ``inventory`` section.
    ``terms``, when given, is quoted under the items its topics name, for the providers and
    licences of the inventory (the new one, else the file's): comment lines, never answers.
    """
    created = document is None
    trailer: list[str] = []
    if document is None:
        document = _new_document(project_name, modes)
    else:
        # ``document`` comes from load_document, which validated it with check's own reader.
        trailer = _settle_comments(document)
        _unshare(document)
        if modes:
            context = document.setdefault("context", CommentedMap())
            if not context.get("modes"):
                context["modes"] = CommentedSeq(modes)
    sections = document.get("checklists")
    if sections is None:
        sections = document["checklists"] = CommentedMap()
    unknown = [cid for cid in sections if catalog.get(cid) is None]
    if unknown:
        raise InputError(
            locate(document, ["checklists", unknown[0]], file, key=True),
            f"unknown checklist {unknown[0]!r}",
            f"known checklists: {', '.join(c.id for c in catalog)}; pass --checklists-dir for a custom one",
        )
    wanted = list(select) or ([] if sections else [c.id for c in catalog])
    targets = list(dict.fromkeys([*sections.keys(), *wanted]))
    suggestions: dict[str, list[str]] = {}
    if terms is not None:
        suggestions = suggestion_lines(terms, inventory if inventory is not None else to_plain(document.get("inventory")))
    changes = [_merge_checklist(sections, catalog.select([cid])[0], file=file, suggestions=suggestions) for cid in targets]
    result = MergeResult(document=document, changes=changes, created=created)
    if inventory is not None:
        if not created and "inventory" in document:
            result.inventory_replaced = to_plain(document["inventory"]) != to_plain(inventory)
            result.inventory_comments = _lift_inventory_comments(document)
        document["inventory"] = _compact(inventory)
    if trailer:
        _append_tail(document, trailer)
    return result


def lost_comments(original: str | None, written: str) -> list[tuple[int, str]]:
    """The comments of ``original`` that ``written`` no longer holds, as (line, text).

    The merge keeps every comment it knows of, but ruamel.yaml itself keeps none written inside a
    multi-line ``{ }`` or ``[ ]`` value. This is the net under both: each comment line of the file
    as read must be in the file as written (the tool's own question comments aside, whose changes
    the merge reports itself), or ``assess`` names it in its summary rather than lose it silently.
    """
    if original is None:
        return []
    remaining = collections.Counter(text for _, text in _comment_lines(written))
    lost: list[tuple[int, str]] = []
    for line, text in _comment_lines(original):
        if remaining[text] > 0:
            remaining[text] -= 1
        elif not _TOOL_COMMENT.match(text) and not _SUGGESTION.match(text):
            lost.append((line, text))
    return lost


def _comment_lines(text: str) -> list[tuple[int, str]]:
    """Every comment in ``text`` as (1-based line, the comment stripped), as ruamel.yaml reads them."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    out: list[tuple[int, str]] = []
    seen: set[int] = set()
    try:
        tokens = list(YAML(typ="rt").scan(text))
    except YAMLError:  # both texts were read by the same scanner already: not expected
        return []
    for token in tokens:
        found = [token] if isinstance(token, CommentToken) else []
        for entry in getattr(token, "_comment", None) or ():
            found.extend(entry if isinstance(entry, list) else [entry])
        for comment in found:
            if not isinstance(comment, CommentToken) or id(comment) in seen:
                continue
            seen.add(id(comment))
            value = str(comment.value)
            # A token that starts with a line break has no end-of-line part: it starts on its own line.
            start = _token_line(comment) - value.startswith("\n")
            for offset, line in enumerate(value.split("\n")):
                line = line.strip(" \t\r")
                if line.startswith("#"):
                    out.append((start + offset + 1, line))
    return out


def _lift_inventory_comments(document: CommentedMap) -> list[str]:
    """Take every comment out of the ``inventory`` section and put it above ``inventory:``.

    The scanner owns that section and writes it afresh on every run, so a comment inside it would
    go with the old values; above the key it is the person's, and stays. The comment at the end of
    the ``inventory:`` line itself (the tool's note, or a person's) stays where it is: the key is
    kept. Returns the lines moved, as written there without their indentation.
    """
    lines: list[str] = []
    handled: set[int] = set()
    slot = document.ca.items.get("inventory")
    token = slot[2] if slot and len(slot) > 2 else None
    if token is not None:
        handled.add(id(token))
        eol, after = _token_lines(token, first_is_eol=True)
        lines.extend(after)
        if after:
            if eol:
                token.value = eol + "\n"
            else:
                slot[2] = None
    if slot and len(slot) > 3 and slot[3]:
        for t in slot[3]:
            handled.add(id(t))
            lines.extend(_token_lines(t, first_is_eol=False)[1])
        slot[3] = None
    inside: dict[int, Any] = {}
    for t in _comment_tokens(document["inventory"]):
        if id(t) not in handled:
            inside.setdefault(id(t), t)  # a token can be kept in two places: take it once
    for t in sorted(inside.values(), key=_token_line):
        lines.extend(str(t if isinstance(t, str) else t.value).split("\n"))
    moved = [line.strip(" \t\r") for line in lines]
    moved = [line for line in moved if line.startswith("#")]
    if moved:
        _set_pre_lines(document, "inventory", _pre_lines(document, "inventory") + moved)
    return moved


def _token_line(token: Any) -> int:
    """Where a comment token was read (tokens are kept by node, not in reading order)."""
    line = getattr(getattr(token, "start_mark", None), "line", None)
    return line if isinstance(line, int) else 0


def _comment_tokens(node: Any) -> Iterable[Any]:
    """Every comment token ruamel.yaml keeps inside ``node`` (a mapping or list and all below it)."""
    for part in _parts(node):
        ca = getattr(part, "ca", None)
        if ca is None:
            continue
        slots: list[Any] = [ca.comment, *ca.items.values(), ca.end]
        for entry in slots:
            for t in entry or ():
                for token in t if isinstance(t, list) else [t]:
                    if token is not None:
                        yield token


def _compact(value: Any) -> Any:
    """Scanner data as YAML a person can read: lists of plain values (item ids, evidence
    locations) on one line each, in flow style, instead of one line per entry."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _compact(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_compact(v) for v in value)
        if value and all(isinstance(v, (str, int, float, bool)) or v is None for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _merge_checklist(
    sections: CommentedMap, checklist: Checklist, *, file: str = DEFAULT_FILENAME, suggestions: dict[str, list[str]] | None = None
) -> ChecklistChanges:
    changes = ChecklistChanges(checklist.id, new_version=checklist.version)
    section = sections.get(checklist.id)
    if section is None:
        section = CommentedMap()
        section["version"] = DoubleQuotedScalarString(checklist.version)
        section["items"] = CommentedMap()
        sections[checklist.id] = section
        changes.created = True
    else:
        changes.old_version = str(section.get("version")) if section.get("version") is not None else None
        if changes.old_version != checklist.version:
            section["version"] = DoubleQuotedScalarString(checklist.version)
    items = section.get("items")
    if items is None:
        items = section["items"] = CommentedMap()
    retired = section.get("retired")
    live = set(checklist.item_ids)

    position = 0
    for item in checklist.items:
        if item.id in items:
            position = list(items).index(item.id) + 1
        else:
            node, source, slot = _inherit(item, items, retired, live)
            if source is not None:
                if source[1] == "retired":
                    changes.restored.append(item.id)
                changes.carried_over[item.id] = source[0]
                if isinstance(node, CommentedMap):
                    node["carried_over_from"] = source[0]
            else:
                node = blank_response()
                changes.added.append(item.id)
            _put(items, item.id, node, slot, position=min(position, len(items)))
            position = list(items).index(item.id) + 1
        _refresh_comment(items, item, changes, file)
        if suggestions is not None:
            _refresh_suggestions(items, item.id, suggestions.get(item.id, []), changes)
        _normalise_answer(items, item.id, changes, file)
        if not changes.created and changes.old_version != checklist.version:
            _mark_for_review(items, item, changes.old_version, changes)

    for key in [k for k in items if k not in live]:
        if retired is None:
            retired = section["retired"] = CommentedMap()
        target = str(key)
        if target in retired:
            target = f"{key}@{changes.old_version or 'unknown'}"
            suffix = 2
            while target in retired:
                target = f"{key}@{changes.old_version or 'unknown'}.{suffix}"
                suffix += 1
        node, slot = _take(items, key)
        _put(retired, target, node, slot)
        changes.retired.append(str(key))
    return changes


def _mark_for_review(items: CommentedMap, item: Item, answered_against: str | None, changes: ChecklistChanges) -> None:
    """Add ``review:`` to an answered item whose question changed in meaning after the version it
    was answered against (``item.changed``), with the question as it read before in a comment.

    Only a merge that moves the file's version can do it, so once the file records the newer
    version the same change is never flagged again: a person deletes ``review:`` when they have
    re-confirmed the answer, and it stays deleted. The answer, notes and evidence are untouched.
    """
    node = items.get(item.id)
    if not item.changed or not isinstance(node, CommentedMap) or parse_answer(node.get("answer")) is None:
        return
    if answered_against and version_key(answered_against) >= version_key(item.changed):
        return
    against = answered_against or "an unknown version"
    text = f"question changed in {item.changed} (answered against {against})"
    keys = list(node)
    if "review" in node:
        node["review"] = text
    else:
        node.insert(keys.index("answer") + 1, "review", text)
    if item.previous_question:
        comment = f"before {item.changed} the question read: {item.previous_question}"
        slot = node.ca.items.get("review")
        token = slot[2] if slot and len(slot) > 2 else None
        if token is None:
            column = _ITEM_INDENT + 2 + len("review: ") + len(text) + 2  # two spaces before it, as after every answer
            node.yaml_add_eol_comment(comment, "review", column=column)
        elif str(token.value).startswith("# before "):
            # A review nobody has done yet, for an earlier change: the old question shown is this change's.
            _, sep, rest = str(token.value).partition("\n")
            token.value = f"# {comment}{sep}{rest}"
    changes.review.append(item.id)


def _inherit(item: Item, items: CommentedMap, retired: CommentedMap | None, live: set[str]) -> tuple[Any, tuple[str, str] | None, list[Any] | None]:
    """The node of an old item this one replaces, taken from the live items or from ``retired``,
    with the comments ruamel.yaml keeps for its key."""
    for old in item.replaces:
        if old in items and old not in live:
            node, slot = _take(items, old)
            return node, (old, "items"), slot
    if retired is not None:
        for old in item.replaces:
            if old in retired:
                node, slot = _take(retired, old)
                return node, (old, "retired"), slot
    return None, None, None


def _take(mapping: CommentedMap, key: Any) -> tuple[Any, list[Any] | None]:
    """Remove ``key`` with the comments kept for it (ruamel.yaml's ``pop`` leaves them behind)."""
    return mapping.pop(key), mapping.ca.items.pop(key, None)


def _put(mapping: CommentedMap, key: Any, node: Any, slot: list[Any] | None, *, position: int | None = None) -> None:
    """Add ``key`` with the comments :func:`_take` returned: the lines above it come along."""
    if position is None:
        mapping[key] = node
    else:
        mapping.insert(position, key, node)
    if slot is None:
        mapping.ca.items.pop(key, None)
    else:
        mapping.ca.items[key] = slot


def _normalise_answer(items: CommentedMap, item_id: str, changes: ChecklistChanges, file: str) -> None:
    """Write an answer given as ``No``, `` YES `` or ``true`` the way the tool writes answers
    (``"no"``, ``"yes"``), and note it for the summary. Both readers already read it so; the
    canonical spelling keeps the file plain for people, diffs and other YAML readers."""
    node = items.get(item_id)
    if not isinstance(node, CommentedMap) or "answer" not in node:
        return
    value = node["answer"]
    if isinstance(value, ScalarBoolean):  # an anchored true/false
        value = bool(value)
    if is_canonical_answer(value) or not isinstance(value, (str, bool)):
        return
    answer = parse_answer(value)
    if answer is None:
        return
    try:
        line, column = node.lc.value("answer")
        where: Location | None = Location(file, line + 1, column + 1)
    except (KeyError, TypeError, AttributeError):
        where = None  # a node the merge made (carried over from a flow mapping): no position
    before = str(value).lower() if isinstance(value, bool) else f"'{value}'"
    node["answer"] = DoubleQuotedScalarString(answer.value)
    slot = node.ca.items.get("answer")
    hint = slot[2] if slot and len(slot) > 2 else None
    if where is not None and isinstance(hint, CommentToken):
        # The comment after the answer keeps two spaces before it, however long the old spelling was.
        hint.column = where.column - 1 + len(answer.value) + 2 + 2
    changes.normalised.append(Rewrite(item_id, before, f'"{answer.value}"', where))


def _refresh_comment(items: CommentedMap, item: Item, changes: ChecklistChanges | None = None, file: str = DEFAULT_FILENAME) -> None:
    """Write ``item``'s question comment after its key, or bring it up to date.

    The comment is the tool's; words a person added after the question are theirs, and move to a
    comment line of their own (below the item's key when its value is a block mapping, else above
    the key). A comment that is neither the question nor the question plus such words (the
    checklist reworded the question, or a person edited it: the tool cannot tell which) is
    replaced, and the replacement is reported with the old text.
    """
    text = item_comment(item)
    slot = items.ca.items.get(item.id)
    token = slot[2] if slot and len(slot) > 2 else None
    if token is None:
        child = items.get(item.id)
        start = getattr(getattr(child, "ca", None), "comment", None)
        token = start[0] if start else None
    if token is None:
        old = _drop_anchor_comment(items, item.id)
        slot = items.ca.items.setdefault(item.id, [None, None, None, None])
        # Set directly: ruamel.yaml's yaml_add_eol_comment fails when the key already has
        # "before the value" comments (it extends that list with a token instead of a list).
        slot[2] = CommentToken(f"# {text}", CommentMark(_ITEM_INDENT + len(item.id) + 1 + 2))
        if old is not None:
            _note_regrade(old, item, changes)
            words = _added_words(old, item)
            if words:
                _keep_words(items, item.id, words, slot[2], changes, old, file)
            elif words is None and changes is not None:
                changes.comments_replaced.append(Rewrite(item.id, old, f"# {text}", _key_location(items, item.id, file)))
        return
    first, sep, rest = token.value.partition("\n")
    old = first.strip()
    if not _TOOL_COMMENT.match(old):
        return
    _note_regrade(old, item, changes)
    words = _added_words(old, item)
    new_value = f"# {text}{sep}{rest}"
    if token.value != new_value:
        token.value = new_value
    if words:
        _keep_words(items, item.id, words, token, changes, old, file)
    elif words is None and changes is not None:
        changes.comments_replaced.append(Rewrite(item.id, old, f"# {text}", _key_location(items, item.id, file)))


def suggestion_lines(terms: ProviderTerms, inventory: Any) -> dict[str, list[str]]:
    """The ``# [terms]`` comment lines for each item id: for every channel the inventory points at
    (its providers, its models' licences) and every topic that names the item, what the terms
    say, with the source and the date it was read. Cells nobody verified are left out: a gap is no
    suggestion. Text is made one safe comment line (no line breaks or control characters)."""
    lines: dict[str, list[str]] = {}
    channels = terms.for_inventory(inventory if isinstance(inventory, dict) else None)
    for topic in terms.topics:
        for channel in channels:
            cell = channel.terms.get(topic.id)
            if cell is None or not cell.stated:
                continue
            basis = ", secondary sources only" if cell.status == "secondary" else ""
            text = f"# [terms] {channel.name}, {topic.title.lower()}: {cell.text} ({cell.source}, read {cell.as_of}{basis})"
            text = " ".join(_COMMENT_UNSAFE.sub(" ", text).split())
            for item_id in topic.items:
                lines.setdefault(item_id, []).append(text)
    return lines


def _refresh_suggestions(items: CommentedMap, item_id: str, wanted: list[str], changes: ChecklistChanges | None) -> None:
    """Bring the ``# [terms]`` lines under ``item_id``'s question comment up to ``wanted``.

    They are the tool's, like the question comment: written just below it, inside the item (so
    they move with it), replaced when the data or the inventory changes, removed when nothing
    applies any more. Words a person added after a suggestion's closing parenthesis move to a
    comment line of their own; every other comment line is the person's and stays where it is.
    Only an item written as a block mapping (what the tool writes) gets suggestions; the answer
    and every other value are never touched.
    """
    child = items.get(item_id)
    if not (_is_block(child) and isinstance(child, CommentedMap)):
        return
    token = _question_token(items, item_id)
    if token is None:
        return
    first, _sep, rest = str(token.value).partition("\n")
    if not _TOOL_COMMENT.match(first.strip()):
        return
    indent = " " * (_ITEM_INDENT + 2)
    lines = rest.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    kept: list[str] = []
    old: list[str] = []
    for line in lines:
        stripped = line.strip(" \t\r")
        if not _SUGGESTION.match(stripped):
            kept.append(line)
            continue
        old.append(stripped)
        parts = _SUGGESTION_PARTS.match(stripped)
        words = parts.group(2).strip() if parts else ""
        if words:  # a person's words after the tool's text: theirs, on a line of their own
            kept.append(f"{indent}# {words.lstrip('#').strip()}")
    if not old and not wanted:
        return
    body = [f"{indent}{line}" for line in wanted] + kept
    value = first + "\n" + "".join(f"{line}\n" for line in body)
    if value != token.value:
        token.value = value
        if changes is not None and old != wanted:
            changes.suggestions.append(item_id)


def _question_token(items: CommentedMap, item_id: str) -> Any:
    """The comment token that holds ``item_id``'s question comment (after :func:`_refresh_comment`)."""
    slot = items.ca.items.get(item_id)
    token = slot[2] if slot and len(slot) > 2 else None
    if token is None:
        start = getattr(getattr(items.get(item_id), "ca", None), "comment", None)
        token = start[0] if start else None
    return token


def _note_regrade(old: str, item: Item, changes: ChecklistChanges | None) -> None:
    """Record that ``item``'s severity differs from the one its question comment ``old`` showed."""
    match = _TOOL_COMMENT.match(old)
    if changes is not None and match is not None and match.group(1) != item.severity.value:
        changes.regraded.append((item.id, match.group(1), item.severity.value))


def _added_words(old: str, item: Item) -> str | None:
    """What a person wrote after ``item``'s question in its comment ``old``: ``""`` when the
    comment is the question (at any severity and owner: those are the tool's to change), None when
    it does not start with the question (reworded since, or edited)."""
    match = _TOOL_COMMENT_PARTS.match(old)
    body = match.group(1).rstrip() if match else ""
    if body == item.question:
        return ""
    if body.startswith(item.question):
        return body[len(item.question) :].strip()
    return None


def _keep_words(items: CommentedMap, key: str, words: str, token: Any, changes: ChecklistChanges | None, old: str, file: str) -> None:
    """Give ``words`` (added after an item's question) a comment line of their own: below the key
    when its value is a block mapping (inside the item, so it moves with it), else above the key."""
    line = f"# {words}"
    child = items.get(key)
    # Columns as the file is written (mappings indent two spaces a level, whatever the file had).
    if _is_block(child) and isinstance(child, CommentedMap):
        first, _, rest = str(token.value).partition("\n")
        token.value = f"{first}\n{' ' * (_ITEM_INDENT + 2)}{line}\n{rest}"
    else:
        _set_pre_lines(items, key, [*_pre_lines(items, key), " " * _ITEM_INDENT + line])
    if changes is not None:
        changes.words_kept.append(Rewrite(key, old, line, _key_location(items, key, file)))


def _key_location(items: CommentedMap, key: str, file: str) -> Location | None:
    try:
        line, column = items.lc.key(key)
    except (KeyError, TypeError, AttributeError):
        return None
    return Location(file, line + 1, column + 1)


def _drop_anchor_comment(items: CommentedMap, key: Any) -> str | None:
    """An item written with an anchor (``DE-01: &a  # [high · legal] …``) has its tool comment kept
    by ruamel.yaml as a "before the value" comment, which it writes on a line of its own, and only
    while the anchor is written. The merge gives every item its own node (see :func:`_unshare`), so
    nothing refers to the anchor any more: drop that comment and the anchor, and the comment goes
    back to the end of the item's key line, where every other item has it. Returns the comment
    dropped (its first line), so that words a person added to it are kept."""
    slot = items.ca.items.get(key)
    before = slot[3] if slot and len(slot) > 3 else None
    if not before or isinstance(before[0], str) or not _TOOL_COMMENT.match(str(before[0].value).strip()):
        return None
    token = before.pop(0)
    if not before:
        slot[3] = None
    child = items.get(key)
    start = getattr(getattr(child, "ca", None), "comment", None)
    if start and len(start) > 1 and start[1]:
        start[1] = [t for t in start[1] if t is not token] or None
    anchor = getattr(child, "anchor", None)
    if anchor is not None and anchor.value is not None:
        anchor.value = None
        anchor.always_dump = False
    return str(token.value).partition("\n")[0].strip()


# --- comments on lines of their own ------------------------------------------------------------
#
# ruamel.yaml keeps a comment written on its own line with the token *before* it: the comment above
# ``DE-02`` is stored on the last scalar of ``DE-01`` (``items["DE-01"].ca.items["waiver"][2]``,
# after that line's own end-of-line comment, or on the last element of a block sequence, or on the
# item key itself when its value is a scalar), and only after a flow collection or an empty value on
# the next key (``items.ca.items["DE-02"][1]``). Above the first key of a mapping it is on the
# mapping (``ca.comment[1]``, shared with the parent's ``ca.items[key][3]``) or after the parent
# key's end-of-line comment; at the end of a document that ends with a flow collection it is in the
# top-level mapping's ``ca.end``. Moving an item would therefore take the comment above the next item
# with it and leave its own behind. So before the merge moves anything, every block of such lines
# is put where it belongs: in the "before" slot of the key that follows it
# (``ca.items[key][1]``), which the emitter writes just above that key, so an unchanged file is
# written back byte for byte. A run of comment lines indented deeper than that key, directly under
# the previous entry, stays with the previous entry (it is written inside it).
#
# Lines are kept as written: indentation, blank lines (as ``""``) and, in CRLF files, the ``\r``.

_BLOCK_SCALARS = (LiteralScalarString, FoldedScalarString)


def _is_block(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and node.fa.flow_style() is not True


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _token_lines(token: Any, *, first_is_eol: bool) -> tuple[str, list[str]]:
    """A comment token as its end-of-line part and the whole lines after it (ruamel.yaml keeps
    the odd comment as a plain string, written as it is)."""
    if isinstance(token, str):
        value, column = token, 0
    else:
        value = str(token.value)
        try:
            column = int(token.column)
        except (AttributeError, TypeError):
            column = 0
    parts = value.split("\n")
    if parts[-1] == "":
        parts.pop()
    if not parts:
        return "", []
    if first_is_eol:
        return parts[0], parts[1:]
    first = parts[0]
    return "", [" " * column + first if first else "", *parts[1:]]


def _line_token(lines: list[str]) -> Any:
    """One token that writes ``lines`` as they were (the column carries the first line's indent)."""
    column = _indent(lines[0]) if lines[0].strip() else 0
    return CommentToken("\n".join([lines[0][column:], *lines[1:]]) + "\n", CommentMark(column))


def _tail(container: Any, key: Any) -> tuple[dict[Any, list[Any]], Any, int, bool]:
    """Where ruamel.yaml keeps the lines that follow ``container[key]`` (the deepest last scalar or
    flow collection inside it): the comments dict, its key, the token's index, and whether the
    value there is a block scalar (whose token has no end-of-line part)."""
    value = container[key]
    while _is_block(value):
        container = value
        key = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        value = container[key]
    index = 2 if isinstance(container, CommentedMap) else 0
    return container.ca.items, key, index, isinstance(value, _BLOCK_SCALARS)


def _tail_lines(container: Any, key: Any) -> list[str]:
    comments, slot_key, index, block_scalar = _tail(container, key)
    slot = comments.get(slot_key)
    token = slot[index] if slot and len(slot) > index else None
    return [] if token is None else _token_lines(token, first_is_eol=not block_scalar)[1]


def _set_tail_lines(container: Any, key: Any, lines: list[str]) -> None:
    comments, slot_key, index, block_scalar = _tail(container, key)
    slot = comments.get(slot_key)
    token = slot[index] if slot and len(slot) > index else None
    eol, old = ("", []) if token is None else _token_lines(token, first_is_eol=not block_scalar)
    if old == lines:
        return
    if not eol and not lines:
        new = None
    elif token is not None and not block_scalar:
        token.value = eol + "\n" + "".join(line + "\n" for line in lines)  # in place: it may be shared
        return
    else:
        new = _line_token(lines) if block_scalar else CommentToken("\n" + "".join(line + "\n" for line in lines), CommentMark(0))
    if slot is None:
        slot = comments[slot_key] = [None, None, None, None] if index == 2 else [None, None]
    slot[index] = new


def _pre_lines(mapping: CommentedMap, key: Any) -> list[str]:
    slot = mapping.ca.items.get(key)
    lines: list[str] = []
    for token in (slot[1] if slot and len(slot) > 1 else None) or ():
        lines.extend(_token_lines(token, first_is_eol=False)[1])
    return lines


def _set_pre_lines(mapping: CommentedMap, key: Any, lines: list[str]) -> None:
    if lines == _pre_lines(mapping, key):
        return
    slot = mapping.ca.items.setdefault(key, [None, None, None, None])
    slot[1] = [_line_token([line]) for line in lines] or None


def _split_deep(lines: list[str], column: int | None) -> tuple[list[str], list[str]]:
    """The leading comment lines indented deeper than ``column`` (they belong to the entry above)
    and the rest (they belong to the key below)."""
    if column is None:
        return [], lines
    cut = 0
    while cut < len(lines) and lines[cut].strip() and _indent(lines[cut]) > column:
        cut += 1
    return lines[:cut], lines[cut:]


def _key_column(mapping: CommentedMap, key: Any) -> int | None:
    try:
        return int(mapping.lc.key(key)[1])
    except (KeyError, TypeError, IndexError, AttributeError):
        col = getattr(mapping.lc, "col", None)
        return col if isinstance(col, int) else None


def _take_first_key_lines(parent: CommentedMap, name: Any, mapping: CommentedMap) -> list[str]:
    """Remove the lines between ``name:`` and the first key of its (block) mapping value."""
    lines: list[str] = []
    slot = parent.ca.items.get(name)
    token = slot[2] if slot and len(slot) > 2 else None
    if token is not None:
        eol, after = _token_lines(token, first_is_eol=True)
        if after:
            lines.extend(after)
            if eol:
                token.value = eol + "\n"  # in place: the mapping's ca.comment[0] is the same token
            else:
                slot[2] = None
                if mapping.ca.comment and mapping.ca.comment[0] is token:
                    mapping.ca.comment[0] = None
    seen: set[int] = set()
    sources = [slot[3] if slot and len(slot) > 3 else None, mapping.ca.comment[1] if mapping.ca.comment and len(mapping.ca.comment) > 1 else None]
    for tokens in sources:
        for t in tokens or ():
            if id(t) not in seen:
                seen.add(id(t))
                lines.extend(_token_lines(t, first_is_eol=False)[1])
    if slot and len(slot) > 3:
        slot[3] = None
    if mapping.ca.comment and len(mapping.ca.comment) > 1:
        mapping.ca.comment[1] = None
    return lines


def _settle(mapping: CommentedMap, following: Callable[[list[str]], None], first_of: tuple[CommentedMap, Any] | None = None) -> None:
    """Put the lines above each key of ``mapping`` in that key's "before" slot; the lines after its
    last entry go to ``following`` (the next key further out, or the end of the document)."""
    keys = list(mapping)
    if not keys or not _is_block(mapping):
        return
    if first_of is not None:
        above = _take_first_key_lines(*first_of, mapping)
        if above:
            _set_pre_lines(mapping, keys[0], above + _pre_lines(mapping, keys[0]))
    for prev, key in pairwise(keys):
        deep, rest = _split_deep(_tail_lines(mapping, prev) + _pre_lines(mapping, key), _key_column(mapping, key))
        _set_tail_lines(mapping, prev, deep)
        _set_pre_lines(mapping, key, rest)
    end = _take_end_lines(mapping)
    deep, rest = _split_deep(_tail_lines(mapping, keys[-1]) + end, _key_column(mapping, keys[-1]))
    if rest or end:
        _set_tail_lines(mapping, keys[-1], deep)
        following(rest)


def _take_end_lines(mapping: CommentedMap) -> list[str]:
    """Remove the lines ruamel.yaml keeps at the end of the document when it ends with a flow
    collection (``ca.end`` of the top-level mapping)."""
    lines: list[str] = []
    for token in mapping.ca.end or ():
        lines.extend(_token_lines(token, first_is_eol=False)[1])
    if lines:
        mapping.ca.end = []
    return lines


def _before(mapping: CommentedMap, key: Any, outer: Callable[[list[str]], None]) -> Callable[[list[str]], None]:
    """Where lines after ``mapping[key]`` go: above the next key, or further out after the last."""
    keys = list(mapping)
    index = keys.index(key)
    if index + 1 < len(keys):
        after = keys[index + 1]
        return lambda lines: _set_pre_lines(mapping, after, lines + _pre_lines(mapping, after))
    return outer


def _settle_comments(document: CommentedMap) -> list[str]:
    """Attach the person's own-line comments to the keys below them, from the top level down to the
    items of every checklist (see the notes above), so that moving a key moves its comment.

    Returns the lines after the last entry of the document, for :func:`_append_tail` to put back at
    the end once the merge is done.
    """
    trailer: list[str] = []

    def to_end(lines: list[str]) -> None:
        trailer[:0] = lines

    _settle(document, to_end)
    sections = document.get("checklists")
    if not isinstance(sections, CommentedMap):
        return trailer
    _settle(sections, _before(document, "checklists", to_end))
    for checklist_id, section in sections.items():
        if not isinstance(section, CommentedMap):
            continue
        after_section = _before(sections, checklist_id, _before(document, "checklists", to_end))
        _settle(section, after_section)
        for name in ("items", "retired"):
            mapping = section.get(name)
            if isinstance(mapping, CommentedMap):
                _settle(mapping, _before(section, name, after_section), first_of=(section, name))
    return trailer


def _append_tail(document: CommentedMap, lines: list[str]) -> None:
    """Write ``lines`` after the last entry of ``document``."""
    if document:
        last = next(reversed(document))
        _set_tail_lines(document, last, _tail_lines(document, last) + lines)


# --- reading a filled assessment ----------------------------------------------------------------

_RESPONSE_KEYS = ("answer", "notes", "evidence", "waiver", "carried_over_from", "review", "reviewed")
_KNOWN_RESPONSE_KEYS = frozenset(_RESPONSE_KEYS)


def read_assessment(path: Any, catalog: Catalog, *, located: bool = True) -> Assessment:
    """Load, validate and interpret an assessment file against ``catalog``.

    Structural problems (schema) and references to checklists or items that do not exist are
    errors. Softer problems — an expired waiver, ``n/a`` without notes, a stale version, a key the
    tool does not know — are for the scorer to report, because the file is still readable.
    Reading uses the fast located loader: scoring never rewrites the file.

    ``located=False`` is for a caller that never shows the scorer's problems (the portfolio, which
    reads thousands of files): the file is read without positions, about twice as fast, and every
    item's location is just the file. A file it refuses is still refused with every error located
    (file:line:column): that one file is read again with positions to say where.
    """
    return read_assessment_text(read_text(path), str(path), catalog, located=located)


def read_assessment_text(text: str, file: str, catalog: Catalog, *, departed_ok: bool = False, located: bool = True) -> Assessment:
    """:func:`read_assessment` of a text already read, named ``file`` in every location (``diff``
    reads a committed version with ``git show`` and names it ``HEAD~1:fm-governance.yaml``).

    ``departed_ok``: an item the checklist no longer has is skipped and named in
    ``Assessment.departed`` instead of refused (``diff`` reads an old version that way, so an item
    retired since shows as retired)."""
    if not located:
        try:
            unlocated, where = _read_plain_unlocated(text, file), Location(file)
            return _interpret(unlocated, lambda path, *, key=False: where, file, catalog, departed_ok)
        except InputError:
            pass  # refused: read again with positions, so that every error names its line and column
    plain, locate = read_plain(text, file)
    return _interpret(plain, locate, file, catalog, departed_ok)


def _read_plain_unlocated(text: str, file: str) -> dict[str, Any]:
    """:func:`read_plain` without positions (:func:`.yamlio.load_plain`); the same schema check."""
    data = load_plain(text, file)
    if not isinstance(data, dict):
        raise InputError(Location(file, 1, 1), "is empty or not a mapping", "read it with positions to say which")
    plain: dict[str, Any] = validate_plain("assessment", data, lambda path, *, key=False: Location(file))
    return plain


def _interpret(plain: dict[str, Any] | None, locate: Callable[..., Location], file: str, catalog: Catalog, departed_ok: bool) -> Assessment:
    """The assessment in ``plain`` (valid against the schema), checked against ``catalog``."""
    assert plain is not None  # read_plain refuses an empty file unless allow_empty
    errors: list[InputError] = []
    unknown_keys: list[tuple[Location, str, str | None]] = []
    checklists: dict[str, AssessedChecklist] = {}
    departed: list[tuple[str, str]] = []
    for checklist_id, section in (plain.get("checklists") or {}).items():
        checklist = catalog.get(checklist_id)
        if checklist is None:
            errors.append(
                InputError(
                    locate(["checklists", checklist_id], key=True),
                    f"unknown checklist {checklist_id!r}",
                    f"known checklists: {', '.join(c.id for c in catalog)}; pass --checklists-dir for a custom one",
                )
            )
            continue
        responses: dict[str, Response] = {}
        for item_id, raw in (section.get("items") or {}).items():
            base = ["checklists", checklist_id, "items", item_id]
            if checklist.item(item_id) is None:
                if departed_ok:
                    departed.append((checklist_id, str(item_id)))
                    continue
                errors.append(
                    InputError(
                        locate(base, key=True),
                        f"unknown item {item_id!r} in checklist {checklist_id!r} {checklist.version}",
                        "check the id, or run `fm-governance assess` to move items that left the checklist to `retired`",
                    )
                )
                continue
            raw = raw or {}
            for key in raw:
                if key not in _KNOWN_RESPONSE_KEYS:
                    close = difflib.get_close_matches(str(key), _RESPONSE_KEYS, n=1, cutoff=0.75)
                    unknown_keys.append((locate([*base, key], key=True), str(key), close[0] if close else None))
            waiver = None
            if raw.get("waiver"):
                w = raw["waiver"]
                waiver = Waiver(reason=w["reason"], approved_by=w["approved_by"], expires=_dt.date.fromisoformat(w["expires"]))
            item_location = locate(base, key=True)
            evidence = raw.get("evidence")
            review, reviewed = raw.get("review"), raw.get("reviewed")
            responses[item_id] = Response(
                checklist_id=checklist_id,
                item_id=item_id,
                answer=parse_answer(raw.get("answer")),
                notes=(raw.get("notes") or "").strip(),
                evidence=evidence_entries(evidence, functools.partial(_locate_entry, locate, base)) if evidence else (),
                waiver=waiver,
                location=item_location,
                answer_location=locate([*base, "answer"]) if "answer" in raw else item_location,
                review=str(review).strip() if review else "",
                review_location=locate([*base, "review"]) if review else None,
                reviewed=_dt.date.fromisoformat(reviewed) if reviewed else None,
                reviewed_location=locate([*base, "reviewed"]) if reviewed else None,
            )
        checklists[checklist_id] = AssessedChecklist(
            id=checklist_id,
            version=str(section.get("version") or ""),
            responses=responses,
            location=locate(["checklists", checklist_id], key=True),
        )
    if errors:
        raise InputErrors(errors)
    project = plain.get("project") or {}
    context = plain.get("context") or {}
    return Assessment(
        path=file,
        project_name=str(project.get("name") or ""),
        assessors=tuple(project.get("assessors") or ()),
        date=str(project.get("date") or ""),
        modes=tuple(context.get("modes") or ()),
        checklists=checklists,
        inventory=dict(plain.get("inventory") or {}),
        unknown_keys=tuple(unknown_keys),
        policy=_policy_values(plain.get("policy"), locate),
        criticality=project.get("criticality"),
        owner=str(project.get("owner") or "").strip(),
        departed=tuple(departed),
    )


def _locate_entry(locate: Callable[..., Location], base: list[str], n: int) -> Location:
    return locate([*base, "evidence", n])


def evidence_entries(raw: Any, locate_entry: Callable[[int], Location] | None = None) -> tuple[Evidence, ...]:
    """The ``evidence:`` value of a validated response as :class:`Evidence` entries, in order.

    A single string is one entry; a list holds plain strings and ``{ref, date}`` mappings. Only a
    mapping entry is located (``locate_entry(index)``): it is the one that can be reported stale,
    and locating every plain entry would cost a lookup per line of evidence for nothing.
    """
    if not raw:
        return ()
    if isinstance(raw, str):
        return (Evidence(raw),)
    out: list[Evidence] = []
    for n, entry in enumerate(raw):
        if isinstance(entry, dict):
            date = entry.get("date")
            out.append(
                Evidence(
                    str(entry.get("ref") or ""),
                    date if isinstance(date, _dt.date) else _dt.date.fromisoformat(date) if isinstance(date, str) and date else None,
                    locate_entry(n) if locate_entry is not None else None,
                )
            )
        elif entry is not None:
            out.append(Evidence(str(entry)))
    return tuple(out)


def _policy_values(section: Any, locate: Callable[..., Location]) -> tuple[tuple[str, object, Location], ...]:
    """The ``policy:`` values as written, located (the schema allows only these keys, or null)."""
    if not isinstance(section, dict):
        return ()
    found: list[tuple[str, object, Location]] = []
    for key in ("fail-on", "fail-under", "fail-on-review"):
        if section.get(key) is not None:
            found.append((key, section[key], locate(["policy", key])))
    for table in ("max-age", "evidence-max-age"):
        max_age = section.get(table)
        if isinstance(max_age, dict):
            for key, value in max_age.items():
                if value is not None:
                    found.append((f"{table}.{key}", value, locate(["policy", table, key])))
    waivers = section.get("waivers")
    if isinstance(waivers, dict) and waivers.get("max-days") is not None:
        found.append(("waivers.max-days", waivers["max-days"], locate(["policy", "waivers", "max-days"])))
    return tuple(found)
