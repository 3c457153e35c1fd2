"""``fmg:provider-terms`` renders the provider-terms data as one table per topic, in html, latex
and text: escaped text, source links with the date read, gaps shown as gaps.

``tests/roots/test-fmg-terms`` shows the shipped data (two topics) on one page and, on another, a
small data file of its own with markup and TeX in its text, a secondary-only cell, an unverified
and a not-applicable cell.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance import terms

ROOTS = Path(__file__).parent / "roots"


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


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.sphinx("html", testroot="fmg-terms")
def test_html_one_table_per_topic_escaped_with_links_dates_and_gaps(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "hostile.html")
    # Two topics, then one topic for one channel: three tables, each captioned with its topic.
    assert html.count('<table class="longtable fmg-terms') == 3
    assert html.count("Training &lt;b&gt;on&lt;/b&gt; content") == 2 and "<b>on</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\LaTeX{} $x$ 100% #1" in html and "<script>alert(1)" not in html
    assert "API &lt;i&gt;tier&lt;/i&gt;" in html
    # The source is a link, labelled by its host, with the date it was read.
    date = '<span class="fmg-terms-date">read {}</span>'
    assert '<a class="reference external" href="https://example.com/alpha/data?x=1&amp;y=2">example.com</a>, ' + date.format("2026-12-01") in html
    assert ">beta.example</a>, " + date.format("2026-11-30") in html and "(secondary sources only)" in html
    # Gaps say so, with their note, and have no source.
    assert re.search(r'<span class="[^"]*fmg-terms-unverified[^"]*">Not verified</span> — Not read &lt;yet&gt;\.', html)
    assert re.search(r'<span class="[^"]*fmg-terms-not-applicable[^"]*">Not applicable</span> — No outputs to indemnify\.', html)
    # :channels: and :topics: narrow the last table to one row.
    last = html[html.rindex('<table class="longtable fmg-terms') :]
    last = last[: last.index("</table>")]
    assert "Beta" in last and "Alpha" not in last and "Gamma" not in last and "Indemnity" not in last
    # The stylesheet that turns rows into cards on a phone ships with the page.
    assert 'href="_static/fmg-terms.css' in html and (Path(app.outdir) / "_static" / "fmg-terms.css").is_file()


@pytest.mark.sphinx("html", testroot="fmg-terms")
def test_html_shipped_data_shows_every_channel_for_the_chosen_topics(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "shipped.html")
    data = terms.shipped()
    assert html.count('<table class="longtable fmg-terms') == 2
    assert 'id="fmg-terms-training"' in html and 'id="fmg-terms-indemnity"' in html and 'id="fmg-terms-retention"' not in html
    for channel in data.channels:
        assert flat(channel.provider.replace("&", "&amp;")) in flat(html)
    openai = data.channel("openai-api")
    assert openai is not None
    assert openai.terms["training"].text in html and 'href="https://developers.openai.com/api/docs/guides/your-data"' in html


@pytest.mark.sphinx("text", testroot="fmg-terms")
def test_text_tables_show_sources_dates_and_gaps(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    text = flat(page(app, "hostile.txt"))
    assert "<script>alert(1)</script> & \\LaTeX{} $x$ 100% #1" in text
    # Cells wrap inside the text table's columns: look for what fits on one line of a cell.
    assert "| example.com, read |" in text and "| 2026-12-01 |" in text
    assert "Not verified — Not read <yet>." in text and "Not applicable — No outputs to indemnify." in text
    assert "(secondary" in text


@pytest.mark.sphinx("latex", testroot="fmg-terms")
def test_latex_tables_wrap_escape_and_compile(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = page(app, "fmg-terms.tex")
    # Given, wrapping column widths; a longtable breaks across pages.
    assert r"\begin{longtable}{\X{24}{100}\X{52}{100}\X{24}{100}}" in tex
    assert r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} \& \textbackslash{}LaTeX\{\} \$x\$ 100\% \#1" in tex
    assert r"\sphinxhref{https://example.com/alpha/data?x=1\&y=2}{example.com}, \DUrole{fmg-terms-date}{read 2026\sphinxhyphen{}12\sphinxhyphen{}01}" in tex
    assert "Not verified" in tex
    assert shutil.which("latexmk") and shutil.which("pdftotext"), "TeX or poppler-utils missing: run `make system-deps`"
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-terms.tex"], cwd=app.outdir, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-3000:]
    log = (Path(app.outdir) / "fmg-terms.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log
    pdf = flat(subprocess.run(["pdftotext", "fmg-terms.pdf", "-"], cwd=app.outdir, capture_output=True, check=True, text=True).stdout)
    assert "Not verified" in pdf and "example.com, read" in pdf


def project(tmp_path: Path, data: str, options: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('project = "t"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_builtin_checklists = []\n', encoding="utf-8")
    (src / "terms.yaml").write_text(data, encoding="utf-8")
    (src / "index.md").write_text(f"# Terms\n\n```{{fmg:provider-terms}} terms.yaml\n{options}```\n", encoding="utf-8")
    return src


GOOD = (ROOTS / "test-fmg-terms" / "data" / "terms.yaml").read_text(encoding="utf-8")


def test_a_bad_data_file_is_a_warning_located_in_it(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, GOOD.replace("as_of: 2026-12-01", "as_of: 1 December"))
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    line = GOOD.splitlines().index("        as_of: 2026-12-01") + 1
    warnings = warnings_of(app)
    assert len(warnings) == 1 and warnings[0].startswith(f"{src / 'index.md'}:3: WARNING: fmg:provider-terms: {src / 'terms.yaml'}:{line}:")
    assert "channels[0].terms.training" in warnings[0] and warnings[0].endswith("[fmg.terms]")
    assert "<table" not in page(app, "index.html")


def test_an_unknown_topic_option_is_a_warning_at_the_directive(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, GOOD, ":topics: training retention\n")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert warnings_of(app) == [f"{src / 'index.md'}:3: WARNING: fmg:provider-terms: unknown topic 'retention' — known topics: training, indemnity [fmg.terms]"]


def test_editing_the_data_file_rebuilds_the_page(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = project(tmp_path, GOOD)
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    # Reset docutils' registries before the second app sets up over the first one's registrations.
    app.cleanup()
    time.sleep(0.05)  # Sphinx compares the file's mtime with the time the page was read
    (src / "terms.yaml").write_text(GOOD.replace("Gamma receives nothing.", "Gamma changed its terms."), encoding="utf-8")
    os.utime(src / "terms.yaml", None)
    again = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(again)
    assert "Gamma changed its terms." in page(again, "index.html")
