"""Odd but possible YAML in an assessment, as `check` and `assess` meet it.

Both commands read through the same located reader (and `assess` then builds the editable
document), so they give the same verdict on every file: both accept it, or both refuse it with the
same one-line ``file:line:column`` message and exit code 2 — never an internal error.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import item, write_checklist
from fm_governance.cli import main
from fm_governance.core import assessment as assessment_module
from fm_governance.core import yamlio


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a blank two-item assessment of the small `alpha` checklist."""
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item("AL-01", "critical"), item("AL-02", "high")])
    root = tmp_path / "proj"
    root.mkdir()
    code, _, err = run("assess", str(root), "--no-scan", "--checklists-dir", str(folder), "--checklist", "alpha")
    assert code == 0, err
    return root


def checklists_dir(project: Path) -> str:
    return str(project.parent / "checklists")


def path_of(project: Path) -> Path:
    return project / "fm-governance.yaml"


def edit(project: Path, old: str, new: str, count: int = 1) -> str:
    path = path_of(project)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def check(project: Path, *extra: str) -> tuple[int, str, str]:
    return run("check", str(path_of(project)), "--checklists-dir", checklists_dir(project), *extra)


def assess(project: Path) -> tuple[int, str, str]:
    return run("assess", str(project), "--no-scan", "--checklists-dir", checklists_dir(project))


def both_refuse(project: Path, where: str, fragment: str) -> str:
    """`check` and `assess` exit 2 with the same single line, located at ``where`` (a regular
    expression for ``line:column``); the file is left alone."""
    before = path_of(project).read_bytes()
    lines = []
    for command in (check, assess):
        code, out, err = command(project)
        assert code == 2, (command.__name__, out, err)
        assert "internal error" not in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
        lines.append(err.strip())
    assert lines[0] == lines[1], lines
    assert re.match(re.escape(f"{path_of(project)}:") + where + ": ", lines[0]), lines[0]
    assert fragment in lines[0], lines[0]
    assert path_of(project).read_bytes() == before
    return lines[0]


def both_accept(project: Path) -> None:
    code, out, err = check(project)
    assert code == 0, (out, err)
    code, out, err = assess(project)
    assert code == 0, (out, err)


# --- cause 5: standard tags that do not round-trip -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!set {alice, bob}", "!!set"),
        ("!!omap [{a: 1}, {b: 2}]", "!!omap"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!timestamp 2024-01-01", "!!timestamp"),
        ("!!str 123", "!!str"),
        ("!!pairs [{a: 1}]", "!!pairs"),
        ("! 123", "!"),
        ("!<tag:yaml.org,2002:set> {a}", "!<tag:yaml.org,2002:set>"),
    ],
)
def test_tagged_values_are_refused_where_written_by_check_and_assess(project: Path, value: str, tag: str) -> None:
    # A key of the person's own (kept and ignored by the tool), where any value is allowed.
    edit(project, "  assessors: []\n", f"  assessors: []\n  team: {value}\n")
    both_refuse(project, "9:9", f"YAML tag {tag!r} is not allowed")


def test_a_set_is_never_rewritten_as_a_mapping_of_nulls(project: Path) -> None:
    """The shape of the original report: `{alice, bob}` became `{alice null, bob null}`."""
    edit(project, "  assessors: []\n", "  assessors: []\n  team: !!set {alice, bob}\n")
    assess(project)
    assert "alice null" not in path_of(project).read_text(encoding="utf-8")


# --- cause 11: tags with values that do not fit them, numbers too long to read ---------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('!!int "abc"', "YAML tag '!!int' is not allowed"),
        ("!!bool maybe", "YAML tag '!!bool' is not allowed"),
        ("!!float abc", "YAML tag '!!float' is not allowed"),
        ("9" * 5000, "a number of 5,000 digits is too long to read"),
        ("-" + "1" * 4301, "a number of 4,301 digits is too long to read"),
    ],
)
def test_bad_scalars_are_located_errors_not_internal_errors(project: Path, value: str, fragment: str) -> None:
    edit(project, "        notes: null\n", f"        notes: {value}\n")
    both_refuse(project, "21:16", fragment)


def test_installed_command_locates_a_bad_tag(project: Path, installed_cli: str) -> None:
    edit(project, "        notes: null\n", '        notes: !!int "abc"\n')
    for command in (["check", str(path_of(project))], ["assess", str(project), "--no-scan"]):
        done = subprocess.run([installed_cli, *command, "--checklists-dir", checklists_dir(project)], capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"{path_of(project)}:21:16: YAML tag '!!int' is not allowed"), done.stderr
        assert "Traceback" not in done.stderr


# --- cause 12: impossible dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        ("  date: null\n", "  date: 2024-13-01\n", "9:9", 'project.date: "2024-13-01" is not a valid date'),
        (
            "        waiver: null\n",
            "        waiver:\n          reason: r\n          approved_by: a\n          expires: 2025-02-30\n",
            "26:20",
            'waiver.expires: "2025-02-30" is not a valid date',
        ),
    ],
)
def test_impossible_dates_are_the_same_located_error_for_check_and_assess(project: Path, old: str, new: str, where: str, fragment: str) -> None:
    edit(project, old, new)
    both_refuse(project, where, fragment)


def test_dates_where_no_date_is_required_are_text_and_kept_exactly(project: Path) -> None:
    text = edit(project, "  assessors: []\n", "  assessors: []\n  started: 2024-13-01\n  review: 2024-01-01T10:00:00.50+01:00\n")
    both_accept(project)
    assert path_of(project).read_text(encoding="utf-8") == text


# --- cause 13: directives -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "%TAG !e! tag:example.com,2000:\n---\n", "---\n", "# mine\n%YAML 1.2\n--- # start\n"]
)
def test_directives_are_read_and_kept(project: Path, header: str) -> None:
    path = path_of(project)
    text = header + path.read_text(encoding="utf-8").replace("answer: null  # yes", 'answer: "yes"  # yes', 1)
    path.write_text(text, encoding="utf-8")
    code, out, err = check(project, "--format", "json")
    assert code == 0, err
    code, out, err = assess(project)
    assert code == 0, err
    assert "up to date" in out
    assert path.read_text(encoding="utf-8") == text
    # A change is written below the directives, which stay.
    write_checklist(project.parent / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "high"), item("AL-03")], version="1.1.0")
    code, out, err = assess(project)
    assert code == 0, err
    assert path.read_text(encoding="utf-8").startswith(header)
    assert "AL-03" in path.read_text(encoding="utf-8")


def test_yaml_1_1_words_mean_the_same_to_every_command(project: Path) -> None:
    """Scalars are read by one table, the YAML 1.2 core schema, whatever the directive: `yes` is
    the answer "yes" for `check` and is written back as it was by `assess`."""
    path = path_of(project)
    text = "%YAML 1.1\n---\n" + path.read_text(encoding="utf-8").replace("answer: null", "answer: yes", 1)
    path.write_text(text, encoding="utf-8")
    code, out, _ = check(project, "--format", "json")
    assert code == 0
    first = json.loads(out)["items"][0]
    assert (first["id"], first["answer"], first["status"]) == ("AL-01", "yes", "met")
    assert assess(project)[0] == 0
    assert path.read_text(encoding="utf-8") == text


# --- cause 14: an item that is an alias of another ------------------------------------------------------


def test_an_aliased_item_becomes_an_independent_copy(project: Path) -> None:
    path = path_of(project)
    text = path.read_text(encoding="utf-8")
    first = text.index("      AL-01:")
    second = text.index("      AL-02:")
    head, al01, rest = text[:first], text[first:second], text[second:]
    al01 = al01.replace("      AL-01:  #", "      AL-01: &first  #").replace("answer: null", 'answer: "no"').replace("notes: null", "notes: shared note")
    rest = rest[: rest.index("\n") + 1]  # the AL-02 line itself, then its body is dropped …
    body_end = text.index("waiver: null", second) + len("waiver: null\n")
    path.write_text(head + al01 + "      # about AL-02\n      AL-02: *first\n" + text[body_end:], encoding="utf-8")
    code, before, _ = check(project, "--format", "json")
    assert code == 0
    code, _, err = assess(project)
    assert code == 0, err
    written = path.read_text(encoding="utf-8")
    assert "*first" not in written and "# about AL-02" in written
    assert written.count('answer: "no"') == 2 and written.count("notes: shared note") == 2
    assert "AL-01:  # [critical · legal] Is AL-01 under control?" in written
    assert "AL-02:  # [high · legal] Is AL-02 under control?" in written
    code, after, _ = check(project, "--format", "json")
    assert code == 0
    assert _scores(before) == _scores(after)
    # From now on each item is answered on its own.
    head, sep, tail = written.partition("AL-02:")
    path.write_text(head + sep + tail.replace('answer: "no"', 'answer: "yes"', 1), encoding="utf-8")
    assert assess(project)[0] == 0
    final = path.read_text(encoding="utf-8")
    assert final.count('answer: "no"') == 1 and final.count('answer: "yes"') == 1


def _scores(report: str) -> list[tuple[str, object, str]]:
    return [(i["id"], i["answer"], i["status"]) for i in json.loads(report)["items"]]


# --- smaller findings ------------------------------------------------------------------------------------


def test_merge_keys_are_refused_by_name(project: Path) -> None:
    edit(project, "  assessors: []\n", "  assessors: []\n  base: &b {x: 1}\n  more:\n    <<: *b\n")
    both_refuse(project, "11:5", "merge keys (<<) are not supported")


def test_nesting_too_deep_is_located(project: Path) -> None:
    edit(project, "  assessors: []\n", "  assessors: []\n  deep: " + "[" * 70 + "]" * 70 + "\n")
    both_refuse(project, "9:72", "nested deeper than 64 levels")
    edit(project, "  deep: " + "[" * 70, "  deep: " + "[" * 5000 + "[" * 70)
    # Beyond libyaml's own limit (1,000 levels) the position is where libyaml stopped reading.
    both_refuse(project, r"9:\d+", "nested deeper than 64 levels")


def test_item_ids_ending_in_a_newline_are_refused(project: Path) -> None:
    edit(project, "      AL-01:  #", '      "AL-01\\n":  #')
    both_refuse(project, "19:7", 'checklists.alpha.items: "AL-01\\n" is not well-formed')


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_line_endings_are_kept(project: Path, ending: str) -> None:
    path = path_of(project)
    text = path.read_text(encoding="utf-8").replace("      AL-02:", "      # mine\n      AL-02:")
    path.write_bytes(text.replace("\n", ending).encode("utf-8"))
    both_accept(project)
    write_checklist(project.parent / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "high"), item("AL-03")], version="1.1.0")
    assert assess(project)[0] == 0
    data = path.read_bytes().decode("utf-8")
    assert "AL-03" in data and "# mine" in data
    assert data.replace(ending, "").count("\n") == 0 and data.replace(ending, "").count("\r") == 0


def test_a_template_too_large_to_read_back_is_refused_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "checklists"
    path = write_checklist(folder, "alpha", [item(f"AL-{n:03d}") for n in range(1, 200)])
    assert assessment_module.MAX_BYTES == yamlio.MAX_BYTES  # one limit for writing and reading
    monkeypatch.setattr(assessment_module, "MAX_BYTES", 20_000)
    out = tmp_path / "blank.yaml"
    code, _, err = run("template", "alpha", "--checklists-dir", str(folder), "-o", str(out))
    assert code == 2
    assert err.startswith(f"{path}:1:1: the assessment would be "), err
    assert "select fewer checklists" in err
    assert not out.exists()


def test_a_large_file_without_aliases_is_not_blamed_on_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_EXPANDED_NODES", 1_000)
    written_out = "a:\n" + "".join(f"  - {n}\n" for n in range(5_000))
    assert len(yamlio.load_located(written_out, "f.yaml")[0]["a"]) == 5_000
    assert len(yamlio.load_text(written_out, "f.yaml")["a"]) == 5_000
    repeated = "a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    for reader in (yamlio.load_located, yamlio.load_text):
        with pytest.raises(yamlio.InputError, match=r"^f\.yaml:1:4: expands to more than 1,000 values through YAML aliases"):
            reader(repeated, "f.yaml")


def test_assess_refuses_to_write_an_assessment_too_large_to_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item(f"AL-{n:03d}") for n in range(1, 200)])
    monkeypatch.setattr(assessment_module, "MAX_BYTES", 20_000)
    root = tmp_path / "proj"
    root.mkdir()
    code, _, err = run("assess", str(root), "--no-scan", "--checklists-dir", str(folder), "--checklist", "alpha")
    assert code == 2
    assert re.match(r".*fm-governance\.yaml:1:1: the assessment would be 0\.\d MiB, over the [0-9.]+ MiB limit", err), err
    assert not (root / "fm-governance.yaml").exists()


def test_an_aliased_item_with_anchors_inside_is_written_readable(project: Path) -> None:
    """Found by the agreement property: the copy must not repeat the anchors inside the item."""
    path = path_of(project)
    text = path.read_text(encoding="utf-8")
    start = text.index("      AL-01:")
    path.write_text(text[:start] + '      AL-01: &a1 {answer: "yes", mine: &a2 "x", n: &a3 5}\n      AL-02: *a1\nmine: *a2\n', encoding="utf-8")
    both_accept(project)
    written = path.read_text(encoding="utf-8")
    assert written.count("&a2") == 1 and "mine: *a2" in written
    code, out, err = check(project, "--format", "json")
    assert code == 0, err
    assert [(i["id"], i["answer"]) for i in json.loads(out)["items"]] == [("AL-01", "yes"), ("AL-02", "yes")]
