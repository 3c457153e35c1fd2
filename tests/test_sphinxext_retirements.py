"""The model retirement calendar (``fmg:retirements``), built for real from the model catalog.

The calendar is split around one day — the directive's ``:as-of:``, else ``SOURCE_DATE_EPOCH``,
else the build date — so every case here pins it: the next months first (soonest at the top), then
later retirements, then the models already retired (most recent first). The hostile page renders
a catalog file whose text is HTML and LaTeX markup, which every builder must show as text.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from fm_governance.scan import retirements as data

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def build_clean(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    # Reset docutils' global registries now, not at fixture teardown, so a second app in the same
    # test is not set up over the first one's registrations (which warns).
    app.cleanup()
    warnings = warnings_of(app)
    assert warnings == [], "\n".join(warnings)


def page(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def positions(text: str, *needles: str) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at == -1]
    return found


# --- the calendar data ---------------------------------------------------------------------------


def test_the_calendar_splits_around_the_day_soonest_first_and_most_recent_retirement_first() -> None:
    cal = data.calendar(data.retirements(data.load_entries()), _dt.date(2026, 12, 6))
    # GPT-5 shuts down on 2026-12-11, the GPT-4o and GPT-4.1 snapshots on 2027-01-14.
    assert [(r.retired.isoformat(), r.family) for r in cal.upcoming][:2] == [("2026-12-11", "GPT-5"), ("2027-01-14", "GPT-4.1")]
    assert all(a.retired <= b.retired for a, b in zip(cal.upcoming, cal.upcoming[1:], strict=False))
    assert all(r.retired < _dt.date(2027, 12, 6) for r in cal.upcoming) and cal.horizon_end == _dt.date(2027, 12, 6)
    assert all(a.retired >= b.retired for a, b in zip(cal.retired, cal.retired[1:], strict=False))
    assert cal.retired[0].retired == _dt.date(2026, 10, 23)  # GPT-3.5 Turbo and GPT-4: the most recent
    gpt4o = next(r for r in cal.upcoming if r.family == "GPT-4o")
    assert gpt4o.ids == ("gpt-4o-2024-08-06", "gpt-4o-2024-11-20")
    assert gpt4o.notice_days == 92 and gpt4o.days_left(cal.today) == 39
    assert gpt4o.fine_tuning_cutoff == _dt.date(2027, 1, 6) and gpt4o.evidence == "secondary" and gpt4o.replacement is None


def test_a_model_is_retired_on_its_retirement_day() -> None:
    rows = data.retirements(data.load_entries())
    on_the_day = data.calendar(rows, _dt.date(2026, 12, 11))
    assert "GPT-5" in [r.family for r in on_the_day.retired] and "GPT-5" not in [r.family for r in on_the_day.upcoming]
    day_before = data.calendar(rows, _dt.date(2026, 12, 10))
    assert day_before.upcoming[0].family == "GPT-5" and day_before.upcoming[0].days_left(day_before.today) == 1


@pytest.mark.parametrize(
    ("day", "months", "end"),
    [((2026, 12, 6), 12, (2027, 12, 6)), ((2027, 1, 31), 1, (2027, 2, 28)), ((2028, 2, 29), 12, (2029, 2, 28)), ((2026, 11, 30), 3, (2027, 2, 28))],
)
def test_the_horizon_adds_calendar_months(day: tuple[int, int, int], months: int, end: tuple[int, int, int]) -> None:
    assert data.add_months(_dt.date(*day), months) == _dt.date(*end)


@pytest.mark.parametrize(
    ("pattern", "ids"),
    [
        ("gpt-4o-(?:2024-08-06|2024-11-20)", ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"]),
        (r"gpt-4\.1(?:-mini)?-2025-04-14", ["gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14"]),
        (r"claude-2\.[01]|claude-3-sonnet-20240229", ["claude-2.0", "claude-2.1", "claude-3-sonnet-20240229"]),
        ("gemini-.*", []),  # open-ended: shown as written
        (r"claude-(?:instant-)?1(?:\.\d)?(?:-\d+k)?", []),
        ("(?:a|b|c)(?:d|e|f)(?:g|h)", []),  # 18 ids: too many to list
    ],
)
def test_patterns_are_spelled_out_when_they_match_few_ids(pattern: str, ids: list[str]) -> None:
    assert data.spell_out(pattern) == ids
    assert all(re.fullmatch(pattern, i) for i in ids)


def test_every_dated_catalog_entry_says_where_its_dates_come_from() -> None:
    for entry in data.load_entries():
        life = entry.get("lifecycle") or {}
        if life.get("evidence") == "secondary":
            # Secondary dates name the reports they come from.
            assert "https://" in life.get("note", ""), entry["match"]
        if life.get("fine_tuning_cutoff") and life.get("retired"):
            assert life["fine_tuning_cutoff"] <= life["retired"], entry["match"]


# --- html, text, epub, latex --------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="fmg-retirements")
def test_html_calendar_next_months_first_retired_last(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "index.html")
    positions(html, "Calendar as of 2026-12-06")
    upcoming, later, retired = positions(html, "Next 12 months (to 2027-12-06)", "Later (from 2027-12-06)", "Already retired (on or before 2026-12-06)")
    assert upcoming < later < retired
    gpt5, gpt4o, gpt35 = positions(html, "gpt-5-mini-2025-08-07", "gpt-4o-2024-08-06", "gpt-3.5-turbo-0125")
    assert upcoming < gpt5 < gpt4o < later < retired < gpt35
    row = html[html.index("gpt-4o-2024-08-06") : html.index("</tr>", html.index("gpt-4o-2024-08-06"))]
    assert "GPT-4o</strong> (OpenAI)" in html
    for cell in (
        '<p class="fmg-retirements-date">2027-01-14</p>',
        "<p>in 39 days</p>",
        "<p>92 days</p>",
        '<p>announced <span class="fmg-retirements-date">2026-10-14</span></p>',
        '<p class="fmg-retirements-date">2027-01-06</p>',
        "dates from secondary reports (note 2)",
        "<p>As of 2026-12-06</p>",
    ):
        assert cell in row, cell
    assert 'href="https://developers.openai.com/api/docs/deprecations"' in row
    # GPT-4o, GPT-4o mini and GPT-4.1 share one lifecycle in the catalog: one note, printed once,
    # with its addresses as links.
    notes = html[html.index("fmg-retirements-notes-head") : later]
    assert notes.count("<li>") == 2 and "GPT-4.1, GPT-4o, GPT-4o mini: </strong>" in notes
    assert '<a class="reference external" href="https://codersera.com/blog/gpt-4o-gpt-4-1-api-shutdown-migration-2026/">' in notes
    # The retired table says "Retired", and the notes under each table are numbered per table.
    assert '<th class="head"><p>Retired</p></th>' in html[retired:]
    assert '<p class="fmg-retirements-notes-head">Notes:</p>' in html[upcoming:later]


@pytest.mark.sphinx("html", testroot="fmg-retirements")
def test_as_of_and_horizon_options_and_hiding_the_retired(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "catalog.html")
    upcoming, later = positions(html, "Next 6 months (to 2026-12-01)", "Later (from 2026-12-01)")
    assert "Already retired" not in html
    # On 2026-06-01 the July deprecations are upcoming and GPT-5 (2026-12-11) is beyond six months.
    codex, gpt5 = positions(html, "gpt-5.1-codex-max", "gpt-5-nano-2025-08-07")
    assert upcoming < codex < later < gpt5
    assert '<p class="fmg-retirements-date">2026-07-23</p>\n<p>in 52 days</p>' in html


@pytest.mark.sphinx("html", testroot="fmg-retirements")
def test_catalog_text_is_escaped_in_html(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    html = page(app, "hostile.html")
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\LaTeX{} $x$ 100% #1" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="https://example.com/deprecations?a=1&amp;b=&lt;2&gt;"' in html
    # A retirement on the calendar day is already retired; an open-ended pattern is shown as written.
    retired = html.index("Already retired")
    assert html.index("Linkless") > retired and "javascript-.*" in html[retired:]


@pytest.mark.sphinx("text", testroot="fmg-retirements")
def test_text_calendar_has_four_columns_in_order(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    text = page(app, "index.txt")
    header = next(line for line in text.splitlines() if line.startswith("| Model"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["Model", "Dates", "Replacement", "Source"]  # "named" wraps
    upcoming, later, retired = positions(text, "Next 12 months", "Later (from", "Already retired")
    assert upcoming < text.index("GPT-5") < later < retired
    hostile = page(app, "hostile.txt")
    assert "<script>alert(1)</script> &" in hostile and "<b>bold</b>" in hostile


@pytest.mark.sphinx("epub", testroot="fmg-retirements")
def test_epub_gets_the_compact_calendar(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    xhtml = page(app, "index.xhtml")
    assert '<th class="head"><p>Dates</p></th>' in xhtml and "Developer</p></th>" not in xhtml
    assert "&lt;script&gt;" in page(app, "hostile.xhtml")


@pytest.mark.sphinx("latex", testroot="fmg-retirements")
def test_latex_calendar_escapes_fits_and_compiles(app) -> None:  # type: ignore[no-untyped-def]
    build_clean(app)
    tex = page(app, "fmg-retirements.tex")
    assert r"\textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} \& \textbackslash{}LaTeX\{\} \$x\$ 100\% \#1" in tex
    assert r"\textbackslash{}textbf\{tex\}" in tex
    assert tex.count(r"\begin{longtable}") >= 6  # every table breaks across pages
    # A long address in a note cannot break in the PDF: the link shows its host.
    assert r"\sphinxhref{https://codersera.com/blog/gpt-4o-gpt-4-1-api-shutdown-migration-2026/}{codersera.com}" in tex
    assert "colwidths-given" not in tex and r"\X{39}{100}" in tex  # the four given widths, not auto
    assert shutil.which("latexmk"), "latexmk is missing: run `make system-deps` (Debian: latexmk and TeX Live)"
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-retirements.tex"], cwd=app.outdir, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-3000:]
    log = page(app, "fmg-retirements.log")
    assert "Overfull \\hbox" not in log  # the ids and the source hosts fit their columns


# --- bad input and rebuilds ---------------------------------------------------------------------


def _project(tmp_path: Path, body: str) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_builtin_checklists = []\n', encoding="utf-8")
    (src / "index.md").write_text(f"# Calendar\n\n{body}\n", encoding="utf-8")
    return src


def test_a_bad_catalog_file_is_a_located_warning(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = _project(tmp_path, "```{fmg:retirements}\n:catalog: models.yaml\n```")
    (src / "models.yaml").write_text(
        'version: 1\nas_of: "2026-12-01"\nalias_rules: {floating: [], pinned: []}\nmodels:\n  - match: x\n    maker: Bad Maker\n', encoding="utf-8"
    )
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    warnings = "\n".join(warnings_of(app))
    assert (
        "index.md:3: WARNING: fmg:retirements: " in warnings
        and "models.yaml:5:5: models[0] is missing 'family'" in warnings
        and "[fmg.retirements]" in warnings
    )
    assert "Traceback" not in warnings


def test_a_missing_catalog_file_is_a_located_warning(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = _project(tmp_path, "```{fmg:retirements}\n:catalog: nowhere.yaml\n```")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    warnings = "\n".join(warnings_of(app))
    assert "index.md:3: WARNING: fmg:retirements: cannot read the catalog" in warnings and "nowhere.yaml" in warnings
    assert "[fmg.retirements]" in warnings and "Traceback" not in warnings


def test_a_bad_as_of_is_a_directive_error(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = _project(tmp_path, "```{fmg:retirements}\n:as-of: 6 December 2026\n```")
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert "expected a date as YYYY-MM-DD, got '6 December 2026'" in app.warning.getvalue()


def test_an_unpinned_calendar_is_rebuilt_on_a_new_day(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    src = _project(tmp_path, "```{fmg:retirements}\n```")
    day = _dt.datetime(2026, 12, 6, 12, tzinfo=_dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(app)
    assert "Calendar as of 2026-12-06" in page(app, "index.html")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((day + _dt.timedelta(days=7)).timestamp())))
    again = make_app("html", srcdir=src, builddir=tmp_path / "out")
    build_clean(again)
    html = page(again, "index.html")
    assert "Calendar as of 2026-12-13" in html and "<p>in 32 days</p>" in html
    # GPT-5 retired on 2026-12-11: it has moved to the retired table.
    assert html.index("gpt-5-nano-2025-08-07") > html.index("Already retired")


# --- the handbook says what the catalog says ---------------------------------------------------


def test_the_continuity_chapters_retirement_table_agrees_with_the_catalog() -> None:
    """docs/handbook/operational-continuity.md restates the next retirements by hand; every id in
    its table must carry the same shutdown and notice dates in the catalog the calendar renders."""
    from fm_governance.scan.catalog import rules

    chapter = (Path(__file__).parents[1] / "docs" / "handbook" / "operational-continuity.md").read_text(encoding="utf-8")
    table = chapter.split("| Shutdown | Models | Notice given |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert len(rows) >= 2
    checked = 0
    for row in rows:
        shutdown, models, notice = (cell.strip() for cell in row.strip("|").split("|"))
        retired = _dt.datetime.strptime(shutdown, "%d %B %Y").date().isoformat()
        announced = _dt.datetime.strptime(notice, "%d %B %Y").date().isoformat()
        for model_id in re.findall(r"`([a-z0-9.-]+)`", models):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", model_id):
                continue  # "their `2025-08-07` snapshots"
            life = rules().model_info(model_id).lifecycle  # type: ignore[union-attr]
            assert life is not None and (life["retired"], life["deprecated"]) == (retired, announced), model_id
            checked += 1
    assert checked >= 8
