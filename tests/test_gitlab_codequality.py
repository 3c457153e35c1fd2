"""``check --format gitlab``: GitLab's code quality report, one issue per open item.

Checked as GitLab reads it: a JSON array of issues with the fields GitLab's code quality report
format requires (description, check_name, fingerprint, severity in GitLab's five levels,
location.path and location.lines.begin), run by the installed command from the repository root as
a CI job does, with the gate still deciding the exit code.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from fm_governance.reports.gitlab import SEVERITY

# The fields of GitLab's "code quality report format" (docs.gitlab.com/ci/testing/code_quality),
# written down as a schema so that every issue is checked field by field.
GITLAB_ISSUE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def _cli(installed_cli: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed_cli, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _answer(path: Path, item_id: str, value: str) -> None:
    head, marker, tail = path.read_text().partition(f"{item_id}:")
    path.write_text(head + marker + tail.replace("answer: null", f"answer: {value}", 1))


@pytest.fixture
def repo(tmp_path: Path, installed_cli: str) -> Path:
    root = tmp_path / "repo"
    (root / "governance").mkdir(parents=True)
    done = _cli(installed_cli, root, "assess", "governance", "--no-scan", "--checklist", "data-exposure")
    assert done.returncode == 0, done.stderr
    return root


def test_open_items_are_issues_at_their_lines(repo: Path, installed_cli: str) -> None:
    assessment = repo / "governance" / "fm-governance.yaml"
    _answer(assessment, "DE-01", '"yes"')
    _answer(assessment, "DE-02", '"no"')
    done = _cli(installed_cli, repo, "check", "governance/fm-governance.yaml", "--format", "gitlab", "--fail-on", "critical")
    assert done.returncode == 1, done.stderr  # the gate still decides the exit code
    issues = json.loads(done.stdout)
    jsonschema.validate(issues, GITLAB_ISSUE)
    ids = [i["check_name"].rsplit("/", 1)[1] for i in issues]
    assert "DE-01" not in ids and "DE-02" in ids
    lines = assessment.read_text().splitlines()
    for issue in issues:
        item_id = issue["check_name"].rsplit("/", 1)[1]
        assert issue["location"]["path"] == "governance/fm-governance.yaml"  # relative to the job's folder
        assert lines[issue["location"]["lines"]["begin"] - 1].strip().startswith(f"{item_id}:")
        assert issue["description"].startswith(item_id)
    de02 = next(i for i in issues if i["check_name"].endswith("/DE-02"))
    assert "is answered no" in de02["description"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_severities_follow_the_documented_mapping(repo: Path, installed_cli: str) -> None:
    from fm_governance.core.checklists import load_catalog

    severity = {i.id: i.severity.value for c in load_catalog() for i in c.items}
    done = _cli(installed_cli, repo, "check", "governance/fm-governance.yaml", "--format", "gitlab")
    assert done.returncode == 0
    issues = json.loads(done.stdout)
    assert SEVERITY == {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}
    for issue in issues:
        assert issue["severity"] == SEVERITY[severity[issue["check_name"].rsplit("/", 1)[1]]]


def test_fingerprints_survive_answers_that_move_lines(repo: Path, installed_cli: str) -> None:
    """GitLab tells new issues from old ones by fingerprint: answering (and annotating) one item
    moves the lines of the others, and their fingerprints stay the same."""
    assessment = repo / "governance" / "fm-governance.yaml"
    before = json.loads(_cli(installed_cli, repo, "check", "governance/fm-governance.yaml", "--format", "gitlab").stdout)
    text = assessment.read_text()
    head, marker, tail = text.partition("DE-01:")
    assessment.write_text(head + marker + tail.replace("answer: null", '"answer": "yes"\n        # reviewed with legal\n        # on two lines', 1))
    after = json.loads(_cli(installed_cli, repo, "check", "governance/fm-governance.yaml", "--format", "gitlab").stdout)
    old = {i["check_name"]: i for i in before}
    new = {i["check_name"]: i for i in after}
    assert set(old) - set(new) == {"fm-governance/data-exposure/DE-01"}
    moved = [name for name in new if new[name]["location"]["lines"]["begin"] != old[name]["location"]["lines"]["begin"]]
    assert moved  # the lines did move …
    assert all(new[name]["fingerprint"] == old[name]["fingerprint"] for name in new)  # … the fingerprints did not


def test_no_open_item_is_an_empty_array(repo: Path, installed_cli: str) -> None:
    assessment = repo / "governance" / "fm-governance.yaml"
    assessment.write_text(assessment.read_text().replace("answer: null", 'answer: "yes"'))
    done = _cli(installed_cli, repo, "check", "governance/fm-governance.yaml", "--format", "gitlab", "-o", "gl-code-quality-report.json")
    assert done.returncode == 0 and done.stdout == ""
    assert json.loads((repo / "gl-code-quality-report.json").read_text()) == []
