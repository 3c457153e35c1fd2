"""Answers over time: an answer given to a question that has since changed in meaning is marked
for review, and `check` and every report say so.

Each scenario is a checklist that moves from 1.0.0 to 1.1.0 under an assessment answered at 1.0.0,
as a user meets it: `assess` merges the newer checklist, `check` scores the result.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import item, write_checklist
from fm_governance.cli import main
from fm_governance.core.checklists import load_catalog, load_checklist

OLD_Q = "Is AL-01 under control?"
NEW_Q = "Is AL-01 under control, with a named owner who signs it off every quarter?"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def v1(folder: Path) -> None:
    write_checklist(
        folder,
        "alpha",
        [item("AL-01", "critical"), item("AL-02", "high"), item("AL-03", "low", "engineering"), item("AL-04", "medium"), item("AL-05", "medium")],
        version="1.0.0",
    )


def v2(folder: Path) -> None:
    """1.1.0: AL-01's question changed in meaning; AL-02 was reworded only (no `changed`); AL-03
    changed but is left unanswered; AL-04 was split into AL-06 (a new question, `changed`) and AL-07
    (the same question, renamed); AL-05 was retired."""
    write_checklist(
        folder,
        "alpha",
        [
            item("AL-01", "critical", question=NEW_Q, changed="1.1.0", previous_question=OLD_Q),
            item("AL-02", "high", question="Is AL-02, in your view, under control?"),
            item("AL-03", "low", "engineering", question="Is AL-03 under control every week?", changed="1.1.0"),
            item("AL-06", "medium", question="Is the first half of AL-04 under control?", changed="1.1.0", replaces=["AL-04"]),
            item("AL-07", "medium", question="Is AL-04 under control?", replaces=["AL-04"]),
        ],
        version="1.1.0",
    )


ANSWERED_AT_1_0_0 = """\
checklists:
  alpha:
    version: "1.0.0"
    items:
      AL-01:  # [critical · legal] Is AL-01 under control?
        # signed off by the board
        answer: "yes"  # yes | partial | no | n/a
        notes: Board minutes of 2026-01-10.
        evidence: [https://example.org/minutes]
        waiver: null
      AL-02:  # [high · legal] Is AL-02 under control?
        answer: "no"  # yes | partial | no | n/a
        notes: null
        evidence: []
        waiver: null
      AL-03:  # [low · engineering] Is AL-03 under control?
        answer: null  # yes | partial | no | n/a
        notes: null
        evidence: []
        waiver: null
      AL-04:  # [medium · legal] Is AL-04 under control?
        answer: partial  # yes | partial | no | n/a
        notes: Half of it.
        evidence: []
        waiver: null
      AL-05:  # [medium · legal] Is AL-05 under control?
        answer: "yes"  # yes | partial | no | n/a
        notes: null
        evidence: []
        waiver: null
"""


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[Path, Path, str]:
    """An assessment answered at alpha 1.0.0, merged by `assess` with alpha 1.1.0: (file,
    checklists folder, the summary `assess` printed)."""
    folder = tmp_path / "checklists"
    v2(folder)
    project = tmp_path / "project"
    project.mkdir()
    file = project / "fm-governance.yaml"
    file.write_text(ANSWERED_AT_1_0_0, encoding="utf-8")
    code, out, err = run("assess", str(project), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0, err
    return file, folder, out


def items_of(file: Path) -> dict[str, dict[str, object]]:
    return yaml.safe_load(file.read_text(encoding="utf-8"))["checklists"]["alpha"]["items"]


def test_a_changed_question_marks_exactly_its_answered_item_for_review(upgraded: tuple[Path, Path, str]) -> None:
    file, _, summary = upgraded
    items = items_of(file)
    assert items["AL-01"]["review"] == "question changed in 1.1.0 (answered against 1.0.0)"
    # An editorial rewording (no `changed`), an unanswered item and a renamed item are not marked.
    assert "review" not in items["AL-02"]
    assert "review" not in items["AL-03"]
    assert "review" not in items["AL-07"]
    assert "alpha: 2 answers to a changed question marked `review:` (re-confirm, then delete the key): AL-01, AL-06" in summary


def test_the_answer_notes_evidence_and_comments_survive_and_the_old_question_is_shown(upgraded: tuple[Path, Path, str]) -> None:
    file, _, _ = upgraded
    text = file.read_text(encoding="utf-8")
    al01 = items_of(file)["AL-01"]
    assert (al01["answer"], al01["notes"], al01["evidence"]) == ("yes", "Board minutes of 2026-01-10.", ["https://example.org/minutes"])
    assert "        # signed off by the board\n" in text
    assert (
        '        answer: "yes"  # yes | partial | no | n/a\n'
        "        review: question changed in 1.1.0 (answered against 1.0.0)  # before 1.1.0 the question read: Is AL-01 under control?\n"
    ) in text
    assert f"AL-01:  # [critical · legal] {NEW_Q}" in text


def test_an_item_split_with_replaces_is_marked_only_where_its_question_changed(upgraded: tuple[Path, Path, str]) -> None:
    file, _, _ = upgraded
    data = yaml.safe_load(file.read_text(encoding="utf-8"))["checklists"]["alpha"]
    # AL-06 inherits AL-04's answer (the first item that replaces it) and asks something new.
    assert data["items"]["AL-06"]["answer"] == "partial"
    assert data["items"]["AL-06"]["carried_over_from"] == "AL-04"
    assert data["items"]["AL-06"]["review"] == "question changed in 1.1.0 (answered against 1.0.0)"
    # AL-05 left the checklist: kept verbatim under retired, never marked.
    assert data["retired"]["AL-05"]["answer"] == "yes"
    assert "review" not in data["retired"]["AL-05"]


def test_review_is_never_added_again_for_the_same_change(upgraded: tuple[Path, Path, str]) -> None:
    file, folder, _ = upgraded
    project = file.parent
    code, out, _ = run("assess", str(project), "--no-scan", "--checklists-dir", str(folder))
    assert (code, out.strip()) == (0, f"{file}: up to date")
    # The person re-confirms AL-01 and deletes the key (with its comment, on the same line).
    text = file.read_text(encoding="utf-8")
    lines = [
        line for line in text.splitlines(keepends=True) if not line.startswith("        review: question changed in 1.1.0 (answered against 1.0.0)  # before")
    ]
    file.write_text("".join(lines), encoding="utf-8")
    confirmed = file.read_text(encoding="utf-8")
    code, out, _ = run("assess", str(project), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0
    assert file.read_text(encoding="utf-8") == confirmed
    assert "review" not in items_of(file)["AL-01"]


def test_an_assessment_answered_at_the_version_of_the_change_is_not_marked(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    v2(folder)
    project = tmp_path / "project"
    project.mkdir()
    file = project / "fm-governance.yaml"
    file.write_text(ANSWERED_AT_1_0_0.replace('version: "1.0.0"', 'version: "1.0.5"'), encoding="utf-8")
    write_checklist(folder, "alpha", [item("AL-01", "critical", question=NEW_Q, changed="1.0.5", previous_question=OLD_Q)], version="1.1.0")
    code, _, _ = run("assess", str(project), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0
    assert "review" not in items_of(file)["AL-01"]


def test_check_counts_lists_and_locates_answers_that_need_review(upgraded: tuple[Path, Path, str]) -> None:
    file, folder, _ = upgraded
    code, out, _err = run("check", str(file), "--checklists-dir", str(folder), "--as-of", "2026-06-01")
    assert code == 0
    text = file.read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(text, 1) if t.startswith("        review:"))  # AL-01's, the first
    assert f"{file}:{line}:17: warning: AL-01 needs review: question changed in 1.1.0 (answered against 1.0.0)" in out
    assert "Needs review (2): the question changed since the answer" in out
    assert f"{file}:{line}:17: AL-01 [critical · legal] needs review: question changed in 1.1.0 (answered against 1.0.0); answered yes:" in out
    assert "2 answers need review" in out
    header = next(t for t in out.splitlines() if "Score" in t and "Met" in t)
    assert header.split()[-1] == "Review"  # the count table gains a column when there are some


def test_needs_review_scores_as_answered(upgraded: tuple[Path, Path, str], tmp_path: Path) -> None:
    file, folder, _ = upgraded
    _code, out, _ = run("check", str(file), "--checklists-dir", str(folder), "--format", "json")
    data = json.loads(out)
    by_id = {i["id"]: i for i in data["items"] if i["checklist"] == "alpha"}
    assert by_id["AL-01"]["status"] == "review"
    assert by_id["AL-01"]["score"] == 1.0
    assert by_id["AL-01"]["review"] == "question changed in 1.1.0 (answered against 1.0.0)"
    assert by_id["AL-02"]["review"] is None
    assert by_id["AL-06"]["score"] == 0.5
    assert data["needs_review"] == ["AL-01", "AL-06"]
    alpha = next(c for c in data["checklists"] if c["id"] == "alpha")
    assert alpha["counts"]["review"] == 2
    # The same file with the keys removed scores the same: review changes the status, not the score.
    confirmed = tmp_path / "confirmed.yaml"
    confirmed.write_text("".join(t for t in file.read_text(encoding="utf-8").splitlines(keepends=True) if "review: question" not in t), encoding="utf-8")
    _, out2, _ = run("check", str(confirmed), "--checklists-dir", str(folder), "--format", "json")
    assert json.loads(out2)["score"] == data["score"]


def test_fail_on_review_gates_and_exit_codes(upgraded: tuple[Path, Path, str], installed_cli: str) -> None:
    file, folder, _ = upgraded
    base = [installed_cli, "check", str(file), "--checklists-dir", str(folder)]
    failed = subprocess.run([*base, "--fail-on-review"], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "Gate failed (fail-on-review on):" in failed.stdout
    assert "  AL-01 (critical) needs review: question changed in 1.1.0 (answered against 1.0.0)" in failed.stdout
    assert "Policy: fail-on-review on (--fail-on-review)" in failed.stdout
    # Without the flag, a gate on severity does not fail on a review flag; it says it left them ungated.
    passed = subprocess.run([*base, "--fail-under", "0"], capture_output=True, text=True, check=False)
    assert passed.returncode == 0
    assert "2 items needing review are not gated" in passed.stdout


def test_an_answer_no_that_needs_review_stays_open_for_fail_on(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    v2(folder)
    project = tmp_path / "project"
    project.mkdir()
    file = project / "fm-governance.yaml"
    file.write_text(
        ANSWERED_AT_1_0_0.replace(
            'answer: "yes"  # yes | partial | no | n/a\n        notes: Board', 'answer: "no"  # yes | partial | no | n/a\n        notes: Board'
        ),
        encoding="utf-8",
    )
    run("assess", str(project), "--no-scan", "--checklists-dir", str(folder))
    assert items_of(file)["AL-01"]["review"]
    code, out, _ = run("check", str(file), "--checklists-dir", str(folder), "--fail-on", "critical")
    assert code == 1
    assert "  AL-01 (critical) is answered no" in out
    assert "AL-01 [critical · legal] no (needs review):" in out


def test_every_format_shows_the_new_status(upgraded: tuple[Path, Path, str], tmp_path: Path) -> None:
    file, folder, _ = upgraded
    common = (str(file), "--checklists-dir", str(folder), "--as-of", "2026-06-01")
    _, md, _ = run("check", *common, "--format", "markdown")
    assert "<summary>Needs review (2): the question changed since the answer</summary>" in md
    assert "| Review |" in md
    assert "**AL-01** (critical, legal, needs review: question changed in 1.1.0 \\(answered against 1.0.0\\); answered yes, line" in md
    _, sarif, _ = run("check", *common, "--format", "sarif")
    notes = [r for r in json.loads(sarif)["runs"][0]["results"] if r["level"] == "note" and r["ruleId"] in ("AL-01", "AL-06")]
    assert [r["ruleId"] for r in notes] == ["AL-01", "AL-06"]
    assert notes[0]["message"]["text"].startswith("AL-01 needs review (question changed in 1.1.0 (answered against 1.0.0))")
    _, junit, _ = run("check", *common, "--format", "junit")
    case = next(c for c in ET.fromstring(junit).iter("testcase") if c.get("name", "").startswith("AL-01 "))
    assert case.findtext("system-out") == "needs review: question changed in 1.1.0 (answered against 1.0.0)"
    assert case.find("failure") is None
    _, doc, _ = run("report", *common, "--format", "markdown")
    assert "## Answers that need review (2)" in doc
    assert "### Needs review \\(the question changed since it was answered\\) (2)" in doc
    html_file = tmp_path / "report.html"
    code, _, err = run("report", *common, "--format", "html", "-o", str(html_file))
    assert code == 0, err
    html = html_file.read_text(encoding="utf-8")
    assert '<h2 id="review-h">Answers that need review</h2>' in html
    assert 'class="item st-review"' in html
    assert '<th scope="col" class="num">Review</th>' in html


def test_reports_without_review_are_unchanged(tmp_path: Path) -> None:
    """No column, section or clause about review appears when no answer needs one."""
    folder = tmp_path / "checklists"
    v1(folder)
    project = tmp_path / "project"
    project.mkdir()
    (project / "fm-governance.yaml").write_text(ANSWERED_AT_1_0_0, encoding="utf-8")
    common = (str(project / "fm-governance.yaml"), "--checklists-dir", str(folder))
    _, out, _ = run("check", *common)
    _, md, _ = run("check", *common, "--format", "markdown")
    assert "review" not in out.replace(str(tmp_path), "").replace("\n", "").lower()
    assert "review" not in md.replace(str(tmp_path), "").lower()


def test_the_checklist_schema_and_loader_hold_changed(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item("AL-01", changed="1.2.0")], version="1.1.0")
    code, _, err = run("checklists", "--checklists-dir", str(folder))
    assert code == 2
    assert "AL-01 changed in 1.2.0, later than the checklist's version 1.1.0" in err
    write_checklist(folder, "alpha", [item("AL-01", previous_question="Was it?")], version="1.1.0")
    code, _, err = run("checklists", "--checklists-dir", str(folder))
    assert code == 2
    assert "AL-01 has previous_question but no changed" in err and len(err.strip().splitlines()) == 1
    write_checklist(folder, "alpha", [item("AL-01", changed="1.1.0", previous_question="Was   it\n under control?")], version="1.1.0")
    loaded = load_checklist(folder / "alpha.yaml").items[0]
    assert (loaded.changed, loaded.previous_question) == ("1.1.0", "Was it under control?")


#: The built-in items whose question changed in meaning, with the version (from the checklists'
#: history: 1.1.1 reworded these after expert review; DE-02 was reworded too, but asks the same).
CHANGED_BUILTINS = {"DE-04": "1.1.1", "DE-06": "1.1.1", "VL-07": "1.1.1", "OC-10": "1.1.1", "OC-11": "1.1.1"}


def test_the_builtin_checklists_record_the_questions_that_changed() -> None:
    catalog = load_catalog()
    changed = {i.id: i.changed for c in catalog for i in c.items if i.changed}
    assert changed == CHANGED_BUILTINS
    for c in catalog:
        for i in c.items:
            if i.changed:
                assert i.previous_question and i.previous_question != i.question


def test_the_example_answered_at_1_1_0_gets_review_on_exactly_the_changed_answered_items(tmp_path: Path) -> None:
    """The example project as merged at 1.1.0 (answers written in, as a user would have): a merge
    with today's checklists marks the answered items whose question changed since, and no other."""
    project = tmp_path / "p"
    project.mkdir()
    file = project / "fm-governance.yaml"
    code, _, _ = run("template", "-o", str(file))
    assert code == 0
    data = file.read_text(encoding="utf-8")
    # As written at 1.1.0: every item answered yes (the 1.3.0 items simply were not there yet, and
    # their blank nodes stay unanswered below, so they are not marked either).
    data = data.replace('version: "1.3.0"', 'version: "1.1.0"')
    for item_id in ("DE-02", "DE-04", "DE-06", "VL-07", "OC-10", "OC-11", "IP-01"):
        head = data.index(f"      {item_id}:")
        at = data.index("answer: null", head)
        data = data[:at] + 'answer: "yes"' + data[at + len("answer: null") :]
    file.write_text(data, encoding="utf-8")
    code, out, err = run("assess", str(project), "--no-scan", "--format", "json")
    assert code == 0, err
    marked = sorted(i for c in json.loads(out)["checklists"] for i in c["review"])
    assert marked == sorted(CHANGED_BUILTINS)


def test_the_sphinx_assessment_page_shows_answers_that_need_review(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    write_checklist(src / "checklists", "alpha", [item("AL-01", "critical", changed="1.1.0"), item("AL-02", "low", "engineering")], version="1.1.0")
    conf = 'project = "time"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    answers = "      AL-01:\n        answer: 'yes'\n        review: question changed in 1.1.0 (answered against 1.0.0)\n      AL-02:\n        answer: 'yes'\n"
    (src / "data").mkdir()
    (src / "data" / "fm-governance.yaml").write_text(
        f"project:\n  name: time\nchecklists:\n  alpha:\n    version: '1.1.0'\n    items:\n{answers}", encoding="utf-8"
    )
    (src / "index.md").write_text("# Report\n\n```{fmg:assessment} data/fm-governance.yaml\n:as-of: 2026-11-22\n```\n", encoding="utf-8")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert app.warning.getvalue().strip() == ""
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "Answers that need review (1)" in html
    assert "Needs review (the question changed since it was answered) (1)" in html
    assert "needs review: question changed in 1.1.0 (answered against 1.0.0); answered yes" in html
    assert "1 answer needs review" in html
    assert "<p>Review</p></th>" in html or ">Review<" in html


# --- freshness ----------------------------------------------------------------------------------

FRESHNESS = """\
project:
  name: fresh
  date: 2026-01-01
policy:
  max-age:
    critical: 180
    default: 365
checklists:
  alpha:
    version: "1.0.0"
    items:
      AL-01:
        answer: "yes"
        reviewed: 2026-03-01
      AL-02:
        answer: "no"
      AL-03:
        answer: null
      AL-04:
        answer: partial
        reviewed: 2025-06-01
        waiver:
          reason: Contract renewal pending.
          approved_by: CFO
          expires: 2026-09-15
      AL-05:
        answer: "yes"
        reviewed: 2026-08-28
"""


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "checklists"
    v1(folder)
    file = tmp_path / "fm-governance.yaml"
    file.write_text(FRESHNESS, encoding="utf-8")
    return file, folder


def stale_ids(file: Path, folder: Path, as_of: str) -> list[str]:
    code, out, _ = run("check", str(file), "--checklists-dir", str(folder), "--as-of", as_of, "--format", "json")
    assert code == 0
    return [s["id"] for s in json.loads(out)["stale"]]


def test_a_critical_answer_is_stale_the_day_after_its_max_age(fresh: tuple[Path, Path]) -> None:
    file, folder = fresh
    # AL-01 (critical) reviewed 2026-03-01: 180 days later is 2026-08-28.
    assert "AL-01" not in stale_ids(file, folder, "2026-08-28")
    assert "AL-01" in stale_ids(file, folder, "2026-08-29")


def test_other_severities_use_default_and_an_answer_without_reviewed_uses_project_date(fresh: tuple[Path, Path]) -> None:
    file, folder = fresh
    # AL-02 (high) has no reviewed: its age runs from project.date 2026-01-01; 365 days is 2027-01-01.
    assert stale_ids(file, folder, "2027-01-01") == ["AL-01", "AL-04"]  # AL-04 reviewed 2025-06-01, medium: stale since 2026-06-02
    assert stale_ids(file, folder, "2027-01-02") == ["AL-01", "AL-02", "AL-04"]  # AL-03 is unanswered: nothing to go stale
    assert "AL-04" not in stale_ids(file, folder, "2026-06-01")


def test_stale_answers_are_located_and_listed_in_text_json_and_markdown(fresh: tuple[Path, Path]) -> None:
    file, folder = fresh
    common = (str(file), "--checklists-dir", str(folder), "--as-of", "2026-09-01")
    _, out, _ = run("check", *common)
    assert f"{file}:14:19: warning: AL-01: answer last confirmed 2026-03-01 (reviewed), 184 days before 2026-09-01: over max-age 180 days for critical" in out
    assert "Stale answers (2): older than the policy's max-age for their severity" in out
    assert f"  {file}:21:19: AL-04 [medium · legal] last confirmed 2025-06-01 (reviewed), 457 days ago; max-age 365" in out
    assert "Policy: max-age critical 180" not in out  # no gate is set: max-age reports, it does not gate
    _, data, _ = run("check", *common, "--format", "json")
    doc = json.loads(data)
    assert doc["stale"][0] == {"id": "AL-01", "since": "2026-03-01", "since_source": "reviewed", "age_days": 184, "max_age": 180}
    assert doc["policy"]["max_age"] == {
        "critical": {"value": 180, "source": f"policy: in {file}"},
        "default": {"value": 365, "source": f"policy: in {file}"},
    }
    _, md, _ = run("check", *common, "--format", "markdown")
    assert "<summary>Stale answers (2): older than max-age for their severity</summary>" in md
    _, doc_md, _ = run("report", *common, "--format", "markdown")
    assert "## Stale answers (2)" in doc_md


def test_a_waiver_within_30_days_of_expiry_is_listed_as_expiring(fresh: tuple[Path, Path]) -> None:
    file, folder = fresh
    common = (str(file), "--checklists-dir", str(folder))
    # AL-04's waiver expires 2026-09-15: expiring from 30 days before (2026-08-16), not the day before that.
    _, out, _ = run("check", *common, "--as-of", "2026-08-15", "--format", "json")
    assert json.loads(out)["expiring_waivers"] == []
    _, out, _ = run("check", *common, "--as-of", "2026-08-16", "--format", "json")
    assert json.loads(out)["expiring_waivers"] == [{"id": "AL-04", "expires": "2026-09-15", "days_left": 30}]
    _, text, _ = run("check", *common, "--as-of", "2026-09-15")
    assert "Waivers expiring within 30 days (1):" in text
    assert f"  {file}:19:7: AL-04 [medium · legal] expires 2026-09-15 (0 days left), approved by CFO" in text


def test_max_age_in_pyproject_and_bad_values(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    v1(folder)
    file = tmp_path / "fm-governance.yaml"
    file.write_text(FRESHNESS.replace("policy:\n  max-age:\n    critical: 180\n    default: 365\n", ""), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.fm-governance.max-age]\ncritical = 30\n", encoding="utf-8")
    assert stale_ids(file, folder, "2026-04-01") == ["AL-01"]  # 31 days; the others are not critical and no default is set
    (tmp_path / "pyproject.toml").write_text("[tool.fm-governance.max-age]\nurgent = 30\n", encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2
    assert (
        err.strip()
        == f"{tmp_path / 'pyproject.toml'}:2:1: unknown key 'urgent' in [tool.fm-governance.max-age] — known keys: critical, high, medium, low, default"
    )
    file.write_text(FRESHNESS.replace("critical: 180", "critical: 0"), encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2 and err.startswith(f"{file}:6:15:") and len(err.strip().splitlines()) == 1


def test_the_assessment_schema_accepts_the_new_keys_and_refuses_a_bad_date(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    v1(folder)
    file = tmp_path / "fm-governance.yaml"
    file.write_text(FRESHNESS.replace("reviewed: 2026-03-01", "reviewed: 2026-02-30"), encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2
    assert err.startswith(f"{file}:14:19:") and "write dates as YYYY-MM-DD" in err


def test_a_second_change_before_the_first_review_updates_the_line(upgraded: tuple[Path, Path, str]) -> None:
    file, folder, _ = upgraded
    third = "Is AL-01 under control, signed off every quarter and audited every year?"
    write_checklist(folder, "alpha", [item("AL-01", "critical", question=third, changed="1.2.0", previous_question=NEW_Q)], version="1.2.0")
    code, _, _ = run("assess", str(file.parent), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0
    text = file.read_text(encoding="utf-8")
    assert f"        review: question changed in 1.2.0 (answered against 1.1.0)  # before 1.2.0 the question read: {NEW_Q}\n" in text
    live = text.split("retired:")[0]  # AL-06 retired with 1.2.0: its review line went with it, verbatim
    assert live.count("review: question changed") == 1
    assert "before 1.1.0 the question read" not in live


def test_the_html_report_lists_stale_answers(fresh: tuple[Path, Path], tmp_path: Path) -> None:
    file, folder = fresh
    out = tmp_path / "r.html"
    code, _, err = run("report", str(file), "--checklists-dir", str(folder), "--as-of", "2026-09-01", "--format", "html", "-o", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<h3>Stale answers (older than the policy's max-age)</h3>" in html
    assert "last confirmed 2026-03-01 (reviewed), 184 days ago; max-age 180 days" in html


def test_fail_on_review_in_the_assessment_policy_or_pyproject(upgraded: tuple[Path, Path, str]) -> None:
    file, folder, _ = upgraded
    text = file.read_text(encoding="utf-8")
    common = (str(file), "--checklists-dir", str(folder))
    file.write_text(text + "policy:\n  fail-on-review: true\n", encoding="utf-8")
    code, out, _ = run("check", *common)
    assert code == 1 and f"Policy: fail-on-review on (policy: in {file})" in out
    file.write_text(text, encoding="utf-8")
    (file.parent / "pyproject.toml").write_text("[tool.fm-governance]\nfail-on-review = true\n", encoding="utf-8")
    code, out, _ = run("check", *common)
    assert code == 1 and "fail-on-review on ([tool.fm-governance] in" in out
    # The assessment's own false wins over the pyproject's true; the flag wins over both.
    file.write_text(text + "policy:\n  fail-on-review: false\n", encoding="utf-8")
    assert run("check", *common)[0] == 0
    assert run("check", *common, "--fail-on-review")[0] == 1
    (file.parent / "pyproject.toml").write_text("[tool.fm-governance]\nfail-on-review = 'yes'\n", encoding="utf-8")
    file.write_text(text, encoding="utf-8")
    code, _, err = run("check", *common)
    assert (
        code == 2
        and err.strip() == f"{file.parent / 'pyproject.toml'}:2:18: fail-on-review is 'yes', not true or false — write fail-on-review: true (or false)"
    )
