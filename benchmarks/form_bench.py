"""Assessment mode (issue 16): what it adds to a page, and how soon the page can be answered.

Builds the handbook (``docs/``) as ``make docs`` does, serves it from 127.0.0.1 and opens its
largest checklist page (the one with the most items; also the all-checklists form page when the
handbook has one) in Debian's Chromium through Playwright, as tests/test_form_browser.py does.

* Weight: the files assessment mode adds (JS and CSS), raw and gzip-compressed (level 9, what a
  static host such as Read the Docs serves), and the page's embedded data.
* Time to interactive: from navigation start to the script's ``fmg-form-ready`` performance mark
  (every item has its controls, stored work is restored and scored), median of several loads
  with a warm cache; ``fmg-form-start`` → ``fmg-form-ready`` is the script's own work.

Targets: under 200 KB of JS+CSS added, compressed; interactive under 1 s on this machine.

``--site DIR`` measures an already built handbook; ``--screenshots DIR`` also saves the guide's
screenshots (docs/guides/answer-in-the-browser.md) from the same page.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
ASSETS = ("fmg-form.js", "fmg-yaml.min.js", "fmg-form.css")
CHROMIUM = "/usr/bin/chromium"
LOADS = 9


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def _pages(site: Path) -> list[tuple[int, str]]:
    """(items with a form, page) for every page with assessment mode, largest first."""
    found = []
    for html in site.rglob("*.html"):
        match = re.search(r'<script id="fmg-form-data" type="application/json">(.*?)</script>', html.read_text(encoding="utf-8"), re.DOTALL)
        if match:
            found.append((len(json.loads(match.group(1))["page"]), html.relative_to(site).as_posix()))
    return sorted(found, reverse=True)


def _data_size(site: Path, page: str) -> tuple[int, int]:
    match = re.search(r'<script id="fmg-form-data" type="application/json">(.*?)</script>', (site / page).read_text(encoding="utf-8"), re.DOTALL)
    assert match
    data = match.group(1).encode()
    return len(data), _gz(data)


def _timings(browser: Any, url: str) -> tuple[float, float]:
    """(navigation start → ready, script start → ready) in ms, medians over LOADS warm loads."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    total, own = [], []
    tab.goto(url)  # cold load, not counted: the cache is warm after it, as for a reader's second page
    for _ in range(LOADS):
        tab.goto(url)
        tab.wait_for_selector("html.fmg-form-ready")
        start, ready = tab.evaluate("['fmg-form-start', 'fmg-form-ready'].map(n => performance.getEntriesByName(n)[0].startTime)")
        total.append(ready)
        own.append(ready - start)
    context.close()
    return statistics.median(total), statistics.median(own)


def _screenshots(browser: Any, url: str, folder: Path) -> None:
    """The guide's pictures, from the real page: the panel, an answered item, a refused import."""
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 820}, color_scheme="light", accept_downloads=True)
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("html.fmg-form-ready")
    tab.locator('[name="DE-01.answer"][value="yes"]').check()
    tab.locator('[name="DE-01.notes"]').fill("Inventory reviewed with privacy on 2026-11-20.")
    tab.locator('[name="DE-01.evidence"]').fill("docs/data-inventory.md")
    tab.locator('[name="DE-02.answer"][value="partial"]').check()
    tab.locator(".fmg-form-panel").screenshot(path=str(folder / "form-panel.png"))
    tab.locator('fieldset[data-fmg-item="DE-01"]').screenshot(path=str(folder / "form-item.png"))
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "fm-governance.yaml"
        bad.write_text("checklists:\n  data-exposure:\n    items: {}\n  made-up:\n    items: {}\n", encoding="utf-8")
        tab.get_by_label("Import assessment").set_input_files(str(bad))
        tab.wait_for_function("document.querySelector('.fmg-form-alert').textContent.length > 0")
    tab.locator(".fmg-form-panel").screenshot(path=str(folder / "form-refused.png"))
    context.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built handbook (HTML) to measure")
    parser.add_argument("--screenshots", type=Path, help="also save the guide's screenshots here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "html"
            cmd = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q", "-b", "html", "-D", "notfound_urls_prefix=/", "docs", str(site)]
            subprocess.run(cmd, cwd=ROOT, check=True)
        pages = _pages(site)
        if not pages:
            print("no page with assessment mode was built", file=sys.stderr)
            return 1
        static = site / "_static"
        print("| File added | Raw | gzip -9 |\n|---|---:|---:|")
        raw_total = gz_total = 0
        for name in ASSETS:
            data = (static / name).read_bytes()
            raw_total += len(data)
            gz_total += _gz(data)
            print(f"| `{name}` | {len(data) / 1024:.1f} KB | {_gz(data) / 1024:.1f} KB |")
        print(f"| **JS + CSS added** | {raw_total / 1024:.1f} KB | **{gz_total / 1024:.1f} KB** |")
        from playwright.sync_api import sync_playwright

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        # The largest page of one checklist, and the page holding them all (fmg:assessment-form).
        single = [p for p in pages if p[0] < pages[0][0]][:1]
        measured = single + pages[:1]
        print("\n| Page | Items | Embedded data (raw / gzip) | Navigation → interactive | Script's own work |\n|---|---:|---:|---:|---:|")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
            for items, page in measured:
                raw, gz = _data_size(site, page)
                total, own = _timings(browser, base + page)
                print(f"| `{page}` | {items} | {raw / 1024:.1f} KB / {gz / 1024:.1f} KB | **{total:.0f} ms** | {own:.0f} ms |")
            if args.screenshots:
                _screenshots(browser, base + "checklists/data-exposure.html", args.screenshots)
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
