"""The wheel carries the checklists and schemas, and works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging_helpers import build_wheel, source_copy

ROOT = Path(__file__).parents[1]


def test_wheel_ships_the_checklists_and_works_outside_the_repo(tmp_path: Path) -> None:
    wheel = build_wheel(source_copy(tmp_path / "source"), tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    for checklist in sorted((ROOT / "checklists").glob("*.yaml")):
        assert f"fm_governance/checklists/{checklist.name}" in names
    assert {
        "fm_governance/core/schemas/checklist.schema.json",
        "fm_governance/core/schemas/assessment.schema.json",
        "fm_governance/scan/signals.yaml",
        "fm_governance/terms/provider-terms.yaml",
        "fm_governance/terms/provider-terms.schema.json",
        "fm_governance/sphinxext/static/fmg-terms.css",
        "fm_governance/reports/templates/report.html",
        "fm_governance/reports/templates/report.css",
        # Assessment mode: served from the package, never from a CDN; the licence travels with the library.
        "fm_governance/sphinxext/static/fmg-form.js",
        "fm_governance/sphinxext/static/fmg-form.css",
        "fm_governance/sphinxext/static/fmg-yaml.min.js",
        "fm_governance/sphinxext/static/fmg-yaml.LICENSE.txt",
    } <= names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    # Run from an unrelated folder with only the installed copy of fm_governance importable first.
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import fm_governance.core.checklists as c, fm_governance.cli as cli, fm_governance.terms as t; "
        "t.shipped(); print(c.builtin_dir()); cli.main(['checklists'])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    first, *rows = done.stdout.splitlines()
    assert first == str(target / "fm_governance" / "checklists")
    assert [r.split()[0] for r in rows] == ["data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"]
