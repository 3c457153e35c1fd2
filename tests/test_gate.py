"""The gate as ``check`` applies it: every state (none, passing, failing by severity, by score, by
both) in every format, and the policy's sources (flags over the assessment's ``policy:`` over
``[tool.fm-governance]`` in pyproject.toml), each bad value located.

The assessment: AL-01 (critical) yes, AL-02 (high) open, AL-03 (low) open, BE-01 (medium) yes,
BE-02 (high) yes — weights 4 + 2 + 3 of 13, an overall score of 69.2.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.core.assessment import template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.core.escaping import md_inline

AS_OF = ("--as-of", "2026-11-22")
NO_GATE = "No gate set: nothing was gated"


@pytest.fixture
def project(tmp_path: Path, catalog_dir: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    text = template_text(load_catalog([catalog_dir], builtins=()), project_name="proj")
    for item_id in ("AL-01", "BE-01", "BE-02"):
        head, marker, tail = text.partition(f"{item_id}:")
        text = head + marker + tail.replace("answer: null", 'answer: "yes"', 1)
    (root / "fm-governance.yaml").write_text(text, encoding="utf-8")
    return root


def check(project: Path, *args: str) -> tuple[int, str, str]:
    checklists = project.parent / "checklists"
    result = CliRunner().invoke(
        main, ["check", str(project / "fm-governance.yaml"), "--checklists-dir", str(checklists), *AS_OF, *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def add_policy(project: Path, body: str) -> int:
    """Append a ``policy:`` section to the assessment; return the line number of its first key."""
    path = project / "fm-governance.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "policy:\n" + body, encoding="utf-8")
    return text.count("\n") + 2


def write_pyproject(project: Path, text: str) -> Path:
    path = project / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- every gate state in every format -------------------------------------------------------------

STATES = {
    "none": ((), 0),
    "passing": (("--fail-on", "critical", "--fail-under", "50"), 0),
    "severity": (("--fail-on", "high"), 1),
    "score": (("--fail-under", "90"), 1),
    "both": (("--fail-on", "high", "--fail-under", "90"), 1),
}
REASONS = {
    "none": [],
    "passing": [],
    "severity": ["AL-02 (high) is unanswered"],
    "score": ["overall score 69.2 is under 90"],
    "both": ["overall score 69.2 is under 90", "AL-02 (high) is unanswered"],
}
TERMS = {
    "passing": "fail-on critical, fail-under 50",
    "severity": "fail-on high",
    "score": "fail-under 90",
    "both": "fail-on high, fail-under 90",
}
POLICY_LINES = {
    "passing": "Policy: fail-on critical (--fail-on), fail-under 50 (--fail-under)",
    "severity": "Policy: fail-on high (--fail-on)",
    "score": "Policy: fail-under 90 (--fail-under)",
    "both": "Policy: fail-on high (--fail-on), fail-under 90 (--fail-under)",
}
NOT_GATED = "1 high and 1 low items open are not gated"


@pytest.mark.parametrize("state", list(STATES))
def test_text(project: Path, state: str) -> None:
    args, expected = STATES[state]
    code, out, err = check(project, *args)
    assert (code, err) == (expected, "")
    lines = out.splitlines()
    if state == "none":
        assert NO_GATE in out and "--fail-on SEVERITY" in out and "policy:" in out
        assert "passed" not in out.lower() and "Policy:" not in out
        return
    assert POLICY_LINES[state] in lines
    if state == "passing":
        assert lines[-1] == f"Gate passed ({TERMS[state]}): {NOT_GATED}."
        return
    start = lines.index(f"Gate failed ({TERMS[state]}):")
    assert [line.strip() for line in lines[start + 1 :]] == REASONS[state]


@pytest.mark.parametrize("state", list(STATES))
def test_json(project: Path, state: str) -> None:
    args, expected = STATES[state]
    code, out, _ = check(project, *args, "--format", "json")
    data = json.loads(out)
    assert code == expected
    policy = data["policy"]
    if state == "none":
        assert data["gate"] is None
        assert policy == {"fail_on": None, "fail_under": None, "waiver_max_days": None, "fail_on_review": None, "max_age": None, "evidence_max_age": None}
        assert "passed" not in out
        return
    gate = data["gate"]
    assert gate["passed"] is (expected == 0)
    assert gate["reasons"] == REASONS[state]
    if state == "passing":
        assert gate["not_gated"] == [NOT_GATED]
        assert policy == {
            "fail_on": {"value": "critical", "source": "--fail-on"},
            "fail_under": {"value": 50.0, "source": "--fail-under"},
            "waiver_max_days": None,
            "fail_on_review": None,
            "max_age": None,
            "evidence_max_age": None,
        }
    if state == "score":
        assert policy["fail_on"] is None and policy["fail_under"] == {"value": 90.0, "source": "--fail-under"}
        assert gate["not_gated"] == ["1 high and 1 low items open are not gated"]


@pytest.mark.parametrize("state", list(STATES))
def test_markdown(project: Path, state: str) -> None:
    args, expected = STATES[state]
    code, out, _ = check(project, *args, "--format", "markdown")
    assert code == expected
    lines = out.splitlines()
    label = {"none": "No gate set", "passing": "Gate passed"}.get(state, "Gate failed")
    # The verdict first: a heading with the state, the sentence, then the policy.
    assert lines[0] == f"## {label} · fm-governance: proj"
    assert lines[2].startswith(md_inline(f"{label} under {TERMS[state]}: overall score 69.2/100") if state != "none" else "No gate set: overall score 69.2/100")
    if state == "none":
        assert NO_GATE in out and "passed" not in out.lower()
        assert "### Open critical and high items (1)" in lines and "No gate is set, so these block nothing by policy" in out
        return
    assert md_inline(POLICY_LINES[state]) in lines
    if state == "passing":
        assert md_inline(f"Gate passed ({TERMS[state]}): {NOT_GATED}.") in lines
        assert "Nothing blocks approval under this policy." in lines
        return
    assert not any(line.startswith("Gate failed (") for line in lines)  # the reasons are listed below, with their questions
    blocking = [line for line in lines if line.startswith("- **AL-02** (high, legal, unanswered")]
    assert len(blocking) == 2  # what blocks approval (or, under fail-under alone, the open high items), and the open items folded below
    for reason in REASONS[state]:
        if not reason.startswith("AL-02"):
            assert f"- {md_inline(reason)}" in lines


@pytest.mark.parametrize("state", list(STATES))
def test_sarif(project: Path, state: str) -> None:
    args, expected = STATES[state]
    code, out, _ = check(project, *args, "--format", "sarif")
    assert code == expected
    run = json.loads(out)["runs"][0]
    assert sorted(r["ruleId"] for r in run["results"]) == ["AL-02", "AL-03"]  # open items, whatever the gate
    properties = run["properties"]
    if state == "none":
        assert properties == {
            "policy": {"fail_on": None, "fail_under": None, "waiver_max_days": None, "fail_on_review": None, "max_age": None, "evidence_max_age": None},
            "gate": None,
        }
        assert "passed" not in out
        return
    assert properties["gate"]["passed"] is (expected == 0)
    assert properties["gate"]["reasons"] == REASONS[state]
    if state == "both":
        assert properties["policy"] == {
            "fail_on": {"value": "high", "source": "--fail-on"},
            "fail_under": {"value": 90.0, "source": "--fail-under"},
            "waiver_max_days": None,
            "fail_on_review": None,
            "max_age": None,
            "evidence_max_age": None,
        }


@pytest.mark.parametrize("state", list(STATES))
def test_junit(project: Path, state: str) -> None:
    args, expected = STATES[state]
    code, out, _ = check(project, *args, "--format", "junit")
    assert code == expected
    suites = ET.fromstring(out).findall("testsuite")
    assert [s.get("name") for s in suites] == ["alpha", "beta"]
    verdict = {"none": "none", "passing": "passed"}.get(state, "failed")
    for suite in suites:
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["gate"] == verdict
        if state == "none":
            assert not any(name.startswith("policy.") for name in properties)
        if state == "both":
            assert properties["policy.fail-on"] == "high" and properties["policy.fail-on.source"] == "--fail-on"
            assert properties["policy.fail-under"] == "90" and properties["policy.fail-under.source"] == "--fail-under"
    if state == "none":
        assert "passed" not in out


def test_a_gate_that_gates_everything_names_nothing_left_out(project: Path) -> None:
    code, out, _ = check(project, "--fail-on", "low", "--fail-under", "10")
    assert code == 1  # AL-02 and AL-03 are open
    answered = (project / "fm-governance.yaml").read_text().replace("answer: null", 'answer: "yes"')
    (project / "fm-governance.yaml").write_text(answered)
    code, out, _ = check(project, "--fail-on", "low", "--fail-under", "10")
    assert code == 0
    assert out.splitlines()[-1] == "Gate passed (fail-on low, fail-under 10)."


# --- where the policy comes from ------------------------------------------------------------------


def test_pyproject_sets_the_gate(project: Path) -> None:
    pyproject = write_pyproject(project, '[project]\nname = "proj"\n\n[tool.fm-governance]\nfail-on = "high"\n')
    code, out, _ = check(project)
    assert code == 1
    assert f"Policy: fail-on high ([tool.fm-governance] in {pyproject})" in out.splitlines()


def test_the_assessment_overrides_pyproject_key_by_key(project: Path) -> None:
    pyproject = write_pyproject(project, '[tool.fm-governance]\nfail-on = "high"\nfail-under = 50\n')
    add_policy(project, "  fail-on: critical\n")
    code, out, _ = check(project, "--format", "json")
    assert code == 0
    file = project / "fm-governance.yaml"
    assert json.loads(out)["policy"] == {
        "fail_on": {"value": "critical", "source": f"policy: in {file}"},
        "fail_under": {"value": 50.0, "source": f"[tool.fm-governance] in {pyproject}"},
        "waiver_max_days": None,
        "fail_on_review": None,
        "max_age": None,
        "evidence_max_age": None,
    }


def test_flags_override_the_assessment(project: Path) -> None:
    add_policy(project, "  fail-on: high\n  fail-under: 90\n")
    assert check(project)[0] == 1
    code, out, _ = check(project, "--fail-on", "critical")
    assert code == 1  # fail-under 90 still comes from the file
    file = project / "fm-governance.yaml"
    assert f"Policy: fail-on critical (--fail-on), fail-under 90 (policy: in {file})" in out.splitlines()
    code, out, _ = check(project, "--fail-on", "critical", "--fail-under", "50")
    assert code == 0
    assert "Policy: fail-on critical (--fail-on), fail-under 50 (--fail-under)" in out.splitlines()


def test_an_empty_policy_is_no_gate(project: Path) -> None:
    add_policy(project, "  fail-on: null\n")
    code, out, _ = check(project)
    assert code == 0 and NO_GATE in out


def test_a_pyproject_without_our_table_is_not_read(project: Path) -> None:
    write_pyproject(project, "[project\nthis is not TOML, and not ours to judge\n")
    code, out, _ = check(project)
    assert code == 0 and NO_GATE in out


def test_assess_keeps_the_policy(project: Path) -> None:
    add_policy(project, "  fail-on: high  # agreed with risk, 2026-11\n")
    checklists = project.parent / "checklists"
    result = CliRunner().invoke(main, ["assess", str(project), "--no-scan", "--checklists-dir", str(checklists)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "policy:\n  fail-on: high  # agreed with risk, 2026-11\n" in (project / "fm-governance.yaml").read_text()
    assert check(project)[0] == 1


# --- bad values, located --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "column", "message"),
    [
        ("  fail-on: severe\n", 12, '"severe" is not allowed — use one of: critical, high, medium, low'),
        ("  fail-under: 101\n", 15, "101 is greater than the maximum of 100"),
        ("  fail-under: .nan\n", 15, "fail-under is nan, not a score — use a number from 0 to 100"),
        ("  fail-under: seventy\n", 15, "policy.fail-under must be a number or null, not a string"),
        ("  fail_on: high\n", 3, "fail_on"),
    ],
    ids=["severity", "over-100", "nan", "text", "unknown-key"],
)
def test_a_bad_value_in_the_assessment_is_located(project: Path, body: str, column: int, message: str) -> None:
    line = add_policy(project, body)
    code, out, err = check(project)
    assert (code, out) == (2, "")
    first = err.splitlines()[0]
    assert first.startswith(f"{project / 'fm-governance.yaml'}:{line}:{column}: ")
    assert message in first and " — " in first and "Traceback" not in err


@pytest.mark.parametrize(
    ("toml", "line", "column", "message"),
    [
        ('[tool.fm-governance]\nfail-on = "severe"\n', 2, 11, "fail-on is 'severe', not a severity — use one of critical, high, medium, low"),
        ("[tool.fm-governance]\n\n  fail-under = nan\n", 3, 16, "fail-under is nan, not a score — use a number from 0 to 100"),
        ("[tool.fm-governance]\nfail-under = -inf\n", 2, 14, "fail-under is -inf, not a score"),
        ("[tool.fm-governance]\nfail-under = true\n", 2, 14, "fail-under is True, not a score"),
        ("[tool.fm-governance]\nfail-under = 100.5\n", 2, 14, "fail-under is 100.5, not a score"),
        ('[tool.fm-governance]\nfail_on = "high"\n', 2, 1, "unknown key 'fail_on' in [tool.fm-governance] — did you mean 'fail-on'?"),
        ('[tool]\nfm-governance = {fail-on = "severe"}\n', 2, 1, "fail-on is 'severe', not a severity"),
        ('[tool]\nfm-governance = "high"\n', 2, 1, "tool.fm-governance is not a table"),
        ('[tool.fm-governance]\nfail-on = "high\n', 2, 16, "is not valid TOML (Illegal character"),
    ],
    ids=["severity", "nan", "inf", "bool", "over-100", "unknown-key", "inline-table", "not-a-table", "bad-toml"],
)
def test_a_bad_value_in_pyproject_is_located(project: Path, toml: str, line: int, column: int, message: str) -> None:
    pyproject = write_pyproject(project, toml)
    code, out, err = check(project)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{pyproject}:{line}:{column}: ")
    assert message in err and " — " in err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "101"])
def test_fail_under_flag_refuses_what_is_not_a_score(project: Path, value: str) -> None:
    code, out, err = check(project, "--fail-under", value)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "--fail-under" in err


def test_the_installed_command_gates_from_pyproject(project: Path, installed_cli: str) -> None:
    write_pyproject(project, '[tool.fm-governance]\nfail-on = "high"\n')
    base = [installed_cli, "check", "fm-governance.yaml", "--checklists-dir", str(project.parent / "checklists"), *AS_OF]
    failed = subprocess.run(base, cwd=project, capture_output=True, text=True, check=False)
    assert failed.returncode == 1, failed.stderr
    assert "Policy: fail-on high ([tool.fm-governance] in pyproject.toml)" in failed.stdout
    passed = subprocess.run([*base, "--fail-on", "critical"], cwd=project, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stderr
    assert f"Gate passed (fail-on critical): {NOT_GATED}; the overall score (69.2/100) is not gated." in passed.stdout


@pytest.mark.parametrize(
    "spelling",
    ["indented", "quoted", "escaped", "complex-key", "flow"],
)
def test_the_policy_is_found_however_the_key_is_spelled(project: Path, spelling: str) -> None:
    # check skips re-reading the file for its policy when no line can start one: every spelling of
    # the key that YAML allows must still be found.
    path = project / "fm-governance.yaml"
    text = path.read_text(encoding="utf-8")
    policy = {
        "indented": "policy:\n  fail-on: high\n",
        "quoted": '"policy":\n  fail-on: high\n',
        "escaped": '"\\x70olicy":\n  fail-on: high\n',
        "complex-key": "? policy\n: fail-on: high\n",
        "flow": "policy: {fail-on: high}\n",
    }[spelling]
    text += policy
    if spelling == "indented":
        text = "".join(("  " + line if line.strip() and not line.startswith("#") else line) for line in text.splitlines(keepends=True))
    path.write_text(text, encoding="utf-8")
    code, out, err = check(project)
    file = project / "fm-governance.yaml"
    assert (code, err) == (1, "")
    assert f"Policy: fail-on high (policy: in {file})" in out.splitlines()


def test_the_word_policy_elsewhere_sets_no_gate(project: Path) -> None:
    path = project / "fm-governance.yaml"
    text = path.read_text(encoding="utf-8")
    head, marker, tail = text.partition("AL-02:")
    path.write_text(head + marker + tail.replace("notes: null", "notes: |\n        policy:\n          fail-on: high", 1), encoding="utf-8")
    code, out, _ = check(project)
    assert code == 0 and NO_GATE in out


# --- waiver rules ---------------------------------------------------------------------------------


def waive(project: Path, item_id: str, expires: str) -> None:
    path = project / "fm-governance.yaml"
    head, marker, tail = path.read_text(encoding="utf-8").partition(f"{item_id}:")
    waiver = f"waiver: {{reason: Supplier review booked, approved_by: CRO, expires: {expires}}}"
    path.write_text(head + marker + tail.replace('answer: "yes"', 'answer: "no"', 1).replace("waiver: null", waiver, 1), encoding="utf-8")


def test_a_waiver_beyond_max_days_does_not_satisfy_fail_on(project: Path) -> None:
    waive(project, "AL-01", "2027-06-30")  # critical, 220 days after the day checked
    assert check(project, "--fail-on", "critical")[0] == 0  # a valid waiver counts as met
    add_policy(project, "  waivers:\n    max-days: 90\n")
    code, out, _ = check(project, "--fail-on", "critical")
    assert code == 1
    file = project / "fm-governance.yaml"
    lines = out.splitlines()
    assert f"Policy: fail-on critical (--fail-on), waivers max-days 90 (policy: in {file})" in lines
    assert "  AL-01 (critical) is waived until 2027-06-30, more than 90 days away (waivers max-days 90)" in lines
    # The rule is for the gate; the score still counts the valid waiver as met.
    data = json.loads(check(project, "--fail-on", "critical", "--format", "json")[1])
    assert data["score"] == 69.2
    assert data["policy"]["waiver_max_days"] == {"value": 90, "source": f"policy: in {file}"}
    assert data["gate"]["reasons"] == ["AL-01 (critical) is waived until 2027-06-30, more than 90 days away (waivers max-days 90)"]


def test_a_waiver_within_max_days_still_counts(project: Path) -> None:
    waive(project, "AL-01", "2026-12-31")
    write_pyproject(project, '[tool.fm-governance]\nfail-on = "critical"\n\n[tool.fm-governance.waivers]\nmax-days = 90\n')
    code, out, _ = check(project, "--format", "junit")
    assert code == 0
    properties = {p.get("name"): p.get("value") for p in ET.fromstring(out).find("testsuite").iter("property")}  # type: ignore[union-attr]
    assert properties["policy.waivers.max-days"] == "90" and properties["gate"] == "passed"


def test_a_waiver_rule_alone_is_no_gate(project: Path) -> None:
    add_policy(project, "  waivers: {max-days: 30}\n")
    code, out, _ = check(project)
    assert code == 0
    assert "No gate set: nothing was gated, whatever the score and open items (the waiver rule, waivers max-days 30" in out


@pytest.mark.parametrize(
    ("toml", "line", "column", "message"),
    [
        ("[tool.fm-governance.waivers]\nmax-days = 1.5\n", 2, 12, "waivers max-days is 1.5, not a number of days"),
        ("[tool.fm-governance.waivers]\nmax-days = -1\n", 2, 12, "waivers max-days is -1"),
        ("[tool.fm-governance.waivers]\nmax_days = 90\n", 2, 1, "unknown key 'max_days' in [tool.fm-governance.waivers] — did you mean 'max-days'?"),
        ("[tool.fm-governance]\nwaivers = {max-days = 100000}\n", 2, 11, "waivers max-days is 100000"),
        ("[tool.fm-governance]\nwaivers = 90\n", 2, 11, "waivers is not a table"),
    ],
    ids=["fraction", "negative", "unknown-key", "inline-too-long", "not-a-table"],
)
def test_a_bad_waiver_rule_in_pyproject_is_located(project: Path, toml: str, line: int, column: int, message: str) -> None:
    pyproject = write_pyproject(project, toml)
    code, out, err = check(project)
    assert (code, out) == (2, "")
    assert err.startswith(f"{pyproject}:{line}:{column}: ") and message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("value", ["1.5", "-1", "100000", "yes", "{}"])
def test_a_bad_waiver_rule_in_the_assessment_is_located(project: Path, value: str) -> None:
    line = add_policy(project, f"  waivers:\n    max-days: {value}\n")
    code, out, err = check(project)
    assert (code, out) == (2, "")
    assert err.startswith(f"{project / 'fm-governance.yaml'}:{line + 1}:15: "), err
