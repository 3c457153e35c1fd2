"""The command line as people and CI call it: CliRunner for behaviour, subprocess for the real thing."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from fm_governance import __version__
from fm_governance.cli import main
from fm_governance.core.checklists import load_catalog

EXAMPLE = Path(__file__).parents[1] / "examples" / "support-bot" / "fm-governance.yaml"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is not None:
        with runner.isolated_filesystem(temp_dir=cwd):
            pass
    result = runner.invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    return root


def assessment_text(project: Path) -> str:
    return (project / "fm-governance.yaml").read_text()


def answer(project: Path, item_id: str, value: str) -> None:
    path = project / "fm-governance.yaml"
    head, marker, tail = path.read_text().partition(f"{item_id}:")
    path.write_text(head + marker + tail.replace("answer: null", f"answer: {value}", 1))


def answer_all(project: Path, value: str = '"yes"') -> None:
    path = project / "fm-governance.yaml"
    path.write_text(path.read_text().replace("answer: null", f"answer: {value}"))


# --- assess ---------------------------------------------------------------------------------------


def test_assess_creates_then_reports_up_to_date(project: Path) -> None:
    code, out, _ = run("assess", str(project))
    assert code == 0
    assert "created" in out
    text = assessment_text(project)
    catalog = load_catalog()
    assert text.count("answer: null") == sum(len(c.items) for c in catalog)
    assert "name: proj" in text
    code, out, _ = run("assess", str(project))
    assert code == 0 and out.splitlines()[0].endswith("up to date")
    assert "providers in use: none" in out  # the scan ran, on an empty project
    assert assessment_text(project) == text


def test_assess_keeps_answers_and_dry_run_writes_nothing(project: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    answer(project, "DE-01", '"yes"  # checked by legal')
    before = assessment_text(project)
    code, out, _ = run("assess", str(project), "--checklist", "vendor-lock-in", "--dry-run")
    assert code == 0
    assert out.startswith("---") and "+  vendor-lock-in:" in out
    assert assessment_text(project) == before
    code, out, _ = run("assess", str(project), "--checklist", "vendor-lock-in", "--format", "json")
    summary = json.loads(out)
    assert summary["action"] == "updated"
    assert [c["checklist"] for c in summary["checklists"]] == ["data-exposure", "vendor-lock-in"]
    assert summary["checklists"][1]["created"] is True
    assert 'answer: "yes"  # checked by legal' in assessment_text(project)


def test_assess_output_and_modes(project: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "elsewhere" / "a.yaml"
    out_file.parent.mkdir()
    code, _, _ = run("assess", str(project), "--output", str(out_file), "--mode", "rag", "--project-name", "Bot")
    assert code == 0
    text = out_file.read_text()
    assert "name: Bot" in text and "- rag" in text
    assert not (project / "fm-governance.yaml").exists()


# --- check ----------------------------------------------------------------------------------------


def test_check_exit_codes_and_gates(project: Path) -> None:
    run("assess", str(project))
    file = str(project / "fm-governance.yaml")
    assert run("check", file)[0] == 0  # valid, no gate
    code, out, _ = run("check", file, "--fail-on", "critical")
    assert code == 1 and "Gate failed" in out
    answer_all(project)
    code, out, _ = run("check", file, "--fail-on", "low", "--fail-under", "100")
    assert code == 0 and "Gate passed" in out


def test_check_json_and_markdown(project: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    answer(project, "DE-01", '"partial"')
    file = str(project / "fm-governance.yaml")
    code, out, _ = run("check", file, "--format", "json", "--fail-on", "high")
    data = json.loads(out)
    assert code == 1
    assert data["gate"]["passed"] is False
    de01 = next(i for i in data["items"] if i["id"] == "DE-01")
    assert de01["status"] == "partial" and de01["location"]["line"] > 0
    code, out, _ = run("check", file, "--format", "markdown")
    assert out.startswith("## No gate set · fm-governance: proj\n")
    assert "| Data exposure |" in out and "<summary>Open items (" in out


def test_check_sarif_points_at_item_lines(project: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    answer(project, "DE-02", '"no"')
    answer_all(project)
    file = project / "fm-governance.yaml"
    code, out, _ = run("check", str(file), "--format", "sarif")
    assert code == 0
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["DE-02"]
    line = results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert file.read_text().splitlines()[line - 1].strip().startswith("DE-02:")
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[0]["ruleIndex"]]["id"] == "DE-02"


def test_check_junit(project: Path, tmp_path: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    answer(project, "DE-01", '"yes"')
    out_file = tmp_path / "junit.xml"
    code, out, _ = run("check", str(project / "fm-governance.yaml"), "--format", "junit", "-o", str(out_file))
    assert code == 0 and out == ""
    root = ET.fromstring(out_file.read_text())
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "data-exposure"
    cases = suite.findall("testcase")
    assert len(cases) == len(load_catalog().get("data-exposure").items)  # type: ignore[union-attr]
    assert int(suite.get("failures", "0")) == len(cases) - 1


def test_check_reports_soft_problems_with_locations(project: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    answer(project, "DE-01", "n/a")
    path = project / "fm-governance.yaml"
    text = path.read_text().replace("DE-02:", "DE-02:", 1)
    head, marker, tail = text.partition("DE-02:")
    tail = tail.replace("waiver: null", "waiver: {reason: later, approved_by: CRO, expires: 2020-01-01}", 1).replace("answer: null", "anwser: yes", 1)
    path.write_text(head + marker + tail)
    code, out, err = run("check", str(path), "--format", "json")
    assert code == 0
    problems = {p["message"].split(":")[0].split(" ")[0]: p for p in json.loads(out)["problems"]}
    assert "DE-01" in problems and problems["DE-01"]["line"] > 0  # n/a without notes
    messages = " ".join(p["message"] for p in json.loads(out)["problems"])
    assert "waiver expired on 2020-01-01" in messages
    assert "unknown key 'anwser'" in messages and "did you mean 'answer'" in messages
    assert f"{path}:" in err  # machine formats still tell a person on stderr


def test_check_the_example_project() -> None:
    code, out, _ = run("check", str(EXAMPLE), "--format", "json", "--fail-on", "critical")
    data = json.loads(out)
    assert data["project"]["name"] == "support-bot"
    assert any(i["status"] == "waived" for i in data["items"])
    # The example answers two of its eight applicable critical items (DE-02, IP-06) and records
    # DE-05 as n/a with notes; the other six are open, so the critical gate fails on them.
    open_critical = sorted(i["id"] for i in data["items"] if i["severity"] == "critical" and i["status"] == "open")
    assert open_critical == ["DE-08", "DE-10", "IP-02", "IP-09", "OC-02", "VL-06"]
    assert code == 1


# --- bad input: one line, file:line:col, exit 2, never a traceback --------------------------------

BAD_FILES = {
    "invalid-yaml": ("checklists: [\n", ":2:1: invalid YAML"),
    "wrong-type": ("checklists: 5\n", ":1:13: checklists must be a mapping"),
    "unknown-answer": (
        "checklists:\n  data-exposure:\n    items:\n      DE-01:\n        answer: maybe\n",
        ':5:17: checklists.data-exposure.items.DE-01.answer: "maybe" is not allowed',
    ),
    "duplicate-item": ("checklists:\n  data-exposure:\n    items:\n      DE-01: {answer: 'yes'}\n      DE-01: {answer: 'no'}\n", ":5:7: duplicate key 'DE-01'"),
    "unknown-item": ("checklists:\n  data-exposure:\n    items:\n      DE-99: {answer: 'yes'}\n", ":4:7: unknown item 'DE-99'"),
    "unknown-checklist": ("checklists:\n  sustainability:\n    items: {}\n", ":2:3: unknown checklist 'sustainability'"),
    "alias-bomb": (
        "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
        ": expands to more than",
    ),
    "bad-waiver": (
        "checklists:\n  data-exposure:\n    items:\n      DE-01: {answer: 'no', waiver: {reason: x, approved_by: y, expires: soon}}\n",
        ':4:74: checklists.data-exposure.items.DE-01.waiver.expires: "soon" is not a valid date',
    ),
    "not-a-mapping": ("- a\n- b\n", ":1:1: is not a mapping"),
    "empty": ("", ":1:1: is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_assessment_is_one_located_line(tmp_path: Path, case: str) -> None:
    text, expected = BAD_FILES[case]
    path = tmp_path / "fm-governance.yaml"
    path.write_text(text)
    commands = [["check", str(path)], ["report", str(path)]]
    if case not in ("unknown-item", "empty"):
        # assess moves unknown items to `retired` and fills an empty file: both are not errors there
        commands.append(["assess", str(tmp_path)])
    for command in commands:
        code, out, err = run(*command)
        assert code == 2, (command, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith(str(path)), lines[0]
        assert "Traceback" not in err
        assert expected in lines[0], lines[0]


def test_assess_refuses_a_bad_file_before_the_slow_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistake in the file is reported at once, not after scanning a large project."""
    import fm_governance.scan

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the project was scanned before the file was checked")

    monkeypatch.setattr(fm_governance.scan, "scan_project", no_scan)
    text, expected = BAD_FILES["bad-waiver"]
    (tmp_path / "fm-governance.yaml").write_text(text)
    code, _, err = run("assess", str(tmp_path))
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err


def test_non_utf8_big_missing_and_directory(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"project:\n  name: caf\xe9\n")
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    cases = {latin: f"{latin}:2:12: is not UTF-8", big: f"{big}: is larger than", tmp_path / "nope.yaml": "no such file", tmp_path: "is a directory"}
    for path, expected in cases.items():
        code, _, err = run("check", str(path))
        assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err


def test_assess_refuses_a_file_path_and_unknown_checklist(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("x")
    code, _, err = run("assess", str(f))
    assert code == 2 and "is not a folder" in err
    code, _, err = run("assess", str(tmp_path), "--checklist", "nope")
    assert code == 2 and "unknown checklist id 'nope'" in err


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run("check", "--bogus")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--bogus" in err
    code, _, err = run("check", "--fail-on", "severe")
    assert code == 2 and len(err.strip().splitlines()) == 1


# --- the other commands ---------------------------------------------------------------------------


def test_template_and_schema_and_checklists(tmp_path: Path) -> None:
    code, out, _ = run("template", "intellectual-property")
    assert code == 0 and out.startswith("# yaml-language-server: $schema=")
    assert "intellectual-property:" in out and "data-exposure:" not in out
    code, out, _ = run("schema", "assessment")
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    code, out, _ = run("checklists", "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"]
    assert all(r["items"] >= 5 and r["version"] for r in rows)


def test_template_is_valid_against_its_own_schema(tmp_path: Path) -> None:
    import jsonschema

    from fm_governance.core.yamlio import load_text, to_plain

    _, out, _ = run("template")
    _, schema_out, _ = run("schema", "assessment")
    jsonschema.Draft202012Validator(json.loads(schema_out)).validate(to_plain(load_text(out, "t")))


def test_custom_checklists_dir(tmp_path: Path, catalog_dir: Path) -> None:
    code, out, _ = run("checklists", "--checklists-dir", str(catalog_dir))
    assert code == 0 and "alpha" in out and "data-exposure" in out


def test_report_html_escapes_what_people_wrote(project: Path, tmp_path: Path) -> None:
    run("assess", str(project), "--checklist", "data-exposure")
    path = project / "fm-governance.yaml"
    path.write_text(path.read_text().replace("notes: null", 'notes: "<script>alert(1)</script> | pipe"', 1))
    code, html, _ = run("report", str(path), "--format", "html")
    assert code == 0
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    code, md, _ = run("report", str(path))
    assert "<script>" not in md and "\\<script\\>" in md and "\\| pipe" in md


def test_version_everywhere() -> None:
    for command in ([], ["check"], ["assess"], ["template"], ["schema"], ["report"], ["checklists"]):
        code, out, _ = run(*command, "--version")
        assert code == 0 and out.strip() == f"fm-governance {__version__}"


# --- the installed command ------------------------------------------------------------------------


def test_installed_command(installed_cli: str, tmp_path: Path) -> None:
    done = subprocess.run([installed_cli, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"fm-governance {__version__}"
    done = subprocess.run([installed_cli, "assess", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([installed_cli, "check", str(tmp_path / "fm-governance.yaml"), "--fail-on", "high"], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Gate failed" in done.stdout
    (tmp_path / "fm-governance.yaml").write_text("checklists: [\n")
    done = subprocess.run([installed_cli, "check", str(tmp_path / "fm-governance.yaml")], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(str(tmp_path / "fm-governance.yaml") + ":2:1:")


def test_help_does_not_import_heavy_modules(installed_cli: str) -> None:
    code = "import sys; from fm_governance.cli import main; bad = [m for m in ('sphinx', 'jsonschema', 'rich', 'ruamel', 'jinja2') if m in sys.modules]; print(bad)"
    done = subprocess.run([str(Path(installed_cli).with_name("python")), "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- assess with the scanner ----------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "scan_fixtures"


def test_assess_scans_the_project_into_the_inventory(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_app", project)
    code, out, _ = run("assess", str(project), "--dry-run", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert {"providers", "models", "signals", "findings", "skipped"} <= set(report)
    assert not (project / "fm-governance.yaml").exists()  # dry run
    code, out, _ = run("assess", str(project))
    assert code == 0 and "providers in use:" in out
    text = (project / "fm-governance.yaml").read_text()
    inventory = yaml_load(text)["inventory"]
    assert [p["id"] for p in inventory["providers"]] == [p["id"] for p in report["providers"]]
    assert {s["id"] for s in inventory["signals"]} == {s["id"] for s in report["signals"]}
    # answers survive a re-scan, and a re-run with nothing changed is byte-for-byte stable
    answer(project, "DE-01", '"yes"  # confirmed')
    before = (project / "fm-governance.yaml").read_text()
    code, out, _ = run("assess", str(project))
    assert code == 0 and out.splitlines()[0].endswith("up to date")
    assert (project / "fm-governance.yaml").read_text() == before


def test_no_scan_leaves_the_inventory_alone(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "python_app", project)
    run("assess", str(project))
    before = yaml_load((project / "fm-governance.yaml").read_text())["inventory"]
    (project / "extra.py").write_text("import mistralai\nclient = mistralai.Mistral()\n")
    run("assess", str(project), "--no-scan")
    assert yaml_load((project / "fm-governance.yaml").read_text())["inventory"] == before
    run("assess", str(project))
    after = yaml_load((project / "fm-governance.yaml").read_text())["inventory"]
    assert "mistral" in [p["id"] for p in after["providers"]]


def test_secrets_in_the_project_never_reach_any_output(tmp_path: Path) -> None:
    project = tmp_path / "leaky"
    project.mkdir()
    fake = "sk-proj-" + "Zq8vT2mLx9RkA4bN7cW1pYs3HdF6gJ0eUu5iOo2tQ"  # planted, not a real key
    (project / "settings.py").write_text(f'import openai\nOPENAI_API_KEY = "{fake}"\nclient = openai.OpenAI(api_key=OPENAI_API_KEY)\n')
    outputs = []
    for args in (
        ["assess", str(project), "--dry-run", "--format", "json"],
        ["assess", str(project)],
        ["check", str(project / "fm-governance.yaml"), "--format", "json"],
    ):
        _code, out, err = run(*args)
        outputs += [out, err]
    outputs.append((project / "fm-governance.yaml").read_text())
    assert all(fake not in o and fake[8:20] not in o for o in outputs)
    assert "committed-credentials" in (project / "fm-governance.yaml").read_text()


def yaml_load(text: str):  # type: ignore[no-untyped-def]
    from fm_governance.core.yamlio import load_located

    return load_located(text, "x")[0]
