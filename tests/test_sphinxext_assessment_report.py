"""The ``fmg:assessment`` page is the report model laid out for Sphinx, in html, epub, latex and text.

``tests/roots/test-fmg-report`` holds one assessment with something for every part of the page:
an open critical item, an answered-no item whose waiver expired, a waiver that expires within 30
days, an ``n/a`` without notes, http(s) evidence beside evidence that only looks like a link, a
retired model in the inventory, a key no inventory table holds, and markup and control
characters in notes, names and inventory values. Its pages show it with no gate (``report``),
with ``:fail-on: high`` and with ``:fail-under: 10`` (``gated``), and for one role (``owner``).
The verdict each page states is the one :func:`fm_governance.reports.model.build` gives.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from conftest import item, write_checklist
from fm_governance.core.assessment import read_assessment
from fm_governance.core.checklists import load_catalog
from fm_governance.core.policy import resolve_policy
from fm_governance.core.scoring import evaluate_gate, score
from fm_governance.reports.model import build, catalog_lookup

ROOTS = Path(__file__).parent / "roots"
ROOT = ROOTS / "test-fmg-report"
AS_OF = _dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def build_clean(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    assert warnings_of(app) == [], "\n".join(warnings_of(app))


def page(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def sentence(fail_on: str | None = None, fail_under: float | None = None) -> str:
    """The verdict sentence the report model gives the test root's assessment."""
    catalog = load_catalog([ROOT / "checklists"], builtins=())
    assessment = read_assessment(ROOT / "fm-governance.yaml", catalog)
    result = score(assessment, catalog, today=AS_OF)
    policy = resolve_policy(assessment, fail_on=fail_on, fail_under=fail_under)
    return build(result, policy=policy, gate=evaluate_gate(result, policy.gate), model_lookup=catalog_lookup()).verdict.sentence


def flat(text: str) -> str:
    return " ".join(text.split())


def section(html: str, start: str, end: str | None = None) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin) if end else len(html)]


# --- html --------------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="fmg-report")
def test_html_page_has_verdict_chart_blockers_todo_and_items(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    report = page(app, "report.html")
    # No gate: the verdict says so, in its own state's block, and lists what needs attention.
    assert '<div class="fmg-verdict fmg-verdict-none note admonition">' in report
    assert f"<strong>{sentence()}</strong>" in report
    assert "No fail-on is set, so no item blocks approval by policy." in report
    attention = section(report, "Open critical and high items (no fail-on set", "To do by owner")
    assert re.findall(r'href="checklist.html#(ct-0\d)"', attention) == ["ct-01", "ct-02"]
    # The chart is the inline SVG, with an id of its own.
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="fmg-chart-report-0" class="fmg-chart" role="img"' in report
    # To do by owner: each role's open items, most severe first, with their questions.
    todo = section(report, "To do by owner", "fmg-area")
    assert re.findall(r"<h3 class=\"fmg-todo-owner rubric\">(\w+) ", todo) == ["security", "privacy", "engineering"]
    assert "Is there a data map?" in todo
    # Items grouped by status, ids linked to the rendered checklist and kept on one line.
    groups = re.findall(r'<h3 class="fmg-status-group rubric">([^<]+)</h3>', report)
    assert groups == ["Unanswered (2)", "Answered no (1)", "Waived (1)", "Met (2)"]
    assert (
        '<a class="reference internal" href="checklist.html#ct-04" title="CT-04: Fallback model"><code class="fmg-id docutils literal notranslate">' in report
    )
    assert "n/a without notes (scored as open until it says why)" in report
    assert "<strong>Waiver</strong> expired on 2026-10-01, approved by CISO: Old exception" in report
    assert "<strong>Waiver</strong> expires 2026-12-05 (in 13 days), approved by General Counsel: Review booked &lt;b&gt;soon&lt;/b&gt;" in report
    # Tables scroll in their own box on a narrow screen.
    assert report.count('<div class="fmg-scroll docutils container">') == report.count('<table class="longtable fmg-assessment')


@pytest.mark.sphinx("html", testroot="fmg-report")
def test_html_inventory_is_tables_not_field_lists(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    inventory = section(page(app, "report.html"), ">Inventory</h2>", "</section>")
    for kind in ("providers", "models", "signals", "scan", "other"):
        assert f'<table class="longtable fmg-assessment fmg-{kind} docutils' in inventory, kind
    assert "field-list" not in inventory and "<dl" not in inventory
    models = section(inventory, "fmg-models", "</table>")
    assert "claude-3-opus-20240229" in models and "<strong>retired 2026-01-05</strong>" in models and "pinned" in models
    signals = section(inventory, "fmg-signals", "</table>")
    assert 'href="checklist.html#ct-01"' in signals and 'href="checklist.html#ct-03"' in signals and "app.py:3 and 2 more" in signals
    assert "scanner_notes.hint" in inventory


@pytest.mark.sphinx("html", testroot="fmg-report")
def test_html_escapes_text_from_files_and_links_only_http_evidence(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    report = page(app, "report.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report and "<script>alert" not in report
    assert "Anthropic &lt;script&gt;p()&lt;/script&gt;" in report and "<script>p()" not in report
    assert "&lt;img src=x onerror=alert(2)&gt;" in report and "<img src=x" not in report
    assert "report-bot &lt;i&gt;x&lt;/i&gt;" in report and "<i>x</i>" not in report
    assert 'href="https://example.org/register?a=1&amp;b=2"' in report
    hrefs = re.findall(r'href="([^"]*)"', report)
    assert not [h for h in hrefs if "javascript" in h.lower() or "not-a-link" in h]
    assert "<li><p>see https://example.org/not-a-link.pdf</p></li>" in report


@pytest.mark.sphinx("html", testroot="fmg-report")
def test_fail_on_and_fail_under_options_set_the_gate(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    gated = page(app, "gated.html")
    failed = section(gated, "fmg-verdict-failed", "</div>\n</div>")
    assert f"<strong>{sentence(fail_on='high')}</strong>" in failed
    assert "Policy: fail-on high (:fail-on: of the fmg:assessment directive)" in failed
    assert "is unanswered</p></li>" not in failed  # the items are in the blockers table, not repeated in the box
    blocks = section(gated, "What blocks approval", "To do by owner")
    assert re.findall(r'href="checklist.html#(ct-0\d)"', blocks) == ["ct-01", "ct-02"] and "no fail-on" not in blocks.lower()
    # The second directive on the page gates on the score only: it passes, and says what it did not gate.
    passed = section(gated, "fmg-verdict-passed", "</div>\n</div>")
    assert f"<strong>{sentence(fail_under=10)}</strong>" in passed and "1 critical, 1 high and 1 medium items open are not gated." in passed
    # Two reports on one page: two anchors, two chart ids.
    assert re.findall(r'<svg [^>]* id="([^"]+)"', gated) == ["fmg-chart-gated-0", "fmg-chart-gated-1"]
    assert re.findall(r'<div class="fmg-assessment docutils container" id="([^"]+)"', gated) == ["assessment-report-bot-i-x-i", "assessment-report-bot-i-x-i-2"]


@pytest.mark.sphinx("html", testroot="fmg-report")
def test_owner_option_limits_listings_not_the_verdict(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    view = page(app, "owner.html")
    assert f"<strong>{sentence()}</strong>" in view  # every item still counts
    assert "No open item for legal." in view
    items = section(view, 'class="fmg-area rubric"', "</section>")
    assert sorted(set(re.findall(r'href="checklist.html#(ct-0\d)"', items))) == ["ct-03", "ct-06"]
    assert ">Inventory<" not in view  # :no-inventory:


# --- epub, latex, text -------------------------------------------------------------------------


@pytest.mark.sphinx("epub", testroot="fmg-report")
def test_epub_has_the_svg_chart_in_well_formed_xhtml(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    for name in ("report.xhtml", "gated.xhtml", "owner.xhtml"):
        ET.fromstring(page(app, name).encode("utf-8"))  # well-formed, or this raises
    report = page(app, "report.xhtml")
    assert f"<strong>{sentence()}</strong>" in report
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="fmg-chart-report-0"' in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report and "<script>alert" not in report


@pytest.mark.sphinx("text", testroot="fmg-report")
def test_text_has_verdict_and_hash_bars(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    text = page(app, "report.txt")
    assert sentence() in flat(text)
    assert re.search(r"^ *Overall +\|#{16} {24}\| +40$", text, re.MULTILINE), text
    assert sentence(fail_on="high") in flat(page(app, "gated.txt"))


@pytest.mark.parametrize("builder", ["man", "texinfo"])
def test_other_builders_get_the_text_chart(make_app, tmp_path: Path, builder: str) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    out = next(p for p in Path(app.outdir).iterdir() if p.suffix in (".1", ".texi"))
    text = out.read_text(encoding="utf-8")
    assert "|################" in text and "Gate failed under fail" in text


def require_tex() -> None:
    # Not a skip: a PDF that is never compiled is a PDF nobody checked. `make test` installs TeX.
    assert shutil.which("latexmk") and shutil.which("pdftotext"), "TeX or poppler-utils missing: run `make system-deps`"


@pytest.mark.sphinx("latex", testroot="fmg-report")
def test_latex_has_rule_bars_wrapping_tables_escaped_text_and_compiles(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = page(app, "fmg-report.tex")
    report = section(tex, r"\chapter{Assessment report}", r"\chapter{Gated report}")
    assert flat(sentence()) in flat(report)
    # The chart: one bar per area and the overall score, drawn with \rule on a 0-100 track.
    assert r"\textbf{Overall} & \rule[-0.3ex]{0.2000\linewidth}{1.9ex}\rule[0.5ex]{0.3000\linewidth}{0.4pt}\hspace{0.5em}\textbf{40} \\" in report
    assert r"Controls \textless{}b\textgreater{}\& co\textless{}/b\textgreater{} & \rule" in report
    assert r"\makebox[0pt]{50}\hspace{0.1500\linewidth}\makebox[0pt]{80}" in report  # the scale, marked as in the SVG
    # Wide tables have given, wrapping column widths; the inventory is tables, not field lists.
    assert r"\begin{longtable}{\X{30}{100}\X{11}{100}\X{9}{100}\X{13}{100}\X{22}{100}\X{15}{100}}" in report  # models
    inventory = section(report, r"\sphinxstylestrong{Inventory}" if r"\sphinxstylestrong{Inventory}" in report else "Inventory}")
    assert r"\begin{description}" not in inventory and r"\sphinxlineitem" not in inventory
    # Ids are inline code, whose hyphens LaTeX does not break at.
    assert r"\sphinxcode{\sphinxupquote{claude\sphinxhyphen{}3\sphinxhyphen{}opus\sphinxhyphen{}20240229}}" in report
    # Text from files is escaped; invisible controls are gone.
    assert r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} \& \textbackslash{}LaTeX\{\} \$x\$ 100\% \#1" in report
    assert r"\textbackslash{}input\{/etc/passwd\}" in report and "\x07" not in tex and "\u200b" not in tex
    require_tex()
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-report.tex"], cwd=app.outdir, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-3000:]
    log = (Path(app.outdir) / "fmg-report.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log  # nothing runs into the margin: tables wrap, ids fit their column
    pdf = subprocess.run(["pdftotext", "fmg-report.pdf", "-"], cwd=app.outdir, capture_output=True, check=True, text=True).stdout
    assert "Gate failed under fail-on high" in pdf and "claude-3-opus-20240229" in pdf and "CT-01" in pdf


# --- options and policy ------------------------------------------------------------------------


def project(tmp_path: Path, options: str, *, policy: str = "", pyproject: str | None = None) -> Path:
    """A one-page project whose page shows a small assessment with ``options``."""
    src = tmp_path / "src"
    write_checklist(src / "checklists", "alpha", [item("AL-01", "critical"), item("AL-02", "low", "engineering")])
    conf = 'project = "opts"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    answers = "      AL-01:\n        answer: null\n      AL-02:\n        answer: 'yes'\n"
    assessment = f"project:\n  name: opts\nchecklists:\n  alpha:\n    version: '1.0.0'\n    items:\n{answers}{policy}"
    (src / "data").mkdir()
    (src / "data" / "fm-governance.yaml").write_text(assessment, encoding="utf-8")
    if pyproject is not None:
        (src / "data" / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (src / "index.md").write_text(f"# Report\n\n```{{fmg:assessment}} data/fm-governance.yaml\n:as-of: 2026-11-22\n{options}```\n", encoding="utf-8")
    return src


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (":fail-on: urgent", ":fail-on: 'urgent' is not a severity — use one of critical, high, medium, low"),
        (":fail-under: 120", ":fail-under: '120' is not a score — use a number from 0 to 100"),
        (":fail-under: nan", ":fail-under: 'nan' is not a score — use a number from 0 to 100"),
        (
            ":owner: lawyers",
            ":owner: 'lawyers' is not a role of the assessed checklists — use one or more of legal, procurement, risk, security, privacy, engineering",
        ),
    ],
)
def test_a_bad_option_value_is_a_located_warning(make_app, tmp_path: Path, option: str, message: str) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, option + "\n")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert warnings_of(app) == [f"{src / 'index.md'}:3: WARNING: fmg:assessment: {message} [fmg.assessment]"]
    assert "fmg-verdict" not in page(app, "index.html")  # no verdict under a gate nobody set


def test_policy_from_the_assessment_and_pyproject_is_named_by_the_pages_path(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, "", policy="policy:\n  fail-on: critical\n", pyproject="[tool.fm-governance]\nfail-under = 90\n")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    html = page(app, "index.html")
    assert "Policy: fail-on critical (policy: in data/fm-governance.yaml), fail-under 90 ([tool.fm-governance] in data/pyproject.toml)" in html
    assert "fmg-verdict-failed" in html and "overall score 20 is under 90" in html
    assert str(tmp_path) not in html  # the build machine's paths are not published


def test_a_bad_policy_in_pyproject_is_a_located_warning(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, "", pyproject="[tool.fm-governance]\nfail-on = 'urgent'\n")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    lines = warnings_of(app)
    assert len(lines) == 1 and lines[0].startswith(f"{src / 'index.md'}:3: WARNING: fmg:assessment: {src / 'data' / 'pyproject.toml'}:2:"), lines
    assert "fail-on is 'urgent', not a severity" in lines[0] and lines[0].endswith("[fmg.assessment]")


def test_editing_the_pyproject_beside_the_assessment_rebuilds_the_page(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, "", pyproject="[tool.fm-governance]\nfail-under = 10\n")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    app.cleanup()  # docutils' registries, before a second app is set up in the same test
    assert "fmg-verdict-passed" in page(app, "index.html")
    (src / "data" / "pyproject.toml").write_text("[tool.fm-governance]\nfail-under = 90\n", encoding="utf-8")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    assert "fmg-verdict-failed" in page(app, "index.html")


# --- in a browser ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["furo", "alabaster"])
def test_the_page_reads_on_a_phone_and_a_desktop(make_app, tmp_path: Path, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the page itself never scrolls sideways (each wide table scrolls in its own box, once,
    under a theme that wraps tables itself too); at 1280 px nothing needs to scroll."""
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM, CHROMIUM_ARGS, _require_tools

    _require_tools()
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    app = make_app("html", srcdir=src, builddir=tmp_path / "out", confoverrides={"html_theme": theme})
    build_clean(app)
    url = (Path(app.outdir) / "gated.html").as_uri()
    # Per table box: how many elements in it (itself included) scroll sideways.
    measure = """() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        scrolling: [...document.querySelectorAll('.fmg-scroll')].map(box => [box, ...box.querySelectorAll('*')].filter(
            e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1).length),
    })"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 900})
            phone.goto(url)
            narrow = phone.evaluate(measure)
            desktop = browser.new_page(viewport={"width": 1280, "height": 900})
            desktop.goto(url)
            wide = desktop.evaluate(measure)
        finally:
            browser.close()
    assert narrow["page"] <= 0, narrow
    assert max(narrow["scrolling"]) == 1, narrow  # the wide tables scroll in their box, never a scrollbar in a scrollbar
    assert wide["page"] <= 0 and max(wide["scrolling"]) == 0, wide
