"""The pre-commit hooks (.pre-commit-hooks.yaml), run as a user's repository runs them.

``pre-commit try-repo`` installs this checkout into pre-commit's own virtual environment (from the
local path; its dependencies come from the package index, as for every pre-commit hook) and runs
both hooks on a sample repository: ``fm-governance-check`` fails the commit when the assessment's
gate fails, and ``fm-governance-assess`` refreshes the inventory and stops the commit because the
file changed. One run covers both: installing the environment is most of the time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_hook_definitions() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"fm-governance-check", "fm-governance-assess"}
    for hook in hooks.values():
        assert hook["language"] == "python"  # installs this package, so `entry` is its console script
        assert hook["entry"].startswith("fm-governance ")
        assert hook["pass_filenames"] is False  # check takes one file, assess one folder: never a list
    assert hooks["fm-governance-check"]["args"] == ["fm-governance.yaml"]


def test_try_repo_runs_both_hooks_on_a_sample_repository(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PRE_COMMIT_COLOR": "never",
    }
    env.pop("VIRTUAL_ENV", None)
    _git(sample, "init", "-q")
    (sample / "app.py").write_text('from openai import OpenAI\n\nOpenAI().chat.completions.create(model="gpt-4o-mini", messages=[])\n')
    done = subprocess.run([sys.executable, "-m", "fm_governance", "assess", ".", "--no-scan"], cwd=sample, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assessment = sample / "fm-governance.yaml"
    assessment.write_text(assessment.read_text() + "policy:\n  fail-on: critical\n")
    assert "openai" not in assessment.read_text().split("inventory:", 1)[1].split("checklists:", 1)[0]
    _git(sample, "add", "-A")
    _git(sample, "commit", "-q", "-m", "sample")

    done = subprocess.run([*PRE_COMMIT, "try-repo", str(ROOT), "--all-files"], cwd=sample, env=env, capture_output=True, text=True, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    lines = {line.split(".", 1)[0]: line for line in out.splitlines() if line.startswith("fm-governance ")}
    assert lines["fm-governance check"].endswith("Failed"), out
    assert "Gate failed" in out  # the hook's output says why: the open critical items
    assert lines["fm-governance assess"].endswith("Failed"), out
    assert "files were modified by this hook" in out
    inventory = assessment.read_text().split("inventory:", 1)[1].split("checklists:", 1)[0]
    assert "openai" in inventory and "gpt-4o-mini" in inventory  # refreshed by the assess hook
