"""The handbook's charts: drawn from the handbook's data files, keyed on their inputs, and the
chapters' text says what the data says.

The figures themselves are looked at in the HTML (tests/test_browser_narrow.py builds the pages
that show them) and in the PDF (tests/test_docs_rtd.py); here, the generator and the facts.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from handbook import figures  # noqa: E402

DATA = ROOT / "docs" / "handbook" / "data"


def test_figures_are_drawn_as_svg_and_pdf_and_only_when_their_inputs_change(tmp_path: Path) -> None:
    today = dt.date(2026, 12, 6)
    assert sorted(figures.build_figures(tmp_path, today)) == sorted(figures.FIGURES)
    assert set(figures.FIGURES) == {"concentration-hhi", "eu-ai-act-timeline", "crosswalk-coverage", "open-vs-closed-matrix", "who-decides-raci"}
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
