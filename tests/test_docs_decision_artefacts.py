"""The handbook's decision artefacts stay linked, complete and arithmetically true.

Four pages under docs/handbook/ turn the chapters into things a buyer fills in: the contract-clause
playbook, the exit-plan template with its cost model, the scored decision matrix and the security
questionnaire. These tests read the pages and the data files they render the way a reviewer would:
every page is in the table of contents and links only checklist items and labels that exist, every
playbook clause has its why, its must-have, its fall-back and the item it answers, and the worked
examples' totals — written out in the prose for readers to follow — are recomputed from the CSV
files the pages render, so the prose cannot drift from its own tables. (The handbook build with
``-n -W`` fails on a broken reference too; these checks name the page and the link when it does.)
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from fm_governance.core.checklists import load_catalog

DOCS = Path(__file__).resolve().parent.parent / "docs"
HANDBOOK = DOCS / "handbook"
PAGES = ("contract-playbook", "exit-plan", "decision-matrix", "security-questionnaire")
ITEM_ROLE = re.compile(r"\{fmg:item\}`(?:[^`<]*<)?(?P<id>[A-Z]{2}-\d{2})>?`")
REF_ROLE = re.compile(r"\{ref\}`(?:[^`<]*<)?(?P<label>[\w-]+)>?`")
LABEL = re.compile(r"^\((?P<label>[\w-]+)\)=$", re.MULTILINE)
FOOTNOTE = re.compile(r"^\[\^(?P<name>[\w-]+)\]: (?P<body>.*?)(?=^\[\^|\Z)", re.MULTILINE | re.DOTALL)


def _page(name: str) -> str:
    return (HANDBOOK / f"{name}.md").read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    with (HANDBOOK / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _flat(text: str) -> str:
    """Prose with its line breaks undone, as a reader sees it."""
    return " ".join(text.split())


def test_the_decision_artefacts_are_in_their_own_toctree() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    block = re.search(r"```\{toctree\}\n(?::[^\n]*\n)*?:caption: Decision artefacts\n(?::[^\n]*\n)*\n(?P<entries>.*?)```", index, re.DOTALL)
    assert block, "docs/index.md has no toctree captioned 'Decision artefacts'"
    assert block["entries"].split() == [f"handbook/{name}" for name in PAGES]
    for name in PAGES:
        assert _page(name).startswith(f"({name})=\n# "), f"{name}.md does not open with its label and title"


@pytest.mark.parametrize("name", PAGES)
def test_every_item_a_page_links_is_in_the_catalog(name: str) -> None:
    catalog = load_catalog()
    linked = [m["id"] for m in ITEM_ROLE.finditer(_page(name))]
    assert linked, f"{name}.md links no checklist item"
    assert [i for i in linked if catalog.item(i) is None] == []


@pytest.mark.parametrize("name", PAGES)
def test_every_label_a_page_refers_to_exists(name: str) -> None:
    labels = {m["label"] for page in DOCS.rglob("*.md") for m in LABEL.finditer(page.read_text(encoding="utf-8"))}
    missing = sorted({m["label"] for m in REF_ROLE.finditer(_page(name))} - labels)
    assert missing == []


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_dated_and_every_source_says_when_it_was_read(name: str) -> None:
    text = _page(name)
    assert "**2026-12-06**" in text.split("\n## ")[0], f"{name}.md does not state the date it was checked"
    notes = list(FOOTNOTE.finditer(text))
    for note in notes:
        body = _flat(note["body"])
        assert "https://" in body, f"{name}.md [^{note['name']}] cites no address"
        assert re.search(r"read \d{4}-\d{2}-\d{2}|\b(19|20)\d{2}\b", body), f"{name}.md [^{note['name']}] has no date"
    cited = set(re.findall(r"\[\^([\w-]+)\](?!:)", text))
    assert cited == {n["name"] for n in notes}, "a footnote is cited but not defined, or defined but never cited"


def _clauses() -> list[tuple[str, str, str]]:
    """(area, clause heading, clause body) for every clause in the playbook."""
    found = []
    for area in re.split(r"^## ", _page("contract-playbook"), flags=re.MULTILINE)[1:]:
        title, _, body = area.partition("\n")
        for clause in re.split(r"^### ", body, flags=re.MULTILINE)[1:]:
            heading, _, text = clause.partition("\n")
            found.append((title, heading, text))
    return found


def test_the_playbook_covers_the_six_areas_with_numbered_clauses() -> None:
    areas = Counter(area for area, _, _ in _clauses())
    assert list(areas) == ["Data", "Continuity", "Price", "Exit", "Indemnity", "Audit"]
    for area, heading, _ in _clauses():
        number = re.match(r"(?P<letter>[A-Z])(?P<n>\d+) \S", heading)
        assert number and number["letter"] == area[0], f"clause {heading!r} is not numbered for {area}"
    for area, count in areas.items():
        assert sorted(int(h.split()[0][1:]) for a, h, _ in _clauses() if a == area) == list(range(1, count + 1))


@pytest.mark.parametrize(("area", "heading", "text"), _clauses(), ids=[heading for _, heading, _ in _clauses()])
def test_every_clause_has_why_must_have_fall_back_and_the_item_it_answers(area: str, heading: str, text: str) -> None:
    why, _, fields = text.strip().partition("\n\n:Must-have: ")
    assert why and not why.startswith(":"), f"{heading}: no sentence saying why"
    assert re.search(r"^:Fall-back: \S", fields, re.MULTILINE), f"{heading}: no fall-back position"
    answers = re.search(r"^:Answers: (?P<items>.*)$", fields, re.MULTILINE)
    assert answers and ITEM_ROLE.search(answers["items"]), f"{heading}: names no checklist item"


def test_the_exit_plan_template_has_a_row_for_every_cost_line_of_the_example() -> None:
    template = _csv("exit-plan-template.csv")
    example = _csv("exit-plan-example.csv")
    assert list(template[0]) == ["Cost line", "How to count it", "Unit", "Successor quantity", "Fallback quantity", "Owner", "Source of the number"]
    assert all(row["Successor quantity"] == row["Fallback quantity"] == "" for row in template), "the template must ship blank"
    assert {row["Cost line"] for row in example} <= {row["Cost line"] for row in template}
    assert {row["Unit"] for row in example} <= {"E", "T", "I", "D"}
    page = _page("exit-plan")
    assert "{download}`template <exit-plan-template.csv>`" in page and ":file: exit-plan-example.csv" in page


def test_the_exit_plan_totals_in_the_prose_are_the_sums_of_its_table() -> None:
    totals = {option: Counter() for option in ("Successor", "Fallback")}
    for row in _csv("exit-plan-example.csv"):
        for option, total in totals.items():
            total[row["Unit"]] += int(row[option])
    text = _flat(_page("exit-plan"))

    def formula(option: str, sub: str) -> str:
        terms = [f"{totals[option][unit]} {unit}" + ("" if unit == "D" else f"{{sub}}`{sub}`") for unit in "ETID" if totals[option][unit]]
        return f"C{{sub}}`{sub}` = " + " + ".join(terms) + "."

    assert formula("Successor", "s") in text
    assert formula("Fallback", "f") in text
    s, f = totals["Successor"], totals["Fallback"]
    # Same prices on both sides: the fallback's extra one-off cost, as the first reading states it.
    assert f"= {f['E'] - s['E']} E + {f['I'] - s['I']} I + {f['D'] - s['D']} D," in text
    # A successor 20 % dearer per token: the I terms meet at I_f.
    assert f"{f['I'] - s['I'] * 1.2:g} I{{sub}}`f` + {f['D'] - s['D']} D" in text


def test_the_decision_matrix_totals_gates_and_sensitivity_match_its_table() -> None:
    rows = _csv("decision-matrix-example.csv")
    candidates = [name for name in rows[0] if name not in ("Criterion", "Weight")]
    weights = {row["Criterion"]: int(row["Weight"]) for row in rows}
    assert sum(weights.values()) == 100
    scores = {c: {row["Criterion"]: int(row[c]) for row in rows} for c in candidates}
    assert all(0 <= s <= 5 for per in scores.values() for s in per.values())

    def total(candidate: str, w: dict[str, int]) -> int:
        return sum(w[k] * scores[candidate][k] for k in w)

    page = _page("decision-matrix")
    result = dict(re.findall(r"^\| (.+?) \| (?:pass|fails G\d) \| (\d+) \| \w+ \|$", page, re.MULTILINE))
    assert set(result) == set(candidates)
    for candidate in candidates:
        assert total(candidate, weights) % 5 == 0
        assert int(result[candidate]) == total(candidate, weights) // 5, candidate
    outcome = dict(re.findall(r"^\| (.+?) \| (pass|fails G\d) \| \d+ \| (?:\w+) \|$", page, re.MULTILINE))
    passing = [c for c in candidates if outcome[c] == "pass"]
    chosen = re.search(r"^\| (.+?) \| pass \| \d+ \| chosen \|$", page, re.MULTILINE)
    assert chosen and chosen[1] == max(passing, key=lambda c: total(c, weights)), "the chosen candidate is not the best that passes every gate"
    assert max(candidates, key=lambda c: total(c, weights)) not in passing, "the example no longer shows a gate overruling the top score"

    shifted = dict(weights)
    shifted["Task quality on your evaluation suite"] -= 10
    shifted["Data boundary and retention"] += 10
    text = _flat(page)
    for candidate, letter in zip(candidates, "ABC", strict=True):
        if candidate in passing:
            assert f"**{letter}**: {total(candidate, weights)} − 10×" in text
            assert f"= {total(candidate, shifted)} → **{total(candidate, shifted) // 5}**" in text
    first, second = sorted(passing, key=lambda c: total(c, weights), reverse=True)
    assert total(first, shifted) < total(second, shifted), "the sensitivity check no longer flips the ranking the page says it flips"


def test_every_provider_in_the_questionnaire_points_to_a_page_to_start_from() -> None:
    page = _page("security-questionnaire")
    section = page.split("## Provider by provider", 1)[1].split("\n[^", 1)[0]
    entries = re.findall(r"^(?P<term>\S.*)\n: (?P<body>(?:.*\n)(?:  .*\n)*)", section, re.MULTILINE)
    hosted = [(term, body) for term, body in entries if not term.startswith("Open-weight")]
    assert len(hosted) >= 6
    for term, body in hosted:
        assert re.search(r"\]\(https://[^)]+\)", body), f"{term}: no trust or security page linked"
        assert "Ask in particular" in _flat(body) or "Ask for" in _flat(body), f"{term}: no provider-specific question"
    numbers = set(re.findall(r"^\*\*(\d\.\d)\*\* ", page, re.MULTILINE))
    for cited in re.findall(r"\((\d\.\d)(?:, \d\.\d)*[;)]", section):
        assert cited in numbers, f"the provider notes cite question {cited}, which does not exist"


def test_the_downloadable_questionnaire_asks_exactly_the_questions_on_the_page() -> None:
    page = _page("security-questionnaire")
    asked = []
    for block in re.split(r"^### ", page.split("## Provider by provider", 1)[0], flags=re.MULTILINE)[1:]:
        title, _, body = block.partition("\n")
        for m in re.finditer(r"^\*\*(\d\.\d)\*\* (.*)\n: \*Ask for:\* ((?:.*\n)(?:  .*\n)*)", body, re.MULTILINE):
            evidence, _, items = _flat(m[3]).rpartition(" Evidence for ")
            ids = list(dict.fromkeys(i["id"] for i in ITEM_ROLE.finditer(items)))
            asked.append((m[1], title.split(". ", 1)[1], m[2], evidence.rstrip(".").lower(), " ".join(ids)))
    rows = _csv("security-questionnaire.csv")
    assert list(rows[0])[5:] == ["Provider's answer", "Evidence received", "Reviewed by", "Date"]
    assert all(not any(list(row.values())[5:]) for row in rows), "the questionnaire must ship unanswered"
    shipped = [(r["Number"], r["Section"], r["Question"], r["Evidence to ask for"].lower(), r["Checklist items"]) for r in rows]
    assert shipped == asked
    assert "{download}`questionnaire <security-questionnaire.csv>`" in page


def test_the_decision_matrix_template_carries_the_pages_gates_and_criteria_unfilled() -> None:
    template = _csv("decision-matrix-template.csv")
    page = _page("decision-matrix")
    gates = re.findall(r"^\| (G\d [^|]+?) \| ", page, re.MULTILINE)
    criteria = [row["Criterion"] for row in _csv("decision-matrix-example.csv")]
    assert [row["Name"] for row in template] == gates + criteria
    assert all(not row[c] for row in template for c in ("Weight", "Candidate 1", "Candidate 2", "Candidate 3", "Evidence and who scored it"))
    assert page.count("{download}`template <decision-matrix-template.csv>`") >= 1
