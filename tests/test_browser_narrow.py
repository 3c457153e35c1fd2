"""Every page of the built handbook fits a phone (390 px) and a desktop (1280 px) window.

A reader on a phone must never scroll the whole page sideways: wide tables scroll inside their own
box, long words and addresses wrap. For each page the test loads it in Debian's headless Chromium
(the same site and browser fixtures as ``test_browser.py``) and measures that the document is no
wider than the viewport. The crosswalk (the matrix page) also keeps its first column, the item,
in view while its table scrolls.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from test_browser import browser, site  # noqa: F401  (fixtures: the built handbook and Chromium)

ROOT = Path(__file__).parents[1]
WIDTHS = (390, 1280)
#: Tables wider than the box they sit in with no ancestor that scrolls sideways: the classes of each.
CLIPPED_TABLES = """() => [...document.querySelectorAll('table')].filter(t => {
    const box = t.parentElement.getBoundingClientRect();
    if (t.getBoundingClientRect().width <= box.width + 1) return false;
    for (let e = t.parentElement; e && e !== document.body; e = e.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) return false;
    }
    return true;
}).map(t => t.className)"""


def _pages(base: str) -> list[str]:
    """Every page Sphinx wrote for the handbook, found from the sources (one page per source file)."""
    docs = ROOT / "docs"
    pages = [
        str(path.relative_to(docs).with_suffix(".html"))
        for path in sorted(docs.rglob("*.md"))
        if not any(part.startswith(("_", ".")) for part in path.relative_to(docs).parts)
    ]
    pages += ["genindex.html", "search.html"]
    # Only pages the build wrote (a source listed in exclude_patterns has none).
    found = []
    for page in pages:
        try:
            with urlopen(base + page):
                found.append(page)
        except HTTPError:
            continue
    return found


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def narrow(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_no_page_is_wider_than_the_window(site: str, narrow: Any) -> None:  # noqa: F811
    too_wide = []
    pages = _pages(site)
    assert len(pages) > 30, pages
    for page in pages:
        narrow.goto(site + page)
        width = narrow.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            culprits = narrow.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""
            )
            too_wide.append(f"{urlparse(narrow.url).path}: {width[0]}px in {width[1]}px ({culprits})")
        # A table wider than its column is readable only if some box around it scrolls (a theme's
        # overflow: hidden would cut it off without widening the page).
        clipped = narrow.evaluate(CLIPPED_TABLES)
        if clipped:
            too_wide.append(f"{urlparse(narrow.url).path}: tables cut off, in no scrolling box: {clipped}")
    assert not too_wide, "\n".join(too_wide)


def test_the_crosswalk_keeps_its_item_column_in_view(site: str, browser: Any) -> None:  # noqa: F811
    """On a phone the crosswalk's table scrolls in its own box and its item id column stays put."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + "checklists/matrix.html")
        box = page.locator(".fmg-matrix-scroll").first
        assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the crosswalk fits a phone: nothing to scroll"
        first = page.locator("table.fmg-matrix tbody tr td:first-child").first
        last = page.locator("table.fmg-matrix tbody tr td:last-child").first
        before = first.bounding_box()
        box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        after = first.bounding_box()
        assert before is not None and after is not None
        assert abs(after["x"] - before["x"]) < 1, (before, after)
        # The last framework column scrolled into view beside it.
        end = last.bounding_box()
        assert end is not None and end["x"] + end["width"] <= 390 + 1, end
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_the_extension_tables_fit_a_phone_under_either_theme(theme: str, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    """The crosswalk and the assessment report scroll inside their own boxes under Sphinx's
    default theme (alabaster, which wraps no table) as under furo: the page never scrolls sideways."""
    import subprocess
    import sys

    out = tmp_path / "html"
    cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", f"html_theme={theme}", str(ROOT / "tests" / "roots" / "test-fmg-basic"), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        for name in ("matrix.html", "report.html", "checklist.html"):
            page.goto((out / name).as_uri())
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (name, width)
            assert page.evaluate(CLIPPED_TABLES) == [], name
        page.goto((out / "matrix.html").as_uri())
        assert page.locator(".fmg-matrix-scroll").evaluate("e => e.scrollWidth > e.clientWidth")
    finally:
        context.close()
