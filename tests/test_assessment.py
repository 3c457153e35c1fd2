"""Template and merge: what a person wrote survives every re-run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml as pyyaml

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
