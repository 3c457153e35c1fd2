"""``fm-governance export cyclonedx``: a CycloneDX 1.6 ML-BOM, valid against the official schema.

The example project's assessment (a provider, a pinned model near retirement, answers with notes,
evidence, a partial answer and a waiver) is exported by the installed command and validated
against the CycloneDX 1.6 JSON schema bundled in cyclonedx-python-lib (strict: no property the
schema does not define), declarations included.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "support-bot" / "fm-governance.yaml"
AS_OF = "2026-12-06"


def _export(installed_cli: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed_cli, "export", "cyclonedx", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture
def bom(installed_cli: str, tmp_path: Path) -> dict[str, Any]:
    done = _export(installed_cli, tmp_path, str(EXAMPLE), "--as-of", AS_OF)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(done.stdout)
    assert error is None, str(error)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_valid_cyclonedx_1_6(bom: dict[str, Any]) -> None:
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"]["name"] == "support-bot"
    assert bom["metadata"]["tools"]["components"][0]["name"] == "fm-governance"


def test_inventory_as_services_and_model_components(bom: dict[str, Any]) -> None:
    assert [s["name"] for s in bom["services"]] == ["OpenAI"]
    (model,) = bom["components"]
    assert model["type"] == "machine-learning-model" and model["name"] == "gpt-4o-2024-08-06"
    assert model["publisher"] == "openai"
    props = {p["name"]: p["value"] for p in model["properties"]}
    assert props["fm-governance:alias"] == "pinned" and props["fm-governance:channel"] == "api"
    assert props["fm-governance:retired"] == "2027-01-14"
    assert {"location": "app.py", "line": 8} in model["evidence"]["occurrences"]
    project = next(d for d in bom["dependencies"] if d["ref"] == "project")
    assert set(project["dependsOn"]) == {"model:gpt-4o-2024-08-06", "provider:openai"}


def test_checklists_as_standards_and_answers_as_declarations(bom: dict[str, Any]) -> None:
    from fm_governance.core.checklists import load_catalog

    standards = {s["bom-ref"]: s for s in bom["definitions"]["standards"]}
    catalog = load_catalog()
    assert set(standards) == {f"standard:{c.id}" for c in catalog}
    for c in catalog:
        assert [r["identifier"] for r in standards[f"standard:{c.id}"]["requirements"]] == [i.id for i in c.items]
    declarations = bom["declarations"]
    entries = {e["requirement"].split("/")[-1]: e for e in declarations["attestations"][0]["map"]}
    claims = {c["bom-ref"]: c for c in declarations["claims"]}
    evidence = {e["bom-ref"]: e for e in declarations["evidence"]}
    assert entries["DE-01"]["conformance"]["score"] == 1
    assert entries["VL-03"]["conformance"] == {"score": 0, "rationale": "Calls go straight to the provider SDK in app.py."}
    assert entries["VL-01"]["conformance"]["score"] == 0 and entries["VL-01"]["conformance"]["rationale"].startswith("unanswered")
    assert any(e["conformance"]["score"] == 0.5 for e in entries.values())  # a partial answer
    waiver = evidence["evidence:vendor-lock-in/VL-02/waiver"]
    assert waiver["expires"] == "2027-03-31T23:59:59Z" and waiver["author"] == {"name": "Head of Risk"}
    assert "evidence:vendor-lock-in/VL-02/waiver" in claims["claim:vendor-lock-in/VL-02"]["evidence"]


def test_the_same_assessment_exports_the_same_bytes(installed_cli: str, tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    shutil.copyfile(EXAMPLE, copy)
    first = _export(installed_cli, tmp_path, "--as-of", AS_OF, "-o", "bom.json")
    assert first.returncode == 0 and first.stdout == ""
    again = _export(installed_cli, tmp_path, "--as-of", AS_OF)
    assert (tmp_path / "bom.json").read_text() == again.stdout
    copy.write_text(copy.read_text().replace("Calls go straight to the provider SDK in app.py.", "Calls go straight to the SDK."))
    changed = _export(installed_cli, tmp_path, "--as-of", AS_OF)
    assert json.loads(changed.stdout)["serialNumber"] != json.loads(again.stdout)["serialNumber"]


def test_a_missing_file_is_one_line(installed_cli: str, tmp_path: Path) -> None:
    done = _export(installed_cli, tmp_path, "absent.yaml")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("absent.yaml")


def test_without_the_export_extra_it_says_what_to_install(installed_cli: str, tmp_path: Path) -> None:
    import os

    # A cyclonedx package that cannot be imported stands in for an installation without the extra.
    shadow = tmp_path / "shadow" / "cyclonedx"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    done = subprocess.run([installed_cli, "export", "cyclonedx", str(EXAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "export extra" in done.stderr and "Traceback" not in done.stderr
