"""Every terminal line shows file text as written and lets none of it act on the terminal.

The ``check`` report is covered in test_reports.py; here are the other lines a person reads: what
``assess`` did and what its scan found (project paths, model ids and providers come from the
scanned repository), and the one-line errors, which quote values from files.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.core.errors import InputError, Location
from fm_governance.core.escaping import terminal_line, terminal_text
from fm_governance.core.scoring import Problem
from fm_governance.core.terminal import assess_summary, scan_summary

OSC8 = "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07"
# The same in a file name: a hyperlink whose target has no slash.
OSC8_NAME = "\x1b]8;;evil.example\x07link\x1b]8;;\x07"
DANGER = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\x00", "\r")


def assert_inert(text: str) -> None:
    for ch in DANGER:
        assert ch not in text, repr(text)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (OSC8, "link"),  # a hyperlink loses its target, keeps its text
        ("\x1b[1;31mred\x1b[0m", "red"),
        ("a\x9b2Jb", "ab"),  # the 8-bit CSI
        ("\x1b]0;new title\x1b\\after", "after"),  # a window title, ended by ST
        ("\x1bPdevice control\x1b\\ok", "ok"),
        ("\x1b(0charset", "charset"),
        ("x\x1b]8;;unterminated", "x8;;unterminated"),  # no terminator: only the introducer goes
        ("abc\u202edef\u202c", "abcdef"),
        ("\u2067isolate\u2069", "isolate"),
        ("nul\x00 bs\x08 del\x7f", "nul bs del"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("[/] [link=x]y[/link] :100:", "[/] [link=x]y[/link] :100:"),
        ("Zürich 東京 ½", "Zürich 東京 ½"),
    ],
)
def test_terminal_text_strips_sequences_and_keeps_text(raw: str, shown: str) -> None:
    assert terminal_text(raw) == shown


def test_error_lines_quote_values_safely() -> None:
    error = InputError(Location(f"dir{OSC8_NAME}/fm-governance.yaml", 3, 5), f"bad value 'a\nb\x1b[2J{OSC8}\u202e'", "fix it")
    line = error.one_line()
    assert_inert(line)
    assert "\n" not in line
    assert line == "dirlink/fm-governance.yaml:3:5: bad value 'a blink' — fix it"
    assert str(error) == line
    problem = Problem("warning", Location("f.yaml", 1, 2), f"unknown key {OSC8}")
    assert problem.one_line() == "f.yaml:1:2: warning: unknown key link"


def test_a_hostile_file_name_gives_a_clean_error_line(tmp_path: Path) -> None:
    name = str(tmp_path / f"missing{OSC8_NAME}\u202e.yaml")
    result = CliRunner().invoke(main, ["check", name])
    assert result.exit_code == 2
    assert_inert(result.stderr)
    assert result.stderr.count("\n") == 1
    assert "missinglink.yaml" in result.stderr


def test_assess_summary_of_a_hostile_folder(tmp_path: Path) -> None:
    project = tmp_path / f"proj{OSC8_NAME}\x1b[31m\u202e"
    project.mkdir()
    result = CliRunner().invoke(main, ["assess", str(project), "--no-scan"])
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout)
    assert result.stdout.splitlines()[0] == terminal_line(f"{project}/fm-governance.yaml: created")


def test_scan_summary_prints_found_values_inertly() -> None:
    scan = SimpleNamespace(
        providers=[{"id": f"openai{OSC8}"}, {"id": "[bold]anthropic[/bold]"}],
        models=[{"id": "gpt-4o\nsigned: yes"}, {"id": "\x1b[2Jclaude"}],
        signals=[{"id": "single-provider\u202e"}],
        skipped=[{"path": "x"}],
        stats={"files_listed": 3},
    )
    text = scan_summary(scan)
    assert_inert(text)
    assert text.splitlines() == [
        "scan: 3 files; providers in use: openailink, [bold]anthropic[/bold]",
        "  models: claude, gpt-4o signed: yes",
        "  signals: single-provider",
        "  skipped 1 paths (see --format json)",
    ]


def test_assess_summary_lines_stay_lines() -> None:
    change = SimpleNamespace(
        changed=True,
        created=False,
        old_version="1.0.0",
        new_version="1.1.0\n2.0",
        added=["X-01\x1b[2J"],
        carried_over={"X-02": "X-01"},
        retired=[],
        checklist_id=f"c{OSC8}",
        normalised=[],
        words_kept=[SimpleNamespace(item_id="X-03", before="# [high · legal] Q? mine", after=f"# mine{OSC8}\nsecond line")],
        comments_replaced=[],
        regraded=[("X-04\x1b[2J", "high", "critical")],
        review=[f"X-05{OSC8}"],
    )
    text = assess_summary(f"a{OSC8}.yaml", "updated", [change], inventory_comments=[f"# a{OSC8}"])
    assert_inert(text)
    assert text.splitlines() == [
        "alink.yaml: updated",
        "  clink: 1.0.0 → 1.1.0 2.0; new items X-01; answers carried over X-01 → X-02",
        "  clink: regraded 1 item: X-04 high → critical",
        "  clink: 1 answer to a changed question marked `review:` (re-confirm, then delete the key): X-05link",
        "  clink: X-03: words after its question moved to a line of their own: # minelink second line",
        "  inventory: moved 1 comment above `inventory:` (the scanner rewrites the section)",
    ]


def test_checklists_lists_a_hostile_title_inertly(tmp_path: Path) -> None:
    from conftest import item, write_checklist

    path = write_checklist(tmp_path / "lists", "custom", [item("CU-01")])
    path.write_text(path.read_text(encoding="utf-8").replace("title: Custom", 'title: "Custom \\e]8;;x\\alink\\e]8;;\\a \\e[2J[b]x[/b]"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["checklists", "--checklists-dir", str(tmp_path / "lists")])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("custom"))
    assert_inert(line)
    assert line.endswith("items  Custom link [b]x[/b]")


def test_a_location_is_never_an_emoji(tmp_path: Path) -> None:
    import shutil

    example = Path(__file__).parents[1] / "examples" / "support-bot" / "fm-governance.yaml"
    copy = tmp_path / "fm-governance.yaml"
    shutil.copy(example, copy)
    # DE-11 must sit on line 100 (":100:" is rich's emoji code): the scanner's inventory, whose
    # length changes with every re-scan of the example, is left out and comment lines make up the rest.
    # The provider-terms suggestion lines (which follow the data) are left out too.
    lines = [line for line in copy.read_text(encoding="utf-8").splitlines(keepends=True) if "# [terms] " not in line]
    start = lines.index(next(line for line in lines if line.startswith("inventory:")))
    end = lines.index(next(line for line in lines if line.startswith("checklists:")))
    del lines[start:end]
    pad = 99 - lines.index(next(line for line in lines if line.startswith("      DE-11:")))
    assert pad >= 0
    lines[1:1] = ["# padding\n"] * pad
    copy.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(copy), "--as-of", "2026-11-22"])
    assert f"{copy}:100:7: DE-11" in result.stdout  # rich's emoji codes made this fm-governance.yaml💯7
    assert "💯" not in result.stdout


def test_the_dry_run_diff_quotes_the_file_inertly(tmp_path: Path, catalog_dir: Path) -> None:
    # A comment may hold a raw right-to-left override (YAML allows it); the diff shows the comment,
    # not the reordering. The comment sits where the added checklist's context lines show it.
    runner = CliRunner()
    file = tmp_path / "fm-governance.yaml"
    args = ["--checklists-dir", str(catalog_dir)]
    assert runner.invoke(main, ["assess", str(tmp_path), "--no-scan", "--checklist", "alpha", *args]).exit_code == 0
    file.write_text(file.read_text("utf-8") + "# owner note \u202eevil\u202c done\n", "utf-8")
    done = runner.invoke(main, ["assess", str(tmp_path), "--no-scan", "--dry-run", "--checklist", "beta", *args])
    assert done.exit_code == 0, done.output
    assert "owner note evil done" in done.output
    assert "BE-01" in done.output
    assert_inert(done.output)


def test_the_json_summary_of_assess_is_valid_for_any_file_name(tmp_path: Path, catalog_dir: Path) -> None:
    import json

    project = tmp_path / "p\u202eq"
    project.mkdir()
    done = CliRunner().invoke(main, ["assess", str(project), "--no-scan", "--format", "json", "--checklists-dir", str(catalog_dir)])
    assert done.exit_code == 0, done.output
    assert "\u202e" not in done.output  # escaped as \u202e inside the JSON string
    assert json.loads(done.output)["file"] == str(project / "fm-governance.yaml")
