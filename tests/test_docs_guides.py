"""The command output shown in docs/guides/ stays true.

docs/_ext/handbook/guides.py runs the CLI on temporary copies of examples/support-bot at build time
(`guide_outputs()`), and the guides include the results with `literalinclude`. These tests call the
same generator, check it against an independent in-process run of the CLI, and check that every
include in the guides names a file the generator writes and that the prose's claims about the
output hold.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from fm_governance.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDES = DOCS / "guides"
EXAMPLE = ROOT / "examples" / "support-bot"
INCLUDE = re.compile(r"^```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)", re.MULTILINE)


def _load_conf() -> ModuleType:
    """The handbook extension's guides module (docs/_ext/handbook/guides.py), as the build loads it."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return importlib.import_module("handbook.guides")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def conf() -> ModuleType:
    return _load_conf()


@pytest.fixture(scope="module")
def outputs(conf: ModuleType) -> dict[str, str]:
    before = _tree_digest(EXAMPLE)
    produced = conf.guide_outputs()
    assert _tree_digest(EXAMPLE) == before, "generating the guides' output modified the committed example"
    return produced


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment the generator gives the CLI: 80 columns, no colour, only the built-in checklists."""
    for name in ("FMG_CHECKLISTS_DIR", "FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture()
def example_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "support-bot"
    shutil.copytree(EXAMPLE, copy)
    monkeypatch.chdir(copy)
    return copy


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _includes() -> list[tuple[str, Path, dict[str, str]]]:
    found = []
    for page in sorted(GUIDES.glob("*.md")):
        for match in INCLUDE.finditer(page.read_text(encoding="utf-8")):
            options = dict(re.findall(r'^:([\w-]+):\s*"?(.*?)"?$', match["options"], re.MULTILINE))
            found.append((page.name, Path(match["path"]), options))
    return found


def test_the_guides_are_in_the_toctree() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for name in ("assess", "ci", "publish"):
        assert (GUIDES / f"{name}.md").is_file()
        assert f"guides/{name}\n" in index


def test_every_include_names_a_generated_file_and_its_markers_exist(outputs: dict[str, str]) -> None:
    generated = [(page, path.name, options) for page, path, options in _includes() if path.parts[:4] == ("/", "reference", "_generated", "guides")]
    assert {name for _, name, _ in generated} == set(outputs), "a generated output is unused, or an include names one that is not generated"
    for page, path, options in _includes():
        text = outputs[path.name] if path.name in outputs and path.is_absolute() else (GUIDES / path).read_text(encoding="utf-8")
        for key in ("start-at", "start-after", "end-before", "end-at"):
            if key in options:
                assert options[key] in text, f"{page}: {key} {options[key]!r} not found in {path}"


def test_the_build_hook_writes_the_outputs(conf: ModuleType, outputs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "_guide_dir", tmp_path / "guides")
    conf._write_guide_outputs(None)
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "guides").iterdir()} == outputs


def test_outputs_are_deterministic_and_name_no_temporary_folder(conf: ModuleType, outputs: dict[str, str]) -> None:
    assert conf.guide_outputs() == outputs
    for name, text in outputs.items():
        assert "fmg-guides-" not in text and "/tmp" not in text, name
        assert "\x1b[" not in text, f"{name} has terminal colour codes"
        assert all(line == line.rstrip() for line in text.splitlines()) or name.endswith(".yaml"), f"{name} has trailing spaces"


def test_first_run_creates_the_assessment(outputs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "support-bot"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("fm-governance.yaml"))
    monkeypatch.chdir(project)
    code, printed = _cli("assess", ".", "--mode", "hosted-api", "--mode", "rag")
    assert code == 0
    shown = outputs["assess-new.txt"].splitlines()
    assert shown[0] == "$ fm-governance assess . --mode hosted-api --mode rag"
    assert shown[1:] == [line.rstrip() for line in printed.splitlines()]
    assert outputs["new-fm-governance.yaml"] == (project / "fm-governance.yaml").read_text(encoding="utf-8")
    assert "- id: openai" in outputs["new-fm-governance.yaml"]
    assert "- id: single-provider" in outputs["new-fm-governance.yaml"]


def test_rerun_and_dry_run(outputs: dict[str, str], example_copy: Path, conf: ModuleType) -> None:
    code, printed = _cli("assess", ".")
    assert code == 0
    assert outputs["assess-rerun.txt"].splitlines()[1:] == [line.rstrip() for line in printed.splitlines()]
    assert "fm-governance.yaml: up to date" in printed
    (example_copy / "app.py").write_text((example_copy / "app.py").read_text(encoding="utf-8") + conf.GUIDE_FALLBACK_CODE, encoding="utf-8")
    requirements = example_copy / "requirements.txt"
    requirements.write_text(requirements.read_text(encoding="utf-8") + conf.GUIDE_FALLBACK_REQUIREMENT, encoding="utf-8")
    before = (example_copy / "fm-governance.yaml").read_bytes()
    code, printed = _cli("assess", ".", "--dry-run")
    assert code == 0
    assert (example_copy / "fm-governance.yaml").read_bytes() == before, "--dry-run wrote the file"
    assert outputs["assess-dry-run.txt"].splitlines()[1:] == [line.rstrip() for line in printed.splitlines()]
    # What the assess guide says about this diff.
    # deprecated-model was raised before (gpt-4o-2024-08-06 was deprecated on 2026-10-14); the
    # fallback's retired snapshot adds its line to the evidence.
    for line in (
        "+    - id: anthropic",
        "-    - id: single-provider",
        "     - id: deprecated-model",
        "+      evidence: [app.py:8, app.py:35]",
        "+      status: retired",
    ):
        assert line in printed
    # Below `checklists:` the diff adds only provider-terms suggestions (comment lines) for the new
    # provider: no answer changes.
    answers = printed.split("\n checklists:\n", 1)[1].splitlines()
    changed = [line for line in answers if line.startswith(("+", "-"))]
    assert changed and all(line.startswith("+        # [terms] Anthropic: ") for line in changed), changed
    assert "+    - id: claude-3-5-sonnet-20241022" in printed


def test_check_text_and_what_the_guides_say_about_it(outputs: dict[str, str], example_copy: Path, conf: ModuleType) -> None:
    code, printed = _cli("check", "--as-of", conf.GUIDE_AS_OF)
    assert code == 0
    lines = [line.rstrip() for line in printed.splitlines()]
    shown = outputs["check.txt"].splitlines()
    # CliRunner is not a terminal: rich's default width (80) and no colour, as in the generator.
    assert shown[1:] == lines[:14]
    rows = {line.split("  ")[1].strip(): line.split() for line in lines if line.startswith("  ") and not line.startswith("  fm-")}
    assert rows["Operational continuity"][-1] == "3", "assess.md: three n/a in operational continuity"
    assert rows["Overall"][1] == "13.2", "ci.md: the overall score is 13.2"
    # The list of open items counts the table's No and Unanswered columns together.
    header = next(line.split() for line in lines if line.split()[:1] == ["Area"])
    no, unanswered = int(rows["Overall"][header.index("No")]), int(rows["Overall"][header.index("Unanswered")])
    assert f"Open items ({no + unanswered})" in printed
    guide = (DOCS / "guides" / "assess.md").read_text(encoding="utf-8")
    legal = re.search(r"^  legal \((\d+)\): (\S+), (\S+),", printed, re.MULTILINE)
    assert legal is not None and f"`legal ({legal[1]}): {legal[2]}, {legal[3]}, …`" in guide, legal  # assess.md's to-do line
    expired = outputs["check-expired.txt"]
    assert "VL-02: waiver expired on 2027-03-31" in expired
    assert "n/a needs notes" in outputs["check-na.txt"]


def test_gates_and_exit_codes(outputs: dict[str, str], example_copy: Path, conf: ModuleType) -> None:
    as_of = ("--as-of", conf.GUIDE_AS_OF)
    code, passed = _cli("check", *as_of, "--fail-under", "10")
    assert code == 0
    # cli.md quotes what the passing gate says it did not gate.
    not_gated = re.search(r"(\d+ critical, \d+ high and \d+ medium items open are not gated)", " ".join(passed.split()))
    assert not_gated is not None and f'"{not_gated[1]}"' in " ".join((DOCS / "reference" / "cli.md").read_text(encoding="utf-8").split())
    assert _cli("check", *as_of, "--fail-on", "critical")[0] == 1
    items = json.loads(_cli("check", *as_of, "--format", "json")[1])["items"]
    assert sum(i["severity"] == "critical" and i["status"] == "open" for i in items) == 6, "ci.md: six critical items are open"
    assert _cli("check", *as_of, "--fail-on", "high")[0] == 1
    code, printed = _cli("check", *as_of, "--fail-under", "50")
    assert code == 1
    gates = outputs["ci-gates.txt"].splitlines()
    assert gates == [
        f"$ fm-governance check --as-of {conf.GUIDE_AS_OF} --fail-under 10 | tail -n 2",
        *[line.rstrip() for line in passed.splitlines()[-2:]],
        f"$ fm-governance check --as-of {conf.GUIDE_AS_OF} --fail-on critical > /dev/null; echo $?",
        "1",
        f"$ fm-governance check --as-of {conf.GUIDE_AS_OF} --fail-on high > /dev/null; echo $?",
        "1",
        f"$ fm-governance check --as-of {conf.GUIDE_AS_OF} --fail-under 50 | tail -n 3",
        *[line.rstrip() for line in printed.splitlines()[-3:]],
    ]
    # ci.md: a passing gate says what it let through; no gate says so, never "passed".
    assert re.fullmatch(r"Gate passed \(fail-under 10\): 6 critical, \d+ high and \d+ medium items open are not gated\.", gates[2])
    no_gate = outputs["ci-no-gate.txt"].splitlines()
    assert no_gate[1].startswith("No gate set: nothing was gated") and "passed" not in outputs["ci-no-gate.txt"]
    exit_2 = outputs["ci-exit-2.txt"].splitlines()
    assert exit_2[-1] == "2"
    assert re.fullmatch(r'fm-governance\.yaml:\d+:\d+: .*"maybe" is not allowed — .*', exit_2[1])


def test_machine_formats_match_the_cli(outputs: dict[str, str], example_copy: Path, conf: ModuleType) -> None:
    as_of = ("--as-of", conf.GUIDE_AS_OF)
    code, markdown = _cli("check", *as_of, "--fail-on", "high", "--format", "markdown")
    assert code == 1
    assert outputs["check-markdown.txt"] == markdown
    assert markdown.startswith("## Gate failed · fm-governance: support-bot\n") and "### What blocks approval (" in markdown
    _, junit = _cli("check", *as_of, "--format", "junit")
    assert outputs["check-junit.txt"].splitlines()[1:] == junit.splitlines()[:7]
    # ci.md's description of the SARIF log.
    _, sarif_text = _cli("check", *as_of, "--format", "sarif")
    sarif = json.loads(sarif_text)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fm-governance.yaml" for r in results)
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    expected = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for result in results:
        assert result["level"] == expected[rules[result["ruleId"]]["properties"]["severity"]]


def test_the_generator_prints_what_the_installed_command_prints(outputs: dict[str, str], conf: ModuleType, tmp_path: Path, installed_cli: str) -> None:
    """The generator runs the CLI in the build's process (a dozen fresh interpreters cost most of a
    checklist edit's rebuild); what it shows is what a user's shell shows, exit codes included."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FMG_", "FORCE_COLOR", "CLICOLOR", "TTY_"))}
    env.update(COLUMNS="80", NO_COLOR="1", TERM="dumb")

    def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([installed_cli, *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", check=False)

    project = tmp_path / "new" / "support-bot"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("fm-governance.yaml"))
    first = run(project, "assess", ".", "--mode", "hosted-api", "--mode", "rag")
    assert first.returncode == 0
    shown = outputs["assess-new.txt"].splitlines()[1:]
    assert shown == [line.rstrip() for line in (first.stdout + first.stderr).replace(str(project), "examples/support-bot").splitlines()]
    assert outputs["new-fm-governance.yaml"] == (project / "fm-governance.yaml").read_text(encoding="utf-8")
    scored = tmp_path / "scored"
    shutil.copytree(EXAMPLE, scored)
    check = run(scored, "check", "--as-of", conf.GUIDE_AS_OF, "--fail-on", "high", "--format", "markdown")
    assert check.returncode == 1 and check.stdout == outputs["check-markdown.txt"]
