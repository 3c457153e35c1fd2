"""Template and merge: what a person wrote survives every re-run."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml as pyyaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import item, write_checklist
from fm_governance.core.assessment import MODELINE_PREFIX, load_document, merge, read_assessment, render, template_text
from fm_governance.core.checklists import load_catalog
from fm_governance.core.errors import InputError
from fm_governance.core.models import Answer
from fm_governance.core.yamlio import load_text


def fill(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def remerge(path: Path, catalog, **kwargs) -> str:  # type: ignore[no-untyped-def]
    document, original = load_document(path)
    result = merge(document, catalog, file=str(path), **kwargs)
    text = render(result.document, original=original)
    path.write_text(text)
    return text


def test_template_reads_on_its_own(catalog) -> None:  # type: ignore[no-untyped-def]
    text = template_text(catalog)
    first = text.splitlines()[0]
    assert first.startswith(MODELINE_PREFIX) and first.endswith("assessment.schema.json")
    assert "AL-01:  # [critical · legal] Is AL-01 under control?" in text
    assert "answer: null  # yes | partial | no | n/a" in text
    assert text.count("answer: null") == 5
    assert 'alpha:\n    version: "1.0.0"' in text


def test_template_means_the_same_to_a_yaml_1_1_reader(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    path.write_text(template_text(catalog))
    text = remerge(path, catalog)
    text = text.replace(
        "AL-01:  # [critical · legal] Is AL-01 under control?\n        answer: null",
        'AL-01:  # [critical · legal] Is AL-01 under control?\n        answer: "yes"',
    )
    path.write_text(text)
    old_reader = pyyaml.safe_load(text)  # YAML 1.1: a bare yes would be True
    assert old_reader["checklists"]["alpha"]["items"]["AL-01"]["answer"] == "yes"
    assert old_reader["checklists"]["alpha"]["version"] == "1.0.0"


def test_bare_yes_and_booleans_mean_yes(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    text = template_text(catalog)
    text = text.replace("answer: null", "answer: yes", 1).replace("answer: null", "answer: true", 1).replace("answer: null", "answer: false", 1)
    path.write_text(text)
    assessment = read_assessment(path, catalog)
    answers = {rid: r.answer for rid, r in assessment.checklists["alpha"].responses.items()}
    assert answers == {"AL-01": Answer.YES, "AL-02": Answer.YES, "AL-03": Answer.NO}


PERSON = {
    "# fm-governance assessment:": "# my own header comment\n# fm-governance assessment:",
    "AL-01:  # [critical · legal] Is AL-01 under control?\n        answer: null  # yes | partial | no | n/a\n        notes: null": (
        'AL-01:  # [critical · legal] Is AL-01 under control?\n        answer: "partial"  # legal signed off 2026-10-01\n'
        "        # a comment of my own, on its own line\n        notes: Only the EU tenant.\n        reviewer: Ada"
    ),
    "BE-02:  # [high · security] Is BE-02 under control?\n        answer: null": 'BE-02:  # my note on the item line\n        answer: "no"',
    "project:\n  name: null": "project:\n  name: Support bot\n  cost_centre: 42",
}


def test_rerun_keeps_everything_a_person_wrote(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fm-governance.yaml"
    path.write_text(fill(template_text(catalog), PERSON))
    before = path.read_text()
    after = remerge(path, catalog)
    assert after == before  # nothing changed in the checklists: byte-for-byte the same
    for fragment in [
        "# my own header comment",
        'answer: "partial"  # legal signed off 2026-10-01',
        "# a comment of my own, on its own line",
        "reviewer: Ada",
        "cost_centre: 42",
        "BE-02:  # my note on the item line",
    ]:
        assert fragment in after


def test_checklist_update_adds_retires_and_carries_over(catalog_dir: Path, tmp_path: Path) -> None:
    v1 = load_catalog([catalog_dir], builtins=())
    path = tmp_path / "fm-governance.yaml"
    path.write_text(fill(template_text(v1), PERSON))
    # v2 of alpha: AL-02 reworded, AL-03 removed, AL-04 new, AL-05 replaces AL-01
    write_checklist(
        catalog_dir,
        "alpha",
        [item("AL-02", "high", question="Is AL-02 now worded differently?"), item("AL-04", "medium"), item("AL-05", "critical", replaces=["AL-01"])],
        version="2.0.0",
    )
    v2 = load_catalog([catalog_dir], builtins=())
    document, original = load_document(path)
    result = merge(document, v2, file=str(path))
    text = render(result.document, original=original)
    changes = {c.checklist_id: c for c in result.changes}["alpha"]
    assert changes.old_version == "1.0.0" and changes.new_version == "2.0.0"
    assert changes.added == ["AL-04"]
    assert changes.retired == ["AL-03"]
    assert changes.carried_over == {"AL-05": "AL-01"}
    data = load_text(text, "x")
    items = data["checklists"]["alpha"]["items"]
    assert list(items) == ["AL-02", "AL-04", "AL-05"]  # checklist order
    assert items["AL-05"]["answer"] == "partial" and items["AL-05"]["notes"] == "Only the EU tenant." and items["AL-05"]["reviewer"] == "Ada"
    assert items["AL-05"]["carried_over_from"] == "AL-01"
    assert "# legal signed off 2026-10-01" in text and "# a comment of my own, on its own line" in text
    assert "AL-02:  # [high · legal] Is AL-02 now worded differently?" in text  # tool comment refreshed
    assert "AL-03" in data["checklists"]["alpha"]["retired"]
    assert data["checklists"]["alpha"]["version"] == "2.0.0"
    # and the merge is stable: running it again changes nothing
    path.write_text(text)
    assert remerge(path, v2) == text


def test_replaced_item_comes_back_from_retired(catalog_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    v1 = load_catalog([catalog_dir], builtins=())
    path.write_text(template_text(v1).replace("answer: null", 'answer: "yes"', 1))
    write_checklist(catalog_dir, "alpha", [item("AL-02"), item("AL-03")], version="2.0.0")
    remerge(path, load_catalog([catalog_dir], builtins=()))
    write_checklist(catalog_dir, "alpha", [item("AL-02"), item("AL-03"), item("AL-06", replaces=["AL-01"])], version="2.1.0")
    text = remerge(path, load_catalog([catalog_dir], builtins=()))
    data = load_text(text, "x")
    assert data["checklists"]["alpha"]["items"]["AL-06"]["answer"] == "yes"
    assert "AL-01" not in (data["checklists"]["alpha"].get("retired") or {})


def test_crlf_files_stay_crlf(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    path.write_bytes(template_text(catalog).replace("\n", "\r\n").encode())
    remerge(path, catalog)
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_unknown_checklist_in_file_is_refused(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    path.write_text(template_text(catalog).replace("  beta:\n", "  gamma:\n"))
    document, _ = load_document(path)
    with pytest.raises(InputError) as info:
        merge(document, catalog, file=str(path))
    assert "unknown checklist 'gamma'" in info.value.one_line()
    assert info.value.location.line > 0


def test_select_adds_a_checklist_to_an_existing_file(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    path.write_text(template_text(catalog.select(["alpha"])))
    text = remerge(path, catalog, select=["beta"])
    assert list(load_text(text, "x")["checklists"]) == ["alpha", "beta"]


# --- comments on lines of their own belong to the key below them ---------------------------------
#
# ruamel.yaml stores such a comment with the entry *above* it (on that item's last scalar), so a
# merge that moves items used to move the comment above the next item along, and leave an item's
# own comment behind. These tests write files as a person would and compare text.

RESPONSE = "        answer: null  # yes | partial | no | n/a\n        notes: null\n        evidence: []\n        waiver: null\n"


def entry(item_id: str, severity: str = "high", owner: str = "legal", body: str = RESPONSE) -> str:
    """An item as the template writes it (conftest.item's question)."""
    return f"      {item_id}:  # [{severity} · {owner}] Is {item_id} under control?\n{body}"


def alpha_file(catalog_dir: Path, ids: list[str], items_text: str, *, retired_text: str = "", tail: str = "") -> str:
    """A one-checklist assessment whose ``items`` (and ``retired``) are the given text."""
    write_checklist(catalog_dir, "alpha", [item(i) for i in ids])
    head = template_text(load_catalog([catalog_dir], builtins=())).split("    items:\n")[0]
    return head + "    items:\n" + items_text + ("    retired:\n" + retired_text if retired_text else "") + tail


def update(catalog_dir: Path, text: str, ids: list[object], *, version: str = "2.0.0", **kwargs: object) -> str:
    """Merge ``text`` with a new version of alpha; check a second run changes nothing; return the result."""
    write_checklist(catalog_dir, "alpha", [item(i) if isinstance(i, str) else i for i in ids], version=version)  # type: ignore[misc]
    catalog = load_catalog([catalog_dir], builtins=())
    result = merge(load_text(text, "a.yaml"), catalog, file="a.yaml", **kwargs)  # type: ignore[arg-type]
    out = render(result.document, original=text)
    again = merge(load_text(out, "a.yaml"), catalog, file="a.yaml", **kwargs)  # type: ignore[arg-type]
    assert render(again.document, original=out) == out
    return out


def items_part(text: str) -> str:
    return "    items:\n" + text.split("    items:\n", 1)[1]


ALICE = "      # Alice 2026-10: AL-02 needs legal sign-off before we answer it\n"


def test_comment_above_an_item_stays_when_the_item_before_it_retires(catalog_dir: Path) -> None:
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], entry("AL-01") + ALICE + entry("AL-02"))
    after = update(catalog_dir, before, ["AL-02"])
    assert items_part(after) == "    items:\n" + ALICE + entry("AL-02") + "    retired:\n" + entry("AL-01")


def test_comment_above_a_retired_item_moves_with_it(catalog_dir: Path) -> None:
    before = alpha_file(catalog_dir, ["AL-01", "AL-02", "AL-03"], entry("AL-01") + ALICE + entry("AL-02") + entry("AL-03"))
    after = update(catalog_dir, before, ["AL-01", "AL-03"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + entry("AL-03") + "    retired:\n" + ALICE + entry("AL-02")


def test_comment_above_the_first_item(catalog_dir: Path) -> None:
    first = "      # about AL-01, the first item\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], first + entry("AL-01") + entry("AL-02"))
    # the first item retires: its comment goes with it, and the new first item has none
    assert items_part(update(catalog_dir, before, ["AL-02"])) == "    items:\n" + entry("AL-02") + "    retired:\n" + first + entry("AL-01")
    # a new item becomes the first: the comment stays with AL-01
    after = update(catalog_dir, before, ["AL-00", "AL-01", "AL-02"])
    assert items_part(after) == "    items:\n" + entry("AL-00") + first + entry("AL-01") + entry("AL-02")


def test_comment_after_the_items_key_end_of_line_comment(catalog_dir: Path) -> None:
    text = alpha_file(catalog_dir, ["AL-01", "AL-02"], "      # about AL-01\n" + entry("AL-01") + entry("AL-02"))
    text = text.replace("    items:\n", "    items:  # the person's\n")
    after = update(catalog_dir, text, ["AL-02"])
    assert items_part(after.replace("    items:  # the person's\n", "    items:\n")) == "    items:\n" + entry(
        "AL-02"
    ) + "    retired:\n      # about AL-01\n" + entry("AL-01")


def test_comment_above_the_last_item(catalog_dir: Path) -> None:
    last = "      # about AL-03, the last item\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02", "AL-03"], entry("AL-01") + entry("AL-02") + last + entry("AL-03"))
    after = update(catalog_dir, before, ["AL-01", "AL-02"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + entry("AL-02") + "    retired:\n" + last + entry("AL-03")
    after = update(catalog_dir, before, ["AL-01", "AL-03"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + last + entry("AL-03") + "    retired:\n" + entry("AL-02")


def test_comment_blocks_with_blank_lines_move_whole(catalog_dir: Path) -> None:
    block = "\n      # Alice: first line\n      #   indented more\n\n      # Bob: a second paragraph\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02", "AL-03"], entry("AL-01") + block + entry("AL-02") + "\n" + entry("AL-03"))
    after = update(catalog_dir, before, ["AL-01", "AL-03"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + "\n" + entry("AL-03") + "    retired:\n" + block + entry("AL-02")
    after = update(catalog_dir, before, ["AL-02", "AL-03"])
    assert items_part(after) == "    items:\n" + block + entry("AL-02") + "\n" + entry("AL-03") + "    retired:\n" + entry("AL-01")


def test_comment_above_an_item_stays_above_it_when_an_item_is_inserted_before_it(catalog_dir: Path) -> None:
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], entry("AL-01") + ALICE + entry("AL-02"))
    after = update(catalog_dir, before, ["AL-01", "AL-04", "AL-02"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + entry("AL-04") + ALICE + entry("AL-02")


def test_comment_indented_inside_an_item_stays_with_that_item(catalog_dir: Path) -> None:
    inside = "        # still about AL-01: the waiver is being drafted\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], entry("AL-01") + inside + ALICE + entry("AL-02"))
    after = update(catalog_dir, before, ["AL-02"])
    assert items_part(after) == "    items:\n" + ALICE + entry("AL-02") + "    retired:\n" + entry("AL-01") + inside
    after = update(catalog_dir, before, ["AL-01"])
    assert items_part(after) == "    items:\n" + entry("AL-01") + inside + "    retired:\n" + ALICE + entry("AL-02")


def test_crlf_comments_move_and_stay_crlf(catalog_dir: Path) -> None:
    before = alpha_file(catalog_dir, ["AL-01", "AL-02", "AL-03"], entry("AL-01") + ALICE + "\n" + entry("AL-02") + entry("AL-03"))
    after = update(catalog_dir, before.replace("\n", "\r\n"), ["AL-01", "AL-03"])
    assert "\n" not in after.replace("\r\n", "")
    expected = "    items:\n" + entry("AL-01") + entry("AL-03") + "    retired:\n" + ALICE + "\n" + entry("AL-02")
    assert items_part(after.replace("\r\n", "\n")) == expected
    unchanged = before.replace("\n", "\r\n")
    assert update(catalog_dir, unchanged, ["AL-01", "AL-02", "AL-03"], version="1.0.0") == unchanged


def test_comment_above_a_renamed_item_goes_with_its_node(catalog_dir: Path) -> None:
    about = "      # about AL-01 (becomes AL-05)\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], about + entry("AL-01") + ALICE + entry("AL-02"))
    after = update(catalog_dir, before, ["AL-02", item("AL-05", replaces=["AL-01"])])
    carried = entry("AL-05", body=RESPONSE + "        carried_over_from: AL-01\n")
    assert items_part(after) == "    items:\n" + ALICE + entry("AL-02") + about + carried


def test_comment_comes_back_from_retired_with_its_item(catalog_dir: Path) -> None:
    about = "      # about AL-01\n"
    before = alpha_file(
        catalog_dir, ["AL-01", "AL-02"], entry("AL-01") + ALICE + entry("AL-02"), retired_text=about + entry("AL-03") + "      # about AL-04\n" + entry("AL-04")
    )
    after = update(catalog_dir, before, ["AL-01", "AL-02", item("AL-06", replaces=["AL-03"])])
    carried = entry("AL-06", body=RESPONSE + "        carried_over_from: AL-03\n")
    assert items_part(after) == "    items:\n" + entry("AL-01") + ALICE + entry("AL-02") + about + carried + "    retired:\n      # about AL-04\n" + entry(
        "AL-04"
    )


def test_comments_around_a_checklist_stay_in_place(catalog_dir: Path) -> None:
    """Comments above the next checklist, above ``checklists:`` and at the end of the file do not
    follow the items around, and survive the inventory being replaced."""
    path = catalog_dir.parent / "a.yaml"
    catalog = load_catalog([catalog_dir], builtins=())
    text = template_text(catalog).replace("inventory: {}", "inventory:\n  providers: [openai]")
    text = text.replace("checklists:\n", "# above checklists\nchecklists:\n").replace("  beta:\n", "      # end of alpha's items\n  # about beta\n  beta:\n")
    path.write_text(text + "# end of the file\n")
    write_checklist(catalog_dir, "alpha", [item("AL-01", "critical"), item("AL-02", "high", applies_to=["rag"])], version="2.0.0")
    write_checklist(catalog_dir, "beta", [item("BE-01", "medium", "privacy")], version="2.0.0")
    after = remerge(path, load_catalog([catalog_dir], builtins=()), inventory={"providers": ["anthropic"]})
    assert "inventory:\n  providers: [anthropic]\n# above checklists\nchecklists:\n  alpha:\n" in after
    assert "    retired:\n" + entry("AL-03", "low", "engineering") + "      # end of alpha's items\n  # about beta\n  beta:\n" in after
    assert after.endswith("    retired:\n" + entry("BE-02", "high", "security") + "# end of the file\n")
    # a later retirement appends to `retired` above the comments, not below them
    write_checklist(catalog_dir, "alpha", [item("AL-01", "critical")], version="3.0.0")
    after = remerge(path, load_catalog([catalog_dir], builtins=()))
    retired = entry("AL-03", "low", "engineering") + entry("AL-02", "high", "legal")
    assert "    retired:\n" + retired + "      # end of alpha's items\n  # about beta\n  beta:\n" in after
    assert after.endswith("        waiver: null\n# end of the file\n")


def test_comments_at_the_end_of_a_file_that_ends_with_a_flow_list(catalog_dir: Path) -> None:
    """ruamel.yaml keeps these on the document (``ca.end``), not on the last item."""
    last = entry("AL-02", body=RESPONSE + "        reviewers: [Ada, Bob]\n") + "        # still about AL-02\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02"], entry("AL-01") + ALICE + last, tail="# the end\n")
    after = update(catalog_dir, before, ["AL-02", "AL-03"])
    assert items_part(after) == "    items:\n" + ALICE + last + entry("AL-03") + "    retired:\n" + entry("AL-01") + "# the end\n"


# The last field of the item above a comment decides where ruamel.yaml keeps that comment: on a
# scalar, after its end-of-line comment, after a block scalar, on a block sequence's last element,
# inside a nested mapping, or (after a flow collection) on the next key. A person may add fields.
LAST_FIELDS = {
    "null": "",
    "end-of-line comment": "        reviewer: Ada  # asked on 2026-10-01\n",
    "quoted": '        reviewer: "Ada"\n',
    "literal block": "        remarks: |\n          Two lines\n          of text.\n",
    "folded block": "        remarks: >\n          folded\n          text\n",
    "block sequence": "        reviewers:\n          - Ada\n          - Bob\n",
    "sequence of mappings": "        reviews:\n          - by: Ada\n            on: 2026-10-01\n",
    "nested mapping": "        waiver:\n          reason: r  # why\n          approved_by: Ada\n          expires: 2027-01-01\n",
    "flow list": "        reviewers: [Ada, Bob]\n",
    "empty flow mapping": "        review: {}\n",
    "flow with end-of-line comment": "        reviewers: []  # none yet\n",
}


@pytest.mark.parametrize("last", LAST_FIELDS.values(), ids=list(LAST_FIELDS))
def test_comment_placement_whatever_the_previous_item_ends_with(catalog_dir: Path, last: str) -> None:
    body = with_last_field(last)
    one, two = entry("AL-01", body=body), entry("AL-02", body=body)
    block = "      # Alice: about AL-02\n\n      # more about AL-02\n"
    before = alpha_file(catalog_dir, ["AL-01", "AL-02", "AL-03"], one + block + two + ALICE.replace("AL-02", "AL-03") + entry("AL-03"))
    assert update(catalog_dir, before, ["AL-01", "AL-02", "AL-03"], version="1.0.0") == before  # byte for byte
    after = update(catalog_dir, before, ["AL-02", "AL-03"])
    assert items_part(after) == "    items:\n" + block + two + ALICE.replace("AL-02", "AL-03") + entry("AL-03") + "    retired:\n" + one
    after = update(catalog_dir, before, ["AL-01", "AL-03"])
    assert items_part(after) == "    items:\n" + one + ALICE.replace("AL-02", "AL-03") + entry("AL-03") + "    retired:\n" + block + two


COMMENT_WORDS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)


def with_last_field(last: str) -> str:
    """An item body whose last field is ``last`` (a waiver replaces ``waiver: null``)."""
    return RESPONSE.replace("        waiver: null\n", "") + last if "waiver:" in last else RESPONSE + last


@dataclass
class Commented:
    ids: list[str]
    blocks: dict[str, list[str]]  # own-line comment lines ("" = blank line) above each item
    bodies: dict[str, str]  # each item as written, ending with one of LAST_FIELDS
    inside: dict[str, str]  # a comment indented inside the item, under its last field, or ""
    new: list[str]  # the ids of the next checklist version
    crlf: bool


@st.composite
def commented_assessments(draw: st.DrawFn) -> Commented:
    """Items ending in any of LAST_FIELDS, with blocks of own-line comments (and blank lines) above
    some, a comment indented inside some, and a next version that keeps, drops and adds items."""
    n = draw(st.integers(1, 7))
    ids = [f"AL-{i:02d}" for i in range(1, n + 1)]
    crlf = draw(st.booleans())
    blocks: dict[str, list[str]] = {}
    for number, item_id in enumerate(ids):
        lines: list[str] = []
        for k in range(draw(st.integers(0, 3))):
            if draw(st.booleans()) and lines and lines[-1]:
                lines.append("")
            indent = draw(st.sampled_from([6, 6, 8])) if lines else 6
            lines.append(" " * indent + f"# c{number}.{k} {draw(COMMENT_WORDS)}")
        # A blank line leading the block: not in CRLF files, where ruamel.yaml drops a blank line
        # between `items:` and a comment when it reads the file (so once that item is first).
        if lines and not crlf and draw(st.booleans()):
            lines.insert(0, "")
        blocks[item_id] = lines
    bodies = {item_id: entry(item_id, body=with_last_field(draw(st.sampled_from(list(LAST_FIELDS.values()))))) for item_id in ids}
    inside = {item_id: f"        # inside {number}\n" if draw(st.booleans()) else "" for number, item_id in enumerate(ids)}
    new = [i for i in ids if draw(st.booleans())]
    for item_id in [f"AL-{i:02d}" for i in range(n + 1, n + 1 + draw(st.integers(0, 2)))]:
        new.insert(draw(st.integers(0, len(new))), item_id)
    return Commented(ids, blocks, bodies, inside, new or ["AL-99"], crlf)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=commented_assessments())
def test_every_comment_stays_above_the_item_it_was_written_above(case: Commented, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    items_text = "".join("".join(line + "\n" for line in case.blocks[i]) + case.bodies[i] + case.inside[i] for i in case.ids)
    text = alpha_file(folder, case.ids, items_text) + "# the end\n"
    if case.crlf:
        text = text.replace("\n", "\r\n")
    assert update(folder, text, case.ids, version="1.0.0") == text  # nothing to change: byte for byte
    after = update(folder, text, case.new).replace("\r\n", "\n")
    assert after.endswith("# the end\n")
    data = load_text(after, "a.yaml")["checklists"]["alpha"]
    assert list(data["items"]) == case.new
    assert sorted(data.get("retired") or {}) == sorted(set(case.ids) - set(case.new))
    for item_id in case.ids:
        lines = case.blocks[item_id]
        for line in [*lines, case.inside[item_id].rstrip("\n")]:
            if line:
                assert after.count(line + "\n") == 1, (line, after)
        # the whole block, exactly as written, directly above the item (live or retired) ...
        assert "".join(line + "\n" for line in lines) + f"      {item_id}:  #" in after, (item_id, after)
        # ... and the comment inside it still under its last field
        assert case.bodies[item_id].split("\n", 1)[1] + case.inside[item_id] in after, (item_id, after)
