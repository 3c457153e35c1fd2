"""Evidence with its own date: an entry of ``evidence:`` may be a mapping ``{ref, date}``, and a
policy's ``evidence-max-age`` makes ``check`` report dated evidence past its age as stale evidence,
located, in every format, reproducibly with ``--as-of``. Plain entries stay valid and untouched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import item, write_checklist
from fm_governance.cli import main
from fm_governance.core.assessment import read_assessment
from fm_governance.core.checklists import load_catalog
from fm_governance.core.models import Evidence


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


DATED = """\
# yaml-language-server: $schema=https://example.invalid/assessment.schema.json
project:
  name: dated
  date: 2026-01-01
policy:
  evidence-max-age:
    critical: 365
    default: 730
checklists:
  alpha:
    version: "1.0.0"
    items:
      AL-01:
        answer: "yes"
        evidence:
          - https://example.com/dpa.pdf  # signed copy
          - ref: https://example.com/soc2-2025.pdf
            date: 2025-03-01
          - {ref: "Pen test report in the vault", date: 2026-02-01}
      AL-02:
        answer: "yes"
        evidence:
          - ref: Supplier questionnaire
            date: 2024-06-01
      AL-03:
        answer: null
        evidence:
          - {ref: draft only, date: 2020-01-01}
"""


@pytest.fixture
def dated(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item("AL-01", "critical"), item("AL-02", "high"), item("AL-03", "low", "engineering")], version="1.0.0")
    file = tmp_path / "fm-governance.yaml"
    file.write_text(DATED, encoding="utf-8")
    return file, folder


def check_json(file: Path, folder: Path, as_of: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("check", str(file), "--checklists-dir", str(folder), "--as-of", as_of, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_reader_gives_typed_entries_plain_and_dated(dated: tuple[Path, Path]) -> None:
    file, folder = dated
    assessment = read_assessment(file, load_catalog([folder], builtins=()))
    entries = assessment.checklists["alpha"].responses["AL-01"].evidence
    assert [(e.ref, e.date) for e in entries] == [
        ("https://example.com/dpa.pdf", None),
        ("https://example.com/soc2-2025.pdf", __import__("datetime").date(2025, 3, 1)),
        ("Pen test report in the vault", __import__("datetime").date(2026, 2, 1)),
    ]
    assert entries[0].location is None and entries[1].location is not None
    assert (entries[1].location.line, entries[2].location.line) == (17, 19)
    assert Evidence("https://example.com/x").is_url and not Evidence("see the vault").is_url


def test_dated_evidence_is_stale_the_day_after_its_max_age(dated: tuple[Path, Path]) -> None:
    file, folder = dated
    # AL-01 is critical (365 days): the SOC 2 report dated 2025-03-01 is fresh on 2026-03-01, stale on 2026-03-02.
    assert check_json(file, folder, "2026-03-01")["stale_evidence"] == []
    doc = check_json(file, folder, "2026-03-02")
    assert doc["stale_evidence"] == [{"id": "AL-01", "ref": "https://example.com/soc2-2025.pdf", "date": "2025-03-01", "age_days": 366, "max_age": 365}]
    # AL-02 (high) uses default 730 days from 2024-06-01; AL-03 is unanswered, so its evidence backs nothing.
    assert [s["id"] for s in check_json(file, folder, "2026-06-01")["stale_evidence"]] == ["AL-01"]
    assert [s["id"] for s in check_json(file, folder, "2026-06-02")["stale_evidence"]] == ["AL-01", "AL-02"]


def test_json_items_keep_plain_entries_as_strings_and_dated_ones_as_mappings(dated: tuple[Path, Path]) -> None:
    file, folder = dated
    doc = check_json(file, folder, "2026-06-01")
    al01 = next(i for i in doc["items"] if i["id"] == "AL-01")
    assert al01["evidence"] == [
        "https://example.com/dpa.pdf",
        {"ref": "https://example.com/soc2-2025.pdf", "date": "2025-03-01", "stale": True},
        {"ref": "Pen test report in the vault", "date": "2026-02-01", "stale": False},
    ]
    assert doc["policy"]["evidence_max_age"] == {
        "critical": {"value": 365, "source": f"policy: in {file}"},
        "default": {"value": 730, "source": f"policy: in {file}"},
    }


def test_stale_evidence_is_located_in_text_and_listed_in_markdown_and_html(dated: tuple[Path, Path], tmp_path: Path) -> None:
    file, folder = dated
    common = (str(file), "--checklists-dir", str(folder), "--as-of", "2026-06-01")
    code, out, _ = run("check", *common)
    assert code == 0
    assert (
        f"{file}:17:13: warning: AL-01: evidence 'https://example.com/soc2-2025.pdf' dated 2025-03-01 is 457 days old on 2026-06-01: "
        "over evidence-max-age 365 days for critical — renew the evidence and set its date to the day it was issued"
    ) in out
    assert "Stale evidence (1): older than the policy's evidence-max-age\n" in out
    assert f"  {file}:17:13: AL-01 [critical · legal] dated 2025-03-01, 457 days old; max-age 365:" in out
    assert "Policy:" not in out  # evidence-max-age reports; it gates nothing
    _, md, _ = run("check", *common, "--format", "markdown")
    assert "<summary>Stale evidence (1): older than evidence-max-age for its item&#x27;s severity</summary>" in md
    _, doc_md, _ = run("report", *common, "--format", "markdown")
    assert "## Stale evidence (1)" in doc_md
    assert "(dated 2025-03-01, stale)" in doc_md and "(dated 2026-02-01)" in doc_md
    html_file = tmp_path / "r.html"
    code, _, err = run("report", *common, "--format", "html", "-o", str(html_file))
    assert code == 0, err
    html = html_file.read_text(encoding="utf-8")
    assert (
        "<h3>Stale evidence (older than the policy&#39;s evidence-max-age)</h3>" in html
        or "<h3>Stale evidence (older than the policy's evidence-max-age)</h3>" in html
    )
    assert '<li class="stale"><a' in html and "(dated 2025-03-01, stale)" in html


def test_cyclonedx_declarations_carry_the_date_as_created(dated: tuple[Path, Path], tmp_path: Path) -> None:
    file, folder = dated
    bom = tmp_path / "bom.json"
    code, _, err = run("export", "cyclonedx", str(file), "--checklists-dir", str(folder), "--as-of", "2026-06-01", "-o", str(bom))
    assert code == 0, err
    evidence = json.loads(bom.read_text(encoding="utf-8"))["declarations"]["evidence"]
    dated_entries = {e["description"]: e.get("created") for e in evidence if e["propertyName"] == "fm-governance:evidence"}
    assert dated_entries["https://example.com/soc2-2025.pdf"] == "2025-03-01T00:00:00Z"
    assert dated_entries["https://example.com/dpa.pdf"] is None


def test_assess_keeps_mapping_entries_comments_and_order_byte_for_byte(dated: tuple[Path, Path]) -> None:
    file, folder = dated
    code, _, err = run("assess", str(file.parent), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0, err
    text = file.read_text(encoding="utf-8")
    # Only the item lines gain their question comment; every evidence line stays as written.
    assert (
        text.replace("  # [critical · legal] Is AL-01 under control?", "")
        .replace("  # [high · legal] Is AL-02 under control?", "")
        .replace("  # [low · engineering] Is AL-03 under control?", "")
        == DATED
    )


def test_an_old_file_with_plain_entries_is_byte_identical_after_assess(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    write_checklist(folder, "alpha", [item("AL-01", "critical")], version="1.0.0")
    code, _, _ = run("assess", str(tmp_path), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0
    file = tmp_path / "fm-governance.yaml"
    text = file.read_text(encoding="utf-8").replace("evidence: []", "evidence:\n          - https://example.com/dpa.pdf\n          - signed by legal")
    file.write_text(text, encoding="utf-8")
    code, _, _ = run("assess", str(tmp_path), "--no-scan", "--checklists-dir", str(folder))
    assert code == 0
    assert file.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{date: 2025-01-01}", "ref"),
        ("{ref: x, date: 2025-02-30}", "YYYY-MM-DD"),
        ("{ref: x, collected: 2025-01-01}", "collected"),
        ("{ref: '', date: 2025-01-01}", "ref"),
    ],
)
def test_a_bad_mapping_entry_is_one_located_line(dated: tuple[Path, Path], entry: str, message: str) -> None:
    file, folder = dated
    file.write_text(DATED.replace('{ref: "Pen test report in the vault", date: 2026-02-01}', entry), encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"{file}:19:") and message in err, err


def test_evidence_max_age_in_pyproject_and_bad_values(dated: tuple[Path, Path]) -> None:
    file, folder = dated
    file.write_text(DATED.replace("policy:\n  evidence-max-age:\n    critical: 365\n    default: 730\n", ""), encoding="utf-8")
    assert check_json(file, folder, "2026-06-01")["stale_evidence"] == []  # no policy: nothing is measured
    pyproject = file.parent / "pyproject.toml"
    pyproject.write_text("[tool.fm-governance.evidence-max-age]\nhigh = 30\n", encoding="utf-8")
    assert [s["id"] for s in check_json(file, folder, "2026-06-01")["stale_evidence"]] == ["AL-02"]  # critical has no limit and no default
    pyproject.write_text("[tool.fm-governance.evidence-max-age]\nhihg = 30\n", encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2
    assert (
        err.strip()
        == f"{pyproject}:2:1: unknown key 'hihg' in [tool.fm-governance.evidence-max-age] — did you mean 'high'? known keys: critical, high, medium, low, default"
    )
    pyproject.unlink()
    file.write_text(DATED.replace("critical: 365", "critical: 0"), encoding="utf-8")
    code, _, err = run("check", str(file), "--checklists-dir", str(folder))
    assert code == 2 and err.startswith(f"{file}:7:15:") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_the_sphinx_assessment_page_has_stale_answers_and_stale_evidence_sections(make_app, tmp_path: Path, builder: str) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    write_checklist(src / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "high"), item("AL-03", "low", "engineering")], version="1.0.0")
    conf = 'project = "dated"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "data").mkdir()
    with_max_age = DATED.replace("policy:\n", "policy:\n  max-age:\n    default: 100\n")
    (src / "data" / "fm-governance.yaml").write_text(with_max_age, encoding="utf-8")
    (src / "index.md").write_text("# Report\n\n```{fmg:assessment} data/fm-governance.yaml\n:as-of: 2026-06-01\n```\n", encoding="utf-8")
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert app.warning.getvalue().strip() == ""
    page = (Path(app.outdir) / {"html": "index.html", "text": "index.txt", "latex": "dated.tex"}[builder]).read_text(encoding="utf-8")
    # The text builder wraps table cells and LaTeX marks hyphens: compare the words, not the layout.
    words = " ".join(re.sub(r"[|+=-]{2,}|\|", " ", page.replace("\\sphinxhyphen{}", "-")).split())
    # Answers without reviewed: age from project.date 2026-01-01: 151 days on 2026-06-01, over 100.
    assert "Stale answers (2)" in words
    assert "(project.date)" in words
    assert "Stale evidence (1)" in words
    assert "(dated 2026-02-01)" in words
    assert "(dated" in words and "stale)" in words
    if builder == "html":
        assert "Pen test report in the vault (dated 2026-02-01)" in page
        assert "(dated 2025-03-01, stale)" in page
        assert 'href="https://example.com/soc2-2025.pdf"' in page


def test_a_hostile_dated_entry_is_text_in_every_output(dated: tuple[Path, Path], tmp_path: Path) -> None:
    file, folder = dated
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) \x1b[31mred\x1b[0m"
    file.write_text(DATED.replace("ref: Supplier questionnaire", f"ref: {json.dumps(hostile)}"), encoding="utf-8")
    common = (str(file), "--checklists-dir", str(folder), "--as-of", "2026-06-02")
    _, text, _ = run("check", *common)
    assert "Stale evidence (2)" in text and "\x1b" not in text and "\\x1b[31mred" in text
    _, md, _ = run("check", *common, "--format", "markdown")
    _, doc_md, _ = run("report", *common, "--format", "markdown")
    for out in (md, doc_md):
        assert "Stale evidence (2)" in out
        assert "<script>" not in out and "](javascript:" not in out and "\x1b" not in out
    html_file = tmp_path / "r.html"
    run("report", *common, "--format", "html", "-o", str(html_file))
    html = html_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    _, data, _ = run("check", *common, "--format", "json")
    assert json.loads(data)["stale_evidence"][1]["ref"] == hostile
