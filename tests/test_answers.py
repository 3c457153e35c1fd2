"""Answers and comments people write, as `check` and `assess` meet them on the command line.

People write ``No``, ``YES`` or ``N/A``; they add words after an item's question comment; they
annotate the scanner's inventory. Both commands read such answers alike, ``assess`` writes them in
canonical form, and nothing a person wrote disappears without the summary saying where it went.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import item, write_checklist
from fm_governance.cli import main
from fm_governance.core.assessment import template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.core.yamlio import load_text


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, catalog_dir: Path, replacements: list[tuple[str, str]]) -> Path:
    """A project folder whose assessment is the template of ``catalog_dir`` with ``replacements``
    applied (each once, in order)."""
    folder = tmp_path / "project"
    folder.mkdir()
    text = template_text(load_catalog([catalog_dir], builtins=()))
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "fm-governance.yaml").write_text(text, encoding="utf-8")
    return folder


def check_answers(path: Path, catalog_dir: Path) -> dict[str, object]:
    code, out, err = run("check", str(path), "--checklists-dir", str(catalog_dir), "--format", "json")
    assert code == 0, err
    return {i["id"]: i["answer"] for i in json.loads(out)["items"]}


def assess(folder: Path, catalog_dir: Path, *extra: str) -> str:
    code, out, err = run("assess", str(folder), "--no-scan", "--checklists-dir", str(catalog_dir), *extra)
    assert code == 0, err
    return out


WRITTEN = [
    ("answer: null", "answer: No"),
    ("answer: null", 'answer: " YES "'),
    ("answer: null", "answer: N/A"),
    ("notes: null", "notes: Not used here."),
    ("answer: null", "answer: Partial"),
    ("answer: null", "answer: true"),
]


def test_answers_in_any_case_mean_the_same_to_check_and_assess(catalog_dir: Path, tmp_path: Path) -> None:
    folder = project(tmp_path, catalog_dir, WRITTEN)
    path = folder / "fm-governance.yaml"
    expected = {"AL-01": "no", "AL-02": "yes", "AL-03": "n/a", "BE-01": "partial", "BE-02": "yes"}
    assert check_answers(path, catalog_dir) == expected

    out = assess(folder, catalog_dir)
    assert check_answers(path, catalog_dir) == expected  # the same verdict before and after
    text = path.read_text(encoding="utf-8")
    for canonical in ['answer: "no"  #', 'answer: "yes"  #', 'answer: "n/a"  #', 'answer: "partial"  #']:
        assert canonical in text
    assert not re.search(r"answer: (No|N/A|Partial|true|\" YES \")", text)
    assert "alpha: normalised 3 answers: AL-01 'No' → \"no\", AL-02 ' YES ' → \"yes\", AL-03 'N/A' → \"n/a\"" in out
    assert 'beta: normalised 2 answers: BE-01 \'Partial\' → "partial", BE-02 true → "yes"' in out

    before = path.read_bytes()
    assert assess(folder, catalog_dir).strip() == f"{path}: up to date"
    assert path.read_bytes() == before


def test_an_unquoted_yes_and_false_are_read_as_today(catalog_dir: Path, tmp_path: Path) -> None:
    """`yes` unquoted is the answer yes (a YAML 1.1 reader's boolean, accepted), `false` is no; an
    answer already spelled canonically is left exactly as written."""
    folder = project(tmp_path, catalog_dir, [("answer: null", "answer: yes"), ("answer: null", "answer: false")])
    path = folder / "fm-governance.yaml"
    assert check_answers(path, catalog_dir)["AL-01"] == "yes"
    assert check_answers(path, catalog_dir)["AL-02"] == "no"
    out = assess(folder, catalog_dir)
    assert 'normalised 1 answer: AL-02 false → "no"' in out
    text = path.read_text(encoding="utf-8")
    assert "answer: yes  # yes | partial | no | n/a" in text  # canonical already: untouched
    assert 'answer: "no"  # yes | partial | no | n/a' in text


def test_assess_json_lists_each_normalised_answer_with_its_line(catalog_dir: Path, tmp_path: Path) -> None:
    folder = project(tmp_path, catalog_dir, WRITTEN[:1])
    code, out, err = run("assess", str(folder), "--no-scan", "--checklists-dir", str(catalog_dir), "--format", "json")
    assert code == 0, err
    alpha = next(c for c in json.loads(out)["checklists"] if c["checklist"] == "alpha")
    line = next(n for n, text in enumerate((folder / "fm-governance.yaml").read_text().splitlines(), 1) if 'answer: "no"' in text)
    assert alpha["answers_normalised"] == [{"item": "AL-01", "before": "'No'", "after": '"no"', "line": line, "column": 17}]


@pytest.mark.parametrize("written", ["maybe", "on", "5", '"true"', "{a: 1}"])
def test_a_wrong_answer_suggests_only_the_documented_answers(catalog_dir: Path, tmp_path: Path, written: str) -> None:
    folder = project(tmp_path, catalog_dir, [("answer: null", f"answer: {written}")])
    path = folder / "fm-governance.yaml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if f"answer: {written}" in text)
    code, _, check_err = run("check", str(path), "--checklists-dir", str(catalog_dir))
    assert code == 2
    assert check_err.startswith(f"{path}:{line}:17: checklists.alpha.items.AL-01.answer: ")
    assert check_err.rstrip().endswith("— answer yes, partial, no or n/a (in any case), or leave it null while unanswered")
    assert len(check_err.strip().splitlines()) == 1
    assert "true" not in check_err.split("—")[-1] and "false" not in check_err.split("—")[-1]
    code, _, assess_err = run("assess", str(folder), "--no-scan", "--checklists-dir", str(catalog_dir))
    assert code == 2 and assess_err == check_err


# --- the question comment after each item id ----------------------------------------------------

QUESTION = "AL-01:  # [critical · legal] Is AL-01 under control?"


def test_words_added_to_the_question_comment_get_a_line_of_their_own(catalog_dir: Path, tmp_path: Path) -> None:
    folder = project(tmp_path, catalog_dir, [(QUESTION, QUESTION + " Asked Bob, 2026-11-02.")])
    path = folder / "fm-governance.yaml"
    out = assess(folder, catalog_dir)
    text = path.read_text(encoding="utf-8")
    assert f"{QUESTION}\n        # Asked Bob, 2026-11-02.\n        answer: null" in text
    assert "alpha: AL-01: words after its question moved to a line of their own: # Asked Bob, 2026-11-02." in out
    before = path.read_bytes()
    assert assess(folder, catalog_dir).strip() == f"{path}: up to date"
    assert path.read_bytes() == before


def test_words_added_to_the_question_comment_of_a_flow_item_go_above_it(catalog_dir: Path, tmp_path: Path) -> None:
    body = "        answer: null  # yes | partial | no | n/a\n        notes: null\n        evidence: []\n        waiver: null\n"
    folder = project(tmp_path, catalog_dir, [(QUESTION + "\n" + body, 'AL-01: {answer: "yes"}  # [critical · legal] Is AL-01 under control? per Ada\n')])
    path = folder / "fm-governance.yaml"
    assess(folder, catalog_dir)
    text = path.read_text(encoding="utf-8")
    assert '      # per Ada\n      AL-01: {answer: "yes"}  # [critical · legal] Is AL-01 under control?\n' in text
    before = path.read_bytes()
    assess(folder, catalog_dir)
    assert path.read_bytes() == before


def test_words_kept_when_severity_changes_and_the_item_is_renamed(catalog_dir: Path, tmp_path: Path) -> None:
    """The words travel with the item: a v2 checklist regrades AL-01 and renames it AL-09."""
    folder = project(tmp_path, catalog_dir, [(QUESTION, QUESTION + " see ticket 42"), ("answer: null", 'answer: "yes"')])
    write_checklist(
        catalog_dir,
        "alpha",
        [item("AL-09", "high", question="Is AL-01 under control?", replaces=["AL-01"]), item("AL-02", "high"), item("AL-03", "low", "engineering")],
        version="2.0.0",
    )
    path = folder / "fm-governance.yaml"
    out = assess(folder, catalog_dir)
    text = path.read_text(encoding="utf-8")
    assert "AL-09:  # [high · legal] Is AL-01 under control?\n        # see ticket 42\n" in text
    assert load_text(text, "x")["checklists"]["alpha"]["items"]["AL-09"]["answer"] == "yes"
    assert "AL-09: words after its question moved to a line of their own: # see ticket 42" in out
    before = path.read_bytes()
    assess(folder, catalog_dir)
    assert path.read_bytes() == before


def test_a_reworded_question_replaces_the_comment_and_says_what_it_was(catalog_dir: Path, tmp_path: Path) -> None:
    folder = project(tmp_path, catalog_dir, [(QUESTION, QUESTION + " mine")])
    write_checklist(
        catalog_dir,
        "alpha",
        [item("AL-01", "critical", question="Is AL-01 fully under control?"), item("AL-02", "high"), item("AL-03", "low", "engineering")],
        version="1.1.0",
    )
    path = folder / "fm-governance.yaml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("      AL-01:"))
    code, out, err = run("assess", str(folder), "--no-scan", "--checklists-dir", str(catalog_dir), "--format", "json")
    assert code == 0, err
    alpha = next(c for c in json.loads(out)["checklists"] if c["checklist"] == "alpha")
    assert alpha["comments_replaced"] == [
        {
            "item": "AL-01",
            "before": "# [critical · legal] Is AL-01 under control? mine",
            "after": "# [critical · legal] Is AL-01 fully under control?",
            "line": line,
            "column": 7,
        }
    ]
    assert "AL-01:  # [critical · legal] Is AL-01 fully under control?\n" in path.read_text(encoding="utf-8")
    # and the text summary says so, with the old comment
    path.write_text(path.read_text(encoding="utf-8").replace("Is AL-01 fully under control?", "Is AL-01 under control? mine", 1), encoding="utf-8")
    out = assess(folder, catalog_dir)
    assert "alpha: AL-01: question comment replaced (the question changed, or it was edited); it was: # [critical · legal] Is AL-01 under control? mine" in out


def test_a_regraded_question_comment_is_refreshed_quietly(catalog_dir: Path, tmp_path: Path) -> None:
    """Severity and owner in the comment are the tool's: a change there is no person's words."""
    folder = project(tmp_path, catalog_dir, [(QUESTION, "AL-01:  # [low · risk] Is AL-01 under control?")])
    out = assess(folder, catalog_dir)
    assert QUESTION in (folder / "fm-governance.yaml").read_text(encoding="utf-8")
    assert "question comment" not in out and "your words" not in out


# --- comments under inventory: ------------------------------------------------------------------


def test_comments_under_inventory_move_above_it_with_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "app.py").write_text("import openai\n", encoding="utf-8")
    code, _, err = run("assess", str(folder), "--checklist", "data-exposure")
    assert code == 0, err
    path = folder / "fm-governance.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  providers:\n", "  # We also call Azure OpenAI from the batch job.\n  providers:\n", 1)
    text = text.replace("      roles: [hosted]\n", "      roles: [hosted]  # confirmed by Ops\n", 1)
    path.write_text(text, encoding="utf-8")

    code, out, err = run("assess", str(folder), "--checklist", "data-exposure")
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    assert "# We also call Azure OpenAI from the batch job.\n# confirmed by Ops\ninventory:  # written by the project scanner" in after
    assert after.count("confirmed by Ops") == 1 and after.count("Azure OpenAI") == 1
    assert "  inventory: moved 2 comments above `inventory:` (the scanner rewrites the section)" in out

    code, out, err = run("assess", str(folder), "--checklist", "data-exposure", "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["action"] == "unchanged"
    assert summary["inventory"] == {"replaced": False, "comments_moved": []}
    assert path.read_text(encoding="utf-8") == after


def test_an_edited_inventory_is_reported_as_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "app.py").write_text("import openai\n", encoding="utf-8")
    assert run("assess", str(folder), "--checklist", "data-exposure")[0] == 0
    path = folder / "fm-governance.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("roles: [hosted]", "roles: [hosted, mine]", 1), encoding="utf-8")
    code, out, err = run("assess", str(folder), "--checklist", "data-exposure")
    assert code == 0, err
    assert "  inventory: replaced by this scan (the scanner writes that section on every run)" in out
    code, out, err = run("assess", str(folder), "--checklist", "data-exposure", "--format", "json")
    assert json.loads(out)["inventory"] == {"replaced": False, "comments_moved": []}


# --- the assess guide's story ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_the_assess_guide_shows_what_assess_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/guides/assess.md shows three edits to the example and the summary of the next run:
    make the edits on a copy and compare, so the guide cannot drift from the tool."""

    guide = (ROOT / "docs" / "guides" / "assess.md").read_text(encoding="utf-8")
    section = guide.split("### What `assess` rewrites, and says so", 1)[1]
    shown = section.split("```console\n", 1)[1].split("```", 1)[0]
    assert "# The nightly batch job calls Azure OpenAI too; it lives in another repository." in section
    assert "accepted as retained? Asked the vendor, 2026-11-30.\n        # [terms] OpenAI: API platform, zero data retention: " in section
    assert "read 2026-12-06)\n        answer: No" in section
    assert "        answer: Partial" in section

    folder = tmp_path / "support-bot"
    shutil.copytree(ROOT / "examples" / "support-bot", folder)
    path = folder / "fm-governance.yaml"
    text = path.read_text(encoding="utf-8")
    edits = [
        ("either switched off or accepted as retained?\n", "either switched off or accepted as retained? Asked the vendor, 2026-11-30.\n"),
        (
            "read 2026-12-06)\n        answer: null  # yes | partial | no | n/a\n        notes: null\n        evidence: []\n        waiver: null\n      DE-04:",
            "read 2026-12-06)\n        answer: No\n        notes: null\n        evidence: []\n        waiver: null\n      DE-04:",
        ),
        (
            "and are the data classes barred from each provider recorded accordingly?\n        answer: null",
            "and are the data classes barred from each provider recorded accordingly?\n        answer: Partial",
        ),
        ("  providers:\n", "  providers:\n    # The nightly batch job calls Azure OpenAI too; it lives in another repository.\n"),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    # The signals line depends on the day of the scan (the example's model retires on 2027-01-14,
    # so `retiring-model` is raised from 90 days before): scan on the guide's day.
    import datetime as _dt

    import fm_governance.scan as scan_package

    scan = scan_package.scan_project
    monkeypatch.setattr(scan_package, "scan_project", lambda *a, **k: scan(*a, **{**k, "today": _dt.date(2026, 12, 6)}))
    code, out, err = run("assess", ".")
    assert code == 0, err
    assert "$ fm-governance assess .\n" + out == shown
    code, out, err = run("assess", ".")
    assert code == 0 and out.startswith("fm-governance.yaml: up to date\n"), err


def test_a_comment_the_yaml_library_cannot_keep_is_named_in_the_summary(catalog_dir: Path, tmp_path: Path) -> None:
    """ruamel.yaml keeps no comment inside a multi-line flow value: `assess` cannot keep it there,
    so its summary (and JSON) quote it with the line it was on, instead of dropping it silently."""
    body = "        answer: null  # yes | partial | no | n/a\n        notes: null\n        evidence: []\n        waiver: null\n"
    folder = project(
        tmp_path,
        catalog_dir,
        [(QUESTION + "\n" + body, QUESTION + '\n        answer: "yes"\n        evidence: [minutes,  # signed by Ada\n          ticket]\n')],
    )
    path = folder / "fm-governance.yaml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "# signed by Ada" in text)
    code, out, err = run("assess", str(folder), "--no-scan", "--checklists-dir", str(catalog_dir), "--dry-run", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["comments_lost"] == [{"line": line, "comment": "# signed by Ada"}]
    out = assess(folder, catalog_dir)
    assert f"  line {line}: comment not kept (none can be inside a multi-line {{ }} or [ ]); put it on a line of its own: # signed by Ada" in out
    assert check_answers(path, catalog_dir)["AL-01"] == "yes"
    assert assess(folder, catalog_dir).strip() == f"{path}: up to date"


# --- any spelling, both readers -------------------------------------------------------------------


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """An answer in some case, with ASCII spaces around it, written plain or double-quoted; and the
    answer it means."""
    word = draw(st.sampled_from(["yes", "partial", "no", "n/a"]))
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    spaced = draw(st.sampled_from(["", " ", "\t"])) + cased + draw(st.sampled_from(["", " ", "  "]))
    quoted = spaced != spaced.strip() or draw(st.booleans())
    return (f'"{spaced}"' if quoted else cased), word


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(spellings(), min_size=5, max_size=5))
def test_any_spelling_reads_alike_before_and_after_assess(catalog_dir: Path, tmp_path_factory: pytest.TempPathFactory, written: list[tuple[str, str]]) -> None:
    tmp = tmp_path_factory.mktemp("spell")
    replacements: list[tuple[str, str]] = []
    for spelled, _ in written:
        replacements.append(("answer: null ", f"answer: {spelled} "))
        replacements.append(("notes: null", "notes: why"))  # an n/a needs notes
    folder = project(tmp, catalog_dir, replacements)
    path = folder / "fm-governance.yaml"
    expected = dict(zip(["AL-01", "AL-02", "AL-03", "BE-01", "BE-02"], [meaning for _, meaning in written], strict=True))
    assert check_answers(path, catalog_dir) == expected
    assess(folder, catalog_dir)
    assert check_answers(path, catalog_dir) == expected
    answers = re.findall(r"answer: (.*?)  #", path.read_text(encoding="utf-8"))
    assert answers == [spelled if spelled == meaning else f'"{meaning}"' for spelled, meaning in written]
    before = path.read_bytes()
    assess(folder, catalog_dir)
    assert path.read_bytes() == before


def test_words_kept_in_a_file_indented_four_spaces(catalog_dir: Path, tmp_path: Path) -> None:
    """`assess` writes mappings two spaces a level: the words' own line follows the file as written."""
    folder = tmp_path / "four"
    folder.mkdir()
    path = folder / "fm-governance.yaml"
    path.write_text(
        'project:\n    name: p\ncontext:\n    modes: []\nchecklists:\n    alpha:\n        version: "1.0.0"\n        items:\n'
        "            AL-01:  # [critical · legal] Is AL-01 under control? four spaces\n                answer: YES\n                notes: null\n",
        encoding="utf-8",
    )
    assess(folder, catalog_dir, "--checklist", "alpha")
    text = path.read_text(encoding="utf-8")
    assert re.search(r"\n      AL-01: +# \[critical · legal\] Is AL-01 under control\?\n        # four spaces\n        answer: \"yes\"", text), text
    before = path.read_bytes()
    assess(folder, catalog_dir, "--checklist", "alpha")
    assert path.read_bytes() == before
