"""The one YAML reader and writer: safe, bounded, located, round-trip.

Files are read two ways, which must never disagree: :func:`load_located` (libyaml through PyYAML:
fast plain data plus a locator, for files that are only read) and :func:`load_text` (ruamel.yaml in
round-trip mode, for files the tool rewrites: comments, key order and quoting survive a load/dump
cycle). :func:`load_text` runs :func:`load_located` on the text first, so everything one refuses
the other refuses with the same message, and both type plain scalars by one table
(:data:`_CORE_RESOLVERS`). Reading is defensive:

* files are read as bytes first, capped at :data:`MAX_BYTES`, and decoded as UTF-8 with the position
  of the first bad byte reported if they are not;
* the document is *composed* before it is constructed, so aliases can be checked on the node graph:
  recursive aliases and documents that aliases would expand by more than
  :data:`MAX_EXPANDED_NODES` values (the "billion laughs" shape) are refused before anything walks
  them;
* explicit tags are refused (:func:`_refuse_tags`), so no file can ask for a Python object, and no
  value means one thing to one library and another to the other; merge keys (``<<``) too;
* every parser error becomes a one-line :class:`~fm_governance.core.errors.InputError` with its
  file, line and column.

Writing is :func:`.files.write_atomic` (re-exported here): a temporary file in the same folder, fsync,
``os.replace``, so a crash mid-write leaves the previous file intact.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.reader import ReaderError

from .errors import InputError, Location
from .files import read_bytes
from .files import write_atomic as write_atomic  # re-exported: callers import the writer from here

#: Largest file read, in bytes. Real assessments are a few hundred kilobytes at most.
MAX_BYTES = 8 * 1024 * 1024
#: Largest number of nodes a document may expand to once aliases are followed.
MAX_EXPANDED_NODES = 500_000
#: Deepest nesting accepted; deeper documents are refused instead of exhausting the stack.
MAX_DEPTH = 64

#: The implicit types of plain (unquoted, untagged) scalars: the YAML 1.2 core schema, plus the
#: merge key so that ``<<`` can be refused by name. Both readers use this one table — the located
#: reader (PyYAML/libyaml) and the round-trip reader and writer (ruamel.yaml) — so a scalar has the
#: same type for every command, whatever ``%YAML`` directive the file carries: ``yes``, ``on`` and
#: dates are text, ``012`` is twelve. Dates are text on purpose: the fields that hold dates are
#: checked as YYYY-MM-DD by the schemas, and text round-trips exactly (a parsed timestamp would be
#: rewritten in Python's spelling, and an impossible one would not load at all).
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CORE_RESOLVERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", tuple("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", tuple("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        tuple("-+0123456789."),
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ("~", "n", "N", "")),
    (_MERGE_TAG, r"^(?:<<)$", ("<",)),
)
#: Tags a node can carry once explicit tags are refused: the core schema's, and the merge key's.
_STANDARD_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))


def _core_resolver_class() -> type:
    """ruamel.yaml's resolver, held to :data:`_CORE_RESOLVERS` for reading and for writing (its
    own table follows the ``%YAML`` directive and adds timestamps, underscores in numbers, ``0b``
    and other readings the located reader does not share)."""
    import re

    from ruamel.yaml.resolver import VersionedResolver

    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE_RESOLVERS:
        compiled = re.compile(pattern)
        for char in first:
            table.setdefault(char, []).append((tag, compiled))

    class CoreResolver(VersionedResolver):
        @property
        def versioned_resolver(self) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
            return table

        @property
        def processing_version(self) -> tuple[int, int]:
            # ruamel.yaml's constructors ask this too (a leading 0 is octal in YAML 1.1).
            return (1, 2)

    return CoreResolver


_CORE_RESOLVER = _core_resolver_class()


def _round_trip_classes() -> tuple[type, type]:
    """ruamel.yaml's round-trip constructor and representer, adjusted to the core table.

    Text that other YAML readers (and ruamel.yaml's own defaults) would type — ``2024-01-01``,
    ``1_000``, ``0b101`` — is text here. The tool keeps writing such text quoted, as it always has,
    so those readers see text too; text a person wrote unquoted is written back unquoted, as it was.
    """
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.representer import RoundTripRepresenter
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.scalarstring import PlainScalarString

    stock = VersionedResolver(version=(1, 2))
    str_tag = "tag:yaml.org,2002:str"

    def typed_elsewhere(value: str) -> bool:
        return bool(value) and str(stock.resolve(ScalarNode, value, (True, False))) != str_tag

    class CoreConstructor(RoundTripConstructor):
        def construct_yaml_str(self, node: Any) -> Any:
            value = super().construct_yaml_str(node)
            if not node.style and type(value) is str and typed_elsewhere(value):
                return PlainScalarString(value)
            return value

    CoreConstructor.add_constructor(str_tag, CoreConstructor.construct_yaml_str)

    class CoreRepresenter(RoundTripRepresenter):
        def represent_str(self, data: Any) -> Any:
            if typed_elsewhere(data):
                return self.represent_scalar(str_tag, data, style="'")
            return super().represent_str(data)

    CoreRepresenter.add_representer(str, CoreRepresenter.represent_str)
    CoreRepresenter.add_representer(type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return CoreConstructor, CoreRepresenter


_CORE_CONSTRUCTOR, _CORE_REPRESENTER = _round_trip_classes()


def new_yaml() -> YAML:
    """A round-trip YAML instance configured the way fm-governance writes files.

    ``null`` is written out (not an empty value) and quotes are preserved, so a YAML 1.1 reader
    such as PyYAML sees ``"yes"`` as the string it is rather than the boolean ``true``.
    """
    yaml = YAML(typ="rt")
    yaml.Resolver = _CORE_RESOLVER
    yaml.Constructor = _CORE_CONSTRUCTOR
    yaml.Representer = _CORE_REPRESENTER
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read ``path`` as UTF-8 text with a size cap; every failure is a located ``InputError``.

    A FIFO, device or socket is refused before it is opened (see :func:`.files.read_bytes`): reading
    one would block for ever.
    """
    where = Location(str(path))
    data = read_bytes(path, max_bytes)
    if len(data) > max_bytes:
        raise InputError(
            where,
            f"is larger than {max_bytes // (1024 * 1024)} MiB",
            "this is not a checklist or assessment; check the path",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            Location(str(path), line, column),
            f"is not UTF-8 (byte 0x{data[exc.start]:02x})",
            "re-save the file as UTF-8",
        ) from None


def _mark_location(file: str, mark: Any) -> Location:
    if mark is None:
        return Location(file, 1, 1)  # a problem with the document as a whole
    return Location(file, getattr(mark, "line", 0) + 1, getattr(mark, "column", 0) + 1)


def _yaml_error(file: str, exc: Any) -> InputError:
    """A parser error (ruamel.yaml's or PyYAML's: they share the attribute names) as one line."""
    if hasattr(exc, "problem_mark") or hasattr(exc, "context_mark"):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context if exc.problem and exc.context else ""
        message = f"invalid YAML: {context + ': ' if context else ''}{problem}"
        fix = "fix the YAML syntax at this position"
        if "duplicate key" in problem:
            key = problem.split('"')[1] if '"' in problem else ""
            message = f"duplicate key {key!r}" if key else "duplicate key"
            fix = "each key may appear once in a mapping: merge or remove the repeated entry"
        elif "maximum nesting depth" in problem:  # libyaml's own limit (1,000 levels)
            message = f"nested deeper than {MAX_DEPTH} levels"
            fix = "flatten the structure"
        elif "incompatible YAML document" in problem:
            message = "unsupported %YAML version"
            fix = "write `%YAML 1.2` (or 1.1), or remove the directive"
        return InputError(_mark_location(file, mark), message, fix)
    return InputError(Location(file, 1, 1), f"invalid YAML: {exc}", "fix the YAML syntax")


#: A line break, for positions given as offsets (the YAML 1.1 breaks U+0085, U+2028 and U+2029
#: are refused before anything else is read: see :func:`_refuse_odd_breaks`).
_LINE_BREAK = re.compile("\r\n|[\r\n]")
#: Line breaks in YAML 1.1 (libyaml) but ordinary characters in YAML 1.2 (ruamel.yaml).
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def _refuse_odd_breaks(text: str, file: str) -> None:
    """Refuse U+0085 (next line), U+2028 (line separator) and U+2029 (paragraph separator) written
    as such: libyaml ends a line there and ruamel.yaml does not, so the two readers would see
    different documents. Inside double quotes they can be written as ``\\N``, ``\\L``, ``\\P``."""
    found = [i for i in (text.find(c) for c in _ODD_BREAKS) if i >= 0]
    if found:
        offset = min(found)
        raise InputError(
            _offset_location(text, file, offset),
            f"character U+{ord(text[offset]):04X} is a line break to some YAML readers and not to others",
            "use an ordinary line break, or write it as \\N, \\L or \\P inside double quotes",
        )
    offset = text.find("\ufeff", 1)  # a byte order mark belongs at the very start, if anywhere
    if offset > 0:
        raise InputError(
            _offset_location(text, file, offset),
            "a byte order mark (U+FEFF) in the middle of the file is read differently by YAML readers",
            "remove it, or write it as \\uFEFF inside double quotes",
        )


def _offset_location(text: str, file: str, offset: int) -> Location:
    offset = max(0, min(offset, len(text)))
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, match.end()
    return Location(file, line, offset - start + 1)


def _reader_error(text: str, file: str, exc: Any) -> InputError:
    """Characters YAML forbids (NUL, most C0 controls): the error carries an offset only."""
    return InputError(
        _offset_location(text, file, int(exc.position)),
        f"character U+{exc.character:04X} is not allowed in YAML",
        "remove it (the file may be binary or in another encoding)",
    )


def _too_deep(text: str, file: str) -> InputError:
    """Where a document nests deeper than :data:`MAX_DEPTH`, found by walking its events (which
    needs no recursion), for a reader that ran out of stack before it could say where."""
    import yaml as pyyaml

    depth = 0
    loader = pyyaml.CSafeLoader(text) if hasattr(pyyaml, "CSafeLoader") else pyyaml.SafeLoader(text)
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (pyyaml.MappingStartEvent, pyyaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return InputError(_mark_location(file, event.start_mark), f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
            elif isinstance(event, (pyyaml.MappingEndEvent, pyyaml.SequenceEndEvent)):
                depth -= 1
    except pyyaml.YAMLError as exc:
        return _yaml_error(file, exc)
    finally:
        loader.dispose()
    return InputError(Location(file, 1, 1), "nested too deeply to read", "flatten the structure")


def _refuse_tags(text: str, file: str) -> None:
    """Refuse every explicit tag (``!!set``, ``!!int "12"``, ``!<…>``, ``!``), at its position.

    fm-governance files are plain data, read by two YAML libraries that do not agree on what the
    standard tags mean (ruamel.yaml writes ``!!set {a, b}`` back as ``{a null, b null}``, drops
    ``!!int`` and ``!!timestamp``, rewrites ``!!omap``; PyYAML builds Python sets and bytes no JSON
    Schema can check). A file without tags means the same to both and is written back exactly.
    Tags are rare, so the token scan (about 20 ms on a 2,000-item file) runs only when a ``!``
    could start one.
    """
    if "!" not in text or not _MAYBE_TAG.search(text):  # the first test is a fast scan in C
        return
    import yaml as pyyaml

    loader = pyyaml.CSafeLoader(text) if hasattr(pyyaml, "CSafeLoader") else pyyaml.SafeLoader(text)
    try:
        while (token := loader.get_token()) is not None:
            if isinstance(token, pyyaml.TagToken):
                handle, suffix = token.value
                written = f"{handle}{suffix}" if handle else (suffix if suffix == "!" else f"!<{suffix}>")
                raise InputError(
                    _mark_location(file, token.start_mark),
                    f"YAML tag {written!r} is not allowed",
                    "remove the tag: fm-governance files hold plain data (text, numbers, true/false, null, lists, mappings); quote a value to keep it as text",
                )
    finally:
        loader.dispose()


def _refuse_tabs(text: str, file: str) -> None:
    """Refuse a tab used as white space between YAML tokens (after a value, before a colon, inside
    an unquoted value), at its position.

    libyaml accepts such tabs, as YAML allows; ruamel.yaml's scanner does not, so `assess` could not
    rewrite a file that `check` accepts. Tabs inside quoted text, ``|`` and ``>`` blocks and
    comments are read alike by both, and stay allowed.
    """
    if "\t" not in text:
        return
    import yaml as pyyaml

    allowed: list[tuple[tuple[int, int], tuple[int, int]]] = []  # (line, column) spans, 0-based
    loader = pyyaml.CSafeLoader(text) if hasattr(pyyaml, "CSafeLoader") else pyyaml.SafeLoader(text)
    try:
        while (token := loader.get_token()) is not None:
            if isinstance(token, pyyaml.ScalarToken) and token.style in ("'", '"', "|", ">"):
                allowed.append(((token.start_mark.line, token.start_mark.column), (token.end_mark.line, token.end_mark.column)))
    finally:
        loader.dispose()

    starts = [start for start, _ in allowed]  # tokens come in order and do not overlap

    def inside(position: tuple[int, int]) -> bool:
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < allowed[index][1]

    line_no, start = 0, 0
    breaks = [m.end() for m in _LINE_BREAK.finditer(text)]
    for match in re.finditer("\t", text):
        offset = match.start()
        while line_no < len(breaks) and breaks[line_no] <= offset:
            start = breaks[line_no]
            line_no += 1
        column = offset - start
        if inside((line_no, column)):
            continue
        line = text[start:offset]
        if any(char == "#" and (k == 0 or line[k - 1] in " \t") and not inside((line_no, k)) for k, char in enumerate(line)):
            continue  # in a comment
        raise InputError(
            Location(file, line_no + 1, column + 1),
            "a tab here is not read by every YAML reader",
            "use spaces (tabs are fine inside quoted text, | or > blocks and comments)",
        )


#: A ``|`` or ``>`` line followed by a line of spaces only: a block scalar that may start so.
_BLANK_LEAD = re.compile(r"[|>][^\r\n]*(?:\r\n|\r|\n) +(?:\r\n|\r|\n)")


def _refuse_blank_lead(text: str, file: str) -> None:
    """Refuse a ``|`` or ``>`` block whose first line holds only spaces, fewer than the text below.

    YAML reads that line as an empty first line of the block, and so does libyaml; ruamel.yaml
    takes its spaces for the block's indentation and then refuses the text below it.
    """
    if not _BLANK_LEAD.search(text):
        return
    import yaml as pyyaml

    lines = re.split(r"\r\n|\r|\n", text)
    loader = pyyaml.CSafeLoader(text) if hasattr(pyyaml, "CSafeLoader") else pyyaml.SafeLoader(text)
    try:
        while (token := loader.get_token()) is not None:
            if not (isinstance(token, pyyaml.ScalarToken) and token.style in ("|", ">")):
                continue
            header = lines[token.start_mark.line][token.start_mark.column :]
            first = token.start_mark.line + 1
            if any(c.isdigit() for c in header.split("#")[0]) or first >= len(lines) or not lines[first] or lines[first].strip(" "):
                continue  # an explicit indentation, or a first line that is not spaces only
            below = next((line for line in lines[first + 1 : token.end_mark.line + 1] if line.strip(" ")), "")
            if len(lines[first]) < len(below) - len(below.lstrip(" ")):
                raise InputError(
                    Location(file, first + 1, 1),
                    "the first line of this | or > block holds only spaces, fewer than the text below it",
                    "remove the spaces on that line (not every YAML reader reads it the same way)",
                )
    finally:
        loader.dispose()


#: A ``!`` where a tag could start (after a space, a flow indicator or at the start of a line).
_MAYBE_TAG = re.compile(r"(?:^|[\s\[\]{},])!", re.MULTILINE)


def _check_graph(file: str, root: Any, *, aliases: bool = True) -> None:
    """Refuse unknown tags, merge keys, aliases as keys, duplicate keys, recursive aliases, deep
    nesting and alias bombs.

    Sizes are memoised per node, so a document whose aliases multiply it a billion-fold is measured
    in time linear in its *text*, and refused before anything expands it. Only what aliases add is
    counted against :data:`MAX_EXPANDED_NODES`: a large file written out in full is bounded by
    :data:`MAX_BYTES` alone. Scalars, the bulk of every document, take the short path: only their
    tag is looked at. ``aliases=False`` (the text has no ``*``) skips remembering every scalar,
    which is only needed to spot an alias used as a key.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    scalars: set[int] = set()  # every scalar met, so that one met again as a key is seen
    standard = _STANDARD_TAGS
    repeated = 0  # values that aliases add to the document, beyond those written out

    def fail(node: Any, message: str, fix: str) -> NoReturn:
        raise InputError(_mark_location(file, node.start_mark), message, fix)

    def check_tag(node: Any) -> None:
        tag = node.tag
        if tag.__class__ is not str:  # ruamel.yaml wraps tags in a Tag object
            tag = getattr(tag, "value", tag)
        if tag is not None and tag not in standard:
            if tag == _MERGE_TAG:
                fail(node, "merge keys (<<) are not supported", "write the keys out in full in this mapping")
            fail(node, f"YAML tag {tag!r} is not allowed", "remove the tag; only plain YAML data is read")

    def size(node: Any, depth: int) -> int:
        nonlocal repeated
        kind = node.id
        if kind == "scalar":
            check_tag(node)
            if aliases:
                scalars.add(id(node))
            return 1
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            repeated += known
            if repeated > MAX_EXPANDED_NODES:
                fail(node, f"expands to more than {MAX_EXPANDED_NODES:,} values through YAML aliases", "write the data out instead of nesting aliases")
            return known
        if key in active:
            fail(node, "recursive YAML alias", "replace the alias with the values it stands for")
        if depth > MAX_DEPTH:
            fail(node, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        check_tag(node)
        active.add(key)
        total = 1
        if kind == "mapping":
            keys: set[str] = set()
            for k, v in node.value:
                if k.id == "scalar":
                    if id(k) in scalars:
                        # ruamel.yaml writes such a key back as `*name:`, which no reader reads back.
                        # (An alias is the anchored node itself: this is where the anchor is.)
                        fail(k, "this value is used again as a mapping key through an alias, which is not supported", "write that key out in full")
                    if k.value in keys:
                        fail(k, f"duplicate key {k.value!r}", "each key may appear once in a mapping: merge or remove the repeated entry")
                    keys.add(k.value)
                total += size(k, depth + 1) + size(v, depth + 1)
        else:
            for v in node.value:
                total += size(v, depth + 1)
        active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def load_text(text: str, file: str, yaml: YAML | None = None) -> Any:
    """Parse one YAML document from ``text`` as round-trip types (for files the tool rewrites).

    The text first goes through :func:`load_located`, the reader ``check`` uses, so everything it
    refuses is refused here with the same located message; only then does ruamel.yaml build the
    editable document.
    """
    load_located(text, file)
    return load_round_trip(text, file, yaml)


def load_round_trip(text: str, file: str, yaml: YAML | None = None) -> Any:
    """The round-trip half of :func:`load_text`, for a caller that has just read ``text`` with
    :func:`load_located` itself (and so already refused what it refuses)."""
    return _load(text, file, yaml or new_yaml())[0]


def load_located(text: str, file: str) -> tuple[Any, Locator]:
    """Parse ``text`` into plain Python data plus a :class:`Locator` for file:line:column.

    For files that are only read (checklists, and assessments being scored) this is several times
    faster than the round-trip loader: libyaml's C parser through PyYAML, with the same scalar
    types as the round-trip reader (:data:`_CORE_RESOLVERS`), the same duplicate-key check, the
    same alias and depth limits, and no explicit tags. The data is plain JSON types already (keys
    are strings), ready for schema validation.
    """
    import yaml as pyyaml

    _refuse_odd_breaks(text, file)
    loader = _core_loader()(text)
    loader.fmg_file = file
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Locator(None, file)
        _refuse_tags(text, file)
        _refuse_tabs(text, file)
        _refuse_blank_lead(text, file)
        _check_graph(file, node, aliases="*" in text)
        return loader.construct_document(node), Locator(node, file)
    except pyyaml.reader.ReaderError as exc:
        raise _reader_error(text, file, exc) from None
    except pyyaml.YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except RecursionError:
        raise _too_deep(text, file) from None
    finally:
        loader.dispose()


def load_plain(text: str, file: str) -> Any:
    """The data :func:`load_located` returns for ``text``, without its positions, faster.

    For callers that read many files and report positions only for the rare file they refuse (the
    portfolio reads thousands, and asks :func:`load_located` again for a file it refuses, to say
    where). libyaml parses the text, as in :func:`load_located`, but its events are turned into
    data directly (:func:`_plain_from_events`): no node graph is composed, so no node, position or
    tag lookup per value is made in Python, which is most of the located reader's time. That walk
    makes :func:`_check_graph`'s checks on the way (no tags, no repeated keys, depth) and types
    scalars by the same table with the same constructors. Anything it does not take on — aliases
    and anchors (and so every alias limit), tags, keys that are not text, tabs, blank-led blocks,
    several documents, any parser error — goes to :func:`load_located`, so the two never disagree
    and every limit still holds (the size cap applies before the text is read).
    """
    import yaml as pyyaml

    # (A blank-led block needs a line that ends in a space: a quick substring test first.)
    if "\t" in text or ((" \n" in text or " \r" in text) and _BLANK_LEAD.search(text)):
        return load_located(text, file)[0]
    _refuse_odd_breaks(text, file)
    loader = _core_loader()(text)
    loader.fmg_file = file
    try:
        return _plain_from_events(loader)
    except (_Unusual, pyyaml.YAMLError, InputError):
        pass  # the located reader decides, and names the place if it refuses
    finally:
        loader.dispose()
    return load_located(text, file)[0]


class _Unusual(Exception):
    """Something :func:`_plain_from_events` leaves to the located reader."""


def _plain_from_events(loader: Any) -> Any:
    """Plain data from the loader's events: what ``construct_document`` would build of the
    composed document, for documents without aliases, anchors or tags (:class:`_Unusual` else)."""
    from yaml import events, nodes

    scalar_event, mapping_start, sequence_start = events.ScalarEvent, events.MappingStartEvent, events.SequenceStartEvent
    ends = (events.MappingEndEvent, events.SequenceEndEvent)
    str_tag, null_tag = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
    resolve, plain_tag, scalar_node = loader.resolve, loader.fmg_plain_tag, nodes.ScalarNode
    get = loader.get_event
    get()  # the stream starts
    if isinstance(get(), events.StreamEndEvent):
        return None  # no document at all
    # The containers being filled, innermost last; for a mapping, the key waiting for its value.
    stack: list[tuple[Any, str | None]] = []
    container: Any = None
    key: str | None = None
    while True:
        event = get()
        kind = event.__class__
        if kind is scalar_event:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            text, implicit = event.value, event.implicit
            if not implicit[0]:
                tag = str_tag  # quoted or a block: text
            else:
                tag = plain_tag(text) if len(text) <= 64 else resolve(scalar_node, text, implicit)
            if container.__class__ is dict and key is None:
                if tag != str_tag or text in container:
                    raise _Unusual  # a key that is not text, or a repeated key
                key = text
                continue
            if tag == str_tag:
                value: Any = text
            elif tag == null_tag:
                value = None
            else:  # numbers and booleans, by the located reader's own constructors
                value = loader.construct_object(scalar_node(tag, text, event.start_mark, event.end_mark))
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            if container.__class__ is dict and key is None:
                raise _Unusual  # a mapping or a list as a key
            stack.append((container, key))
            container, key = ({} if kind is mapping_start else []), None
            continue
        elif kind in ends:
            value = container
            container, key = stack.pop()
        else:
            raise _Unusual  # an alias
        if container is None:
            break  # the document's root is complete
        if key is not None:
            container[key] = value
            key = None
        else:
            container.append(value)
    if not isinstance(get(), events.DocumentEndEvent) or not isinstance(get(), events.StreamEndEvent):
        raise _Unusual  # more than one document
    return value


@functools.cache
def _core_loader() -> Any:
    """A PyYAML loader (C-accelerated when libyaml is available) that types plain scalars by
    :data:`_CORE_RESOLVERS`, as the round-trip reader does, instead of PyYAML's YAML 1.1 rules
    (where ``yes``, ``on`` and ``no`` are booleans and ``1:20`` is a base-60 number)."""
    import yaml as pyyaml

    base = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)

    class CoreLoader(base):  # type: ignore[misc, valid-type]
        fmg_file = ""

    CoreLoader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _CORE_RESOLVERS:
        CoreLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))

    # The composer asks the tag of every scalar, a Python call that tries the patterns each time;
    # keys and short values repeat (`answer`, `null`, item ids), so the answer is remembered. The
    # same answer PyYAML gives: this loader has no path resolvers, and a quoted scalar is text.
    scalar_node, str_tag = pyyaml.ScalarNode, "tag:yaml.org,2002:str"
    stock = base.resolve

    @functools.lru_cache(maxsize=4096)
    def plain_tag(value: str) -> str:
        return str(stock(CoreLoader, scalar_node, value, (True, False)))

    def resolve(self: Any, kind: Any, value: Any, implicit: tuple[bool, bool]) -> Any:
        if kind is scalar_node and not self.yaml_path_resolvers:
            if not implicit[0]:
                return str_tag
            return plain_tag(value) if len(value) <= 64 else stock(self, kind, value, implicit)
        return stock(self, kind, value, implicit)

    CoreLoader.resolve = resolve
    CoreLoader.fmg_plain_tag = staticmethod(plain_tag)  # for load_plain, which has no node to resolve

    def construct_int(loader: Any, node: Any) -> int:
        value = str(loader.construct_scalar(node))
        try:
            if value.startswith("0o"):
                return int(value[2:], 8)
            if value.startswith("0x"):
                return int(value[2:], 16)
            return int(value)  # YAML 1.2: a leading zero is still decimal
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise InputError(
                _mark_location(loader.fmg_file, node.start_mark),
                f"a number of {len(value.lstrip('+-')):,} digits is too long to read",
                "quote it if it is text",
            ) from None

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[str, Any]:
        mapping: dict[str, Any] = base.construct_mapping(loader, node, deep=deep)
        if any(k.__class__ is not str for k in mapping):
            mapping = {k if isinstance(k, str) else str(k): v for k, v in mapping.items()}
        return mapping

    CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    CoreLoader.construct_mapping = construct_mapping
    return CoreLoader


def _load(text: str, file: str, yaml: YAML) -> tuple[Any, Any]:
    from ruamel.yaml.docinfo import DocInfo, version

    stream = io.StringIO(text)
    stream.name = file
    parser = None
    # What YAML.load sets up before it parses: without it a %YAML or %TAG directive has nowhere to
    # be recorded and ruamel.yaml fails with an IndexError.
    yaml.doc_infos.append(DocInfo(requested_version=version(yaml.version)))
    yaml.tags = {}
    try:
        constructor, parser = yaml.get_constructor_parser(stream)
        # The C loader is its own composer; the pure-Python one has a separate composer object.
        get_node = getattr(constructor, "get_single_node", None) or constructor.composer.get_single_node
        node = get_node()
        if node is None:
            return None, None
        _check_graph(file, node)
        return constructor.construct_document(node), node
    except ReaderError as exc:
        raise _reader_error(text, file, exc) from None
    except YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except RecursionError:
        raise _too_deep(text, file) from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # Not expected: the located reader accepted this text first. Still one located line.
        raise InputError(Location(file, 1, 1), f"could not be read for rewriting ({type(exc).__name__}: {exc})", "please report it") from None
    finally:
        if parser is not None:
            parser.dispose()
        for part in ("reader", "scanner"):
            reset = getattr(getattr(yaml, "_" + part, None), f"reset_{part}", None)
            if reset is not None:
                reset()


class Locator:
    """Answers "where in the file is the value at this path?" from the composed node graph.

    Used with :func:`load_located`, whose plain data carries no positions. Mapping lookups are
    cached per node, so locating every item of a large assessment stays linear.
    """

    def __init__(self, root: Any, file: str) -> None:
        self.root = root
        self.file = file
        self._keys: dict[int, dict[str, tuple[Any, Any]]] = {}

    def _mark(self, node: Any) -> Location:
        mark = getattr(node, "start_mark", None)
        if mark is None:
            return Location(self.file, 1, 1)
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _mapping(self, node: Any) -> dict[str, tuple[Any, Any]]:
        cached = self._keys.get(id(node))
        if cached is None:
            cached = {str(k.value): (k, v) for k, v in node.value if getattr(k, "id", "") == "scalar"}
            self._keys[id(node)] = cached
        return cached

    def __call__(self, path: Sequence[str | int], *, key: bool = False) -> Location:
        node = self.root
        if node is None:
            return Location(self.file, 1, 1)
        best = self._mark(node)
        for index, step in enumerate(path):
            last = index == len(path) - 1
            kind = getattr(node, "id", "")
            if kind == "mapping" and str(step) in self._mapping(node):
                k, v = self._mapping(node)[str(step)]
                best = self._mark(k if (key and last) else v)
                node = v
            elif kind == "sequence" and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                best = self._mark(node)
            else:
                break
        return best


def document_locator(document: Any, file: str) -> Callable[..., Location]:
    """A locator with the :class:`Locator` interface over a round-trip document."""

    def find(path: Sequence[str | int], *, key: bool = False) -> Location:
        return locate(document, path, file, key=key)

    return find


def load_file(path: Path, yaml: YAML | None = None) -> Any:
    """Read and parse ``path`` with every limit applied."""
    return load_text(read_text(path), str(path), yaml)


def dump_text(data: Any, yaml: YAML | None = None) -> str:
    out = io.StringIO()
    (yaml or new_yaml()).dump(data, out)
    return out.getvalue()


def to_plain(value: Any) -> Any:
    """Round-trip data as plain JSON types (dates become ISO strings), for JSON Schema validation."""
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # drops ruamel's ScalarString subclasses
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def locate(root: Any, path: Sequence[str | int], file: str, *, key: bool = False) -> Location:
    """The location of the value at ``path`` inside a round-trip document (or of its key).

    Walks as deep as the path exists; a missing tail (a required key that is absent) locates at the
    deepest container that does exist, which is where the person has to add it.
    """
    node = root
    best = Location(file, 1, 1)
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        best = Location(file, node.lc.line + 1, node.lc.col + 1)
    for index, step in enumerate(path):
        last = index == len(path) - 1
        try:
            if isinstance(node, CommentedMap) and step in node:
                line, col = node.lc.key(step) if (key and last) else node.lc.value(step)
                best = Location(file, line + 1, col + 1)
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
                line, col = node.lc.item(step)
                best = Location(file, line + 1, col + 1)
                node = node[step]
            else:
                break
        except (KeyError, TypeError, AttributeError):
            break
    return best
