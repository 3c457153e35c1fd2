"""A checklist version that re-grades items, met by an assessment merged at the version before.

Version 1.2.0 of the four checklists re-graded 15 items against the severity rubric
(docs/checklists/severity.md) and changed no item; 1.2.1 then corrected facts and guidance only
(a patch: no question, grade or applicability changed), and operational-continuity 1.2.2 mapped
the scanner's new `retiring-model` signal to three items (metadata, another patch). An assessment written at 1.1.1 must still
be read and scored (`check` warns that it is behind), and `assess` must bring it up to date: the
new version, each re-graded item's comment with its new severity, and every answer, note, piece
of evidence and waiver exactly as it was. The example project is the assessment people copy, so it is
the one checked here.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.core.checklists import load_catalog

EXAMPLE = Path(__file__).parents[1] / "examples" / "support-bot"
CHECKLISTS = ("data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity")
#: The version each checklist is at now.
VERSIONS = {"data-exposure": "1.2.1", "vendor-lock-in": "1.2.1", "intellectual-property": "1.2.1", "operational-continuity": "1.2.2"}
#: An assessment's recorded checklist version (indented under ``checklists.<id>``).
VERSION_LINE = r'^    version: "\d+\.\d+\.\d+"$'

#: The grades version 1.1.1 gave the items that 1.2.0 re-graded.
REGRADED_FROM = {
    "DE-05": "high",
    "DE-06": "medium",
    "DE-08": "high",
    "DE-10": "high",
    "DE-13": "medium",
    "IP-02": "high",
    "IP-03": "medium",
    "IP-06": "high",
    "IP-09": "high",
    "OC-02": "high",
    "OC-06": "high",
    "OC-08": "medium",
    "VL-05": "high",
    "VL-06": "high",
    "VL-09": "medium",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def as_merged_at_1_1_1(text: str) -> str:
    """The example as `assess` wrote it at checklist version 1.1.1: old versions, old grades."""
    text, versions = re.subn(VERSION_LINE, '    version: "1.1.1"', text, flags=re.MULTILINE)
    assert versions == 4
    for item_id, old in REGRADED_FROM.items():
        text, n = re.subn(rf"^(      {item_id}:  # \[)[a-z]+( · )", rf"\g<1>{old}\g<2>", text, flags=re.MULTILINE)
        assert n == 1, item_id
    return text


@pytest.fixture
def old_example(tmp_path: Path) -> Path:
    project = tmp_path / "support-bot"
    shutil.copytree(EXAMPLE, project)
    file = project / "fm-governance.yaml"
    file.write_text(as_merged_at_1_1_1(file.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def test_the_regraded_items_are_the_ones_whose_grade_changed() -> None:
    catalog = {it.id: it.severity.value for c in load_catalog() for it in c.items}
    assert all(catalog[item_id] != old for item_id, old in REGRADED_FROM.items())
    assert {c.id: c.version for c in load_catalog()} == VERSIONS


def test_the_rubric_page_lists_the_regrading() -> None:
    """docs/checklists/severity.md tells upgrading users which grades 1.2.0 changed."""
    page = (Path(__file__).parents[1] / "docs" / "checklists" / "severity.md").read_text(encoding="utf-8")
    changes = page.split("| Item | 1.1.1 | 1.2.0 |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| \{fmg:item\}`([A-Z]{2}-[0-9]{2})` \| ([a-z]+) \| ([a-z]+) \|$", changes, flags=re.MULTILINE)
    catalog = {it.id: it.severity.value for c in load_catalog() for it in c.items}
    assert {item_id: old for item_id, old, _ in rows} == REGRADED_FROM
    assert all(catalog[item_id] == new for item_id, _, new in rows)


def test_check_reads_an_assessment_merged_at_the_older_versions_and_says_so(old_example: Path) -> None:
    code, out, err = run("check", str(old_example / "fm-governance.yaml"))
    assert code == 0
    for checklist in ("data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"):
        assert f"{checklist} was merged at version 1.1.1; the checklist is now {VERSIONS[checklist]} — run `fm-governance assess`" in out + err


def test_assess_updates_versions_and_grades_and_keeps_every_answer(old_example: Path) -> None:
    file = old_example / "fm-governance.yaml"
    before = yaml.safe_load(file.read_text(encoding="utf-8"))
    code, out, _ = run("assess", str(old_example), "--no-scan")
    assert code == 0
    for checklist in ("data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"):
        assert f"{checklist}: 1.1.1 → {VERSIONS[checklist]}" in out
    # Every grade change is named (it changes scores and gates), in the summary and in JSON.
    for item_id, old in REGRADED_FROM.items():
        new = load_catalog().item(item_id).severity.value  # type: ignore[union-attr]
        assert f"{item_id} {old} → {new}" in out, item_id
    after_text = file.read_text(encoding="utf-8")
    # Exactly the committed example: the upgrade changes the versions and the re-graded comments, nothing else.
    assert after_text == (EXAMPLE / "fm-governance.yaml").read_text(encoding="utf-8")
    after = yaml.safe_load(after_text)
    for checklist, section in before["checklists"].items():
        assert after["checklists"][checklist]["version"] == VERSIONS[checklist]
        assert after["checklists"][checklist]["items"] == section["items"], checklist
    assert "DE-08:  # [critical · privacy]" in after_text and "OC-08:  # [high · engineering]" in after_text
    # And the second run has nothing left to do.
    code, out, _ = run("assess", str(old_example), "--no-scan")
    assert code == 0 and "up to date" in out


def test_assess_json_lists_each_regraded_item(old_example: Path) -> None:
    code, out, _ = run("assess", str(old_example), "--no-scan", "--format", "json")
    assert code == 0
    regraded = {r["item"]: (r["from"], r["to"]) for c in json.loads(out)["checklists"] for r in c["regraded"]}
    catalog = load_catalog()
    assert regraded == {item_id: (old, catalog.item(item_id).severity.value) for item_id, old in REGRADED_FROM.items()}  # type: ignore[union-attr]


def test_a_patch_version_changes_only_the_recorded_versions(tmp_path: Path) -> None:
    """1.2.0 → 1.2.1 corrected facts and guidance only, and 1.2.2 added a signal to items: `assess`
    records the new version, keeps every answer and item comment as it was, and the scores do not
    move."""
    project = tmp_path / "support-bot"
    shutil.copytree(EXAMPLE, project)
    file = project / "fm-governance.yaml"
    text = (EXAMPLE / "fm-governance.yaml").read_text(encoding="utf-8")
    old, n = re.subn(VERSION_LINE, '    version: "1.2.0"', text, flags=re.MULTILINE)
    assert n == len(CHECKLISTS)
    file.write_text(old, encoding="utf-8")
    code, before, _ = run("check", str(file), "--format", "json")
    assert code == 0
    code, out, _ = run("assess", str(project), "--no-scan")
    assert code == 0
    rest = out
    for checklist in CHECKLISTS:
        assert f"{checklist}: 1.2.0 → {VERSIONS[checklist]}" in out
        rest = rest.replace(f"1.2.0 → {VERSIONS[checklist]}", "")
    assert "→" not in rest  # nothing re-graded, nothing else renamed
    assert file.read_text(encoding="utf-8") == text
    code, after, _ = run("check", str(file), "--format", "json")
    assert code == 0
    assert _scores(after) == _scores(before)


def _scores(report: str) -> dict[str, float]:
    return {c["id"]: c["score"] for c in json.loads(report)["checklists"]}
