"""The ``fmg:portfolio`` page in html, latex, epub and text builds.

``tests/roots/test-fmg-portfolio`` holds four assessments: three critical (two on OpenAI's models,
one of them through Azure; one on a retired Anthropic model, with markup in its name and owner)
and a low-criticality self-hosted one assessed in 2024; ``broken.md`` adds a file the schema
refuses, and ``gamma.md`` renders one project's own assessment page, which the portfolio's row for
it links to. The figures on the page are the ones :func:`fm_governance.portfolio.model.build` gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


# Each builder reads the pages afresh (``freshenv``): the builds share one doctree folder, and the
# page is no longer re-read on every build, so its warnings would otherwise appear only in the first.


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def only_the_broken_file_warns(app) -> None:  # type: ignore[no-untyped-def]
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert re.search(
        r"broken/bad/fm-governance\.yaml:8: WARNING: fmg:portfolio: left out of the portfolio: .*\"maybe\" is not allowed.*\[fmg\.portfolio\]$", warnings[0]
    ), warnings[0]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.sphinx("html", testroot="fmg-portfolio", freshenv=True)
def test_html_page_has_the_figures_charts_and_escapes_names(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    only_the_broken_file_warns(app)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert "4 projects (3 critical); 67% of critical projects depend on developer openai; 1 single point of failure; 1 retired model in use." in text
    assert "developer openai: 2 of 3 critical projects (67%)" in text
    # Developer vs channel: the Azure-hosted project is a different channel, the same developer.
    assert "HHI 3,750 (highly concentrated) over 4 of 4 projects" in text
    assert "HHI 2,500 (highly concentrated) over 4 of 4 projects" in text
    assert "claude-3-opus-20240229" in text and "delta: 2024-06-01" in text
    for chart in ("hhi", "developer", "channel", "provider", "timeline"):
        assert f'id="fmg-portfolio-index-{chart}" role="img"' in html
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    # gamma has its own page (fmg:assessment in gamma.md): its row links there; the others have none.
    assert re.search(r'<a class="[^"]*reference internal" href="gamma.html"><span class="fmg-portfolio-project">gamma</span></a>', html)
    assert '<span class="fmg-portfolio-project">alpha</span>' in html and 'href="broken.html"><span class="fmg-portfolio-project">' not in html
    assert "<b>Risk</b>" not in html
    broken = flat(re.sub(r"<[^>]+>", " ", (Path(app.outdir) / "broken.html").read_text(encoding="utf-8")))
    assert "incomplete: 1 file could not be read" in broken
    assert "broken/bad/fm-governance.yaml:8:17:" in broken and "/tmp" not in broken


@pytest.mark.sphinx("text", testroot="fmg-portfolio", freshenv=True)
def test_text_build_has_the_tables_and_no_charts(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    only_the_broken_file_warns(app)
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    assert "<svg" not in text
    assert "azure-openai" in text and "HHI 2,500 (highly concentrated)" in flat(text)
    assert "beta <script>x()</script> *em*" in text  # plain text is plain


@pytest.mark.sphinx("latex", testroot="fmg-portfolio", freshenv=True)
def test_latex_build_has_the_tables(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    only_the_broken_file_warns(app)
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "<svg" not in tex
    assert "Single points of failure" in tex and "developer openai: 2 of 3 critical projects (67\\%)" in tex
    assert r"Claims \& <b>Risk</b>" in tex or r"Claims \&" in tex


@pytest.mark.sphinx("epub", testroot="fmg-portfolio", freshenv=True)
def test_epub_build(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    only_the_broken_file_warns(app)
    xhtml = (Path(app.outdir) / "index.xhtml").read_text(encoding="utf-8")
    assert "developer openai: 2 of 3 critical projects (67%)" in xhtml


def test_parallel_build_and_a_new_file_on_the_next_build(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-portfolio", src)
    app = make_app("html", srcdir=src, freshenv=True, parallel=2)
    app.build()
    only_the_broken_file_warns(app)
    assert "4 projects (3 critical)" in (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    # A file collected after the last build matches the glob: the page counts it next time.
    new = src / "assessments" / "epsilon" / "fm-governance.yaml"
    new.parent.mkdir()
    new.write_text((src / "assessments" / "delta" / "fm-governance.yaml").read_text(encoding="utf-8").replace("name: delta", "name: epsilon"), encoding="utf-8")
    again = make_app("html", srcdir=src)
    again.build()
    assert "5 projects (3 critical)" in (Path(again.outdir) / "index.html").read_text(encoding="utf-8")


def test_a_no_op_rebuild_does_not_read_the_page_again_but_a_removed_file_does(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-fmg-portfolio", src)
    make_app("html", srcdir=src, freshenv=True).build()
    # Nothing changed: the globs match the same files and :as-of: fixes the day, so no page is read.
    again = make_app("html", srcdir=src)
    again.build()
    assert "0 added, 0 changed, 0 removed" in strip_escape_sequences(again.status.getvalue())
    # A matched file went away: the page is read again and no longer counts it.
    shutil.rmtree(src / "assessments" / "delta")
    third = make_app("html", srcdir=src)
    third.build()
    assert "0 added, 1 changed, 0 removed" in strip_escape_sequences(third.status.getvalue())
    assert "3 projects (3 critical)" in (Path(third.outdir) / "index.html").read_text(encoding="utf-8")
