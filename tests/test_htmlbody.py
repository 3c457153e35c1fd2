"""HTML item bodies come from a template (``fmg/item-body.html``): the same HTML as nodes, escaped,
overridable, and well-formed in an EPUB.

The oracle for "the same HTML" is the node tree EPUB gets (question, a row of badges, a field
list), put through Sphinx's own HTML translator: a build with the template and a build with that
node tree must give the same pages, character for character once HTML entities are decoded (the
template writes ``"`` as ``&#34;``, docutils as ``&quot;``).
"""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance.sphinxext import directives, htmlbody, matrix

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app: Any) -> list[str]:
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def build_clean(app: Any) -> None:
    """Build and fail on any warning. Resets docutils' global registries at once (not at fixture
    teardown), so a second app in the same test does not warn about the first one's nodes."""
    app.build()
    app.cleanup()
    assert warnings_of(app) == []


def content(app: Any, name: str) -> str:
    text = (Path(app.outdir) / name).read_text(encoding="utf-8")
    return text[text.index("<section") : text.rindex("</section>") + len("</section>")]


ROOT_PAGES = {
    "fmg-html": ("checklist.html", "prose.html"),
    "fmg-basic": ("checklist.html", "high.html", "prose.html", "extra.html"),
    "fmg-design": ("index.html",),
}


@pytest.mark.parametrize("root", sorted(ROOT_PAGES))
@pytest.mark.parametrize("settings", [{}, {"smartquotes": False}, {"html_compact_lists": False}])
def test_template_gives_the_html_the_translator_gives_the_nodes(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, settings: dict[str, Any]
) -> None:
    pages = ROOT_PAGES[root]
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{root}", src)
    rendered: list[str] = []
    real_render = htmlbody.render
    monkeypatch.setattr(htmlbody, "render", lambda tmpl, view, *a: rendered.append(view.id) or real_render(tmpl, view, *a))
    templated = make_app("html", srcdir=src, builddir=tmp_path / "a", confoverrides=settings)
    build_clean(templated)
    got = {p: content(templated, p) for p in pages}
    assert rendered and all("fmg-question" in got[p] for p in pages)

    # The reference: the node tree EPUB gets (badges in a row), through Sphinx's HTML translator.
    monkeypatch.setattr(directives.ExpandItemBodiesHtml, "expand", directives.ExpandItemBodies.expand)
    monkeypatch.setattr(directives.ExpandItemBodiesHtml, "badge_row", True)
    rendered.clear()
    reference = make_app("html", srcdir=src, builddir=tmp_path / "b", confoverrides=settings, freshenv=True)
    build_clean(reference)
    assert rendered == []  # the reference build made its bodies from nodes
    for p in pages:
        assert html.unescape(got[p]) == html.unescape(content(reference, p)), p


MATRIX_PAGES = {"fmg-html": "matrix", "fmg-basic": "matrix", "fmg-design": "index", "fmg-builtins": "matrix"}


@pytest.mark.parametrize("root", sorted(MATRIX_PAGES))
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_matrix_template_gives_the_html_the_translator_gives_the_table(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, builder: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{root}", src)
    name = MATRIX_PAGES[root] + (".html" if builder == "html" or MATRIX_PAGES[root] == "index" else "/index.html")
    made: list[str] = []
    real = matrix.matrix_html
    monkeypatch.setattr(matrix, "matrix_html", lambda *a: made.append(a[3]) or real(*a))
    templated = make_app(builder, srcdir=src, builddir=tmp_path / "a")
    build_clean(templated)
    got = content(templated, name)
    assert made and "fmg-matrix" in got

    monkeypatch.setattr(matrix, "TEMPLATE_BUILDERS", ())  # the node table, through the translator
    made.clear()
    reference = make_app(builder, srcdir=src, builddir=tmp_path / "b", freshenv=True)
    build_clean(reference)
    assert made == []
    assert html.unescape(got) == html.unescape(content(reference, name))


@pytest.mark.sphinx("html", testroot="fmg-html")
def test_matrix_text_is_escaped(app: Any) -> None:
    build_clean(app)
    page = content(app, "matrix.html")
    assert "<i>" not in page and "<td><p>No references &#60;i&#62;at all&#60;/i&#62;</p></td>" in page
    assert 'title="TR-01: Quotes &#34;double&#34; and &#39;single&#39;"' in page
    assert 'title="TR-02: No references &#60;i&#62;at all&#60;/i&#62;"' in page


@pytest.mark.sphinx("html", testroot="fmg-html")
def test_yaml_text_is_escaped_and_links_are_http_only(app: Any) -> None:
    build_clean(app)
    page = content(app, "checklist.html")
    assert "<script>" not in page and "<b>" not in page and "<conditions>" not in page
    assert "&#60;script&#62;alert(‘evidence’)&#60;/script&#62;" in page
    assert 'href="https://example.org/a?x=1&#38;y=&#34;2&#34;"' in page  # attribute quotes escaped
    assert "Terms &#38; &#60;conditions&#62; (as of 2026-11-01)</a>" in page
    # The guidance goes where the template says, never where a text says so.
    assert "<!--" not in page and "this text says &#60;!–fmg:guidance–&#62; but is only text." in page
    assert page.count("Ask the provider’s counsel") == 1


def test_non_http_urls_are_not_links() -> None:
    from fm_governance.core.models import Item, Reference, Severity

    item = Item(
        id="X-01",
        title="t",
        question="q?",
        why="w",
        guidance="g",
        evidence=("e",),
        severity=Severity.LOW,
        owner="risk",
        references=(Reference(url="javascript:alert(1)", title="bad"),),
        checklist_id="x",
    )

    config = SimpleNamespace(extensions=[], templates_path=[], html_compact_lists=True)
    view = htmlbody.item_view(item, htmlbody.text_units(item), config)  # type: ignore[arg-type]
    out = "".join(htmlbody.render(htmlbody.template(config, "/nonexistent"), view, config, "/nonexistent"))  # type: ignore[arg-type]
    assert "javascript:" not in out and "<li><p>bad</p></li>" in out


@pytest.mark.sphinx("html", testroot="fmg-html")
def test_item_body_text_is_searchable(app: Any) -> None:
    build_clean(app)
    index = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    for word in ("suffici", "guarante", "backtick", "counsel"):  # a note, why, guidance (stemmed)
        assert f'"{word}' in index, word
    for entity in ("amp", "lt", "gt"):  # escaped characters are not words
        assert f'"{entity}":' not in index, entity


def _write_template(src: Path, text: str | bytes) -> Path:
    folder = src / "_templates" / "fmg"
    folder.mkdir(parents=True)
    (folder / "item-body.html").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + 'templates_path = ["_templates"]\n', encoding="utf-8")
    return folder / "item-body.html"


@pytest.fixture
def html_src(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-html", src)
    return src


def test_a_project_can_override_the_template(make_app, html_src: Path) -> None:  # type: ignore[no-untyped-def]
    _write_template(
        html_src,
        '<div class="mine" data-severity="{{ item.severity }}">{{ item.question }}'
        "{% for b in item.badges %}[{{ b.value }}]{% endfor %}{{ item.guidance }}{{ item.guidance }}</div>\n",
    )
    app = make_app("html", srcdir=html_src)
    build_clean(app)
    page = content(app, "checklist.html")
    assert '<div class="mine" data-severity="critical">Does the “provider’s” contract' in page
    assert "[critical][legal][consulted: privacy, procurement][hosted-api][hosted-fine-tuning]" in page
    # The guidance may be shown twice: each place gets its own copy of the nodes.
    assert page.count("Ask the provider’s counsel") == 2
    assert "fmg-body" not in page


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        ("<p>{{ item.question }</p>\n", 1, "the item template does not compile"),
        ("<p>\n{{ item.no_such_field }}</p>\n", 2, "the item template failed for TR-01"),
        (b"<p>\xff{{ item.question }}</p>\n", 1, "the item template cannot be loaded"),
    ],
)
def test_a_broken_template_warns_with_its_location_and_falls_back(make_app, html_src: Path, template: str | bytes, line: int, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _write_template(html_src, template)
    app = make_app("html", srcdir=html_src)
    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{path}:{line}: WARNING: {message}")
    assert warnings[0].endswith("[fmg.template]")
    assert '<p class="fmg-question">' in content(app, "checklist.html")  # the built-in template


def test_epub_item_bodies_are_nodes_well_formed_and_show_link_addresses(make_app, html_src: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app("epub", srcdir=html_src)
    build_clean(app)
    (epub,) = Path(app.outdir).glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        checklist = next(n for n in z.namelist() if n.endswith("checklist.xhtml"))
        text = z.read(checklist).decode("utf-8")
    ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", text))  # raises on malformed XML
    assert "fmg-question" in text and "&lt;script&gt;" in text
    # EPUB shows link addresses (epub_show_urls = "inline"), sources included.
    assert '>Plain source</a><span class="link-target"> [https://example.org/b]</span>' in text
    assert '<p class="fmg-badges fmg-meta"><span class="fmg-badge fmg-severity fmg-severity-critical">critical</span>' in text
