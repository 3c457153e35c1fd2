"""The extension across builds: -j 2 equals serial, edits re-read exactly the right pages, and a
second project links to the first one's items through ``objects.inv`` and intersphinx.

These tests mutate their project, so each copies its test root to its own folder instead of using
the session-shared copy that ``@pytest.mark.sphinx(testroot=...)`` gives.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance.core.checklists import load_checklist

ROOTS = Path(__file__).parent / "roots"
PAGES = ("index", "checklist", "extra", "high", "prose", "links", "matrix", "report", "genindex")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def copy_root(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    target = tmp_path / (as_name or name)
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def build_clean(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Build, fail on any warning, return the documents that were read."""
    read: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    app.build()
    # Reset docutils' global registries now, not at fixture teardown: these tests run one app
    # after another, and a second app set up over the first one's registrations would warn.
    app.cleanup()
    warnings = strip_escape_sequences(app.warning.getvalue()).strip()
    assert warnings == "", warnings
    return sorted(read)


def body(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html[html.index('<div class="body"') : html.index('<div class="sphinxsidebar"')]


def touch_later(path: Path, text: str | None = None) -> None:
    """Write (optionally) and set the mtime to now, after the last build's read time.

    Sphinx compares a dependency's mtime with the time each page was read (microseconds). Not a
    future mtime: that would keep the file "newer" than every later build too.
    """
    time.sleep(0.05)
    if text is not None:
        path.write_text(text, encoding="utf-8")
    os.utime(path, None)


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_parallel_build_equals_serial(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    serial = make_app("html", srcdir=copy_root("fmg-basic", tmp_path, "serial"), freshenv=True)
    build_clean(serial)
    parallel = make_app("html", srcdir=copy_root("fmg-basic", tmp_path, "parallel"), freshenv=True, parallel=2)
    build_clean(parallel)
    assert parallel.parallel == 2 and parallel.is_parallel_allowed("read") and parallel.is_parallel_allowed("write")
    for name in PAGES:
        assert body(Path(parallel.outdir) / f"{name}.html") == body(Path(serial.outdir) / f"{name}.html"), name
    from sphinx.util.inventory import InventoryFile

    inventories = [InventoryFile.loads((Path(a.outdir) / "objects.inv").read_bytes(), uri="").data for a in (serial, parallel)]
    assert inventories[0] == inventories[1]


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_parallel_build_reports_duplicates_like_serial(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for parallel in (1, 2):
        src = copy_root("fmg-basic", tmp_path, f"dup-{parallel}")
        (src / "high.md").write_text("# Again\n\n```{fmg:item} DM-01\n```\n", encoding="utf-8")
        app = make_app("html", srcdir=src, freshenv=True, parallel=parallel)
        app.build()
        app.cleanup()
        warnings = strip_escape_sequences(app.warning.getvalue())
        assert "duplicate item 'DM-01'" in warnings and "[fmg.duplicate]" in warnings, (parallel, warnings)


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_editing_a_checklist_rereads_exactly_the_pages_using_it(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = copy_root("fmg-basic", tmp_path)
    first = build_clean(make_app("html", srcdir=src, freshenv=True))
    assert first == sorted(p for p in PAGES if p != "genindex")

    assert build_clean(make_app("html", srcdir=src)) == []  # nothing changed, nothing read

    demo = src / "checklists" / "demo.yaml"
    edited = demo.read_text(encoding="utf-8").replace("title: Exit plan", "title: Tested exit plan")
    touch_later(demo, edited.replace("Is there a tested exit plan?", "Is there a tested, dated exit plan?"))
    app = make_app("html", srcdir=src)
    read = build_clean(app)
    # The demo checklist page, its filtered view, the prose page with a DM item, the matrix and
    # the assessment of it; not the extra checklist, not the index, not the page with only links.
    assert read == ["checklist", "high", "matrix", "prose", "report"]
    assert "DM-03 — Tested exit plan" in (Path(app.outdir) / "links.html").read_text(encoding="utf-8")  # rewritten, not re-read
    # A link inside an item's guidance (parsed when the page is written) is kept current too.
    assert "DM-03 — Tested exit plan" in (Path(app.outdir) / "extra.html").read_text(encoding="utf-8")
    assert "Is there a tested, dated exit plan?" in (Path(app.outdir) / "_downloads" / "fmg" / "fm-governance-demo.yaml").read_text(encoding="utf-8")

    touch_later(src / "checklists" / "extra.yaml")
    assert build_clean(make_app("html", srcdir=src)) == ["extra", "matrix"]

    touch_later(src / "fm-governance.yaml")
    assert build_clean(make_app("html", srcdir=src)) == ["report"]


def test_a_reworded_question_rewrites_no_page_that_only_links_to_its_item(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Links show an item's id and title: an edit that moves and retitles nothing leaves the pages
    that only link to it as they were (not written again), while the pages showing it are re-read."""
    src = copy_root("fmg-basic", tmp_path)
    first = make_app("html", srcdir=src, freshenv=True)
    build_clean(first)
    links = Path(first.outdir) / "links.html"
    written = links.stat().st_mtime_ns
    demo = src / "checklists" / "demo.yaml"
    touch_later(demo, demo.read_text(encoding="utf-8").replace("Is there a tested exit plan?", "Is there a tested, dated exit plan?"))
    app = make_app("html", srcdir=src)
    assert build_clean(app) == ["checklist", "high", "matrix", "prose", "report"]
    assert links.stat().st_mtime_ns == written
    assert "Is there a tested, dated exit plan?" in (Path(app.outdir) / "checklist.html").read_text(encoding="utf-8")


def test_a_warm_rebuild_after_a_checklist_edit_writes_what_a_fresh_build_writes(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Whatever the rebuild skips (pages not re-read, linking pages not rewritten), its pages are
    the ones a fresh build of the edited project gives: a reworded question, then a retitled item."""
    src = copy_root("fmg-basic", tmp_path)
    warm = make_app("html", srcdir=src, freshenv=True)
    build_clean(warm)
    demo = src / "checklists" / "demo.yaml"
    for old, new in (("Is there a tested exit plan?", "Is there a tested, dated exit plan?"), ("title: Exit plan", "title: Tested exit plan")):
        touch_later(demo, demo.read_text(encoding="utf-8").replace(old, new))
        build_clean(make_app("html", srcdir=src))
        fresh = make_app("html", srcdir=src, builddir=tmp_path / f"fresh-{len(new)}", freshenv=True)
        build_clean(fresh)
        for page in PAGES:
            assert body(Path(warm.outdir) / f"{page}.html") == body(Path(fresh.outdir) / f"{page}.html"), (new, page)


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_a_rebuild_parses_only_the_checklist_files_that_changed(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from fm_governance.sphinxext import catalog

    src = copy_root("fmg-basic", tmp_path)
    parsed: list[str] = []

    def spy(path: Path):  # type: ignore[no-untyped-def]
        parsed.append(path.name)
        return load_checklist(path)

    monkeypatch.setattr(catalog, "load_checklist", spy)
    build_clean(make_app("html", srcdir=src, freshenv=True))
    assert sorted(parsed) == ["demo.yaml", "extra.yaml"]

    parsed.clear()
    extra = src / "checklists" / "extra.yaml"
    touch_later(extra, extra.read_text(encoding="utf-8").replace("Outages happen.", "Outages do happen."))
    app = make_app("html", srcdir=src)
    assert build_clean(app) == ["extra", "matrix"]
    assert parsed == ["extra.yaml"]  # demo.yaml came from the last build's parse
    assert "Outages do happen." in (Path(app.outdir) / "extra.html").read_text(encoding="utf-8")

    parsed.clear()  # new code that reads checklists (another version, schema or loader): parse again
    monkeypatch.setattr(catalog, "_cache", {})
    monkeypatch.setattr(catalog, "parser_key", lambda: "other code")
    build_clean(make_app("html", srcdir=src))
    assert sorted(parsed) == ["demo.yaml", "extra.yaml"]

    parsed.clear()  # a removed file is forgotten, and its checklist with it
    extra.unlink()
    app = make_app("html", srcdir=src)
    app.build()
    app.cleanup()
    assert parsed == [] and set(catalog.ParsedFiles.load(app).files) == {str((src / "checklists" / "demo.yaml").resolve())}

    parsed.clear()  # a fresh environment (-E) in a new process parses everything again
    monkeypatch.setattr(catalog, "_cache", {})
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()  # (extra.md now warns: its checklist is gone)
    app.cleanup()
    assert parsed == ["demo.yaml"]


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_adding_a_checklist_file_refreshes_every_page_rendering_checklists(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = copy_root("fmg-basic", tmp_path)
    build_clean(make_app("html", srcdir=src, freshenv=True))
    extra = (src / "checklists" / "extra.yaml").read_text(encoding="utf-8")
    new = extra.replace("id: extra", "id: more").replace("prefix: EX", "prefix: MO").replace("EX-0", "MO-0").replace("Extra controls", "More controls")
    (src / "checklists" / "more.yaml").write_text(new, encoding="utf-8")
    app = make_app("html", srcdir=src)
    read = build_clean(app)
    assert read == ["checklist", "extra", "high", "matrix", "prose", "report"]
    assert "#mo-01" not in (Path(app.outdir) / "matrix.html").read_text(encoding="utf-8")  # not rendered anywhere: plain text
    assert ">MO-01<" in (Path(app.outdir) / "matrix.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="fmg-basic")
def test_intersphinx_round_trip(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    handbook = make_app("html", srcdir=copy_root("fmg-basic", tmp_path), freshenv=True)
    build_clean(handbook)
    monkeypatch.setenv("FMG_TEST_INVENTORY", str(Path(handbook.outdir) / "objects.inv"))
    consumer = make_app("html", srcdir=copy_root("fmg-consumer", tmp_path), freshenv=True)
    build_clean(consumer)
    index = (Path(consumer.outdir) / "index.html").read_text(encoding="utf-8")
    assert 'href="https://handbook.example/checklist.html#dm-01"' in index and ">DM-01 — Data map exists<" in index
    assert 'href="https://handbook.example/checklist.html#checklist-demo"' in index
    rst = (Path(consumer.outdir) / "rst.html").read_text(encoding="utf-8")
    assert 'href="https://handbook.example/checklist.html#dm-02"' in rst
    assert 'href="https://handbook.example/extra.html#checklist-extra"' in rst
    assert 'href="https://handbook.example/extra.html#ex-01"' in rst  # a plain fmg role falls back to intersphinx
