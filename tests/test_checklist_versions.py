"""Checklist versions met by assessments merged at older ones.

Version 1.2.0 of the four checklists re-graded 15 items against the severity rubric
(docs/checklists/severity.md) and changed no item; 1.2.1 then corrected facts and guidance only;
operational-continuity 1.2.2 mapped the scanner's `retiring-model` signal to three items (a patch);
1.3.0 added eleven items and changed no existing grade or question. An assessment written at an
older version must still be read and scored (`check` warns that it is behind and counts the
missing items as open), and `assess` must bring it up to date: the new version, the new items
unanswered, each re-graded item's comment with its new severity, and every answer, note, piece of
evidence and waiver exactly as it was. The example project is the assessment people copy, so it is
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
#: The version every checklist is at now.
CURRENT = "1.3.0"

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


#: The items 1.3.0 added, per checklist: an assessment merged before 1.3.0 does not have them.
ADDED_IN_1_3_0 = {
    "data-exposure": ["DE-14", "DE-15"],
    "vendor-lock-in": ["VL-12", "VL-13", "VL-14"],
    "intellectual-property": ["IP-12", "IP-13", "IP-14", "IP-15"],
    "operational-continuity": ["OC-14", "OC-15"],
}


def without_1_3_0_items(text: str, version: str) -> str:
    """The example as `assess` wrote it before 1.3.0: ``version`` recorded, the new items absent."""
    text, versions = re.subn(rf'^    version: "{re.escape(CURRENT)}"$', f'    version: "{version}"', text, flags=re.MULTILINE)
    assert versions == len(CHECKLISTS)
    for item_id in (i for ids in ADDED_IN_1_3_0.values() for i in ids):
        # The item's line with its tool comment, then its indented fields.
        text, n = re.subn(rf"^      {item_id}:  # .*\n(?:        .*\n)*", "", text, flags=re.MULTILINE)
        assert n == 1, item_id
    return text


def as_merged_at_1_1_1(text: str) -> str:
    """The example as `assess` wrote it at checklist version 1.1.1: old versions, old grades, no 1.3.0 items."""
    text = without_1_3_0_items(text, "1.1.1")
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
    assert {c.id: c.version for c in load_catalog()} == dict.fromkeys(CHECKLISTS, CURRENT)


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
        assert f"{checklist} was merged at version 1.1.1; the checklist is now {CURRENT} — run `fm-governance assess`" in out + err


def test_assess_updates_versions_and_grades_and_keeps_every_answer(old_example: Path) -> None:
    file = old_example / "fm-governance.yaml"
    before = yaml.safe_load(file.read_text(encoding="utf-8"))
    code, out, _ = run("assess", str(old_example), "--no-scan")
    assert code == 0
    for checklist in ("data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"):
        assert f"{checklist}: 1.1.1 → {CURRENT}" in out
    # Every grade change is named (it changes scores and gates), in the summary and in JSON.
    for item_id, old in REGRADED_FROM.items():
        new = load_catalog().item(item_id).severity.value  # type: ignore[union-attr]
        assert f"{item_id} {old} → {new}" in out, item_id
    after_text = file.read_text(encoding="utf-8")
    # Exactly the committed example: the upgrade changes the versions and the re-graded comments, nothing else.
    assert after_text == (EXAMPLE / "fm-governance.yaml").read_text(encoding="utf-8")
    after = yaml.safe_load(after_text)
    for checklist, section in before["checklists"].items():
        assert after["checklists"][checklist]["version"] == CURRENT
        items = after["checklists"][checklist]["items"]
        assert {k: v for k, v in items.items() if k not in ADDED_IN_1_3_0[checklist]} == section["items"], checklist
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


def test_the_1_3_0_upgrade_adds_the_new_items_and_keeps_every_answer(tmp_path: Path) -> None:
    """1.2.1 → 1.3.0 added items and changed no grade: `check` counts the missing items as open
    and says so; `assess` records the new version, adds each new item unanswered, keeps every
    answer and item comment as it was, and re-grades nothing."""
    project = tmp_path / "support-bot"
    shutil.copytree(EXAMPLE, project)
    file = project / "fm-governance.yaml"
    text = (EXAMPLE / "fm-governance.yaml").read_text(encoding="utf-8")
    file.write_text(without_1_3_0_items(text, "1.2.1"), encoding="utf-8")
    before = yaml.safe_load(file.read_text(encoding="utf-8"))
    code, out, err = run("check", str(file))
    assert code == 0
    for checklist, added in ADDED_IN_1_3_0.items():
        assert f"{checklist} was merged at version 1.2.1; the checklist is now {CURRENT}" in out + err
        for item_id in added:
            assert f"{item_id} is missing from the file (counted as open)" in out + err
    code, before_scores, _ = run("check", str(file), "--format", "json")
    code, out, _ = run("assess", str(project), "--no-scan", "--format", "json")
    assert code == 0
    summary = {c["checklist"]: c for c in json.loads(out)["checklists"]}
    for checklist, added in ADDED_IN_1_3_0.items():
        assert (summary[checklist]["old_version"], summary[checklist]["new_version"]) == ("1.2.1", CURRENT)
        assert summary[checklist]["added"] == added
        assert summary[checklist]["regraded"] == [] and summary[checklist]["retired"] == []
    # Exactly the committed example: the upgrade adds the new items and changes the versions, nothing else.
    after_text = file.read_text(encoding="utf-8")
    assert after_text == text
    after = yaml.safe_load(after_text)
    for checklist, section in before["checklists"].items():
        items = after["checklists"][checklist]["items"]
        assert {k: v for k, v in items.items() if k not in ADDED_IN_1_3_0[checklist]} == section["items"], checklist
        assert all(items[item_id]["answer"] is None for item_id in ADDED_IN_1_3_0[checklist])
    # The new items were already counted as open, so the scores do not move.
    code, after_scores, _ = run("check", str(file), "--format", "json")
    assert code == 0
    assert _scores(after_scores) == _scores(before_scores)


def _scores(report: str) -> dict[str, float]:
    return {c["id"]: c["score"] for c in json.loads(report)["checklists"]}
