"""Where generated includes live, and how they are written: only when their inputs changed, and
then only the files whose text changed."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2]
#: Ignored by git; pages include files from here.
GENERATED = DOCS / "reference" / "_generated"


def write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged include would make Sphinx re-read the page on every build.
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def inputs_key(inputs: Iterable[Path]) -> str:
    """A hash of the interpreter's version and of every file among ``inputs`` (a folder counts
    with every file under it, by relative path and bytes). Hashing a few hundred small files costs
    milliseconds; what it saves (CLI runs, validating the scanner's data) costs seconds."""
    digest = hashlib.sha256(sys.version.encode())
    for root in inputs:
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_keyed(stamp: Path, inputs: Iterable[Path], produce: Callable[[], dict[Path, str]]) -> bool:
    """Run ``produce`` (which returns {path: text}) and write what it returns, unless the hash of
    ``inputs`` equals the one recorded in ``stamp`` by the last run and every file is still there.
    Returns whether it ran."""
    key = inputs_key(inputs)
    if stamp.is_file():
        recorded = stamp.read_text(encoding="utf-8").splitlines()
        if recorded and recorded[0] == key and all(Path(p).is_file() for p in recorded[1:]):
            return False
    produced = produce()
    for path, text in produced.items():
        write_if_changed(path, text)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("\n".join([key, *(str(p) for p in produced)]) + "\n", encoding="utf-8")
    return True
