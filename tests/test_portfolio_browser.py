"""The portfolio's HTML page in a real browser: no serious accessibility violation, in either scheme.

The page is written by the installed command from ``examples/portfolio`` and opened from a file,
as a reader opens a CI artefact; axe-core (vendored by ``axe-playwright-python``) runs on it in
Debian's headless Chromium, as ``test_browser.py`` does for the handbook.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from test_browser import CHROMIUM, CHROMIUM_ARGS, _axe_violations, _require_tools

EXAMPLE = Path(__file__).parents[1] / "examples" / "portfolio"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_portfolio_page_has_no_serious_accessibility_violations(tmp_path: Path, installed_cli: str, scheme: str) -> None:
    from playwright.sync_api import sync_playwright

    _require_tools()
    page_file = tmp_path / "portfolio.html"
    done = subprocess.run(
        [installed_cli, "portfolio", str(EXAMPLE), "--format", "html", "-o", str(page_file), "--as-of", "2026-12-06"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page: Any = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert page.locator("svg[role=img]").count() == 5
            violations = _axe_violations(page)
        finally:
            browser.close()
    report = [{"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in violations]
    assert not violations, json.dumps(report, indent=1)
