"""Shared fixtures: small checklist catalogs written to a temporary folder, and CLI helpers."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from ruamel.yaml import YAML

from fm_governance.core.checklists import load_catalog

pytest_plugins = ["sphinx.testing.fixtures"]

# In CI the property tests run a fixed, reproducible set of examples (a red build must be
# re-runnable); on a developer's machine they explore new ones each run.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PREFIXES = {"alpha": "AL", "beta": "BE"}


def item(item_id: str, severity: str = "high", owner: str = "legal", **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": item_id,
        "title": f"Title of {item_id}",
        "question": f"Is {item_id} under control?",
        "why": "Because it matters.",
        "guidance": "Do the thing.",
        "evidence": ["A document"],
        "severity": severity,
        "owner": owner,
    }
    data.update(extra)
    return data


def write_checklist(folder: Path, checklist_id: str, items: list[dict[str, object]], version: str = "1.0.0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"id": checklist_id, "title": checklist_id.title(), "version": version, "summary": "A test checklist.", "owner": "risk", "items": items}
    path = folder / f"{checklist_id}.yaml"
    with path.open("w", encoding="utf-8") as fh:
        YAML().dump(doc, fh)
    return path


def scan_files(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    """Write ``files`` ({relative path: text}) under ``tmp_path`` and scan it, as ``assess`` would."""
    from fm_governance.scan import scan_project

    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan_project(tmp_path, progress=False)


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: printable ASCII as it is, anything else escaped
    (YAML forbids most control characters raw, and reads a raw U+2028 as a line break)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A folder with two small checklists, alpha (3 items) and beta (2 items)."""
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item("AL-01", "critical"), item("AL-02", "high", applies_to=["rag"]), item("AL-03", "low", "engineering")])
    write_checklist(folder, "beta", [item("BE-01", "medium", "privacy"), item("BE-02", "high", "security")])
    return folder


@pytest.fixture
def catalog(catalog_dir: Path):  # type: ignore[no-untyped-def]
    return load_catalog([catalog_dir], builtins=())


@pytest.fixture
def installed_cli() -> str:
    """Path of the installed ``fm-governance`` console script (the one users run)."""
    candidate = Path(sys.executable).with_name("fm-governance")
    found = str(candidate) if candidate.exists() else shutil.which("fm-governance")
    assert found, "fm-governance is not installed in this environment; run `make test`"
    return found
