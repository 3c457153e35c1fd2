"""``fm-governance diff``: two versions of an assessment, as files or git revisions, compared in
text, JSON and Markdown, run as a user runs it (the installed command, in a git repository)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import item, write_checklist
from fm_governance.cli import main

GIT = shutil.which("git")

OLD = """\
project:
  name: diffed
checklists:
  alpha:
    version: "1.0.0"
    items:
      AL-01:
        answer: "no"
      AL-02:
        answer: null
      AL-03:
        answer: "yes"
inventory:
  providers:
    - id: openai
  models:
    - id: gpt-4o-2024-08-06
"""

NEW = """\
project:
  name: diffed
checklists:
  alpha:
    version: "1.1.0"
    items:
      AL-01:
        answer: "yes"
        notes: Signed by legal on 2026-11-30.
      AL-02:
        answer: "no"
        waiver:
          reason: Fix planned for Q1.
          approved_by: CTO
          expires: 2027-03-31
      AL-04:
        answer: null
    retired:
      AL-03:
        answer: "yes"
inventory:
  providers:
    - id: openai
    - id: anthropic
  models:
    - id: claude-sonnet-4-5
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the assessment committed at OLD and the working copy at NEW, and the
    checklist at 1.1.0 (AL-03 retired, AL-04 added)."""
    assert GIT, "git is needed for these tests"
    write_checklist(tmp_path / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "high"), item("AL-04", "low")], version="1.1.0")
    root = tmp_path / "repo"
    root.mkdir()
    env = ["-c", "user.email=t@example.org", "-c", "user.name=T", "-c", "commit.gpgsign=false"]
    subprocess.run([GIT, "init", "-q"], cwd=root, check=True)
    (root / "fm-governance.yaml").write_text(OLD, encoding="utf-8")
    subprocess.run([GIT, "add", "fm-governance.yaml"], cwd=root, check=True)
    subprocess.run([GIT, *env, "commit", "-q", "-m", "old"], cwd=root, check=True)
    (root / "fm-governance.yaml").write_text(NEW, encoding="utf-8")
    return root


def diff(root: Path, *args: str, installed: str | None = None) -> tuple[int, str, str]:
    common = ["--checklists-dir", str(root.parent / "checklists"), "--as-of", "2026-12-01"]
    if installed:
        done = subprocess.run([installed, "diff", *args, *common], cwd=root, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["diff", *args, *common], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def test_the_committed_version_against_the_working_copy_by_default(repo: Path, installed_cli: str) -> None:
    code, out, err = diff(repo, "--format", "json", installed=installed_cli)
    assert code == 0, err
    data = json.loads(out)
    assert (data["old"], data["new"]) == ("HEAD:./fm-governance.yaml", "fm-governance.yaml")
    assert data["answers"] == [
        {"checklist": "alpha", "item": "AL-01", "old": "no", "new": "yes", "notes": "Signed by legal on 2026-11-30."},
        {"checklist": "alpha", "item": "AL-02", "old": "unanswered", "new": "no", "notes": None},
    ]
    assert data["added"] == ["AL-04"]
    assert data["retired"] == ["AL-03"]
    assert data["waivers"] == [{"item": "AL-02", "change": "added", "expires": "2027-03-31", "approved_by": "CTO"}]
    assert data["inventory"] == {
        "providers": {"added": ["anthropic"], "removed": []},
        "models": {"added": ["claude-sonnet-4-5"], "removed": ["gpt-4o-2024-08-06"]},
    }
    [area] = data["checklists"]
    assert (area["old_version"], area["new_version"]) == ("1.0.0", "1.1.0")
    # Old: AL-01 no (4) + AL-02 open (3) + AL-04 missing (1) = 0/8; new: yes 4 + waived 3 + open 0 = 7/8.
    assert (area["old_score"], area["new_score"], area["delta"]) == (0.0, 87.5, 87.5)


def test_two_revisions_and_a_revision_against_a_file(repo: Path, tmp_path: Path) -> None:
    subprocess.run([GIT, "add", "fm-governance.yaml"], cwd=repo, check=True)
    subprocess.run([GIT, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "-m", "new"], cwd=repo, check=True)
    code, out, _ = diff(repo, "HEAD~1:fm-governance.yaml", "HEAD:fm-governance.yaml", "--format", "json")
    assert code == 0
    assert [a["item"] for a in json.loads(out)["answers"]] == ["AL-01", "AL-02"]
    # Nothing changed between the last commit and the working copy.
    code, out, _ = diff(repo)
    assert code == 0 and out.endswith("No changes.\n")
    # Two files.
    old = tmp_path / "old.yaml"
    old.write_text(OLD, encoding="utf-8")
    code, out, _ = diff(repo, str(old), "fm-governance.yaml")
    assert code == 0 and "AL-01 [critical · legal] no → yes — notes: Signed by legal on 2026-11-30." in out


def test_text_and_markdown(repo: Path) -> None:
    code, out, _ = diff(repo)
    assert code == 0
    assert out.splitlines()[:3] == [
        "fm-governance diff HEAD:./fm-governance.yaml → fm-governance.yaml (scored as of 2026-12-01)",
        "Overall score: 0 → 87.5 (+87.5)",
        "  Alpha: 0 → 87.5 (+87.5), 1.0.0 → 1.1.0",
    ]
    assert "Items retired (1): AL-03" in out and "Items added (1): AL-04" in out
    assert "  AL-02 added: expires 2027-03-31, approved by CTO" in out
    assert "Providers added: anthropic" in out and "Models removed: gpt-4o-2024-08-06" in out
    code, md, _ = diff(repo, "--format", "markdown")
    assert code == 0
    assert md.startswith("## fm-governance diff: HEAD:./fm-governance.yaml → fm-governance.yaml\n")
    assert "| Alpha | 1.0.0 → 1.1.0 | 0 | 87.5 | +87.5 |" in md
    assert "- **AL-01** (critical, legal): no → **yes** — Signed by legal on 2026-11-30." in md
    assert "### Inventory" in md and "- Models added: claude-sonnet-4-5" in md


def test_markdown_stays_under_its_budget() -> None:
    import datetime as _dt

    from fm_governance.reports.diff import AnswerChange, Diff, render_markdown

    answers = tuple(AnswerChange("alpha", f"AL-{n:03d}", "high", "legal", "no", "yes", "x" * 200) for n in range(2000))
    d = Diff("a", "b", _dt.date(2026, 12, 1), (), 1.0, 2.0, answers, (), (), ())
    text = render_markdown(d, budget=20000)
    assert len(text) <= 20000
    assert "left out to fit (run `fm-governance diff --format json` for all)." in text


def test_text_from_the_files_is_escaped(repo: Path) -> None:
    (repo / "fm-governance.yaml").write_text(NEW.replace("Signed by legal", "\u202e<b>*Signed*</b>"), encoding="utf-8")
    code, out, _ = diff(repo)
    assert code == 0 and "<b>*Signed*</b>" in out and "\u202e" not in out
    code, md, _ = diff(repo, "--format", "markdown")
    assert code == 0 and "<b>" not in md and "\\*Signed\\*" in md


def test_a_bad_revision_is_one_located_line_exit_2(repo: Path, installed_cli: str) -> None:
    code, out, err = diff(repo, "HEAD~5:fm-governance.yaml", "fm-governance.yaml", installed=installed_cli)
    assert code == 2 and out == ""
    assert err.startswith("HEAD~5:fm-governance.yaml:1:1: is not a file, and git cannot show it (")
    assert len(err.strip().splitlines()) == 1
    # An argument that reads as an option (after `--`, so click takes it as OLD) is never handed to git.
    common = ["--checklists-dir", str(repo.parent / "checklists")]
    done = subprocess.run([installed_cli, "diff", *common, "--", "--output=x:y", "fm-governance.yaml"], cwd=repo, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "--output=x:y:1:1: is not a file or a git revision — write REV:PATH, such as HEAD~1:fm-governance.yaml"


def test_an_invalid_old_version_is_located_in_the_revision(repo: Path) -> None:
    subprocess.run([GIT, "add", "fm-governance.yaml"], cwd=repo, check=True)
    (repo / "fm-governance.yaml").write_text(OLD.replace('answer: "no"', "answer: maybe"), encoding="utf-8")
    subprocess.run([GIT, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "-am", "bad"], cwd=repo, check=True)
    code, _, err = diff(repo, "HEAD:fm-governance.yaml", "HEAD~1:fm-governance.yaml")
    assert code == 2
    assert err.startswith("HEAD:fm-governance.yaml:8:17: ")


def test_owner_limits_answer_and_waiver_changes_but_not_the_score_delta(repo: Path) -> None:
    write_checklist(repo.parent / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "high", "security"), item("AL-04", "low")], version="1.1.0")
    code, out, err = diff(repo, "--format", "json", "--owner", "Security")
    assert code == 0, err
    data = json.loads(out)
    assert data["owners"] == ["security"]
    assert [a["item"] for a in data["answers"]] == ["AL-02"]
    assert [w["item"] for w in data["waivers"]] == ["AL-02"]
    # The delta covers every item, as check's score does; so do items added and retired, and the inventory.
    assert (data["checklists"][0]["old_score"], data["checklists"][0]["new_score"]) == (0.0, 87.5)
    assert (data["added"], data["retired"]) == (["AL-04"], ["AL-03"])
    code, text, _ = diff(repo, "--owner", "legal")
    assert code == 0
    assert text.splitlines()[1] == (
        "Showing answer, evidence and waiver changes of items owned by legal; the scores, items added and retired, and the inventory cover all items."
    )
    assert "AL-01 [critical · legal] no → yes" in text and "AL-02" not in text.split("Items added")[0].split("Overall score")[1]
    code, md, _ = diff(repo, "--format", "markdown", "--owner", "legal")
    assert "*Showing answer, evidence and waiver changes of items owned by legal;" in md
    code, _, err = diff(repo, "--owner", "lawyers")
    assert code == 2 and "--owner 'lawyers' is not an owner role of the loaded checklists" in err and len(err.strip().splitlines()) == 1


def test_output_writes_the_file_atomically_and_refuses_to_replace_one_without_force(repo: Path, installed_cli: str) -> None:
    target = repo / "diff.md"
    code, out, err = diff(repo, "--format", "markdown", "-o", str(target), installed=installed_cli)
    assert code == 0, err
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("## fm-governance diff: HEAD:./fm-governance.yaml → fm-governance.yaml\n")
    code, _, err = diff(repo, "--format", "markdown", "-o", str(target), installed=installed_cli)
    assert code == 2 and err.startswith(f"{target}:") and "--force" in err and len(err.strip().splitlines()) == 1
    code, _, err = diff(repo, "--format", "json", "-o", str(target), "--force", installed=installed_cli)
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8"))["added"] == ["AL-04"]
    # Never one of the files compared, even with --force.
    code, _, err = diff(repo, "-o", "fm-governance.yaml", "--force", installed=installed_cli)
    assert code == 2 and "is the file being read" in err
    assert (repo / "fm-governance.yaml").read_text(encoding="utf-8") == NEW


NOTES = "        notes: Signed by legal on 2026-11-30.\n"


def test_evidence_added_removed_and_renewed_dates_are_shown(repo: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    before = "        evidence:\n          - dpa.pdf\n          - {ref: soc2.pdf, date: 2025-03-01}\n"
    after = "        evidence:\n          - {ref: soc2.pdf, date: 2026-03-01}\n          - dpa.pdf\n          - pen-test.pdf\n"
    old.write_text(NEW.replace(NOTES, NOTES + before, 1), encoding="utf-8")
    new.write_text(NEW.replace(NOTES, NOTES + after, 1), encoding="utf-8")
    code, out, err = diff(repo, str(old), str(new), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["answers"] == []
    assert data["evidence"] == [{"item": "AL-01", "added": ["soc2.pdf (dated 2026-03-01)", "pen-test.pdf"], "removed": ["soc2.pdf (dated 2025-03-01)"]}]
    _, text, _ = diff(repo, str(old), str(new))
    assert (
        "Evidence changed (1):\n  AL-01 [critical · legal]\n    + soc2.pdf (dated 2026-03-01)\n    + pen-test.pdf\n    - soc2.pdf (dated 2025-03-01)\n" in text
    )
    _, md, _ = diff(repo, str(old), str(new), "--format", "markdown")
    assert r"- **AL-01** (critical, legal): added soc2.pdf \(dated 2026-03-01\); added pen-test.pdf; removed soc2.pdf \(dated 2025-03-01\)" in md
    # Reordering alone is no change.
    new.write_text(NEW.replace(NOTES, NOTES + before.replace("          - dpa.pdf\n", "") + "          - dpa.pdf\n", 1), encoding="utf-8")
    _, out, _ = diff(repo, str(old), str(new), "--format", "json")
    assert json.loads(out)["evidence"] == []
