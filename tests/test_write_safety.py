"""A person's files are never lost to an output, a template, a scan or a symlink (CliRunner).

Each test is a way a command used to destroy or hide work: a report written over the assessment it
read, a template over answers, an answer saved during a scan and then overwritten, a symlink turned
into a plain file, a device node "written" by replacing it, a full disk leaving half a report.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.core.files import is_temporary_name


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def assessed(tmp_path: Path) -> Path:
    """An assessment with one answer and a comment, created by `assess`."""
    project = tmp_path / "proj"
    project.mkdir()
    assert run("assess", str(project), "--no-scan", "--checklist", "data-exposure")[0] == 0
    path = project / "fm-governance.yaml"
    path.write_text(path.read_text().replace("answer: null", 'answer: "yes"  # checked by legal', 1))
    return path


def answered(path: Path) -> bool:
    return 'answer: "yes"  # checked by legal' in path.read_text()


# --- 1: an output never replaces the file being read, an assessment or a checklist -----------------

COMMANDS = [
    ["check", "--format", "json"],
    ["check", "--format", "markdown"],
    ["check", "--format", "sarif"],
    ["check", "--format", "junit"],
    ["check", "--format", "text"],
    ["report"],
    ["report", "--format", "html"],
]


@pytest.mark.parametrize("spelling", ["same", "relative", "symlink", "hardlink"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_an_output_never_replaces_the_assessment_being_read(assessed: Path, command: list[str], spelling: str) -> None:
    before = assessed.read_text()
    (assessed.parent / "sub").mkdir()
    if spelling == "same":
        output = str(assessed)
    elif spelling == "relative":
        output = str(assessed.parent / "sub" / ".." / assessed.name)
    elif spelling == "symlink":
        (assessed.parent / "link.yaml").symlink_to(assessed.name)
        output = str(assessed.parent / "link.yaml")
    else:
        os.link(assessed, assessed.parent / "hard.yaml")
        output = str(assessed.parent / "hard.yaml")
    for force in ([], ["--force"]):
        code, out, err = run(command[0], str(assessed), *command[1:], "-o", output, *force)
        assert code == 2, (out, err)
        line = one_error_line(err)
        assert line.startswith(f"{output}: is the file being read") and " — " in line, line
        assert assessed.read_text() == before


def test_an_output_never_replaces_another_assessment_or_a_checklist(assessed: Path, tmp_path: Path, catalog_dir: Path) -> None:
    other = tmp_path / "other-project.yaml"  # an assessment by content, whatever its name
    other.write_text(assessed.read_text())
    loaded = catalog_dir / "alpha.yaml"  # a checklist the catalog loaded
    lookalike = tmp_path / "draft-checklist.yaml"  # shaped like a checklist, not loaded
    lookalike.write_text("id: draft\ntitle: Draft\nitems:\n  - id: DR-01\n")
    # The same assessment written in JSON syntax (JSON is YAML: the tool reads it as one), and in
    # flow-style YAML that is not JSON: both are still assessments.
    as_json = tmp_path / "other-project.json"
    from fm_governance.core.yamlio import load_located

    as_json.write_text(json.dumps(load_located(assessed.read_text(), "x")[0], default=str))
    as_flow = tmp_path / "flow.yaml"
    as_flow.write_text("{project: {name: flow}, checklists: {data-exposure: {items: {DE-01: {answer: 'yes'}}}}}\n")
    cases = (
        (other, "is an assessment"),
        (as_json, "is an assessment"),
        (as_flow, "is an assessment"),
        (loaded, "is a checklist"),
        (lookalike, "looks like a checklist"),
    )
    for target, expected in cases:
        before = target.read_text()
        for args in (["check", str(assessed), "--format", "json"], ["report", str(assessed)]):
            code, _, err = run(*args, "-o", str(target), "--force", "--checklists-dir", str(catalog_dir))
            assert code == 2 and one_error_line(err).startswith(f"{target}: {expected}"), err
        if target not in (other, as_json, as_flow):  # a template replaces an assessment when told to (see the template tests)
            code, _, err = run("template", "-o", str(target), "--force", "--discard-answers")
            assert code == 2 and "checklist" in one_error_line(err)
        assert target.read_text() == before


def test_an_existing_output_file_is_replaced_only_with_force(assessed: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    code, out, _ = run("check", str(assessed), "--format", "json", "-o", str(report))
    assert code == 0 and out == "" and json.loads(report.read_text())["project"]["name"] == "proj"
    report.write_text("yesterday's report")
    code, _, err = run("check", str(assessed), "--format", "json", "-o", str(report))
    assert code == 2 and one_error_line(err) == f"{report}: already exists — pass --force to replace it, or write to another file"
    assert report.read_text() == "yesterday's report"
    assert run("check", str(assessed), "--format", "json", "-o", str(report), "--force")[0] == 0
    assert json.loads(report.read_text())["project"]["name"] == "proj"
    for args in (["report", str(assessed)], ["schema", "assessment"]):
        code, _, err = run(*args, "-o", str(report))
        assert code == 2 and "already exists" in err
        assert run(*args, "-o", str(report), "--force")[0] == 0


def test_dash_means_standard_output(assessed: Path) -> None:
    code, out, _ = run("check", str(assessed), "--format", "json", "-o", "-")
    assert code == 0 and json.loads(out)["project"]["name"] == "proj"
    assert not Path("-").exists()
    code, out, _ = run("schema", "checklist", "-o", "-")
    assert code == 0 and json.loads(out)["$schema"]


# --- 2: template never blanks answers unless told so in so many words ----------------------------


def test_template_never_blanks_an_answered_assessment_without_discard_answers(assessed: Path) -> None:
    before = assessed.read_text()
    code, _, err = run("template", "-o", str(assessed))
    assert code == 2 and "is an existing assessment — pass --force" in one_error_line(err)
    code, _, err = run("template", "-o", str(assessed), "--force")
    assert code == 2 and "is an assessment with answers; a template would blank them — pass --force --discard-answers" in one_error_line(err)
    code, _, err = run("template", "-o", str(assessed), "--discard-answers")  # the second flag alone is not enough
    assert code == 2 and assessed.read_text() == before
    assert run("template", "data-exposure", "-o", str(assessed), "--force", "--discard-answers")[0] == 0
    assert not answered(assessed) and "answer: null" in assessed.read_text()


def test_template_replaces_a_blank_assessment_or_another_file_only_with_force(tmp_path: Path) -> None:
    blank = tmp_path / "fm-governance.yaml"
    assert run("template", "data-exposure", "-o", str(blank))[0] == 0  # a new file needs nothing
    code, _, err = run("template", "vendor-lock-in", "-o", str(blank))
    assert code == 2 and "pass --force" in err and "vendor-lock-in:" not in blank.read_text()
    assert run("template", "vendor-lock-in", "-o", str(blank), "--force")[0] == 0  # no answers: --force is enough
    assert "vendor-lock-in:" in blank.read_text()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    code, _, err = run("template", "-o", str(notes))
    assert code == 2 and one_error_line(err).startswith(f"{notes}: already exists") and notes.read_text() == "my notes"


# --- 3: an answer saved while assess scans (or merges) is kept --------------------------------------


def test_an_answer_saved_during_the_scan_survives(assessed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fm_governance.scan as scan

    real_scan = scan.scan_project

    def slow_scan(*args: object, **kwargs: object) -> object:
        # A person answers DE-02 while the (slow) scan runs.
        head, marker, tail = assessed.read_text().partition("DE-02:")
        assessed.write_text(head + marker + tail.replace("answer: null", 'answer: "no"  # saved during the scan', 1))
        return real_scan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "scan_project", slow_scan)
    code, _out, err = run("assess", str(assessed.parent))
    assert code == 0, err
    text = assessed.read_text()
    assert 'answer: "no"  # saved during the scan' in text and answered(assessed)
    assert "inventory:" in text  # and the scan's result was merged in too


def test_a_change_saved_during_the_merge_is_merged_again_not_overwritten(assessed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fm_governance.core.assessment as assessment

    real_render = assessment.render
    calls = []

    def render_while_a_person_saves(*args: object, **kwargs: object) -> str:
        calls.append(1)
        if len(calls) == 1:  # an editor saves between assess's read and its write
            assessed.write_text(assessed.read_text().replace("notes: null", "notes: saved meanwhile", 1))
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assessment, "render", render_while_a_person_saves)
    code, _, err = run("assess", str(assessed.parent), "--no-scan", "--checklist", "vendor-lock-in")
    assert code == 0, err
    text = assessed.read_text()
    assert "notes: saved meanwhile" in text and "vendor-lock-in:" in text and answered(assessed)
    assert len(calls) == 2


def test_a_file_that_keeps_changing_stops_assess_with_a_located_error(assessed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fm_governance.core.assessment as assessment

    real_render = assessment.render

    def render_while_a_person_saves(*args: object, **kwargs: object) -> str:
        assessed.write_text(assessed.read_text() + "# edited\n")
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assessment, "render", render_while_a_person_saves)
    code, _, err = run("assess", str(assessed.parent), "--no-scan", "--checklist", "vendor-lock-in")
    assert code == 2
    assert (
        one_error_line(err)
        == f"{assessed}: changed on disk while fm-governance was working on it — nothing was written; run the command again to merge the new content"
    )
    assert "vendor-lock-in:" not in assessed.read_text() and answered(assessed)


# --- 6: symlinks, modes, non-regular targets, one atomic write path ---------------------------------


def test_assess_writes_through_a_symlink_keeping_the_link_and_the_target_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "team-assessment.yaml"
    project = tmp_path / "proj"
    project.mkdir()
    assert run("assess", str(project), "--no-scan", "--checklist", "data-exposure", "-o", str(target))[0] == 0
    target.chmod(0o640)
    link = project / "fm-governance.yaml"
    link.symlink_to(target)
    code, _, err = run("assess", str(project), "--no-scan", "--checklist", "vendor-lock-in")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "vendor-lock-in:" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in (*project.iterdir(), *shared.iterdir()) if is_temporary_name(p.name)]


@pytest.mark.parametrize("command", [["check", "--format", "json"], ["report"], ["schema", "assessment"], ["template"]], ids=lambda c: c[0])
def test_outputs_refuse_devices_and_pipes(assessed: Path, tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    args = [command[0], *([str(assessed)] if command[0] in ("check", "report") else []), *command[1:]]
    for target, kind in (("/dev/null", "a character device"), (str(fifo), "a named pipe (FIFO)")):
        code, _, err = run(*args, "-o", target, "--force")
        assert code == 2 and one_error_line(err).startswith(f"{target}: is {kind}, not a regular file — "), err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_text_report_write_leaves_the_old_report_and_names_it(assessed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.txt"
    report.write_text("the previous report\n")

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, err = run("check", str(assessed), "--format", "text", "-o", str(report), "--force")
    assert code == 2
    assert one_error_line(err) == f"{report}: cannot be written (No space left on device) — free some space; the previous file was left as it was"
    assert report.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", "report.txt"]  # no temporary file left
    monkeypatch.undo()
    assert run("check", str(assessed), "--format", "text", "-o", str(report), "--force")[0] == 0
    assert "Data exposure" in report.read_text()


def test_a_read_only_assessment_is_not_replaced(assessed: Path) -> None:
    before = assessed.read_text()
    assessed.chmod(0o444)
    code, _, err = run("assess", str(assessed.parent), "--no-scan", "--checklist", "vendor-lock-in")
    assert code == 2
    assert one_error_line(err) == f"{assessed}: is read-only — make it writable (chmod u+w) if it should change, or write elsewhere"
    assert assessed.read_text() == before and stat.S_IMODE(assessed.stat().st_mode) == 0o444
    assert run("assess", str(assessed.parent), "--no-scan")[0] == 0  # nothing to change: reading is fine


# --- 21 and the tool's own files -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_fail_under_refuses_nan_and_infinities(assessed: Path, value: str) -> None:
    code, out, err = run("check", str(assessed), "--fail-under", value)
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert "check: Invalid value for '--fail-under'" in line and "check --help`" in line


def test_temporary_files_of_crashed_writes_are_not_scanned(tmp_path: Path) -> None:
    project = tmp_path / "app"
    project.mkdir()
    (project / "main.py").write_text("print('hello')\n")
    leftover = "import openai\nclient = openai.OpenAI()\nmodel = 'gpt-4o-mini'\n"
    (project / ".fm-governance.yaml.k2j4h1_x.tmp").write_text(leftover)  # as earlier versions named them
    (project / "docs").mkdir()
    (project / "docs" / ".report.md.a8b7c6d5.fmg-tmp").write_text(leftover)
    code, out, err = run("assess", str(project), "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["providers"] == [] and summary["models"] == []
    names = {p.name for p in project.iterdir()}
    assert names == {"main.py", "fm-governance.yaml", ".fm-governance.yaml.k2j4h1_x.tmp", "docs"}  # no lock or temp file added


def test_assess_removes_old_leftovers_of_its_own_crashed_writes(tmp_path: Path) -> None:
    old = tmp_path / ".fm-governance.yaml.k2j4h1_x.fmg-tmp"
    recent = tmp_path / ".fm-governance.yaml.m3n4b5v6.fmg-tmp"  # perhaps a write in progress
    other = tmp_path / ".report.md.a8b7c6d5.fmg-tmp"  # not this file's
    for leftover in (old, recent, other):
        leftover.write_text("half a file")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    os.utime(other, (1_000_000_000, 1_000_000_000))
    assert run("assess", str(tmp_path), "--no-scan")[0] == 0
    assert not old.exists() and recent.exists() and other.exists()
