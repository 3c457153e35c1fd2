"""Every output of a scored assessment, rendered from the one report model, as a user meets it.

One assessment of a custom checklist holds what a report has to show: a critical item left open, a
waiver expiring within 30 days, an expired waiver, an ``n/a`` without notes, evidence that is a URL
and evidence that is not, notes, a partial answer, and an inventory with a retired model
(``claude-3-opus-20240229``, retired 2026-01-05 in the model catalog). Each gate state (none,
passed, failed) is checked in every format; then ``--owner``, the length budget of the
pull-request comment, and the whole Markdown report.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from conftest import item, write_checklist, yaml_quoted
from fm_governance.cli import main
from fm_governance.core.assessment import read_assessment
from fm_governance.core.checklists import load_catalog
from fm_governance.core.policy import resolve_policy
from fm_governance.core.scoring import evaluate_gate, score
from fm_governance.reports import markdown as md
from fm_governance.reports.model import build

AS_OF = "2026-11-22"

ITEMS = [
    item("GV-01", "critical", "legal"),
    item("GV-02", "critical", "privacy"),
    item("GV-03", "high", "security"),
    item("GV-04", "high", "risk"),
    item("GV-05", "medium", "engineering"),
    item("GV-06", "medium", "procurement"),
    item("GV-07", "low", "legal"),
]

ANSWERS = """\
      GV-01: {answer: "yes", notes: null, evidence: [], waiver: null}
      GV-02: {answer: null, notes: null, evidence: [], waiver: null}
      GV-03:
        answer: "no"
        notes: Pen test booked.
        evidence: []
        waiver: {reason: Pen test booked for December, approved_by: CISO, expires: 2026-12-02}
      GV-04:
        answer: "no"
        notes: null
        evidence: []
        waiver: {reason: Old exception, approved_by: CRO, expires: 2026-10-01}
      GV-05: {answer: n/a, notes: null, evidence: [], waiver: null}
      GV-06:
        answer: "yes"
        notes: Signed with the provider.
        evidence: ["https://example.com/dpa.pdf", "contracts/dpa-2026.pdf"]
        waiver: null
      GV-07: {answer: partial, notes: Half the teams trained., evidence: [], waiver: null}
"""


def write_assessment(folder: Path, answers: str, *, name: str = "estate", checklist: str = "gov", inventory: bool = True) -> Path:
    inv = (
        """inventory:
  models:
    - id: claude-3-opus-20240229
      provider: anthropic
      alias: pinned
    - id: gpt-4o
      provider: openai
      alias: floating
  hosting: {region: eu-west-1, tags: [prod, "<b>eu</b>"]}
"""
        if inventory
        else ""
    )
    path = folder / "fm-governance.yaml"
    path.write_text(
        f"project:\n  name: {yaml_quoted(name)}\n  assessors: [A. Person]\n  date: 2026-11-20\ncontext:\n  modes: []\n{inv}"
        f"checklists:\n  {checklist}:\n    version: 1.0.0\n    items:\n{answers}",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "checklists"
    write_checklist(folder, "gov", ITEMS)
    project = tmp_path / "estate"
    project.mkdir()
    return folder, write_assessment(project, ANSWERS)


def invoke(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--checklists-dir", str(folder), "--as-of", AS_OF], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- every gate state in every format -------------------------------------------------------------

STATES = {
    "none": ((), "none", 0),
    "passed": (("--fail-under", "10"), "passed", 0),
    "failed": (("--fail-on", "critical"), "failed", 1),
}
SENTENCE_START = {
    "none": "No gate set: overall score ",
    "passed": "Gate passed under fail-under 10: overall score ",
    "failed": "Gate failed under fail-on critical: overall score ",
}
FORMATS = ["text", "json", "markdown", "sarif", "junit", "report-markdown"]


def render(folder: Path, path: Path, fmt: str, *flags: str) -> tuple[int, str, str]:
    if fmt == "report-markdown":
        return invoke(folder, "report", str(path), "--format", "markdown", *flags)
    return invoke(folder, "check", str(path), "--format", fmt, *flags)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("state", list(STATES))
def test_every_gate_state_in_every_format(estate: tuple[Path, Path], state: str, fmt: str) -> None:
    folder, path = estate
    flags, verdict, exit_code = STATES[state]
    code, out, err = render(folder, path, fmt, *flags)
    # report is a document, not a gate: it always exits 0.
    assert code == (0 if fmt == "report-markdown" else exit_code), err
    if state == "none" and fmt != "json":
        assert "passed" not in out.lower()
    if fmt == "text":
        lines = out.splitlines()
        assert lines[0] == "fm-governance · estate"
        assert " ".join(lines[1:4]).startswith(SENTENCE_START[state])  # the verdict opens the report
        # 1 critical open; GV-04's waiver expired, GV-03's expires within 30 days; a retired model.
        assert "1 critical and 1 high items open, 1 waiver expires within 30 days, 1 model in use is past or near retirement." in " ".join(lines[1:5])
        todo = lines.index("To do by owner, most severe first:")
        assert lines[todo + 1 : todo + 4] == ["  risk (1): GV-04", "  privacy (1): GV-02", "  engineering (1): GV-05"]
        assert all(line == line.rstrip() for line in lines)
        # 80 columns, but for the lines a log parser reads whole: located ones and the gate's verdict.
        assert all(len(line) <= 80 for line in lines if "fm-governance.yaml:" not in line and not line.startswith(("Policy:", "Gate ", "No gate set")))
    elif fmt == "json":
        data = json.loads(out)
        assert data["verdict"]["state"] == verdict and data["verdict"]["sentence"].startswith(SENTENCE_START[state])
        assert data["blocking"] == (["GV-02"] if state == "failed" else [])
        assert data["todo"] == {"risk": ["GV-04"], "privacy": ["GV-02"], "engineering": ["GV-05"]}
        assert "owners" not in data
        assert (data["gate"] is None) == (state == "none")
        assert {i["id"] for i in data["items"]} == {f"GV-0{n}" for n in range(1, 8)}
    elif fmt == "markdown":
        lines = out.splitlines()
        label = {"none": "No gate set", "passed": "Gate passed", "failed": "Gate failed"}[state]
        assert lines[0] == f"## {label} · fm-governance: estate"
        assert lines[2].startswith(SENTENCE_START[state])
        top = out[: out.index("<details>")]
        if state == "failed":
            assert "### What blocks approval (1)" in top and "- **GV-02** (critical, privacy, unanswered): Is GV-02 under control?" in top
        else:  # no fail-on: the open critical and high items, saying they block nothing by policy
            assert "### Open critical and high items (2)" in top and "block nothing by policy" in top
        assert out.count("<details>") == out.count("</details>") == 5  # scores, open items, expiring waivers, to-do, problems
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        assert sorted(r["ruleId"] for r in run["results"]) == ["GV-02", "GV-04", "GV-05"]
        gate = run["properties"]["gate"]
        assert gate is None if state == "none" else gate["passed"] is (state == "passed")
    elif fmt == "junit":
        suite = ET.fromstring(out).find("testsuite")
        assert suite is not None
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["gate"] == verdict
        assert suite.get("failures") == "3" and suite.get("skipped") == "0"
    else:
        label = {"none": "no gate set", "passed": "gate passed", "failed": "gate failed"}[state]
        assert f"## Verdict: {label}" in out.splitlines()
        assert f"**{SENTENCE_START[state]}" in out


# --- --owner ----------------------------------------------------------------------------------------


def test_owner_limits_the_listing_not_the_verdict(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    code_all, everything, _ = invoke(folder, "check", str(path), "--fail-on", "critical")
    code, out, _ = invoke(folder, "check", str(path), "--fail-on", "critical", "--owner", "risk", "--owner", "Engineering")
    assert code == code_all == 1
    assert "Showing items owned by risk and engineering; the score and gate cover all items." in " ".join(out.split())
    assert "Open items owned by risk, engineering (2), most severe first:" in out
    listed = re.findall(r"(GV-0\d) \[", out)
    assert listed == ["GV-04", "GV-05"]
    todo = out.splitlines()[out.splitlines().index("To do by owner, most severe first:") + 1 :]
    assert todo[:2] == ["  risk (1): GV-04", "  engineering (1): GV-05"]
    # The table, the verdict sentence and the gate's lines are those of the unfiltered report.
    overall = [line for line in everything.splitlines() if line.lstrip().startswith(("Overall", "Policy:", "Gate", "  GV-02 (critical)"))]
    assert overall == [line for line in out.splitlines() if line.lstrip().startswith(("Overall", "Policy:", "Gate", "  GV-02 (critical)"))]


def test_owner_with_nothing_open_says_so(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    code, out, _ = invoke(folder, "check", str(path), "--fail-on", "critical", "--owner", "legal")
    assert code == 1  # GV-02 (privacy) still fails the gate
    assert "No open items owned by legal." in out.splitlines() and "To do by owner" not in out
    assert "  GV-02 (critical) is unanswered" in out.splitlines()


def test_owner_filters_json_items_and_says_so(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    _, everything, _ = invoke(folder, "check", str(path), "--format", "json", "--fail-on", "critical")
    code, out, _ = invoke(folder, "check", str(path), "--format", "json", "--fail-on", "critical", "--owner", "legal")
    assert code == 1
    full, data = json.loads(everything), json.loads(out)
    assert data["owners"] == ["legal"]
    assert [i["id"] for i in data["items"]] == ["GV-01", "GV-07"]
    assert data["todo"] == {}  # legal has nothing open
    for key in ("score", "checklists", "policy", "gate", "verdict", "blocking"):
        assert data[key] == full[key], key


def test_owner_in_markdown_and_report(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    code, out, _ = invoke(folder, "check", str(path), "--format", "markdown", "--fail-on", "critical", "--owner", "engineering")
    assert code == 1
    assert "Showing items owned by engineering; the score and gate cover all items." in out
    folded = out[out.index("<details>") :]
    assert "- **GV-05** (medium, engineering, n/a without notes" in folded and "**GV-04**" not in folded and "**GV-02**" not in folded
    # What blocks approval covers every item, whoever asks.
    assert "- **GV-02** (critical, privacy, unanswered): " in out[: out.index("<details>")]
    code, doc, _ = invoke(folder, "report", str(path), "--owner", "engineering", "--fail-on", "critical")
    assert code == 0
    assert "#### GV-05 · " in doc and "#### GV-04 · " not in doc
    assert "### Engineering (1)" in doc and "### Risk" not in doc


@pytest.mark.parametrize("command", ["check", "report"])
def test_an_unknown_owner_is_one_line_exit_2(estate: tuple[Path, Path], installed_cli: str, command: str) -> None:
    folder, path = estate
    done = subprocess.run(
        [installed_cli, command, str(path), "--owner", "legl", "--checklists-dir", str(folder)], capture_output=True, text=True, check=False, timeout=120
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"fm-governance {command}: --owner 'legl' is not an owner role")
    assert "— use one of legal, procurement, risk, security, privacy, engineering" in done.stderr


def test_report_states_the_policy_and_exits_0(estate: tuple[Path, Path], installed_cli: str) -> None:
    folder, path = estate
    (path.parent / "pyproject.toml").write_text('[tool.fm-governance]\nfail-on = "critical"\n', encoding="utf-8")
    done = subprocess.run([installed_cli, "report", str(path), "--checklists-dir", str(folder)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "## Verdict: gate failed" in done.stdout
    assert "Policy: fail-on critical \\([tool.fm-governance] in" not in done.stdout  # brackets are escaped
    assert "Policy: fail-on critical \\(\\[tool.fm-governance\\] in " in done.stdout
    # A flag overrides the pyproject, as for check.
    done = subprocess.run(
        [installed_cli, "report", str(path), "--checklists-dir", str(folder), "--fail-on", "high"], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0 and "Policy: fail-on high \\(--fail-on\\)" in done.stdout


# --- the whole report in Markdown ---------------------------------------------------------------------


def test_report_markdown_is_the_whole_document(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    code, doc, _ = invoke(folder, "report", str(path), "--fail-on", "critical")
    assert code == 0
    lines = doc.splitlines()
    assert lines[0] == "# Governance assessment: estate"
    # The chart: a text bar per area and overall.
    assert re.search(r"^\| Gov \| `█*░* \d+(\.\d)?` \| 3 \| 1 \| 1\.0\.0 \|$", doc, flags=re.MULTILINE)
    assert "## What blocks approval (1)" in lines
    assert "## Waivers expiring within 30 days (1)" in lines and "| GV‑03 | 2026-12-02 | 10 | CISO | Pen test booked for December |" in lines
    assert "## Models past or near retirement (1)" in lines
    assert any(line.startswith("| claude-3-opus-20240229 | anthropic | retired 2026-01-05 |") for line in lines)
    # Items grouped by status, with their state in words, notes, evidence and waivers.
    area = lines[lines.index("## Gov — 50/100") : lines.index("## Inventory")]
    groups = [line for line in area if line.startswith("### ")]
    assert groups == ["### Unanswered (2)", "### Answered no (1)", "### Partly met (1)", "### Waived (1)", "### Met (2)"]
    assert "*medium · engineering · n/a without notes \\(scored as open until it says why\\)*" in lines
    assert "*high · risk · answered no; waiver expired on 2026-10-01*" in lines
    assert "- **Waiver** (expired; expired on 2026-10-01; approved by CRO): Old exception" in lines
    assert "- **Waiver** (expiring; expires 2026-12-02, in 10 days; approved by CISO): Pen test booked for December" in lines
    assert "  - [https://example.com/dpa.pdf](<https://example.com/dpa.pdf>)" in lines
    assert "  - contracts/dpa-2026.pdf" in lines
    assert "- **Notes:** Half the teams trained." in lines
    # The inventory as tables, never JSON; ids lead their lines, or have a non-breaking hyphen in a cell.
    assert "```" not in doc and "{" not in doc
    assert "| Model | Provider | Alias | Licence | Lifecycle | Source |" in lines
    # What no table holds is a key/value table of key paths, as text.
    assert "| hosting.region | eu-west-1 |" in lines and "| hosting.tags | prod, \\<b\\>eu\\</b\\> |" in lines
    assert not re.findall(r"\| GV-0", doc)
    assert "#### GV-02 · Title of GV-02" in lines and "- **GV-02** (critical, privacy, unanswered): Is GV-02 under control?" in lines
    html = MarkdownIt("commonmark").enable("table").render(doc)
    assert '<a href="https://example.com/dpa.pdf">https://example.com/dpa.pdf</a>' in html


# --- the pull-request comment's length budget ---------------------------------------------------------


def big_estate(tmp_path: Path, count: int = 400) -> tuple[Path, Path]:
    folder = tmp_path / "checklists"
    long_question = "Has the team recorded, reviewed and signed off " + "every provider, tier, region and contract clause " * 6 + "?"
    items = [
        item(f"BIG-{n:03d}", ("critical", "high", "medium", "low")[n % 4], ("legal", "risk", "security", "privacy")[n % 4], question=f"{n} {long_question}")
        for n in range(1, count + 1)
    ]
    write_checklist(folder, "big", items)
    notes = "A long note about what is planned. " * 40
    answers = "".join(f"      BIG-{n:03d}: {{answer: null, notes: {yaml_quoted(notes)}, evidence: [], waiver: null}}\n" for n in range(1, count + 1))
    project = tmp_path / "big"
    project.mkdir()
    return folder, write_assessment(project, answers, name="big", checklist="big", inventory=False)


def assert_valid_comment(out: str) -> None:
    assert len(out) <= md.BUDGET < md.COMMENT_LIMIT
    assert out.count("<details>") == out.count("</details>")
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert html.count("<table>") == html.count("</table>")
    unescaped_pipes = re.compile(r"(?<!\\)\|")
    for block in re.findall(r"((?:^\|.*\n)+)", out, flags=re.MULTILINE):
        assert len({len(unescaped_pipes.findall(row)) for row in block.splitlines()}) == 1


@pytest.mark.parametrize("flags", [("--fail-on", "low"), ()], ids=["gate", "no-gate"])
def test_a_huge_assessment_fits_a_comment_and_says_what_it_left_out(tmp_path: Path, flags: tuple[str, ...]) -> None:
    folder, path = big_estate(tmp_path)
    code, out, _ = invoke(folder, "check", str(path), "--format", "markdown", *flags)
    assert code == (1 if flags else 0)
    assert_valid_comment(out)
    assert out.startswith("## ")
    note = next(line for line in out.splitlines() if line.startswith("**Shortened to fit a pull-request comment**"))
    assert f"`fm-governance report {path} --format html`" in note
    # Every detail block went, then the list at the top was cut to what fits, most severe first.
    assert "<details>" not in out
    listed = re.findall(r"^- \*\*(BIG-\d{3})\*\* ", out, flags=re.MULTILINE)
    total = 400 if flags else 200  # fail-on low blocks on all; without a gate, the critical and high ones are listed
    assert 10 < len(listed) < total
    assert f"left out {total - len(listed)} of the {total} items listed above" in note
    assert f"… and {total - len(listed)} more, left out to fit." in out
    assert "the score per area" in note and "the to-do per owner" in note


def test_detail_blocks_go_from_the_end_first(estate: tuple[Path, Path]) -> None:
    folder, path = estate
    result = score(read_assessment(path, load_catalog([folder], builtins=())), load_catalog([folder], builtins=()), today=_dt.date(2026, 11, 22))
    policy = resolve_policy(result.assessment, fail_on="critical")
    report = build(result, policy=policy, gate=evaluate_gate(result, policy.gate))
    full = md.comment(report)
    assert "Shortened" not in full and full.count("<details>") == 5  # scores, open items, expiring waivers, to-do, problems
    # Just too long for everything: the last block (the problems) goes, and the note says so.
    shorter = md.comment(report, budget=len(full) - 1)
    assert len(shorter) <= len(full) - 1
    assert shorter.count("<details>") == 4 and "Problems in the file" not in shorter and "To do by owner" in shorter
    assert "left out the 2 problems in the file." in shorter
    # Shorter still: the to-do goes next, then the open items; the verdict and blockers stay.
    shortest = md.comment(report, budget=len(full) - 400)
    assert len(shortest) <= len(full) - 400
    assert shortest.count("<details>") == 1 and "Score per area" in shortest and "left out " in shortest and "the to-do per owner" in shortest
    assert "- **GV-02** (critical, privacy, unanswered): Is GV-02 under control?" in shortest
    assert_valid_comment(shorter)


def test_the_example_report_reads_the_scanner_inventory_as_tables() -> None:
    example = Path(__file__).parents[1] / "examples" / "support-bot" / "fm-governance.yaml"
    result = CliRunner().invoke(main, ["report", str(example), "--as-of", AS_OF], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "| OpenAI | hosted | app.py:6; app.py:8; app.py:10; requirements.txt:1 |" in lines
    # The catalog has this model's dates from secondary reports only, and the row says so.
    assert (
        "| gpt-4o-2024-08-06 | openai \\(direct API\\) | pinned | [proprietary](<https://openai.com/policies/services-agreement/>) "
        "| retires 2027-01-14 \\(in 53 days\\), per secondary reports "
        "| [https://developers.openai.com/api/docs/deprecations](<https://developers.openai.com/api/docs/deprecations>) |"
    ) in lines
    assert any(line.startswith("| hosted-provider | A provider-hosted model is called | DE‑01, DE‑02,") for line in lines)
    # The scanner's counts, in words (the model's FINDING_LABELS), and the skipped files even when none.
    assert "| uses of a provider or model found | 4 |" in lines
    assert "| in tests and prose only \\(not counted as used\\) | 0 |" in lines
    assert "| files and folders the scanner skipped | 0 |" in lines
    assert "Lifecycle dates from the model catalog as of 2026-11-22." in lines


def test_text_has_colour_only_for_a_terminal(estate: tuple[Path, Path]) -> None:
    from fm_governance.reports import text

    folder, path = estate
    catalog = load_catalog([folder], builtins=())
    result = score(read_assessment(path, catalog), catalog, today=_dt.date(2026, 11, 22))
    policy = resolve_policy(result.assessment, fail_on="critical")
    report = build(result, policy=policy, gate=evaluate_gate(result, policy.gate))
    plain = text.render(report)
    coloured = text.render(report, width=120, color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).split() == text.render(report, width=120).split()


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "gitlab"])
def test_an_na_without_notes_is_listed_as_such_not_as_unanswered(estate: tuple[Path, Path], fmt: str) -> None:
    """GV-05 answers n/a with no notes: it is open (scored 0 until its notes say why), and every
    listing says so in those words, as the gate's reasons do; GV-02 has no answer at all."""
    folder, path = estate
    code, out, _ = invoke(folder, "check", str(path), "--format", fmt, "--fail-on", "medium")
    assert code == 1
    flat = " ".join(out.split())
    if fmt == "text":
        assert re.search(r"GV-05 \[medium · engineering\] n/a without notes:", out), out
        assert "GV-05 (medium) is n/a without notes" in flat and "GV-02 (critical) is unanswered" in flat
        assert re.search(r"GV-02 \[critical · privacy\] unanswered:", out)
    else:
        said = {
            "sarif": "GV-05 is n/a without notes:",
            "junit": "GV-05 (medium, engineering) is n/a without notes",
            "gitlab": "GV-05 (medium, engineering) is n/a without notes:",
        }
        assert said[fmt] in flat, flat
        assert said[fmt].replace("n/a without notes", "unanswered").replace("GV-05", "GV-02").replace("medium, engineering", "critical, privacy") in flat
