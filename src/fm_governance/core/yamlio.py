"""The one YAML reader and writer: safe, bounded, located, round-trip.

Checklists and assessments are edited by people, so they are read and written with ruamel.yaml in
round-trip mode: comments, key order and quoting survive a load/dump cycle. Reading is defensive:

* files are read as bytes first, capped at :data:`MAX_BYTES`, and decoded as UTF-8 with the position
  of the first bad byte reported if they are not;
* the document is *composed* before it is constructed, so aliases can be checked on the node graph:
  recursive aliases and documents whose alias-expanded size exceeds :data:`MAX_EXPANDED_NODES`
  (the "billion laughs" shape) are refused before anything walks them;
* only the standard YAML tags are accepted, so no file can ask for a Python object;
* every parser error becomes a one-line :class:`~fm_governance.core.errors.InputError`.

Writing is atomic (temporary file in the same folder, fsync, ``os.replace``), so a crash mid-write
leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from .errors import InputError, Location

#: Largest file read, in bytes. Real assessments are a few hundred kilobytes at most.
MAX_BYTES = 8 * 1024 * 1024
#: Largest number of nodes a document may expand to once aliases are followed.
MAX_EXPANDED_NODES = 500_000
#: Deepest nesting accepted; deeper documents are refused instead of exhausting the stack.
MAX_DEPTH = 64

_STANDARD_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "omap", "set"))


def new_yaml() -> YAML:
    """A round-trip YAML instance configured the way fm-governance writes files.

    ``null`` is written out (not an empty value) and quotes are preserved, so a YAML 1.1 reader
    such as PyYAML sees ``"yes"`` as the string it is rather than the boolean ``true``.
    """
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    yaml.representer.add_representer(
        type(None),
        lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null"),
    )
    return yaml


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read ``path`` as UTF-8 text with a size cap; every failure is a located ``InputError``."""
    where = Location(str(path))
    try:
        if path.is_dir():
            raise InputError(where, "is a directory, not a YAML file", "name the .yaml file inside it")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(where, "no such file", "check the path, or create it with `fm-governance assess`") from None
    except IsADirectoryError:
        raise InputError(where, "is a directory, not a YAML file", "name the .yaml file inside it") from None
    except PermissionError:
        raise InputError(where, "permission denied", "make the file readable") from None
    except OSError as exc:
        raise InputError(where, f"cannot be read ({exc.strerror or exc})", "check the file") from None
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
        return Location(file)
    return Location(file, getattr(mark, "line", -1) + 1, getattr(mark, "column", -1) + 1)


def _yaml_error(file: str, exc: YAMLError) -> InputError:
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context if exc.problem and exc.context else ""
        message = f"invalid YAML: {context + ': ' if context else ''}{problem}"
        fix = "fix the YAML syntax at this position"
        if "duplicate key" in problem:
            key = problem.split('"')[1] if '"' in problem else ""
            message = f"duplicate key {key!r}" if key else "duplicate key"
            fix = "each key may appear once in a mapping: merge or remove the repeated entry"
        return InputError(_mark_location(file, mark), message, fix)
    return InputError(Location(file), f"invalid YAML: {exc}", "fix the YAML syntax")


def _check_graph(file: str, root: Node) -> None:
    """Refuse custom tags, recursive aliases, deep nesting and alias expansion bombs.

    Sizes are memoised per node, so a document whose aliases multiply it a billion-fold is measured
    in time linear in its *text*, and refused before anything expands it.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        where = _mark_location(file, node.start_mark)
        if key in active:
            raise InputError(where, "recursive YAML alias", "replace the alias with the values it stands for")
        if depth > MAX_DEPTH:
            raise InputError(where, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        tag = getattr(node.tag, "value", node.tag)
        if tag is not None and tag not in _STANDARD_TAGS:
            raise InputError(where, f"YAML tag {tag!r} is not allowed", "remove the tag; only plain YAML data is read")
        active.add(key)
        total = 1
        if isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        elif isinstance(node, SequenceNode):
            for v in node.value:
                total += size(v, depth + 1)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise InputError(
                where,
                f"expands to more than {MAX_EXPANDED_NODES:,} values through YAML aliases",
                "write the data out instead of nesting aliases",
            )
        sizes[key] = total
        return total

    size(root, 0)


def load_text(text: str, file: str, yaml: YAML | None = None) -> Any:
    """Parse one YAML document from ``text`` (round-trip types), enforcing the limits above."""
    yaml = yaml or new_yaml()
    stream = io.StringIO(text)
    stream.name = file
    parser = None
    try:
        constructor, parser = yaml.get_constructor_parser(stream)
        node = constructor.composer.get_single_node()
        if node is None:
            return None
        _check_graph(file, node)
        return constructor.construct_document(node)
    except ReaderError as exc:
        # Raised for characters YAML forbids (NUL, most C0 controls); it carries an offset only.
        offset = max(0, min(int(exc.position), len(text)))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InputError(
            Location(file, line, column), f"character U+{exc.character:04X} is not allowed in YAML", "remove it (the file may be binary or in another encoding)"
        ) from None
    except YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except RecursionError:
        raise InputError(Location(file), "nested too deeply to read", "flatten the structure") from None
    finally:
        if parser is not None:
            parser.dispose()
        for part in ("reader", "scanner"):
            reset = getattr(getattr(yaml, "_" + part, None), f"reset_{part}", None)
            if reset is not None:
                reset()


def load_file(path: Path, yaml: YAML | None = None) -> Any:
    """Read and parse ``path`` with every limit applied."""
    return load_text(read_text(path), str(path), yaml)


def dump_text(data: Any, yaml: YAML | None = None) -> str:
    out = io.StringIO()
    (yaml or new_yaml()).dump(data, out)
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old file or the new one, never half.

    The temporary file lives in the same folder (``os.replace`` is atomic only within a file
    system), is flushed to disk before the rename, and takes over the old file's permissions.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path()
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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


def iter_mapping(value: Any) -> Iterator[tuple[Any, Any]]:
    """Items of a mapping, or nothing for anything else (schema validation reports the type)."""
    if isinstance(value, Mapping):
        yield from value.items()
