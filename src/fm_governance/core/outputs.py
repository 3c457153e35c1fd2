"""Which existing file an output (``-o FILE``) may replace, decided before any work is done.

A report, a schema or a template written over the wrong file destroys a person's work without a
word: ``check fm-governance.yaml --format json -o fm-governance.yaml`` used to replace the assessment
with its own score. The rules, in order:

1. ``-`` (or no ``-o``) is standard output; nothing on disk is touched.
2. A path that does not exist yet is always fine.
3. A target that is not a regular file (a device, a FIFO, ``/proc/self/fd/1``) or is read-only is
   refused (see :func:`.files.check_writable`).
4. The file being read — the same file however it is named: another relative path, a symlink, a
   hard link — is refused, even with ``--force``.
5. A checklist (any file the catalog loaded, or a YAML file shaped like one) is refused, even with
   ``--force``: no command writes checklists.
6. An assessment (a YAML file shaped like one) is refused, even with ``--force``, except by
   ``template``, where ``--force`` may replace one with no answers yet and one with answers needs
   ``--discard-answers`` too, so blanking a person's answers is always spelled out.
7. Any other existing file is replaced only with ``--force``. Outputs regenerated on every run
   (a report in CI) pass ``--force`` once in their script; a typo in ``-o`` never silently replaces
   an unrelated file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError, Location
from .files import check_writable, file_identity, read_bytes, real_target

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)
_RESPONSE_FIELDS = ("answer", "notes", "evidence", "waiver")


def _shape(path: Path) -> tuple[str | None, bool]:
    """``("assessment" | "checklist" | None, has_answers)`` for the existing regular file ``path``."""
    if path.name == "fm-governance.yaml":
        kind: str | None = "assessment"
    else:
        kind = None
    # yamlio (ruamel.yaml) is imported only here, when an existing file must be looked at.
    from .yamlio import MAX_BYTES, load_plain

    try:
        # A file larger than any reader accepts is no checklist or assessment: not parsed.
        data = read_bytes(path, MAX_BYTES)
    except InputError:
        return kind, kind is not None
    if len(data) > MAX_BYTES:
        return kind, kind is not None
    text = data.decode("utf-8-sig", errors="replace")
    parsed: Any = None
    try:
        if text.lstrip().startswith(("{", "[")):
            try:
                # A JSON output replaced with --force (a portfolio of 10,000 projects is tens of MB)
                # is read as JSON, which is also YAML, but seconds and hundreds of MB faster.
                parsed = json.loads(text)
            except ValueError:
                parsed = load_plain(text, str(path))  # YAML in flow style, not JSON
        else:
            parsed = load_plain(text, str(path))  # the data only: no positions are needed here
    except Exception:  # not YAML (or not readable YAML): fall back on its top-level keys
        keys = set(_TOP_KEY.findall(text))
        if "checklists" in keys and ({"project", "context"} & keys or kind):
            return "assessment", True  # cannot tell whether it holds answers: assume it does
        if {"id", "items"} <= keys:
            return "checklist", False
        return kind, kind is not None
    if isinstance(parsed, dict):
        sections = parsed.get("checklists")
        if "checklists" in parsed and (sections is None or isinstance(sections, dict)):
            return "assessment", _has_answers(parsed)
        if "id" in parsed and isinstance(parsed.get("items"), list):
            return "checklist", False
    return kind, kind is not None and (not isinstance(parsed, dict) or _has_answers(parsed))


def _has_answers(data: dict[str, Any]) -> bool:
    """Whether an assessment holds anything a person wrote: an answer, notes, evidence, a waiver."""
    if data.get("retired"):
        return True
    sections = data.get("checklists")
    if not isinstance(sections, dict):
        return bool(sections)
    for section in sections.values():
        items = section.get("items") if isinstance(section, dict) else None
        for response in (items or {}).values() if isinstance(items, dict) else ():
            if isinstance(response, dict) and any(response.get(k) not in (None, "", [], {}) for k in _RESPONSE_FIELDS):
                return True
    return False


def check_output(
    output: Path | str | None,
    *,
    force: bool = False,
    reading: Iterable[Path | str] = (),
    checklists: Iterable[Path | str] = (),
    template: bool = False,
    discard_answers: bool = False,
) -> None:
    """Refuse, with a located :class:`InputError`, an ``output`` that must not be replaced.

    ``reading``: the files the command reads (never overwritten). ``checklists``: the files the
    catalog loaded. ``template``: the command writes a blank assessment, which may replace a blank
    one with ``force`` and an answered one with ``force`` and ``discard_answers``.
    """
    if output is None or str(output) == "-":
        return
    where = Location(str(output))
    # Every test below is on the file a write would replace, found the way the kernel finds it.
    path = real_target(output)
    if not os.path.lexists(path):
        return
    check_writable(output)
    # The target is looked up once: a portfolio reads thousands of files.
    target = file_identity(path)
    for source in reading:
        if target is not None and file_identity(source) == target:
            raise InputError(where, "is the file being read; writing the output there would replace it", "write the output to another file")
    for checklist in checklists:
        if target is not None and file_identity(checklist) == target:
            raise InputError(where, "is a checklist; no output may replace it", "write the output to another file")
    kind, answered = _shape(path)
    if kind == "checklist":
        raise InputError(where, "looks like a checklist (top-level `id` and `items`); no output may replace it", "write the output to another file")
    if kind == "assessment":
        if not template:
            raise InputError(where, "is an assessment; no report or schema may replace it", "write the output to another file")
        if not force:
            raise InputError(where, "is an existing assessment", "pass --force to replace it with a blank template, or write to another file")
        if answered and not discard_answers:
            raise InputError(
                where,
                "is an assessment with answers; a template would blank them",
                "pass --force --discard-answers to replace it anyway, or use `fm-governance assess` to add checklists",
            )
        return
    if not force:
        raise InputError(where, "already exists", "pass --force to replace it, or write to another file")
