"""The built handbook in a real browser: navigation, checklist pages, downloads, search, 404, accessibility.

Debian's headless Chromium (``/usr/bin/chromium``, installed by ``make system-deps``) is driven by
Playwright for Python with ``executable_path``, so no browser is downloaded (``playwright install``
is never run). The handbook is built once with the Makefile's flags (``-n -W --keep-going``) and
served from a local ``http.server`` on 127.0.0.1, as a reader's browser would fetch it. axe-core
comes from the ``axe-playwright-python`` package, which vendors ``axe.min.js``; it is run on a page
of each kind, in light and in dark mode, and must find no serious or critical violation.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A page of each kind, in both colour schemes (Furo follows the reader's system setting) ...
AXE_PAGES = ["index.html", "handbook/what-are-foundation-models.html", "checklists/data-exposure.html", "checklists/matrix.html"]
# ... and pages with wide code blocks, generated references and the 404 page, in the light scheme.
AXE_MORE_PAGES = [
    "guides/assess.html",
    "handbook/retirement-calendar.html",
    "checklists/severity.html",
    "reference/cli.html",
    "reference/formats.html",
    "reference/extension.html",
    "no/such/page.html",
]
AXE_CASES = [(path, scheme) for path in AXE_PAGES for scheme in ("light", "dark")] + [(path, "light") for path in AXE_MORE_PAGES]
TEMPLATE_MODELINE = "# yaml-language-server: $schema="


def _require_tools() -> None:
    """Fail, never skip, when the browser tooling is missing: CI must not pass by testing nothing."""
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:  # pragma: no cover - an incomplete install
        pytest.fail(f"{exc.name} is missing: install the test extra (pip install -e '.[test]', or `make`)")


class _Site(http.server.SimpleHTTPRequestHandler):
    """Serves the built HTML; a missing page gets the handbook's 404 page, as Read the Docs serves it."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures, not access logs
        pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1, as a reader's browser would fetch it; the
    base URL while the block runs, and the server stopped after it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_tools()
    out = tmp_path_factory.mktemp("browser") / "html"
    # The 404 page links its assets absolutely, under the Read the Docs version path by default;
    # here the site is served from the root.
    cmd = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q", "-b", "html", "-D", "notfound_urls_prefix=/", "docs", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "READTHEDOCS_CANONICAL_URL"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-6000:]
    with serve(out, _Site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # A desktop viewport, where Furo shows the navigation sidebar.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_navigation_leads_to_a_rendered_checklist(site: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(site)
    expect(page).to_have_title("fm-governance handbook")
    sidebar = page.locator(".sidebar-tree")
    expect(sidebar).to_be_visible()
    sidebar.get_by_role("link", name="The governance areas", exact=True).click()
    page.wait_for_url("**/checklists/index.html")
    page.locator("article").get_by_role("link", name="Data exposure", exact=True).first.click()
    page.wait_for_url("**/checklists/data-exposure.html")
    item = page.locator("#de-01")
    expect(item).to_be_visible()
    expect(item.get_by_role("heading").first).to_contain_text("DE-01")
    expect(item).to_contain_text("?")  # the item's question
    # Every item of the checklist rendered, in order.
    ids = page.locator("article section[id^='de-']").evaluate_all("nodes => nodes.map(n => n.id)")
    assert ids[:3] == ["de-01", "de-02", "de-03"], ids


def test_template_download_link_serves_the_blank_assessment(site: str, page: Any) -> None:
    page.goto(site + "checklists/data-exposure.html")
    link = page.locator("a.fmg-template").first
    href = link.get_attribute("href")
    assert href and href.endswith("fm-governance-data-exposure.yaml"), href
    response = page.request.get(site + "checklists/" + href)
    assert response.status == 200
    text = response.text()
    assert text.startswith(TEMPLATE_MODELINE), text[:200]
    assert "data-exposure:" in text and "DE-01:" in text
    # And the link itself downloads it when a reader clicks it.
    with page.expect_download() as download:
        link.click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved == text
    assert download.value.suggested_filename == "fm-governance-data-exposure.yaml"


def test_search_box_finds_a_checklist(site: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(site)
    box = page.locator("input.sidebar-search")
    expect(box).to_be_visible()
    box.fill("retention")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=retention"))
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible()
    assert results.count() >= 1


def test_missing_page_gets_the_styled_404_page(site: str, page: Any) -> None:
    from playwright.sync_api import expect

    response = page.goto(site + "no/such/page.html")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    # Its stylesheets and navigation resolve from any depth (absolute links).
    sheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href && s.cssRules.length > 0).length")
    assert sheets >= 2, "the 404 page's stylesheets did not load"
    expect(page.locator(".sidebar-tree").get_by_role("link", name="The governance areas", exact=True)).to_be_visible()


def _axe_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.base import AXE_FILE_PATH

    page.evaluate(AXE_FILE_PATH.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize(("path", "scheme"), AXE_CASES)
def test_no_serious_accessibility_violations(site: str, browser: Any, path: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site + path)
        page.wait_for_load_state("load")
        violations = _axe_violations(page)
    finally:
        context.close()
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
            "summary": v["nodes"][0].get("failureSummary", ""),
        }
        for v in violations
    ]
    assert not violations, f"axe-core found serious or critical violations on {path} ({scheme}):\n" + json.dumps(report, indent=1)
