"""Assessment mode, as built: the page data and assets on checklist pages only, HTML builders only.

The browser side (filling, import, export, scoring) is tested in ``tests/test_form_browser.py``;
these tests build small projects with ``sphinx.testing`` and read the output.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance.core.assessment import template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.sphinxext.form import script_json

ROOTS = Path(__file__).parent / "roots"
DATA = re.compile(r'<script id="fmg-form-data" type="application/json">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def build_clean(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    warnings = strip_escape_sequences(app.warning.getvalue()).strip().splitlines()
    assert warnings == [], "\n".join(warnings)


def page(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="fmg-form-escape")
def test_page_data_is_escaped_json_once_per_checklist_page(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "checklist.html")
    found = DATA.findall(html)
    assert len(found) == 1  # once per page
    raw = found[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw and "\u2028" not in raw
    data = json.loads(raw)
    assert data["project"] == "fmg-form </script> & <!-- escape"
    (checklist,) = data["checklists"]
    assert checklist["title"] == "Closing </script><script>alert(1)</script> & <!-- tags"
    assert checklist["items"] == [["CL-01", "high", "legal", [], "cl-01"], ["CL-02", "low", "security", ["rag"], "cl-02"]]
    assert data["page"] == ["CL-01", "CL-02"]
    catalog = load_catalog([ROOTS / "test-fmg-form-escape" / "checklists"], builtins=())
    assert data["template"] == template_text(catalog)  # what `fm-governance template` writes
    assert "alert('question')" in data["template"]  # the question, in the item's comment
    for asset in ("fmg-form.js", "fmg-form.css", "fmg-yaml.min.js", "fmg-yaml.LICENSE.txt"):
        assert (Path(app.outdir) / "_static" / asset).is_file()
    assert 'src="_static/fmg-yaml.min.js' in html and 'src="_static/fmg-form.js' in html
    assert html.index("fmg-yaml.min.js") < html.index("fmg-form.js")  # the library first


@pytest.mark.sphinx("html", testroot="fmg-form-escape")
def test_pages_without_a_checklist_have_no_form(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    for name in ("prose.html", "index.html", "genindex.html"):
        html = page(app, name)
        assert "fmg-form-data" not in html and "fmg-form.js" not in html and "fmg-form.css" not in html, name


@pytest.mark.sphinx("dirhtml", testroot="fmg-form-escape")
def test_dirhtml_pages_get_the_form(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "checklist/index.html")
    assert len(DATA.findall(html)) == 1 and 'src="../_static/fmg-form.js' in html


@pytest.mark.sphinx("singlehtml", testroot="fmg-form-escape")
def test_singlehtml_gets_the_form_once(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    found = DATA.findall(page(app, "index.html"))
    assert len(found) == 1 and json.loads(found[0])["page"] == ["CL-01", "CL-02"]


@pytest.mark.sphinx("epub", testroot="fmg-form-escape")
def test_epub_is_unchanged(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    out = Path(app.outdir)
    for xhtml in out.glob("*.xhtml"):
        text = xhtml.read_text(encoding="utf-8")
        assert "fmg-form" not in text.replace("fmg-form &lt;/script&gt;", ""), xhtml.name
    assert not list(out.glob("_static/fmg-form*")) and not list(out.glob("_static/fmg-yaml*"))


@pytest.mark.sphinx("text", testroot="fmg-form-escape")
def test_text_is_unchanged(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    text = page(app, "checklist.txt")
    assert "Export YAML" not in text and "Import assessment" not in text and "CL-01" in text


@pytest.mark.sphinx("latex", testroot="fmg-form-escape")
def test_latex_is_unchanged(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "Export YAML" not in tex and "fmg-form" not in tex.replace("fmg-form <", "").replace("fmg-form \\textless{}", "")


@pytest.mark.sphinx("html", testroot="fmg-form")
def test_the_form_directive_renders_every_loaded_checklist(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    data = json.loads(DATA.findall(page(app, "form.html"))[0])
    catalog = load_catalog()
    assert data["page"] == [item.id for checklist in catalog for item in checklist.items]
    html = page(app, "form.html")
    for checklist in catalog:
        assert checklist.title in html
    # The checklist pages stay the link targets: the form page registers no objects.
    inventory = app.env.domains["fmg"].objects
    assert {doc for doc, _anchor, _title in inventory.values()} == {"data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity"}


@pytest.mark.sphinx("html", testroot="fmg-form")
def test_a_search_finds_an_item_on_its_checklist_page_not_again_on_the_form_page(app) -> None:  # type: ignore[no-untyped-def]
    """The form page repeats every item of every checklist: its items are left out of the search
    index (so a search lists each item once, on its checklist's page); its own prose is not."""
    build_clean(app)
    text = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docs = {name: n for n, name in enumerate(index["docnames"])}

    def stems(kind: str, name: str) -> set[str]:
        """The words (stemmed) the index finds on a page: in its text (terms) or in its headings (titleterms)."""
        n = docs[name]
        return {t for t, found in index[kind].items() if found == n or (isinstance(found, list) and n in found)}

    assert stems("terms", "form") == {"everi", "load", "one", "form"}  # "Every loaded checklist as one form."
    assert {t.lower() for t in stems("titleterms", "form")} <= {"all", "checklist"}  # the title, no item's
    assert len(stems("terms", "data-exposure")) > 300 and len(stems("titleterms", "data-exposure")) > 20
    assert index["titles"][docs["form"]] == "All checklists"
    html = page(app, "form.html")
    assert html.count('class="fmg-item no-search"') == sum(len(c.items) for c in load_catalog())  # the form is all there


@pytest.mark.parametrize(("builder", "encoding"), [("html", "utf-8"), ("dirhtml", "utf-8"), ("html", "latin-1")])
def test_editing_another_checklist_updates_the_form_pages_data_in_place(make_app, tmp_path: Path, builder: str, encoding: str) -> None:  # type: ignore[no-untyped-def]
    """The page data holds every loaded checklist, so a page showing one checklist must change when
    another checklist's file changes (an incremental build would otherwise embed the old items, and
    the page would refuse a file answering the new one). The page is neither re-read nor written
    again: its data element is replaced, and the page is then what a fresh build writes."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-form-escape", src)
    second = src / "checklists" / "second.yaml"
    item = "  - {id: SE-01, title: One, question: Is it one?, why: Why., guidance: Do., evidence: [A], severity: low, owner: risk}\n"
    head = "id: second\ntitle: Second\nversion: 1.0.0\nowner: risk\nsummary: Another checklist.\nitems:\n"
    second.write_text(head + item, encoding="utf-8")
    name = "checklist.html" if builder == "html" else "checklist/index.html"
    conf = {"html_output_encoding": encoding}
    app = make_app(builder, srcdir=src, freshenv=True, confoverrides=conf)
    build_clean(app)
    app.cleanup()
    first = json.loads(DATA.findall((Path(app.outdir) / name).read_text(encoding=encoding))[0])
    assert [c["id"] for c in first["checklists"]] == ["closing", "second"]
    time.sleep(0.05)  # after the first build's read time (Sphinx compares mtimes)
    second.write_text(head + item + item.replace("SE-01", "SE-02"), encoding="utf-8")
    app = make_app(builder, srcdir=src, confoverrides=conf)
    read: list[str] = []
    written: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    app.connect("html-page-context", lambda _app, pagename, *_: written.append(pagename))
    build_clean(app)
    app.cleanup()
    assert read == []  # no page renders the second checklist: nothing is re-read
    assert "checklist" not in written  # nor written again
    html = (Path(app.outdir) / name).read_bytes()
    data = json.loads(DATA.findall(html.decode(encoding))[0])
    assert [row[0] for row in data["checklists"][1]["items"]] == ["SE-01", "SE-02"]
    assert "SE-02" in data["template"] and data["page"] == ["CL-01", "CL-02"]
    if encoding == "latin-1":  # what latin-1 cannot hold is a character reference, as Sphinx writes it
        assert b"&#" in html
    fresh = make_app(builder, srcdir=src, builddir=tmp_path / "fresh", freshenv=True, confoverrides=conf)
    build_clean(fresh)
    assert html == (Path(fresh.outdir) / name).read_bytes()  # byte for byte what a fresh build writes


def test_a_form_page_is_mended_whichever_build_wrote_it(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The written page is compared, not a record of the last build: a page holding data another
    build left (an interrupted build, another builder sharing the doctrees) is brought up to date
    by the next build, even one that changes nothing."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-form-escape", src)
    app = make_app("html", srcdir=src, freshenv=True)
    build_clean(app)
    app.cleanup()
    target = Path(app.outdir) / "checklist.html"
    good = target.read_text(encoding="utf-8")
    raw = DATA.findall(good)[0]
    stale = json.loads(raw)
    stale["checklists"][0]["items"].pop()
    target.write_text(good.replace(raw, script_json(stale)), encoding="utf-8")
    app = make_app("html", srcdir=src)
    build_clean(app)
    assert target.read_text(encoding="utf-8") == good


def test_a_form_page_that_cannot_be_mended_is_a_warning_not_a_crash(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A written page the build cannot replace (read-only) leaves the build finished, with one
    warning naming the file and what to do; the other pages are still brought up to date."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-form-escape", src)
    (src / "other.md").write_text("# Other\n\n```{fmg:checklist} closing\n:no-index:\n```\n", encoding="utf-8")
    (src / "index.md").write_text((src / "index.md").read_text(encoding="utf-8").replace("checklist\n", "checklist\nother\n", 1), encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    build_clean(app)
    app.cleanup()
    locked, other = Path(app.outdir) / "checklist.html", Path(app.outdir) / "other.html"
    for target in (locked, other):
        raw = DATA.findall(target.read_text(encoding="utf-8"))[0]
        stale = json.loads(raw)
        stale["template"] = "stale"
        target.write_text(target.read_text(encoding="utf-8").replace(raw, script_json(stale)), encoding="utf-8")
    locked.chmod(0o444)
    try:
        app = make_app("html", srcdir=src)
        app.build()
        warnings = strip_escape_sequences(app.warning.getvalue()).strip().splitlines()
    finally:
        locked.chmod(0o644)
    assert len(warnings) == 1, warnings
    assert str(locked) in warnings[0] and "form data not brought up to date" in warnings[0] and "writable" in warnings[0]
    assert "stale" in DATA.findall(locked.read_text(encoding="utf-8"))[0]
    assert json.loads(DATA.findall(other.read_text(encoding="utf-8"))[0])["template"] != "stale"
