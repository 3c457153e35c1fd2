"""Assessment mode in a real browser: answer on a checklist page, export, and `check` agrees.

The project of ``tests/roots/test-fmg-form`` (the four built-in checklists under Furo, one page
each, plus the ``fmg:assessment-form`` page) is built with ``-n -W``, served from 127.0.0.1 and
driven by Playwright in Debian's Chromium, as ``tests/test_browser.py`` drives the handbook: by
mouse and by keyboard, through the automation contract (``data-fmg-item`` fieldsets, controls named
``<ID>.answer`` …, the "Export YAML" button, the "Import assessment" file input). The downloaded
file is scored by the installed ``fm-governance check``; imported files come back with only the
changed lines different; the page's scorer is held to ``core/scoring.py`` on generated files.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import http.server
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fm_governance.core.assessment import read_assessment, template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.core.scoring import score
from test_browser import CHROMIUM, CHROMIUM_ARGS, serve

ROOT = Path(__file__).parents[1]
PROJECT = ROOT / "tests" / "roots" / "test-fmg-form"
EXAMPLE = ROOT / "examples" / "support-bot" / "fm-governance.yaml"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)"
    out = tmp_path_factory.mktemp("form") / "html"
    cmd = [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q", "-b", "html", str(PROJECT), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-6000:]
    with serve(out, _Quiet) as url:
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
def page(browser: Any, site: str) -> Iterator[Any]:
    """A fresh browser profile (empty localStorage) whose requests must all go to the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("request", lambda req: None if req.url.startswith((site, "blob:", "data:")) else elsewhere.append(req.url))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not elsewhere, f"requests left the machine: {elsewhere}"


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html.fmg-form-ready")


def _export(page: Any, target: Path) -> str:
    with page.expect_download() as download:
        page.get_by_role("button", name="Export YAML").click()
    assert download.value.suggested_filename == "fm-governance.yaml"
    download.value.save_as(target)
    return target.read_text(encoding="utf-8")


def _import(page: Any, path: Path) -> None:
    page.get_by_label("Import assessment").set_input_files(str(path))


def _check_json(installed_cli: str, path: Path) -> dict[str, Any]:
    done = subprocess.run([installed_cli, "check", str(path), "--format", "json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _page_scores(page: Any) -> dict[str, str]:
    rows = page.locator(".fmg-form-progress li[data-fmg-checklist]")
    scores = {rows.nth(i).get_attribute("data-fmg-checklist"): rows.nth(i).locator(".fmg-progress-score").inner_text() for i in range(rows.count())}
    scores["overall"] = page.locator("[data-fmg-overall]").inner_text()
    return scores


def _answered(page: Any, checklist: str) -> str:
    return page.locator(f'.fmg-form-progress li[data-fmg-checklist="{checklist}"] .fmg-progress-answered').inner_text()


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


# --- the contract -----------------------------------------------------------------------------


def test_every_item_has_the_documented_controls(page: Any, site: str) -> None:
    from playwright.sync_api import expect

    _open(page, site + "data-exposure.html")
    ids = page.locator("[data-fmg-item]").evaluate_all("nodes => nodes.map(n => n.dataset.fmgItem)")
    assert ids == [f"DE-{n:02d}" for n in range(1, 16)]
    for item in ids:
        fieldset = page.locator(f'fieldset[data-fmg-item="{item}"]')
        radios = fieldset.locator(f'input[type="radio"][name="{item}.answer"]')
        assert radios.evaluate_all("nodes => nodes.map(n => n.value)") == ["yes", "partial", "no", "n/a"]
        for name in ("notes", "evidence", "waiver.reason", "waiver.approved_by", "waiver.expires"):
            expect(fieldset.locator(f'[name="{item}.{name}"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Export YAML")).to_have_count(1)
    expect(page.get_by_label("Import assessment")).to_have_attribute("type", "file")
    # Every control has a label (axe checks it too; this says which one is missing).
    unlabelled = page.locator("[data-fmg-item] input, [data-fmg-item] textarea, .fmg-form-panel select").evaluate_all(
        "nodes => nodes.filter(n => !n.labels || n.labels.length === 0).map(n => n.name || n.outerHTML)"
    )
    assert unlabelled == []


def test_pages_without_a_checklist_get_no_form(page: Any, site: str) -> None:
    page.goto(site + "prose.html")
    assert page.locator("script[src*='fmg-form'], script#fmg-form-data, link[href*='fmg-form']").count() == 0


# --- filling, exporting, checking ---------------------------------------------------------------


def test_filled_by_mouse_the_export_scores_as_the_page_showed(page: Any, site: str, tmp_path: Path, installed_cli: str) -> None:
    _open(page, site + "data-exposure.html")
    page.locator('fieldset[data-fmg-item="DE-01"]').get_by_text("Yes", exact=True).click()
    page.locator('fieldset[data-fmg-item="DE-02"]').get_by_text("Partial", exact=True).click()
    page.locator('fieldset[data-fmg-item="DE-03"]').get_by_text("No", exact=True).click()
    page.locator('fieldset[data-fmg-item="DE-04"]').get_by_text("Not applicable (n/a)", exact=True).click()
    page.locator('[name="DE-04.notes"]').fill("We send no personal data: only public help-centre text.")
    page.locator('fieldset[data-fmg-item="DE-05"]').get_by_text("Not applicable (n/a)", exact=True).click()  # no notes: open
    page.locator('[name="DE-06.waiver.reason"]').fill("Vendor review booked for Q1")
    page.locator('[name="DE-06.waiver.approved_by"]').fill("CISO")
    page.locator('[name="DE-06.waiver.expires"]').fill((_dt.date.today() + _dt.timedelta(days=30)).isoformat())
    page.locator('[name="DE-01.evidence"]').fill("docs/data-inventory.md\nprocurement/register.xlsx, row 12")
    assert "n/a needs notes" in page.locator('fieldset[data-fmg-item="DE-05"] .fmg-answer-state').inner_text()
    shown = _page_scores(page)
    assert _answered(page, "data-exposure") == "5 / 15"
    exported = tmp_path / "fm-governance.yaml"
    _export(page, exported)
    report = _check_json(installed_cli, exported)
    assert shown["overall"] == f"{report['score']:g}"
    by_id = {c["id"]: c for c in report["checklists"]}
    assert shown["data-exposure"] == f"{by_id['data-exposure']['score']:g}"
    counts = by_id["data-exposure"]["counts"]
    assert (counts["met"], counts["partial"], counts["not-met"], counts["n/a"], counts["waived"]) == (1, 1, 1, 1, 1)
    assert counts["open"] == 15 - 5  # DE-05's n/a without notes is open, as on the page


def test_filled_by_keyboard(page: Any, site: str, tmp_path: Path, installed_cli: str) -> None:
    from playwright.sync_api import expect

    _open(page, site + "vendor-lock-in.html")
    first = page.locator('[name="VL-01.answer"][value="yes"]')
    first.focus()
    page.keyboard.press("Space")  # selects "yes"
    page.keyboard.press("ArrowRight")  # moves to "partial" and selects it
    expect(page.locator('[name="VL-01.answer"][value="partial"]')).to_be_checked()
    page.keyboard.press("Tab")  # "Clear answer"
    page.keyboard.press("Tab")  # the notes
    expect(page.locator('[name="VL-01.notes"]')).to_be_focused()
    page.keyboard.type("Exit plan drafted; not yet tested.")
    page.keyboard.press("Tab")
    expect(page.locator('[name="VL-01.evidence"]')).to_be_focused()
    page.keyboard.type("docs/exit-plan.md")
    # The focus ring is visible: an outline is drawn on the focused control.
    outline = page.locator('[name="VL-01.evidence"]').evaluate("n => getComputedStyle(n).outlineStyle + ' ' + getComputedStyle(n).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    exported = tmp_path / "fm-governance.yaml"
    text = _export(page, exported)
    assert 'answer: "partial"' in text and "Exit plan drafted; not yet tested." in text
    report = _check_json(installed_cli, exported)
    assert _page_scores(page)["vendor-lock-in"] == f"{next(c for c in report['checklists'] if c['id'] == 'vendor-lock-in')['score']:g}"


def test_a_fresh_export_is_the_template_plus_the_answers(page: Any, site: str, tmp_path: Path) -> None:
    _open(page, site + "form.html")
    assert page.locator("[data-fmg-item]").count() == sum(len(c.items) for c in load_catalog())
    page.locator('[name="OC-02.answer"][value="no"]').check()
    page.locator('[name="IP-01.answer"][value="yes"]').check()
    text = _export(page, tmp_path / "fm-governance.yaml")
    template = template_text(load_catalog())
    assert _changed_lines(template, text) == [
        "-        answer: null  # yes | partial | no | n/a",
        '+        answer: "yes"  # yes | partial | no | n/a',
        "-        answer: null  # yes | partial | no | n/a",
        '+        answer: "no"  # yes | partial | no | n/a',
    ]
    assert text.replace('answer: "yes"', "answer: null").replace('answer: "no"', "answer: null") == template


# --- import, round trip, storage ----------------------------------------------------------------


def test_an_imported_file_changes_only_the_answer_changed(page: Any, site: str, tmp_path: Path) -> None:
    original = EXAMPLE.read_text(encoding="utf-8")
    assert "# " in original and "inventory:" in original  # commented, with a scanner inventory
    _open(page, site + "data-exposure.html")
    _import(page, EXAMPLE)
    # The file is read asynchronously: wait for the page to say it is in.
    page.wait_for_function("document.querySelector('.fmg-form-status').textContent.startsWith('Imported')")
    assert "Imported fm-governance.yaml" in page.locator(".fmg-form-status").inner_text()
    answered = page.locator('[name="DE-01.answer"]:checked')
    assert answered.get_attribute("value") == "yes"  # the file's answer is on the page
    page.locator('[name="DE-01.answer"][value="partial"]').check()
    text = _export(page, tmp_path / "fm-governance.yaml")
    assert _changed_lines(original, text) == [
        '-        answer: "yes"  # yes | partial | no | n/a',
        '+        answer: "partial"  # yes | partial | no | n/a',
    ]


def test_a_dated_evidence_entry_survives_import_and_export(page: Any, site: str, tmp_path: Path) -> None:
    dated = "          - docs/data-inventory.md\n          - ref: https://example.com/dpa.pdf  # the signed copy\n            date: 2026-03-01\n"
    original = EXAMPLE.read_text(encoding="utf-8").replace("          - docs/data-inventory.md\n", dated, 1)
    source = tmp_path / "dated.yaml"
    source.write_text(original, encoding="utf-8")
    _open(page, site + "data-exposure.html")
    _import(page, source)
    page.wait_for_function("document.querySelector('.fmg-form-status').textContent.startsWith('Imported')")
    box = page.locator('[name="DE-01.evidence"]')
    assert box.input_value() == "docs/data-inventory.md\nhttps://example.com/dpa.pdf (dated 2026-03-01)"
    page.locator('[name="DE-01.answer"][value="partial"]').check()
    text = _export(page, tmp_path / "answered.yaml")
    # Only the answer changed: the mapping entry, its date and its comment keep their bytes.
    assert _changed_lines(original, text) == [
        '-        answer: "yes"  # yes | partial | no | n/a',
        '+        answer: "partial"  # yes | partial | no | n/a',
    ]
    # A line typed with "(dated YYYY-MM-DD)" is written as a dated entry; check reads its date.
    box.fill(
        "docs/data-inventory.md\nhttps://example.com/dpa.pdf (dated 2026-03-01)\nPen test report, vault ref 7 (dated 2026-04-02)\nnot a date (dated 2026-02-30)"
    )
    _export(page, tmp_path / "typed.yaml")
    entries = read_assessment(tmp_path / "typed.yaml", load_catalog()).checklists["data-exposure"].responses["DE-01"].evidence
    assert [(e.ref, e.date) for e in entries] == [
        ("docs/data-inventory.md", None),
        ("https://example.com/dpa.pdf", _dt.date(2026, 3, 1)),
        ("Pen test report, vault ref 7", _dt.date(2026, 4, 2)),
        ("not a date (dated 2026-02-30)", None),
    ]


def test_drag_and_drop_imports(page: Any, site: str) -> None:
    _open(page, site + "data-exposure.html")
    text = EXAMPLE.read_text(encoding="utf-8")
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], "dropped.yaml", {type: "application/yaml"}));
            document.querySelector(".fmg-form-panel").dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        text,
    )
    page.wait_for_function("document.querySelector('.fmg-form-status').textContent.includes('dropped.yaml')")
    assert page.locator('[name="DE-01.answer"]:checked').get_attribute("value") == "yes"


def test_work_survives_a_reload_and_clear_forgets_it(page: Any, site: str) -> None:
    _open(page, site + "data-exposure.html")
    page.locator('[name="DE-07.answer"][value="no"]').check()
    page.locator('[name="DE-07.notes"]').fill("Logs kept 90 days.")
    page.reload()
    page.wait_for_selector("html.fmg-form-ready")
    assert page.locator('[name="DE-07.answer"][value="no"]').is_checked()
    assert page.locator('[name="DE-07.notes"]').input_value() == "Logs kept 90 days."
    # Another checklist page of the same handbook is a view of the same assessment.
    _open(page, site + "form.html")
    assert page.locator('[name="DE-07.answer"][value="no"]').is_checked()
    page.get_by_role("button", name="Clear", exact=True).click()
    assert not page.locator('[name="DE-07.answer"][value="no"]').is_checked()
    page.reload()
    page.wait_for_selector("html.fmg-form-ready")
    assert page.locator('[name="DE-07.notes"]').input_value() == ""


BAD_FILES: dict[str, tuple[str | bytes, str]] = {
    "invalid-yaml": ("checklists:\n  data-exposure:\n    items: [unclosed\n", "bad.yaml:4:1: this is not valid YAML"),
    "not-an-assessment": ("- just\n- a list\n", "bad.yaml:1:1: this is not an fm-governance assessment"),
    "unknown-checklist": ("checklists:\n  data-exposure:\n    items: {}\n  made-up:\n    items: {}\n", "bad.yaml:4:3: unknown checklist 'made-up'"),
    "unknown-item": ("checklists:\n  data-exposure:\n    items:\n      DE-99:\n        answer: yes\n", "bad.yaml:4:7: unknown item 'DE-99'"),
    "not-utf-8": (b"checklists:\n  data-exposure:\n    items: {}\n# caf\xe9\n", "bad.yaml: the file is not UTF-8 text"),
    "explicit-tag": ("checklists:\n  data-exposure:\n    items:\n      DE-01:\n        answer: !!str yes\n", "bad.yaml:5:17: YAML tag '!!str' is not allowed"),
    "bad-answer": ("checklists:\n  data-exposure:\n    items:\n      DE-01:\n        answer: maybe\n", "bad.yaml:5:17: DE-01: answer yes, partial, no or n/a"),
    "bad-evidence-date": (
        "checklists:\n  data-exposure:\n    items:\n      DE-01:\n        evidence:\n          - {ref: dpa.pdf, date: 2026-02-30}\n",
        "bad.yaml:6:34: DE-01: each evidence entry must be text, or a mapping with ref (text) and date (YYYY-MM-DD)",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_place_and_the_work_kept(page: Any, site: str, tmp_path: Path, installed_cli: str, kind: str) -> None:
    text, message = BAD_FILES[kind]
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _open(page, site + "data-exposure.html")
    page.locator('[name="DE-02.answer"][value="yes"]').check()
    _import(page, bad)
    page.wait_for_function("document.querySelector('.fmg-form-alert').textContent.length > 0")
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("Not imported — " + message), alert
    assert alert.endswith("Your work in progress is unchanged.")
    assert page.locator('[name="DE-02.answer"][value="yes"]').is_checked()
    # `check` refuses the same file (exit 2).
    assert subprocess.run([installed_cli, "check", str(bad)], capture_output=True, check=False).returncode == 2


# --- accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["data-exposure.html", "form.html"])
def test_axe_finds_no_serious_violation(browser: Any, site: str, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    try:
        _open(tab, site + path)
        tab.locator('[name="DE-01.answer"][value="n/a"]').check()  # shows the item's state message
        tab.locator('[name="DE-02.waiver.reason"]').fill("pending")  # and the incomplete-waiver one
        results = Axe().run(tab)
        serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, json.dumps([{"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in serious], indent=1)
    finally:
        context.close()


# --- one set of scoring rules ---------------------------------------------------------------------

TODAY = _dt.date(2026, 12, 6)
_ANSWERS = [None, '"yes"', '"partial"', '"no"', '"n/a"', "No", "YES", "true", "false", '" N/A "', "Partial"]
_NOTES = [None, '""', '"   "', '"\\u200b"', '"\\u00a0"', '"Not used: no retrieval."', "x"]


def _generated(rng: random.Random, catalog: Any) -> str:
    modes = rng.sample(["hosted-api", "rag", "hosted-fine-tuning", "self-hosted"], rng.randint(0, 2))
    lines = ["context:", f"  modes: [{', '.join(modes)}]", "checklists:"]
    for checklist in rng.sample(list(catalog), rng.randint(1, 4)):
        lines += [f"  {checklist.id}:", f'    version: "{checklist.version}"', "    items:"]
        for item in checklist.items:
            if rng.random() < 0.1:
                continue  # missing from the file: open
            lines.append(f"      {item.id}:")
            lines.append(f"        answer: {rng.choice(_ANSWERS) or 'null'}")
            lines.append(f"        notes: {rng.choice(_NOTES) or 'null'}")
            if rng.random() < 0.2:
                expires = TODAY + _dt.timedelta(days=rng.choice([-30, -1, 0, 1, 365]))
                lines += ["        waiver:", "          reason: accepted risk", "          approved_by: CISO", f"          expires: {expires.isoformat()}"]
    return "\n".join(lines) + "\n"


def test_the_page_scores_hundreds_of_files_as_check_does(page: Any, site: str, tmp_path: Path) -> None:
    catalog = load_catalog()
    rng = random.Random(16)
    texts = [_generated(rng, catalog) for _ in range(300)]
    expected = []
    for n, text in enumerate(texts):
        path = tmp_path / f"a{n}.yaml"
        path.write_text(text, encoding="utf-8")
        result = score(read_assessment(path, catalog), catalog, today=TODAY)
        expected.append({"overall": result.score, "checklists": {c.checklist.id: c.score for c in result.checklists}})
    _open(page, site + "data-exposure.html")
    got = page.evaluate("([texts, day]) => texts.map(t => window.fmgForm.score(t, day))", [texts, TODAY.isoformat()])
    mismatches = [(texts[n], expected[n], got[n]) for n in range(len(texts)) if expected[n] != got[n]]
    assert not mismatches, mismatches[:2]
    assert len({e["overall"] for e in expected}) > 50  # the files differ enough to test something


# --- writing into a person's file -------------------------------------------------------------------

_TEXTS = [
    "Reviewed: see #12",
    "  padded  ",
    "yes",
    "null",
    "line one\nline two",
    "quote \" and ' marks",
    "émoji 🙂",
    "- dash",
    "a: b",
    "123",
    "2026-01-01",
    "[x]",
    "{y}",
    "tab\there",
    "ends with #",
    "~",
    "sep\u2028x",
    "nbsp\u00a0x",
    "del\x7fx",
    "zero\u200bwidth",
]


def _random_responses(rng: random.Random, catalog: Any) -> dict[str, Any]:
    responses = {}
    for item in rng.sample([it for c in catalog for it in c.items], rng.randint(1, 8)):
        waiver = None
        if rng.random() < 0.3:
            waiver = {"reason": rng.choice(_TEXTS), "approved_by": "CISO (risk)", "expires": "2027-03-31"}
        responses[item.id] = {
            "answer": rng.choice([None, "yes", "partial", "no", "n/a"]),
            "notes": rng.choice(["", *_TEXTS]),
            # Some entries dated ({ref, date}): the page writes them as mappings, check reads the date.
            "evidence": [{"ref": t, "date": "2026-03-01"} if rng.random() < 0.3 else t for t in rng.sample(_TEXTS, rng.randint(0, 3))],
            "waiver": waiver,
        }
    return responses


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_written_values_read_back_as_answered_and_the_rest_is_kept(page: Any, site: str, tmp_path: Path, newline: str) -> None:
    """What the page writes into the example file, check reads back exactly; every other response,
    the inventory and every comment line are as they were; the file keeps its line endings."""
    catalog = load_catalog()
    original = EXAMPLE.read_text(encoding="utf-8").replace("\n", newline)
    rng = random.Random(1616)
    cases = [_random_responses(rng, catalog) for _ in range(60)]
    _open(page, site + "data-exposure.html")
    written = page.evaluate("([text, cases]) => cases.map(c => window.fmgForm.write(text, c))", [original, cases])
    base = tmp_path / "base.yaml"
    base.write_bytes(original.encode("utf-8"))
    before = read_assessment(base, catalog)
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    for n, (responses, text) in enumerate(zip(cases, written, strict=True)):
        assert text.count("\n") == text.count(newline), f"case {n}: mixed line endings"
        path = tmp_path / f"written{n}.yaml"
        path.write_bytes(text.encode("utf-8"))
        after = read_assessment(path, catalog)
        assert after.inventory == before.inventory and after.modes == before.modes
        assert [line.strip() for line in text.splitlines() if line.strip().startswith("#")] == comments
        for cid, section in after.checklists.items():
            for iid, got in section.responses.items():
                want = responses.get(iid)
                if want is None:
                    old = before.checklists[cid].responses[iid]
                    assert (got.answer, got.notes, got.evidence, got.waiver) == (old.answer, old.notes, old.evidence, old.waiver), f"case {n}: {iid} changed"
                    continue
                assert (got.answer.value if got.answer else None) == want["answer"], f"case {n}: {iid}"
                wanted = [(e["ref"], _dt.date.fromisoformat(e["date"])) if isinstance(e, dict) else (e, None) for e in want["evidence"]]
                assert got.notes == want["notes"].strip() and [(e.ref, e.date) for e in got.evidence] == wanted, f"case {n}: {iid}"
                waiver = want["waiver"]
                assert (got.waiver is None) == (waiver is None), f"case {n}: {iid}"
                if waiver is not None and got.waiver is not None:
                    assert (got.waiver.reason, got.waiver.approved_by, got.waiver.expires.isoformat()) == (
                        waiver["reason"],
                        waiver["approved_by"],
                        waiver["expires"],
                    )


def test_answers_to_what_the_file_lacks_come_from_the_template(page: Any, site: str, tmp_path: Path) -> None:
    catalog = load_catalog()
    exposure, lock_in = catalog.get("data-exposure"), catalog.get("vendor-lock-in")
    assert exposure is not None and lock_in is not None
    only_exposure = template_text([exposure])
    # A file without DE-05 (deleted by hand) and without the vendor lock-in checklist.
    lines = only_exposure.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith("      DE-05:"))
    without = "".join(lines[:start] + lines[start + 5 :])
    _open(page, site + "data-exposure.html")
    yes = {"answer": "yes", "notes": "", "evidence": [], "waiver": None}
    both = page.evaluate("([text, r]) => window.fmgForm.write(text, r)", [only_exposure, {"VL-01": yes}])
    expected = template_text([exposure, lock_in])
    vl01 = expected.index("      VL-01:")
    at = expected.index("answer: null", vl01)
    assert both == expected[:at] + 'answer: "yes"' + expected[at + len("answer: null") :]
    restored = page.evaluate("([text, r]) => window.fmgForm.write(text, r)", [without, {"DE-05": yes}])
    path = tmp_path / "restored.yaml"
    path.write_text(restored, encoding="utf-8")
    assessment = read_assessment(path, catalog)
    assert assessment.checklists["data-exposure"].responses["DE-05"].answer is not None
    assert _changed_lines(without, restored)[0].startswith("+      DE-05:  # [")


def test_filters_show_one_owner_or_severity(page: Any, site: str) -> None:
    catalog = load_catalog()
    checklist = catalog.get("intellectual-property")
    assert checklist is not None
    _open(page, site + "intellectual-property.html")
    page.get_by_label("Owner").select_option("legal")
    visible = page.locator("[data-fmg-item]:visible").evaluate_all("nodes => nodes.map(n => n.dataset.fmgItem)")
    assert visible == [it.id for it in checklist.items if it.owner == "legal"]
    page.get_by_label("Owner").select_option("")
    page.get_by_label("Severity").select_option("critical")
    visible = page.locator("[data-fmg-item]:visible").evaluate_all("nodes => nodes.map(n => n.dataset.fmgItem)")
    assert visible == [it.id for it in checklist.items if it.severity.value == "critical"]


def test_print_shows_the_filled_form_without_the_buttons(page: Any, site: str) -> None:
    _open(page, site + "data-exposure.html")
    page.locator('[name="DE-01.answer"][value="no"]').check()
    page.locator('[name="DE-01.notes"]').fill("Not mapped yet.")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Export YAML").is_visible()
    assert not page.get_by_label("Import assessment").is_visible()
    assert page.locator('[name="DE-01.answer"][value="no"]').is_visible() and page.locator('[name="DE-01.notes"]').is_visible()
    assert page.locator(".fmg-form-progress").is_visible()  # the scores print


def test_an_item_written_as_an_alias_is_refused_with_the_way_out(page: Any, site: str, tmp_path: Path) -> None:
    """`check` reads an alias as a copy; the page cannot edit one item without the other, so it asks
    for the file `assess` writes (which writes aliases out) rather than guess."""
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text('checklists:\n  data-exposure:\n    items:\n      DE-01: &first\n        answer: "yes"\n      DE-02: *first\n', encoding="utf-8")
    _open(page, site + "data-exposure.html")
    _import(page, aliased)
    page.wait_for_function("document.querySelector('.fmg-form-alert').textContent.length > 0")
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("Not imported — aliased.yaml:6:14: DE-02 is written as an alias of another item (*first); run `fm-governance assess`")
    )


def test_on_a_phone_the_form_never_scrolls_sideways(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    try:
        for path in ("data-exposure.html", "form.html"):
            _open(tab, site + path)
            tab.locator('[name="DE-01.waiver.reason"]').fill("A reason long enough to wrap on a phone screen, as people write them")
            width, client = tab.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
            assert width <= client, (path, width, client)
    finally:
        context.close()
