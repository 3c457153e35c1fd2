"""Where generated includes live, and how they are written."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2]
#: Ignored by git; pages include files from here.
GENERATED = DOCS / "reference" / "_generated"


def write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged include would make Sphinx re-read the page on every build.
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
