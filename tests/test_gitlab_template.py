"""The GitLab CI template (templates/gitlab-ci.yml), its script run here as a GitLab job runs it.

GitLab runs each script line in one shell and stops at the first that fails; the test does the
same against the installed command (the ``before_script`` install line is GitLab's business; its
guard for a missing FMG_PACKAGE is run too).
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]


def _job() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "templates" / "gitlab-ci.yml").read_text())[".fm-governance"]


def _run(lines: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = "set -e\n" + "\n".join(lines) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def job(tmp_path: Path, installed_cli: str) -> tuple[Path, dict[str, str]]:
    done = subprocess.run(
        [installed_cli, "assess", ".", "--no-scan", "--checklist", "data-exposure"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    variables = {k: str(v) for k, v in _job()["variables"].items()}
    env = {**os.environ, **variables, "PATH": f"{Path(installed_cli).parent}{os.pathsep}{os.environ['PATH']}"}
    return tmp_path, env


def test_reports_are_declared_and_uploaded_when_the_gate_fails() -> None:
    job = _job()
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json", "junit": "fm-governance-junit.xml"}
    assert yaml.safe_load((ROOT / "templates" / "gitlab-ci.yml").read_text())["fm-governance"]["extends"] == ".fm-governance"


def test_failing_gate_writes_both_reports_then_fails(job: tuple[Path, dict[str, str]]) -> None:
    cwd, env = job
    done = _run(_job()["script"], cwd, {**env, "FMG_FAIL_ON": "critical"})
    assert done.returncode == 1, done.stderr
    assert "Gate failed" in done.stdout
    issues = json.loads((cwd / "gl-code-quality-report.json").read_text())
    assert issues and all(i["location"]["path"] == "fm-governance.yaml" for i in issues)
    assert ET.parse(cwd / "fm-governance-junit.xml").getroot().tag == "testsuites"


def test_no_gate_passes(job: tuple[Path, dict[str, str]]) -> None:
    cwd, env = job
    done = _run(_job()["script"], cwd, env)
    assert done.returncode == 0, done.stderr
    assert "No gate set" in done.stdout


def test_bad_input_stops_at_the_first_report(job: tuple[Path, dict[str, str]]) -> None:
    cwd, env = job
    done = _run(_job()["script"], cwd, {**env, "FMG_FAIL_UNDER": "lots"})
    assert done.returncode == 2
    assert not (cwd / "fm-governance-junit.xml").exists()


def test_a_missing_package_variable_is_one_line(job: tuple[Path, dict[str, str]]) -> None:
    cwd, env = job
    done = _run(_job()["before_script"][:1], cwd, env)
    assert done.returncode == 2
    assert done.stdout.strip().startswith("FMG_PACKAGE is not set")
