"""The PDF report (`report --format pdf`), read back as a reader's tools see it.

The PDF is written by the installed command (WeasyPrint is in the dev extra, so CI has it) and read
back with poppler's ``pdftotext`` and ``pdfinfo`` (poppler-utils, a Makefile system package): the
verdict, every area, every open critical and high item id, the running header and "page N of M",
and the paper size. Without WeasyPrint the command says in one line how to get it (exit 2).
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_report_html import AS_OF, STATES, built_report, write_assessment

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "support-bot" / "fm-governance.yaml"
#: The example's PDF is about 17 A4 pages (18 on Letter); far outside this range, something broke
#: (the inventory dumped again, or every item on a page of its own).
PAGES = range(8, 31)


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run `make system-deps` (Debian package poppler-utils)"
    return found


def pdf_text(path: Path, *pages: int) -> str:
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run([_tool("pdftotext"), "-layout", *args, str(path), "-"], capture_output=True, text=True, check=True, timeout=120)
    return done.stdout


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True, timeout=60)
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def write_pdf(installed_cli: str, source: Path, target: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [installed_cli, "report", str(source), "--format", "pdf", "--as-of", AS_OF, "-o", str(target), *args], capture_output=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Module scope (one PDF for several tests), so the installed command is found as the
    # function-scoped `installed_cli` fixture finds it.
    cli = Path(sys.executable).with_name("fm-governance")
    assert cli.exists(), "fm-governance is not installed in this environment; run `make test`"
    target = tmp_path_factory.mktemp("pdf") / "report.pdf"
    done = write_pdf(str(cli), EXAMPLE, target)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b"", "WeasyPrint's warnings must not reach the user"
    return target


def test_the_example_pdf_holds_the_verdict_every_area_and_every_open_critical_and_high_item(example_pdf: Path, record_property: pytest.RecordProperty) -> None:
    from fm_governance.core.assessment import read_assessment
    from fm_governance.core.checklists import load_catalog
    from fm_governance.core.models import Severity
    from fm_governance.core.policy import resolve_policy
    from fm_governance.core.scoring import evaluate_gate, score
    from fm_governance.reports.model import build

    catalog = load_catalog(())
    result = score(read_assessment(EXAMPLE, catalog), catalog, today=dt.date.fromisoformat(AS_OF))
    policy = resolve_policy(result.assessment)
    model = build(result, policy=policy, gate=evaluate_gate(result, policy.gate))

    assert example_pdf.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(example_pdf)
    flat = squeeze(text)
    assert squeeze(model.verdict.sentence) in flat
    assert "No gate set" in flat and "Gate passed" not in flat
    for area in model.areas:
        assert area.title in text, area.title
    wanted = [v.id for v in model.items if v.is_open and v.severity in (Severity.CRITICAL, Severity.HIGH)]
    assert len(wanted) == 31  # 6 critical + 25 high, as the verdict says
    missing = [i for i in wanted if not re.search(rf"\b{re.escape(i)}\b", text)]
    assert not missing
    assert "{" not in text, "raw JSON in the PDF"
    pages = int(pdf_info(example_pdf)["Pages"])
    record_property("example_pdf_pages", pages)
    print(f"example PDF: {pages} pages")
    assert pages in PAGES


def test_every_page_has_the_running_header_and_page_n_of_m(example_pdf: Path) -> None:
    pages = int(pdf_info(example_pdf)["Pages"])
    for n in (1, 2, pages):
        page = pdf_text(example_pdf, n)
        assert "support-bot" in page and f"Scored as of {AS_OF}" in page, n
        assert f"page {n} of {pages}" in page, n
    # Page one: the verdict and the chart come before anything else.
    first = squeeze(pdf_text(example_pdf, 1))
    assert first.lower().index("verdict") < first.index("Score per area")
    assert "Overall" in first and "Data exposure" in first


@pytest.mark.parametrize(("paper", "name", "width", "height"), [("a4", "A4", 595.276, 841.89), ("letter", "letter", 612.0, 792.0)])
def test_a4_and_letter(installed_cli: str, tmp_path: Path, paper: str, name: str, width: float, height: float) -> None:
    folder, path = write_assessment(tmp_path, STATES["failed"])
    target = tmp_path / f"{paper}.pdf"
    done = write_pdf(installed_cli, path, target, "--paper", paper, "--checklists-dir", str(folder))
    assert done.returncode == 0, done.stderr.decode()
    info = pdf_info(target)
    size = re.match(r"([\d.]+) x ([\d.]+) pts(?: \((\w+)\))?", info["Page size"])
    assert size is not None
    assert abs(float(size[1]) - width) < 1 and abs(float(size[2]) - height) < 1
    assert (size[3] or "").lower() == name.lower()
    text = squeeze(pdf_text(target))
    model = built_report(folder, path)
    assert squeeze(model.verdict.sentence) in text and "Gate failed" in text
    assert "What blocks approval" in text and "AL-01" in text


def test_the_pdf_page_raises_no_weasyprint_warning(tmp_path: Path) -> None:
    from fm_governance.reports import pdf

    folder, path = write_assessment(tmp_path, STATES["passed"])
    warnings: list[str] = []
    data = pdf.render(built_report(folder, path), paper="letter", warnings=warnings)
    assert data[:5] == b"%PDF-"
    assert warnings == [], warnings


def test_pdf_to_a_pipe_is_the_document(installed_cli: str) -> None:
    done = subprocess.run([installed_cli, "report", str(EXAMPLE), "--format", "pdf"], capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout[:5] == b"%PDF-" and done.stdout.rstrip().endswith(b"%%EOF")


def test_pdf_to_a_terminal_is_refused_in_one_line(installed_cli: str) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([installed_cli, "report", str(EXAMPLE), "--format", "pdf"], stdout=follower, stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err.count("\n") == 1 and "PDF is binary" in err and "pass -o FILE or redirect" in err


def test_without_weasyprint_pdf_is_one_line_saying_how_to_get_it(installed_cli: str, tmp_path: Path) -> None:
    # A sitecustomize that makes `import weasyprint` fail, as on an install without the [pdf] extra.
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['weasyprint'] = None\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hide)}
    target = tmp_path / "out.pdf"
    done = subprocess.run(
        [installed_cli, "report", str(EXAMPLE), "--format", "pdf", "-o", str(target)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    line = done.stderr
    assert "WeasyPrint" in line and "is not installed" in line
    assert "pip install '.[pdf]'" in line and "libpango-1.0-0" in line and "Traceback" not in line
    assert not target.exists()
    # HTML needs no extra.
    html = subprocess.run([installed_cli, "report", str(EXAMPLE), "--format", "html"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert html.returncode == 0 and "<!DOCTYPE html>" in html.stdout


def test_without_weasyprint_in_process_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fm_governance.cli import main

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert result.stderr.startswith("fm-governance report --format pdf: WeasyPrint, which writes the PDF, is not installed — install the PDF extra")


def test_the_pdf_is_titled_and_described_by_its_verdict(installed_cli: str, tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path, STATES["failed"])
    target = tmp_path / "report.pdf"
    assert write_pdf(installed_cli, path, target, "--checklists-dir", str(folder)).returncode == 0
    info = pdf_info(target)
    model = built_report(folder, path)
    assert info["Title"] == model.title.replace("\x1b", "\ufffd")
    assert info["Subject"] == model.verdict.sentence and info["Author"] == "Ann <i>Lee</i>"
