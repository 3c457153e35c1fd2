"""The Sphinx extension, built for real: directives, roles, output per builder, bad input, config.

Each case builds a small project from ``tests/roots/test-fmg-*`` with ``sphinx.testing`` and fails
on any warning unless the warnings are what the test is about. HTML bodies are snapshotted (under
``tests/roots/snapshots``) so a change to the rendered markup is a reviewed diff.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance.core.assessment import read_assessment, template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.core.scoring import score
from fm_governance.reports.model import fmt_score
from fm_governance.sphinxext.config import DEFAULT_TEMPLATE_NAME, validate

ROOTS = Path(__file__).parent / "roots"
SNAPSHOTS = ROOTS / "snapshots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def build_clean(app) -> None:  # type: ignore[no-untyped-def]
    """Build and fail on any warning (the equivalent of ``-W`` for a test app)."""
    app.build()
    warnings = warnings_of(app)
    assert warnings == [], "\n".join(warnings)


def body(html: str) -> str:
    """The page content: from the first ``<section`` to the last ``</section>``."""
    return html[html.index("<section") : html.rindex("</section>") + len("</section>")]


def page(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


# --- html, domain and roles ----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_html_pages_match_snapshots(app, file_regression) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    for name in ("checklist", "high", "prose", "links", "matrix", "report"):
        file_regression.check(body(page(app, f"{name}.html")), fullpath=SNAPSHOTS / f"basic-{name}.html")


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_roles_resolve_to_rendered_targets_with_titles(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    prose = page(app, "prose.html")
    assert 'href="checklist.html#dm-01" title="DM-01: Data map exists"><span class="xref fmg fmg-item">DM-01 — Data map exists</span>' in prose
    assert 'href="checklist.html#checklist-demo" title="Demo controls"><span class="xref fmg fmg-checklist">Demo controls</span>' in prose
    assert '<span class="xref fmg fmg-item">the exit plan</span>' in prose  # explicit text wins
    links = page(app, "links.html")
    assert 'href="checklist.html#dm-03"' in links  # ids are matched case-insensitively
    assert 'href="extra.html#ex-01"' in links
    assert 'href="checklist.html#dm-02" title="DM-02: Retrieval permissions"><span class="xref any fmg fmg-item">DM-02 — Retrieval permissions</span>' in links


# Fresh: Sphinx 9 itself drops index entries from searchindex.js on a rebuild that writes no page.
@pytest.mark.sphinx("html", testroot="fmg-basic", freshenv=True)
def test_items_are_in_the_general_index_and_the_inventory(app) -> None:  # type: ignore[no-untyped-def]
    from sphinx.util.inventory import InventoryFile

    build_clean(app)
    genindex = page(app, "genindex.html")
    for item_id in ("DM-01", "DM-02", "DM-03", "EX-01", "EX-02"):
        assert f"{item_id} (checklist item)" in genindex
    # Renderings with :no-index: (high.html, prose.html) add no entries, as in any Sphinx domain.
    assert '<a href="checklist.html#dm-01">DM-01 (checklist item)</a>\n' in genindex
    assert "high.html#dm-01" not in genindex and "prose.html#" not in genindex
    # The search finds the entries too (Sphinx takes them from the pages' index nodes).
    text = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    assert '"dm-01 (checklist item)":[[0,"dm-01",false]]' in text
    # ... and finds an item's words on the page that registers it, not again on a :no-index:
    # rendering (that page's own prose is still found: "Critical and high demo items").
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])

    def words(name: str, kind: str = "terms") -> set[str]:
        n = index["docnames"].index(name)
        return {t.lower() for t, docs in index[kind].items() if docs == n or (isinstance(docs, list) and n in docs)}

    assert "map" in words("checklist", "titleterms")  # DM-01's title, "Data map exists"
    assert words("high", "titleterms") == {"critic", "high", "demo", "item", "host", "api"}  # its heading only (stop words dropped)
    assert "map" not in words("high") | words("high", "titleterms")  # no item's words
    assert "map" in words("prose") and not {"retriev", "enforc", "permiss"} & words("prose")  # its own prose only
    inventory = InventoryFile.loads((Path(app.outdir) / "objects.inv").read_bytes(), uri="")
    items = dict(inventory.data["fmg:item"].items())
    assert set(items) == {"DM-01", "DM-02", "DM-03", "EX-01", "EX-02"}
    assert items["DM-01"].uri == "checklist.html#dm-01"
    assert items["DM-01"].display_name == "DM-01 — Data map exists"
    assert set(inventory.data["fmg:checklist"]) == {"demo", "extra"}


def toc_anchors(app, docname: str) -> list[str]:  # type: ignore[no-untyped-def]
    from docutils import nodes

    return [ref["anchorname"] for ref in app.env.tocs[docname].findall(nodes.reference)]


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_items_are_in_the_table_of_contents_by_default(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    assert toc_anchors(app, "checklist") == ["", "#dm-01", "#dm-02", "#dm-03"]
    assert 'href="#dm-01"' in page(app, "checklist.html").split('class="sphinxsidebar"', 1)[1]  # the sidebar's local contents


@pytest.mark.sphinx("html", testroot="fmg-basic", confoverrides={"fmg_item_toc": False})
def test_item_toc_off_makes_items_headed_blocks_outside_the_contents(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    assert toc_anchors(app, "checklist") == [""]
    html = page(app, "checklist.html")
    assert 'href="#dm-01"' not in html.split('class="sphinxsidebar"', 1)[1]
    # Still a heading (one level below the page title), anchored and linkable; just not a section.
    assert '<div class="fmg-item fmg-item-block docutils container" id="dm-01">\n<h2 class="rubric">DM-01 Data map exists</h2>' in html
    assert 'href="checklist.html#dm-01"' in page(app, "prose.html")
    assert "DM-01 (checklist item)" in page(app, "genindex.html")


@pytest.mark.sphinx("latex", testroot="fmg-basic", confoverrides={"fmg_item_toc": False})
def test_item_toc_off_gives_unnumbered_headings_in_the_pdf(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\section*{DM\sphinxhyphen{}01 Data map exists}" in tex
    assert r"\section{DM\sphinxhyphen{}01" not in tex


@pytest.mark.sphinx("latex", testroot="fmg-basic")
def test_items_are_sections_in_the_pdf_by_default(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\section{DM\sphinxhyphen{}01 Data map exists}" in tex


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_guidance_with_images_footnotes_index_and_targets(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Markdown that needs the page's read-time processing is parsed while reading, so it works as
    on any MyST page (parsed at write time, images and footnotes would crash the writer)."""
    src = tmp_path / "guided"
    shutil.copytree(ROOTS / "test-fmg-basic", src)
    extra = src / "checklists" / "extra.yaml"
    guidance = (
        "    guidance: |\n"
        "      (fallback-runbook)=\n"
        "      Test the fallback monthly[^m] and log the {index}`fallback drill`.\n\n"
        "      ![Runbook diagram](https://example.org/runbook.png)\n\n"
        "      [^m]: Or weekly, after an incident.\n"
    )
    extra.write_text(extra.read_text(encoding="utf-8").replace("    guidance: Test the fallback monthly.\n", guidance), encoding="utf-8")
    (src / "links.md").write_text((src / "links.md").read_text(encoding="utf-8") + "\nSee {ref}`the runbook <fallback-runbook>`.\n", encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    build_clean(app)
    html = page(app, "extra.html")  # MyST puts footnotes at the end of the page, after its sections
    assert '<img alt="Runbook diagram" src="https://example.org/runbook.png" />' in html
    assert 'class="footnote-reference brackets"' in html and "Or weekly, after an incident." in html
    assert "fallback drill" in page(app, "genindex.html")
    assert 'href="extra.html#fallback-runbook"' in page(app, "links.html")


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_guidance_is_rendered_when_written_with_links_and_smart_quotes(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    extra = body(page(app, "extra.html"))
    # The role in EX-01's guidance resolves like one in prose; its quotes are typographic.
    assert 'href="checklist.html#dm-03" title="DM-03: Exit plan"><span class="xref fmg fmg-item">DM-03 — Exit plan</span>' in extra
    assert "says what \u201cpinned\u201d buys you" in extra
    assert "fmg_item_body" not in extra


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_checklist_filters_and_matrix(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    high = body(page(app, "high.html"))
    # critical/high items that apply to hosted-api: DM-01 (all modes); DM-02 is rag-only.
    assert "DM-01 Data map exists" in high and "DM-02" not in high and "DM-03" not in high
    assert "1 of 3 (filtered by severity critical, high; mode hosted-api)" in high
    matrix = body(page(app, "matrix.html"))
    headers = re.findall(r'<th class="head"><p>([^<]*)</p>', matrix)
    assert headers == ["ID", "Title", "Severity", "Owner", "NIST AI RMF 1.0", "GDPR", "OWASP Top 10 for LLM Applications"]
    rows = re.findall(r"<tr class=\"row-(?:even|odd)\">(.*?)</tr>", matrix, flags=re.S)[1:]
    assert len(rows) == 5
    assert "MAP 4.1" in rows[0] and "Art. 30" in rows[0]


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_template_download_is_the_cli_template(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    assert 'download="" href="_downloads/fmg/fm-governance-demo.yaml"' in page(app, "checklist.html")
    catalog = load_catalog([ROOTS / "test-fmg-basic" / "checklists"], builtins=())
    for checklist in catalog:
        written = (Path(app.outdir) / "_downloads" / "fmg" / f"fm-governance-{checklist.id}.yaml").read_text(encoding="utf-8")
        assert written == template_text([checklist])


@pytest.mark.sphinx("html", testroot="fmg-basic", confoverrides={"fmg_template_name": "blank-{checklist}.yml"})
def test_template_name_is_configurable(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    assert 'href="_downloads/fmg/blank-demo.yml"' in page(app, "checklist.html")
    assert (Path(app.outdir) / "_downloads" / "fmg" / "blank-extra.yml").is_file()


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_assessment_scores_come_from_the_core_scorer(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    report = body(page(app, "report.html"))
    catalog = load_catalog([ROOTS / "test-fmg-basic" / "checklists"], builtins=())
    assessment = read_assessment(ROOTS / "test-fmg-basic" / "fm-governance.yaml", catalog)
    result = score(assessment, catalog, today=_dt.date(2026, 11, 22))
    assert f"<strong>{fmt_score(result.score)} / 100</strong>" in report
    # Items grouped by status (partly met, waived, not applicable); the waiver is shown; the
    # inventory is tables, not field lists.
    order = list(re.findall(r"#(dm-0\d)\"", report))
    assert order[-3:] == ["dm-01", "dm-03", "dm-02"]
    assert "valid until 2027-03-31, approved by CRO: Supplier review in Q1" in report
    assert '<table class="longtable fmg-assessment fmg-providers' in report and "<td><p>openai</p></td>" in report
    assert '<dt class="field-odd">providers' not in report


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_yaml_text_is_escaped_in_html(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    report = page(app, "report.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "<script>alert(1)" not in report
    checklist = page(app, "checklist.html")
    assert "&lt;script&gt;alert(&quot;guidance&quot;)&lt;/script&gt;" in checklist  # raw HTML in Markdown guidance
    assert "<script>alert(" not in checklist
    assert "&lt;b&gt;tags&lt;/b&gt;" in checklist
    prose = page(app, "prose.html")  # the same guidance on a reStructuredText page
    assert "&lt;script&gt;alert(&quot;guidance&quot;)&lt;/script&gt;" in prose and "<script>alert(" not in prose
    assert "List every <strong>provider</strong> and tier." in prose


@pytest.mark.sphinx("html", testroot="fmg-design")
def test_html_badges_use_sphinx_design_when_loaded(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    index = page(app, "index.html")
    assert 'class="fmg-badge fmg-severity fmg-severity-high sd-badge sd-bg-warning sd-bg-text-warning"' in index  # item badges
    matrix = index[index.index('<table class="longtable fmg-matrix') :]
    assert "sd-badge" in matrix[: matrix.index("</table>")]  # the matrix, built at write time, too


@pytest.mark.sphinx("epub", testroot="fmg-design")
def test_epub_keeps_other_extensions_html_visitors(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)  # used to crash: sphinx-design's card nodes had no visitor in EPUB
    index = page(app, "index.xhtml")
    assert "A sphinx-design card" in index and "fm-governance-vendor-lock-in.yaml" in index


# --- other builders --------------------------------------------------------------------------------


@pytest.mark.sphinx("text", testroot="fmg-basic")
def test_text_build_keeps_labels_and_template_command(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    text = page(app, "checklist.txt")
    assert "Severity:\n   critical" in text and "Owner:\n   privacy" in text and "Applies to:\n   all modes" in text
    assert '"fm-governance-demo.yaml" — the blank assessment, as written by\n   "fm-governance template demo"' in text
    assert "<script>alert(1)</script>" in page(app, "report.txt")  # plain text: shown verbatim


@pytest.mark.sphinx("singlehtml", testroot="fmg-basic")
def test_singlehtml_links_land_on_their_items(app) -> None:  # type: ignore[no-untyped-def]
    # Every page is one page: role, matrix and assessment links are the anchor alone. Sphinx 8.2 to
    # 9.0 write #document-page#anchor for links to another source page, which no browser follows.
    build_clean(app)
    html = page(app, "index.html")
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    fmg = re.findall(r'<a class="reference internal" href="([^"]*)"[^>]*><span class="xref fmg', html)
    matrix = re.findall(r'<td><p><a class="reference internal" href="([^"]*)"', html)
    assert len(fmg) >= 8 and len(matrix) >= 5
    for href in fmg + matrix:
        assert href.count("#") == 1 and href[1:] in ids, href


@pytest.mark.sphinx("epub", testroot="fmg-basic")
def test_epub_build(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    assert (Path(app.outdir) / "fmg-basic.epub").is_file()
    report = page(app, "report.xhtml")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    checklist = page(app, "checklist.xhtml")
    assert "fm-governance-demo.yaml" in checklist and "_downloads" not in checklist  # no dead download link
    assert not (Path(app.outdir) / "_downloads").exists()


def require_latexmk() -> None:
    # Not a skip: a PDF that is never compiled is a PDF nobody checked. `make test` installs TeX.
    assert shutil.which("latexmk"), "latexmk is missing: run `make system-deps` (Debian: latexmk and TeX Live)"


@pytest.mark.sphinx("latex", testroot="fmg-basic")
def test_latex_build_escapes_and_compiles(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = page(app, "fmg-basic.tex")
    assert r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} \& \textbackslash{}LaTeX\{\} \$x\$ 100\% \#1" in tex
    assert tex.count(r"\begin{longtable}") >= 3  # matrix and the two assessment tables break across pages
    assert r"\sphinxlineitem{Severity}" in tex and r"fm\sphinxhyphen{}governance template demo" in tex
    require_latexmk()
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-basic.tex"], cwd=app.outdir, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert (Path(app.outdir) / "fmg-basic.pdf").stat().st_size > 10_000


@pytest.mark.sphinx("latex", testroot="fmg-builtins")
def test_builtin_checklists_compile_to_pdf(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = page(app, "fmg-builtins.tex")
    # On paper the crosswalk is five columns (frameworks share a "References" column, one line
    # each) so ids and framework ids do not break mid-word on a portrait page.
    matrix_spec = r"\begin{longtable}{\X{9}{100}\X{25}{100}\X{11}{100}\X{13}{100}\X{42}{100}}"
    assert matrix_spec in tex
    assert r"\sphinxstylestrong{NIST AI RMF 1.0}: " in tex
    require_latexmk()
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-builtins.tex"], cwd=app.outdir, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.sphinx("html", testroot="fmg-builtins")
def test_builtin_checklists_render_without_warnings(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    matrix = page(app, "matrix.html")
    assert matrix.count('class="reference internal"') >= 30
    assert 'id="de-01"' in page(app, "data-exposure.html")


# --- bad input -------------------------------------------------------------------------------------

EXPECTED_BAD = [
    (r"conf\.py:5: WARNING: fmg_checklist_dirs: 'no-such-folder' is not a folder", "fmg.config"),
    (r"conf\.py:6: WARNING: fmg_builtin_checklists: unknown built-in 'nope'", "fmg.config"),
    (r"conf\.py:7: WARNING: fmg_template_name must be a file name containing \{checklist\}", "fmg.config"),
    (r"checklists/broken\.yaml:14: WARNING: items\[0\]\.severity: \"urgent\" is not allowed", "fmg.checklist"),
    (r"index\.md:6: WARNING: unknown checklist 'broken' \(loaded checklists: good\)", "fmg.checklist"),
    (r"index\.md:9: WARNING: unknown item 'ZZ-01'", "fmg.item"),
    (r"index\.md:14: WARNING: fmg:assessment: .*missing\.yaml: no such file", "fmg.assessment"),
    (r"index\.md:17: WARNING: fmg:assessment: .*invalid\.yaml:8: .*\"maybe\" is not allowed", "fmg.assessment"),
    (r"index\.md:12: WARNING: unknown item 'ZZ-99'", "fmg.ref"),
    (r"index\.md:12: WARNING: unknown checklist 'nowhere'", "fmg.ref"),
    (r"index\.md:20: WARNING: fmg:matrix: unknown checklist 'missing'", "fmg.checklist"),
    (r"index\.md:20: WARNING: fmg:matrix: unknown framework 'nist' \(frameworks: nist-ai-rmf, ", "fmg.checklist"),
]


@pytest.mark.sphinx("html", testroot="fmg-bad")
def test_bad_input_gives_located_typed_warnings_not_tracebacks(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    lines = warnings_of(app)
    assert len(lines) == len(EXPECTED_BAD), "\n".join(lines)
    for pattern, typ in EXPECTED_BAD:
        assert any(re.search(pattern, line) and line.endswith(f"[{typ}]") for line in lines), f"{pattern} not in:\n" + "\n".join(lines)
    # The good checklist still renders beside the broken one, with the default template name.
    index = page(app, "index.html")
    assert 'id="gd-01"' in index
    # The matrix shows each named checklist once.
    table = index[index.index('<table class="longtable fmg-matrix') :]
    table = table[: table.index("</table>")]
    assert table.count('href="#gd-01"') == 1
    assert "fm-governance-good.yaml" in index


@pytest.mark.parametrize("builder", ["html", "latex", "text"])
@pytest.mark.parametrize(
    ("builtins", "option", "warning"),
    [
        ("[]", "", "the crosswalk is empty — list checklist folders in fmg_checklist_dirs or built-ins in fmg_builtin_checklists"),
        ('["data-exposure"]', ":checklists: nope\n", "fmg:matrix: unknown checklist 'nope'"),
    ],
)
def test_matrix_with_nothing_to_show_says_so(make_app, tmp_path: Path, builder: str, builtins: str, option: str, warning: str) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    conf = f'project = "crosswalk"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_builtin_checklists = {builtins}\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text(f"# Crosswalk\n\n```{{fmg:matrix}}\n{option}```\n", encoding="utf-8")
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out")
    app.build()
    lines = warnings_of(app)
    assert len(lines) == 1 and lines[0].startswith(f"{src / 'index.md'}:3: WARNING: ") and lines[0].endswith(f"{warning} [fmg.checklist]"), lines
    text = page(app, {"html": "index.html", "latex": "crosswalk.tex", "text": "index.txt"}[builder])
    text = {"html": body, "latex": lambda tex: tex[tex.index(r"\begin{document}") :], "text": str}[builder](text)
    assert "No checklist items to show." in text
    assert "Severity" not in text and "<table" not in text and "longtable" not in text  # no table of headings


@pytest.mark.sphinx("html", testroot="fmg-bad", confoverrides={"suppress_warnings": ["fmg"]})
def test_fmg_warnings_can_be_suppressed(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="fmg-bad", confoverrides={"suppress_warnings": ["fmg.ref", "fmg.config", "fmg.checklist"]})
def test_fmg_warnings_can_be_suppressed_by_subtype(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    lines = warnings_of(app)
    assert sorted(line.rsplit("[", 1)[1] for line in lines) == ["fmg.assessment]", "fmg.assessment]", "fmg.item]"]


@pytest.mark.sphinx("html", testroot="fmg-bad", warningiserror=True)
def test_warnings_fail_a_strict_build(app) -> None:  # type: ignore[no-untyped-def]
    from sphinx.errors import SphinxError

    try:
        app.build()
    except SphinxError as exc:  # older Sphinx: the first warning raises
        assert "fmg_checklist_dirs" in str(exc) or "fmg" in str(exc)
    else:
        assert app.statuscode == 1
        assert "unknown item 'ZZ-99'" in app.warning.getvalue()


# --- config ----------------------------------------------------------------------------------------


def _config(**values: object) -> SimpleNamespace:
    defaults: dict[str, object] = {"fmg_checklist_dirs": [], "fmg_builtin_checklists": None, "fmg_template_name": DEFAULT_TEMPLATE_NAME, "fmg_item_toc": True}
    defaults.update(values)
    return SimpleNamespace(**defaults)


def test_config_defaults_are_valid(tmp_path: Path) -> None:
    fmg, problems = validate(_config(), tmp_path)  # type: ignore[arg-type]
    assert problems == []
    assert fmg.builtin_checklists is None and fmg.checklist_dirs == () and fmg.template_file("x") == "fm-governance-x.yaml"
    assert fmg.item_toc is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("fmg_checklist_dirs", "checklists", "must be a list of strings"),
        ("fmg_checklist_dirs", ["missing"], "is not a folder"),
        ("fmg_builtin_checklists", ["data-exposure", "nope"], "unknown built-in 'nope'"),
        ("fmg_builtin_checklists", "data-exposure", "must be a list of strings"),
        ("fmg_template_name", "fixed.yaml", "containing {checklist}"),
        ("fmg_template_name", "../{checklist}.yaml", "containing {checklist}"),
        ("fmg_template_name", "{checklist}-{other}.yaml", "placeholder other than"),
        ("fmg_template_name", 3, "containing {checklist}"),
        ("fmg_item_toc", "no", "must be True or False"),
    ],
)
def test_bad_config_values_fall_back(tmp_path: Path, name: str, value: object, message: str) -> None:
    fmg, problems = validate(_config(**{name: value}), tmp_path)  # type: ignore[arg-type]
    assert len(problems) == 1 and problems[0][0] == name and message in problems[0][1]
    if name == "fmg_builtin_checklists" and isinstance(value, list):
        assert fmg.builtin_checklists == ("data-exposure",)  # the valid part is kept
    elif name == "fmg_template_name":
        assert fmg.template_name == DEFAULT_TEMPLATE_NAME
    elif name == "fmg_item_toc":
        assert fmg.item_toc is True


def test_config_keeps_existing_dirs(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    fmg, problems = validate(_config(fmg_checklist_dirs=["mine", "gone"]), tmp_path)  # type: ignore[arg-type]
    assert fmg.checklist_dirs == ("mine",) and len(problems) == 1
    assert fmg.checklist_paths(tmp_path) == ((tmp_path / "mine").resolve(),)
