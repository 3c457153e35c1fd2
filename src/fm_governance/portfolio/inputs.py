"""Which assessment files a portfolio reads: files, folders, globs, and ``-`` for paths on stdin.

Assessments collected by CI land in an artefact store or a repository of assessments, one folder
per project; so a folder is searched (recursively) for files named ``fm-governance.yaml``, and a
glob (``assessments/**/*.yaml``) names files directly. Hidden folders (``.git``, ``.venv``) and
``node_modules`` are not searched: they hold other people's files, never a project's assessment.

A path that does not exist, a glob that matches nothing and a folder without an assessment are
input errors, located at the argument: the portfolio is then incomplete, and says so.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..core.assessment import DEFAULT_FILENAME
from ..core.errors import InputError, Location
from ..core.files import file_identity

#: Folder names never searched: version control, environments, vendored packages.
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


def _search(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        if DEFAULT_FILENAME in files:
            found.append(Path(os.path.join(root, DEFAULT_FILENAME)))  # one Path, not two
    return found


def _expand(arg: str, where: Location) -> tuple[list[Path], InputError | None]:
    path = Path(arg)
    if path.is_dir():
        found = _search(path)
        if not found:
            return [], InputError(where, f"folder {arg!r} holds no {DEFAULT_FILENAME}", "pass the folder that holds the collected assessments, or a glob")
        return found, None
    if path.exists():
        return [path], None
    if glob.has_magic(arg):
        matches = sorted(glob.glob(arg, recursive=True))
        files: list[Path] = []
        for match in matches:
            files.extend(_search(Path(match)) if Path(match).is_dir() else [Path(match)])
        if not files:
            return [], InputError(where, f"the glob {arg!r} matches no file", "check the pattern (quote it so the shell does not expand it)")
        return files, None
    return [], InputError(where, f"no such file or folder: {arg!r}", "check the path")


def collect(args: Iterable[str], stdin: TextIO | None = None) -> tuple[list[Path], list[InputError]]:
    """The files the arguments name, each once, sorted; and an error per argument that names none.

    ``-`` reads one path (file, folder or glob) per line from ``stdin``; blank lines are skipped.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    for arg in args:
        if arg == "-":
            lines = stdin.read().splitlines() if stdin is not None else []
            for number, line in enumerate(lines, 1):
                entry = line.strip()
                if entry:
                    found, error = _expand(entry, Location("<stdin>", number))
                    files.extend(found)
                    if error is not None:
                        errors.append(error)
            continue
        found, error = _expand(arg, Location(arg))
        files.extend(found)
        if error is not None:
            errors.append(error)
    # The same file named twice (two arguments, a symlink, a hard link) is read once. A path that
    # names no file is kept by its resolved path: it is read later, and reported there.
    unique: dict[object, Path] = {}
    for file in files:
        unique.setdefault(file_identity(file) or os.path.realpath(file), file)
    return sorted(unique.values(), key=str), errors
