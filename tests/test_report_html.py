"""The HTML report (`report --format html`): what a risk committee reads, on screen and on paper.

The assessment built here holds what a report must get right: an open critical item (a blocker
under fail-on), a waiver that expires within 30 days and one that has expired, an n/a without
notes, evidence that is an http(s) URL, evidence that is a ``javascript:`` URL, a retired model in
the inventory, signals naming items, an inventory key no table holds, and hostile text (markup,
control characters) in names, notes and evidence. It is opened in Debian's headless Chromium
(Playwright, as tests/test_browser.py does) for screenshots, axe-core and the narrow-screen check.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import item, write_checklist, yaml_quoted
from fm_governance.cli import main
from fm_governance.core.escaping import xml_text

AS_OF = "2026-11-22"
HOSTILE_NOTE = "<script>alert(1)</script><img src=x onerror=alert(2)> bell\x07 esc\x1b[31m"
PROJECT_NAME = "Support <b>bot</b> \x1b[31m"
STATES = {"none": "", "failed": "policy:\n  fail-on: critical\n", "passed": "policy:\n  fail-under: 1\n"}


def write_assessment(folder: Path, policy: str = "") -> tuple[Path, Path]:
    """A custom checklist (alpha) and a filled assessment of it; returns (checklists dir, file)."""
    checklists = folder / "checklists"
    write_checklist(
        checklists,
        "alpha",
        [
            item("AL-01", "critical", "legal", title="Signed data processing agreement"),
            item("AL-02", "high", "procurement"),
            item("AL-03", "medium", "risk"),
            item("AL-04", "high", "privacy"),
            item("AL-05", "low", "engineering"),
            item("AL-06", "high", "security"),
        ],
    )
    path = folder / "fm-governance.yaml"
    name = yaml_quoted(PROJECT_NAME)
    path.write_text(
        f"""project:
  name: {name}
  assessors: [{yaml_quoted("Ann <i>Lee</i>")}]
  date: 2026-11-20
context:
  modes: []
checklists:
  alpha:
    version: 1.0.0
    items:
      AL-01:
        answer: null
        notes: null
        evidence: []
        waiver: null
      AL-02:
        answer: "no"
        notes: Renegotiation under way.
        evidence: []
        waiver: {{reason: "Contract renewal in Q1", approved_by: "Head of Risk", expires: 2026-12-01}}
      AL-03:
        answer: "no"
        notes: null
        evidence: []
        waiver: {{reason: "Old exception", approved_by: "CFO", expires: 2026-01-31}}
      AL-04:
        answer: n/a
        notes: null
        evidence: []
        waiver: null
      AL-05:
        answer: "yes"
        notes: {yaml_quoted(HOSTILE_NOTE)}
        evidence:
          - https://example.org/dpa.pdf
          - "javascript:alert(3)"
          - "see https://example.org/x and more"
          - {yaml_quoted("<a href=javascript:alert(4)>click</a>")}
        waiver: null
      AL-06:
        answer: "yes"
        notes: Done.
        evidence: [docs/security.md]
        waiver: null
inventory:
  providers:
    - id: anthropic
      name: Anthropic
      roles: [hosted]
      evidence: [app.py:3]
  models:
    - id: claude-3-opus-20240229
      provider: anthropic
      alias: pinned
      licence: proprietary
      evidence: [app.py:9]
    - id: gpt-4o
      provider: openai
      alias: floating
      evidence: [app.py:12]
  signals:
    - id: hosted-provider
      items: [AL-01, XX-99]
      evidence: [app.py:3]
  findings: {{total: 2, in_use: 2}}
  skipped: 3
  custom_notes:
    owner: {{team: platform, tags: [a, b]}}
{policy}""",
        encoding="utf-8",
    )
    return checklists, path


def report(folder: Path, path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["report", str(path), "--format", "html", "--as-of", AS_OF, "--checklists-dir", str(folder), *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def built_report(folder: Path, path: Path) -> Any:
    """The report model for the same file, built the way the command builds it."""
    import datetime as dt

    from fm_governance.core.assessment import read_assessment
    from fm_governance.core.checklists import load_catalog
    from fm_governance.core.policy import resolve_policy
    from fm_governance.core.scoring import evaluate_gate, score
    from fm_governance.reports.model import build, catalog_lookup

    catalog = load_catalog([folder])
    result = score(read_assessment(path, catalog), catalog, today=dt.date.fromisoformat(AS_OF))
    policy = resolve_policy(result.assessment)
    return build(result, policy=policy, gate=evaluate_gate(result, policy.gate), model_lookup=catalog_lookup())


class _Elements(HTMLParser):
    """Start tags with their attributes, and the text inside each element with a class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(params=list(STATES))
def state(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_each_gate_state_carries_its_verdict_sentence_in_words(tmp_path: Path, state: str) -> None:
    folder, path = write_assessment(tmp_path, STATES[state])
    code, html, err = report(folder, path)
    assert code == 0, err
    model = built_report(folder, path)
    assert model.verdict.state == state
    text = squeeze(" ".join(parse(html).text))
    assert squeeze(model.verdict.sentence) in text
    # The state is a word as well as a colour: greyscale print and screen readers keep it.
    assert f'class="verdict verdict-{state}"' in html
    assert {"none": "No gate set", "failed": "Gate failed", "passed": "Gate passed"}[state] in text
    assert "passed" not in model.verdict.sentence.lower() or state == "passed"
    if state == "none":
        assert "Gate passed" not in text and "No fail-on is set, so no item blocks approval by policy" in text
    else:
        assert model.verdict.policy_lines[0] in text


def test_what_blocks_approval_lists_the_failing_items_and_the_owners_to_do(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path, STATES["failed"])
    _, html, _ = report(folder, path)
    blocks = html.split('id="blocks-h"', 1)[1].split("</section>", 1)[0]
    assert "What blocks approval" in blocks and 'href="#al-01">AL-01</a>' in blocks
    assert "AL-04" not in blocks  # high, and the gate is fail-on critical
    todo = html.split('id="todo-h"', 1)[1].split('<section class="area"', 1)[0]
    for role, ids in {"legal": ["AL-01"], "privacy": ["AL-04"], "risk": ["AL-03"]}.items():
        section = todo.split(f'id="todo-{role}"', 1)[1].split("</section>", 1)[0]
        assert all(f">{i}</a>" in section for i in ids), role
    assert "Is AL-01 under control?" in todo


def test_with_no_fail_on_the_open_critical_and_high_items_stand_where_blockers_would(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    _, html, _ = report(folder, path)
    section = html.split('<section class="blocks"', 1)[1].split("</section>", 1)[0]
    assert "What blocks approval" not in section and "Open critical and high items" in section
    assert ">AL-01</a>" in section and ">AL-04</a>" in section and ">AL-05</a>" not in section


def test_states_waivers_and_evidence_read_in_words(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    _, html, _ = report(folder, path)
    text = squeeze(unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "n/a without notes (scored as open until it says why)" in text
    assert "answered no; waiver expired on 2026-01-31" in text
    assert "Waiver (expiring, expires 2026-12-01), approved by Head of Risk: Contract renewal in Q1" in text
    assert "Waiver (expired on 2026-01-31), approved by CFO: Old exception" in text
    coming = html.split('id="watch-h"', 1)[1].split("</section>", 1)[0]
    assert ">AL-02</a>" in coming and "9 days" in coming and "claude-3-opus-20240229" in coming


def test_only_http_urls_become_links_and_text_from_files_stays_text(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    code, html, _ = report(folder, path)
    assert code == 0
    tags = parse(html).tags
    assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object", "embed", "b", "i")]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    hrefs = [a["href"] or "" for t, a in tags if t == "a"]
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs
    external = [a for t, a in tags if t == "a" and not (a["href"] or "").startswith("#")]
    assert external and all(a.get("rel") == "noopener noreferrer" for a in external)
    assert '<a href="https://example.org/dpa.pdf" rel="noopener noreferrer">https://example.org/dpa.pdf</a>' in html
    assert "<li>javascript:alert(3)</li>" in html  # shown, never a link
    assert "<li>see https://example.org/x and more</li>" in html  # not a whole-entry URL: text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Support &lt;b&gt;bot&lt;/b&gt;" in html
    assert xml_text(html) == html and "\x1b" not in html and "\x07" not in html


def test_item_ids_never_wrap_and_each_item_has_its_anchor(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    _, html, _ = report(folder, path)
    assert re.search(r"\.id \{[^}]*white-space: nowrap", html)
    for n in range(1, 7):
        assert f'id="al-0{n}"' in html
        assert f'<span class="id">AL-0{n}</span>' in html
    # In the tables and to-do lists, every id is a nowrap link to its item.
    first_cells = re.findall(r"<tr><td>(.*?)</td>", html)
    todo_entries = re.findall(r"<li>(<a[^>]*>AL-0\d</a>) <span class=\"sev", html.split('id="todo-h"', 1)[1].split("</section>\n</div>", 1)[0])
    assert first_cells and all(re.fullmatch(r'<a class="id" href="#al-0\d">AL-0\d</a>', c) for c in first_cells), first_cells
    assert len(todo_entries) == 3 and all(e.startswith('<a class="id"') for e in todo_entries)  # AL-01, AL-03, AL-04 open


def test_the_inventory_is_tables_never_json(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    _, html, _ = report(folder, path)
    body = unescape(html.split("<body>", 1)[1])
    assert not re.search(r"[{\[]\s*['\"]", body), "a JSON or Python dump in the page"
    inventory = html.split('id="inventory-h"', 1)[1]
    models = inventory.split("<h3>Models</h3>", 1)[1].split("</table>", 1)[0]
    assert "claude-3-opus-20240229" in models and "retired 2026-01-05" in models
    assert '<a href="https://www.anthropic.com/legal/commercial-terms" rel="noopener noreferrer">proprietary</a>' in models
    assert "<td>pinned</td>" in models and "<td>floating</td>" in models
    signals = inventory.split("<h3>Signals</h3>", 1)[1].split("</table>", 1)[0]
    assert '<a class="id" href="#al-01">AL-01</a>' in signals and '<span class="id">XX-99</span>' in signals
    assert "<dt>files skipped</dt><dd>3</dd>" in inventory and "<dt>in use</dt><dd>2</dd>" in inventory
    other = inventory.split("Other inventory entries</h3>", 1)[1].split("</table>", 1)[0]
    assert "<code>custom_notes.owner.team</code></th><td>platform</td>" in other
    assert "<code>custom_notes.owner.tags</code></th><td>a, b</td>" in other


def test_paper_size_and_the_running_header_are_in_the_print_css(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path)
    _, a4, _ = report(folder, path)
    code, letter, _ = report(folder, path, "--paper", "letter")
    assert code == 0
    assert "size: A4;" in a4 and "size: letter;" in letter
    for css in ('counter(page) " of " counter(pages)', "string(project)", "string(scored)", "display: table-header-group", "break-inside: avoid"):
        assert css in a4
    assert '<span class="run-project">Support &lt;b&gt;bot&lt;/b&gt; [31m</span>' in a4 or 'class="run-project"' in a4


def test_a_report_with_no_inventory_and_problems_says_so(tmp_path: Path, catalog_dir: Path) -> None:
    from fm_governance.core.assessment import template_text
    from fm_governance.core.checklists import load_catalog

    path = tmp_path / "fm-governance.yaml"
    path.write_text(template_text(load_catalog([catalog_dir], builtins=())).replace("answer: null", "answer: n/a", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(path), "--format", "html", "--checklists-dir", str(catalog_dir)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "No inventory: run <code>fm-governance assess</code>" in result.stdout
    assert 'id="problems-h"' in result.stdout and "n/a" in result.stdout.split('id="problems-h"', 1)[1]


# --- In a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM, CHROMIUM_ARGS, _require_tools

    _require_tools()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The HTML report of the example project and of the built assessment under each gate state."""
    root = tmp_path_factory.mktemp("html-report")
    example = Path(__file__).parents[1] / "examples" / "support-bot" / "fm-governance.yaml"
    out = {"example": root / "example.html"}
    result = CliRunner().invoke(main, ["report", str(example), "--format", "html", "--as-of", AS_OF, "-o", str(out["example"])], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    for state, policy in STATES.items():
        folder, path = write_assessment(root / state, policy)
        out[state] = root / f"{state}.html"
        code, html, err = report(folder, path)
        assert code == 0, err
        out[state].write_text(html, encoding="utf-8")
    return out


@pytest.mark.parametrize(("name", "scheme"), [("example", "light"), ("example", "dark"), ("failed", "light"), ("none", "dark"), ("passed", "light")])
def test_no_serious_accessibility_violations(browser: Any, pages: dict[str, Path], name: str, scheme: str) -> None:
    from test_browser import _axe_violations

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(pages[name].as_uri())
        violations = _axe_violations(page)
    finally:
        context.close()
    found = [{"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in violations]
    assert not violations, f"axe-core found serious or critical violations in the {name} report ({scheme}): {found}"


def test_screenshots_at_desktop_width_and_in_print(browser: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(pages["example"].as_uri())
        screen = page.screenshot(path=str(tmp_path / "screen.png"), full_page=True)
        # The verdict is on the first screen, above the fold.
        box = page.locator("section.verdict").bounding_box()
        assert box is not None and box["y"] + box["height"] < 900
        assert page.locator("svg#fmg-score-chart").is_visible()
        page.emulate_media(media="print")
        printed = page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
        assert page.evaluate("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    finally:
        context.close()
    assert screen[:8] == b"\x89PNG\r\n\x1a\n" and len(screen) > 50_000
    assert printed[:8] == b"\x89PNG\r\n\x1a\n" and len(printed) > 50_000


@pytest.mark.parametrize("name", ["example", "failed"])
def test_a_phone_width_never_scrolls_the_page_sideways(browser: Any, pages: dict[str, Path], name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(pages[name].as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        # Wide tables scroll inside their own box instead.
        wrapped = page.evaluate("[...document.querySelectorAll('table')].every(t => t.parentElement.classList.contains('table-wrap'))")
        # An id on one line, even in a narrow table cell ("DE-/03" helps nobody).
        broken = page.evaluate("[...document.querySelectorAll('.id')].filter(e => e.getClientRects().length > 1).map(e => e.textContent)")
        ids = page.evaluate("document.querySelectorAll('.id').length")
    finally:
        context.close()
    assert overflow <= 0, f"the {name} report is {overflow}px wider than a 390px screen"
    assert wrapped
    assert ids > 10 and not broken, broken


def test_a_score_under_fail_under_blocks_and_the_open_items_still_show(tmp_path: Path) -> None:
    folder, path = write_assessment(tmp_path, "policy:\n  fail-under: 99\n")
    _, html, _ = report(folder, path)
    model = built_report(folder, path)
    assert model.verdict.state == "failed" and model.blocker_notes and not model.blockers
    section = html.split('<section class="blocks"', 1)[1].split("</section>", 1)[0]
    assert "What blocks approval" in section
    assert f'<p class="blocker-note">{model.blocker_notes[0]}</p>' in section
    # No fail-on: no item blocks by policy, and the page says so under its own heading.
    assert '<h3 id="attention-h">Open critical and high items</h3>' in section and ">AL-01</a>" in section
