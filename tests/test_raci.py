"""The RACI page (docs/handbook/who-decides.md) and the checklists agree on who answers each item.

The page says each row's accountable function is the owner of the items it cites; an item's
``consulted`` roles are the ones the answer needs besides its owner, so each of them must be
consulted (C) or doing the work (R) in every row that cites the item, never only informed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fm_governance.core.checklists import load_catalog
from fm_governance.core.models import Item

PAGE = Path(__file__).parents[1] / "docs" / "handbook" / "who-decides.md"
COLUMNS = ("legal", "procurement", "risk", "security", "privacy", "engineering")
ITEM_ROLE = re.compile(r"\{fmg:item\}`([A-Z]{2}-[0-9]{2})(?: <[A-Z]{2}-[0-9]{2}>)?`")


def rows(text: str) -> list[tuple[str, dict[str, str], list[str]]]:
    """(decision, letter per role, item ids cited) for every RACI table row."""
    found = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 + len(COLUMNS) or cells[0] in ("Decision", "---"):
            continue
        letters = {role: cell.strip("*") for role, cell in zip(COLUMNS, cells[1:-1], strict=True)}
        found.append((cells[0], letters, ITEM_ROLE.findall(cells[-1])))
    return found


@pytest.fixture(scope="module")
def items() -> dict[str, Item]:
    return {it.id: it for c in load_catalog() for it in c.items}


def test_every_row_has_one_accountable_function_and_it_owns_the_items_it_cites(items: dict[str, Item]) -> None:
    table = rows(PAGE.read_text(encoding="utf-8"))
    assert len(table) > 20
    for decision, letters, cited in table:
        accountable = [role for role, letter in letters.items() if letter == "A"]
        assert len(accountable) == 1, decision
        for item_id in cited:
            assert items[item_id].owner == accountable[0], f"{item_id} is owned by {items[item_id].owner}, but {decision!r} makes {accountable[0]} accountable"


def test_every_item_is_on_the_page(items: dict[str, Item]) -> None:
    cited = {item_id for _, _, ids in rows(PAGE.read_text(encoding="utf-8")) for item_id in ids}
    assert sorted(set(items) - cited) == []


def consulted_disagreements(text: str, items: dict[str, Item]) -> list[str]:
    """Each consulted role that a row citing the item marks neither C nor R."""
    found = []
    for decision, letters, cited in rows(text):
        for item_id in cited:
            found += [
                f"{item_id} consults {role}, but {decision!r} marks {role} {letters[role]}"
                for role in items[item_id].consulted
                if letters[role] not in ("C", "R")
            ]
    return found


def test_consulted_roles_are_consulted_or_responsible_in_every_row_citing_the_item(items: dict[str, Item]) -> None:
    assert consulted_disagreements(PAGE.read_text(encoding="utf-8"), items) == []


def test_a_consulted_role_only_informed_on_the_page_is_caught(items: dict[str, Item]) -> None:
    text = PAGE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "`VL-14 <VL-14>`" in line)
    assert row.endswith("| C | {fmg:item}`VL-14 <VL-14>` |") and "engineering" in items["VL-14"].consulted
    broken = text.replace(row, row.replace("| C | {fmg:item}`VL-14", "| I | {fmg:item}`VL-14"))
    assert [d.split(",")[0] for d in consulted_disagreements(broken, items)] == ["VL-14 consults engineering"]
