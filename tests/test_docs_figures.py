"""The handbook's charts: drawn from the handbook's data files, keyed on their inputs, and the
chapters' text says what the data says.

The figures themselves are looked at in the HTML (tests/test_browser_narrow.py builds the pages
that show them) and in the PDF (tests/test_docs_rtd.py); here, the generator and the facts.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from sphinx.util.console import strip_escape_sequences

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from handbook import figures  # noqa: E402

DATA = ROOT / "docs" / "handbook" / "data"


def test_figures_are_drawn_as_svg_and_pdf_and_only_when_their_inputs_change(tmp_path: Path) -> None:
    today = dt.date(2026, 12, 6)
    assert sorted(figures.build_figures(tmp_path, today)) == sorted(figures.FIGURES)
    assert set(figures.FIGURES) == {
        "concentration-hhi",
        "eu-ai-act-timeline",
        "crosswalk-coverage",
        "open-vs-closed-matrix",
        "who-decides-raci",
        "provider-terms-tiers",
        "openai-outage-2024-12-11",
    }
    for name in figures.FIGURES:
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "<text" in svg  # text stays text (searchable, scalable)
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    # Nothing changed: nothing is drawn and no file is touched.
    assert figures.build_figures(tmp_path, today) == []
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
    # Another day moves the timeline's "today" mark; the concentration chart does not depend on it.
    assert figures.build_figures(tmp_path, today + dt.timedelta(days=1)) == ["eu-ai-act-timeline"]
    # The same inputs give the same bytes (stable SVG ids, no dates in the metadata).
    again = tmp_path / "again"
    figures.build_figures(again, today + dt.timedelta(days=1))
    for name in figures.FIGURES:
        for ext in ("svg", "pdf"):
            assert (again / f"{name}.{ext}").read_bytes() == (tmp_path / f"{name}.{ext}").read_bytes(), (name, ext)


def test_the_crosswalk_is_redrawn_when_its_counts_change_not_when_a_question_does(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    today = dt.date(2026, 12, 6)
    figures.build_figures(tmp_path, today)
    counts = figures.crosswalk_counts()
    # A question's wording is not drawn: the key, taken from what is drawn, does not move.
    assert figures.build_figures(tmp_path, today) == []
    counts["rows"][0][2][0] += 1  # one more item of the first checklist cites the first framework
    monkeypatch.setitem(figures.DIGESTS, "crosswalk-coverage", lambda: counts)
    assert figures.build_figures(tmp_path, today) == ["crosswalk-coverage"]


def test_the_tier_ladder_draws_what_the_terms_data_says(tmp_path: Path) -> None:
    import html

    from fm_governance import terms

    data = terms.shipped()
    figures.build_figures(tmp_path, dt.date(2026, 12, 6))
    svg = (tmp_path / "provider-terms-tiers.svg").read_text(encoding="utf-8")
    # The figure's text, line after line (each wrapped line is a <text> element of its own).
    drawn = " ".join(" ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)).split())
    ladder = [c for c in data.channels if c.kind in figures.TIERS]
    assert {c.kind for c in ladder} == set(figures.TIERS), "every rung has at least one channel"
    assert [c.kind for c in data.channels if c not in ladder] == ["open-weight"] * 3
    gaps = 0
    for channel in ladder:
        assert f"{channel.provider} {channel.channel}" in drawn, channel.id
        for topic in figures.LADDER_TOPICS:
            cell = channel.terms[topic]
            if cell.stated:
                # Every statement the ladder shows has its few words in the data, beside its source.
                assert cell.short and cell.source and cell.as_of, (channel.id, topic)
                assert cell.short + (" \N{DAGGER}" if cell.status == "secondary" else "") in drawn, (channel.id, topic)
            else:
                gaps += 1
    assert drawn.count("not verified") + drawn.count("not applicable") == gaps + 2  # and once each in the legend
    for label in figures.TIERS.values():
        assert label in drawn
    chapter = (ROOT / "docs" / "handbook" / "provider-terms.md").read_text(encoding="utf-8")
    figure = chapter[chapter.index("/_generated/figures/provider-terms-tiers.*") :]
    caption = " ".join(figure[: figure.index("```")].split())
    as_of = dt.date.fromisoformat(data.as_of)
    assert f"as of {as_of.day} {as_of:%B %Y}" in caption and "fm_governance/terms/provider-terms.yaml" in caption
    # The alt text retells the figure: its count of channels, and every period it names is one the figure draws.
    alt = caption[caption.index(":alt:") : caption.index(":width:")]
    assert (
        f"A grid of {['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'][len(ladder)]} provider channels"
        in alt
    )
    for period in re.findall(r"\b(\d+ (?:days|years))", alt.replace("five years", "5 years")):
        assert period in drawn, period


def test_the_concentration_chapter_states_the_numbers_its_figure_draws() -> None:
    data = yaml.safe_load((DATA / "concentration-example.yaml").read_text(encoding="utf-8"))
    chapter = (ROOT / "docs" / "handbook" / "concentration-risk.md").read_text(encoding="utf-8")
    for route in data["routes"]:
        assert re.search(rf"\| {re.escape(route['route'])} \|.*\| {route['share']}% \|", chapter), route
    by_host = sum(r["share"] ** 2 for r in data["routes"])
    developers: dict[str, int] = {}
    for r in data["routes"]:
        developers[r["developer"]] = developers.get(r["developer"], 0) + r["share"]
    by_developer = sum(s * s for s in developers.values())
    after = sum(s * s for s in data["after_mitigation"].values())
    for value in (by_host, by_developer, after):
        assert f"**{value:,}**" in chapter, value
    assert f"above {data['highly_concentrated_above']:,}" in chapter


def test_the_concentration_chapter_states_the_outage_times_its_timeline_draws() -> None:
    """Every time the outage figure draws is in the chapter's text and in the figure's alt text, and
    the caption names the data file and when the source was read."""
    from handbook.figures import _clock, _pm

    data = yaml.safe_load((DATA / "openai-outage-2024-12-11.yaml").read_text(encoding="utf-8"))
    chapter = (ROOT / "docs" / "handbook" / "concentration-risk.md").read_text(encoding="utf-8")
    figure = chapter[chapter.index("/_generated/figures/openai-outage-2024-12-11.*") :]
    figure = figure[: figure.index("```")]
    text = chapter.replace(figure, "")
    times = [data["deployed"], data["degraded"]] + [s[k] for s in data["services"] for k in ("substantial", "full") if k in s]
    for hhmm in times:
        shown = _pm(_clock(data["day"], hhmm))
        assert shown in text and shown in figure, shown
    assert data["url"] in chapter and "openai-outage-2024-12-11.yaml" in figure
    assert f"read {data['read'].day} {data['read']:%B %Y}" in figure


def test_the_regulation_chapter_lists_the_dates_its_timeline_draws() -> None:
    data = yaml.safe_load((DATA / "eu-ai-act-dates.yaml").read_text(encoding="utf-8"))
    chapter = (ROOT / "docs" / "handbook" / "regulation.md").read_text(encoding="utf-8")
    table = [f"{d.day} {d:%B %Y}" for d in (row["date"] for row in data["dates"])]
    rows = re.findall(r"^\| (\d{1,2} \w+ \d{4}) \|", chapter, re.MULTILINE)
    assert rows == table


def test_guide_output_is_regenerated_only_when_its_inputs_change(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The guides' dozen CLI runs are skipped when nothing they depend on changed (a no-op rebuild)."""
    from handbook import guides

    runs: list[int] = []
    monkeypatch.setattr(guides, "_guide_dir", tmp_path / "guides")
    monkeypatch.setattr(guides, "guide_outputs", lambda: runs.append(1) or {"out.txt": "output\n"})
    guides._write_guide_outputs(None)
    guides._write_guide_outputs(None)
    assert runs == [1]
    # An input changes (here: the key of the inputs): the CLI runs again.
    monkeypatch.setattr(guides, "_inputs_key", lambda: "another")
    guides._write_guide_outputs(None)
    assert runs == [1, 1]
    assert [p.name for p in (tmp_path / "guides").iterdir()] == ["out.txt"]


def _guides_project(tmp_path: Path) -> Path:
    """A small project whose page shows a guide output (the handbook's include, options and all)
    beside an ordinary literalinclude, with the handbook's guides feature as its extension."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\nfrom handbook.guides import setup_guides\ndef setup(app):\n    setup_guides(app)\n",
        encoding="utf-8",
    )
    (src / "plain.txt").write_text("an ordinary include\n", encoding="utf-8")
    (src / "index.rst").write_text(
        "Guide\n=====\n\n.. literalinclude:: /gen/out.txt\n   :language: console\n   :start-at: $ fm-governance\n\n.. literalinclude:: plain.txt\n",
        encoding="utf-8",
    )
    return src


def test_guide_output_is_made_beside_the_build_and_shown_when_its_page_is_written(tmp_path: Path, make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The guides' CLI runs happen in a forked copy of the build while Sphinx reads and writes; the
    page takes the output when it is written. New output rewrites the page without re-reading it,
    and a build where nothing changed neither reads nor writes it."""
    from handbook import guides

    src = _guides_project(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setattr(guides, "_guide_dir", src / "gen")
    state = {"key": "one", "text": "skipped line\n$ fm-governance check\nOverall 11.2\n"}
    monkeypatch.setattr(guides, "_inputs_key", lambda: state["key"])
    monkeypatch.setattr(guides, "guide_outputs", lambda: {"out.txt": state["text"], "pid.txt": str(os.getpid())})

    frozen: list[int] = []

    def build() -> tuple[str, str]:
        app = make_app("html", srcdir=src, builddir=out)
        app.connect("html-page-context", lambda *_: frozen.append(gc.get_freeze_count()))
        app.build()
        assert gc.get_freeze_count() == 0  # the collector's objects are thawed when the build ends
        app.cleanup()  # the next app registers Sphinx's nodes afresh
        status = strip_escape_sequences(app.status.getvalue())
        assert app.warning.getvalue() == ""
        html = (out / "html" / "index.html").read_text(encoding="utf-8")
        return re.sub(r"<[^>]+>", "", html), status  # the text, without the highlighter's spans

    html, _ = build()
    assert "Overall 11.2" in html and "skipped line" not in html and "an ordinary include" in html
    assert (src / "gen" / "out.txt").read_text(encoding="utf-8") == state["text"]
    if hasattr(os, "fork"):  # made by a copy of the build process, not by the build itself
        assert int((src / "gen" / "pid.txt").read_text(encoding="utf-8")) != os.getpid()
        assert frozen and all(frozen)  # and frozen for it until the build's end, pages written after the wait included

    state.update(key="two", text="$ fm-governance check\nOverall 13.2\n")  # a checklist edit, say
    html, status = build()
    assert "Overall 13.2" in html and "Overall 11.2" not in html
    assert "0 added, 0 changed, 0 removed" in status  # rewritten, not re-read
    written = (out / "html" / "index.html").stat().st_mtime_ns

    _html, status = build()  # nothing changed
    assert "0 added, 0 changed, 0 removed" in status and "outdated files... none found" in status
    assert (out / "html" / "index.html").stat().st_mtime_ns == written


def test_guide_output_keeps_every_include_option_and_follows_the_files_into_every_output_folder(tmp_path: Path, make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The options a guide may give its include (a caption, a name, emphasised lines, a highlight
    threshold for line numbers) work as on any include; builds into two folders (the tests' build
    and a writer's) both show the output the files hold; a parallel build waits for it too."""
    from handbook import guides

    src = _guides_project(tmp_path)
    (src / "index.rst").write_text(
        "Guide\n=====\n\n.. toctree::\n\n" + "".join(f"   p{n}\n" for n in range(6)) + "\n.. highlight:: console\n   :linenothreshold: 2\n\n"
        ".. literalinclude:: /gen/out.txt\n   :caption: What check prints\n   :name: check-output\n   :emphasize-lines: 2\n\n"
        "See :ref:`check-output`.\n",
        encoding="utf-8",
    )
    for n in range(6):  # enough pages for Sphinx to read and write them in parallel
        (src / f"p{n}.rst").write_text(f"Page {n}\n======\n\n.. literalinclude:: /gen/out.txt\n   :lines: 1\n", encoding="utf-8")
    monkeypatch.setattr(guides, "_guide_dir", src / "gen")
    state = {"key": "one"}
    monkeypatch.setattr(guides, "_inputs_key", lambda: state["key"])
    monkeypatch.setattr(guides, "guide_outputs", lambda: {"out.txt": f"$ fm-governance check\nOverall {state['key']}\n"})

    def build(out: str, parallel: int = 1) -> str:
        app = make_app("html", srcdir=src, builddir=tmp_path / out, parallel=parallel)
        app.build()
        app.cleanup()
        assert strip_escape_sequences(app.warning.getvalue()) == ""
        return (tmp_path / out / "html" / "index.html").read_text(encoding="utf-8")

    html = build("a")
    text = re.sub(r"<[^>]+>", "", html)
    assert "Overall one" in text and "What check prints" in text
    assert '<span class="hll">' in html and 'class="linenos"' in html  # emphasised line, line numbers (2 lines)
    assert 'href="#check-output"' in html
    state["key"] = "two"
    assert "Overall two" in re.sub(r"<[^>]+>", "", build("b", parallel=2))
    p0 = (tmp_path / "b" / "html" / "p0.html").read_text(encoding="utf-8")
    assert "fm-governance check" in re.sub(r"<[^>]+>", "", p0) and "Overall" not in re.sub(r"<[^>]+>", "", p0)  # :lines: 1
    # The first folder was built from the first output: it shows the second now, without a re-read.
    assert "Overall two" in re.sub(r"<[^>]+>", "", build("a"))


def test_a_process_forked_from_the_build_waits_for_the_copy_by_its_stamp(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A process that did not fork the copy (one of Sphinx's parallel workers) cannot wait for it as
    its parent does; it returns only once the copy's stamp says the output is written."""
    import time

    from handbook import guides

    monkeypatch.setattr(guides, "_guide_dir", tmp_path / "gen")
    monkeypatch.setattr(guides, "_inputs_key", lambda: "slow")
    monkeypatch.setattr(guides, "guide_outputs", lambda: time.sleep(0.5) or {"out.txt": "done\n"})
    guides._start_guide_outputs(None)
    try:
        worker = os.fork()
        if worker == 0:  # a sibling of the copy
            code = 1
            try:
                guides.wait_for_guide_outputs()
                code = 0 if (tmp_path / "gen" / "out.txt").read_text(encoding="utf-8") == "done\n" else 3
            finally:
                os._exit(code)
        _, status = os.waitpid(worker, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        guides._finished(None, None)  # the build's end: reaps the copy and thaws the collector
    assert guides._child == {} and gc.get_freeze_count() == 0


def test_the_collector_is_thawed_at_once_when_the_copy_is_reaped_outside_a_build(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Only a running build keeps the collector's objects frozen after the copy is reaped (they live
    until its end); a copy reaped by anyone else (a test, a script) leaves nothing frozen."""
    from handbook import guides

    monkeypatch.setattr(guides, "_guide_dir", tmp_path / "gen")
    monkeypatch.setattr(guides, "_inputs_key", lambda: "outside")
    monkeypatch.setattr(guides, "guide_outputs", lambda: {"out.txt": "done\n"})
    guides._start_guide_outputs(None)
    if guides._child:  # forked (the collector frozen for the copy)
        assert gc.get_freeze_count() > 0
    guides._building.clear()  # the build was abandoned without its end
    guides.wait_for_guide_outputs()
    assert guides._child == {} and gc.get_freeze_count() == 0
    assert (tmp_path / "gen" / "out.txt").read_text(encoding="utf-8") == "done\n"


def test_a_failing_guide_run_fails_the_build_with_its_error(tmp_path: Path, make_app, monkeypatch, capfd) -> None:  # type: ignore[no-untyped-def]
    from handbook import guides
    from sphinx.errors import ExtensionError

    src = _guides_project(tmp_path)
    monkeypatch.setattr(guides, "_guide_dir", src / "gen")
    monkeypatch.setattr(guides, "_inputs_key", lambda: "broken")

    def fail() -> dict[str, str]:
        raise RuntimeError("examples/support-bot: cannot find 'answer: maybe' to edit for the guides")

    monkeypatch.setattr(guides, "guide_outputs", fail)
    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    with pytest.raises(ExtensionError, match="the guides' command output could not be written"):
        app.build()
    assert "cannot find 'answer: maybe'" in capfd.readouterr().err  # the copy's traceback, on stderr
    assert not (src / "gen" / "out.txt").exists() and guides._child == {}


def test_reference_tables_are_rebuilt_only_when_their_inputs_change(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The provider table validates the scanner's data (seconds where jsonschema is slow to import):
    a build where nothing it is made from changed does not redo it."""
    from handbook import reference_tables

    monkeypatch.setattr(reference_tables, "GENERATED", tmp_path)
    calls: list[str] = []
    providers, signals = reference_tables.provider_rows, reference_tables.signal_rows
    monkeypatch.setattr(reference_tables, "provider_rows", lambda: calls.append("providers") or providers())
    monkeypatch.setattr(reference_tables, "signal_rows", lambda: calls.append("signals") or signals())
    reference_tables._write_reference_tables(None)
    reference_tables._write_reference_tables(None)
    assert calls == ["providers", "signals"]
    assert (tmp_path / "providers.md").read_text(encoding="utf-8").startswith("| Id | Provider or library | Role |")
    assert "| `single-provider` |" in (tmp_path / "signals.md").read_text(encoding="utf-8")
    # An output that went missing is written again, though its inputs did not change.
    (tmp_path / "signals.md").unlink()
    reference_tables._write_reference_tables(None)
    assert calls == ["providers", "signals", "signals"]
