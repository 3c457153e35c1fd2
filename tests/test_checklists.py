"""The built-in checklists load and hold together; bad checklist files give located errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import item, write_checklist
from fm_governance.core.checklists import BUILTIN_IDS, builtin_dir, known_signals, load_catalog, load_checklist
from fm_governance.core.errors import InputError, InputErrors
from fm_governance.core.models import MODES, OWNERS

PREFIX = {"data-exposure": "DE", "vendor-lock-in": "VL", "intellectual-property": "IP", "operational-continuity": "OC"}


def test_builtins_load_and_are_consistent() -> None:
    catalog = load_catalog()
    assert [c.id for c in catalog] == list(BUILTIN_IDS)
    seen: set[str] = set()
    for checklist in catalog:
        assert len(checklist.items) >= 5
        for it in checklist.items:
            assert it.id.startswith(PREFIX[checklist.id] + "-")
            assert it.id not in seen
            seen.add(it.id)
            assert it.question.endswith("?")
            assert it.owner in OWNERS
            assert set(it.applies_to) <= set(MODES)
            assert set(it.signals) <= known_signals()
            assert it.references, f"{it.id} cites nothing"


def test_every_builtin_file_is_in_the_package_folder() -> None:
    assert sorted(p.stem for p in builtin_dir().glob("*.yaml")) == sorted(BUILTIN_IDS)


def one_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_checklist(path)
    errors = info.value.errors if isinstance(info.value, InputErrors) else [info.value]
    return "\n".join(e.one_line() for e in errors)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01")])
    path.rename(tmp_path / "beta.yaml")
    assert "does not match the file name 'beta.yaml'" in one_error(tmp_path / "beta.yaml")


def test_duplicate_item_ids_and_unknown_signals(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01"), item("AL-01", signals=["telepathy"])])
    errors = one_error(path)
    assert f"{path}:" in errors
    assert "duplicate item id 'AL-01'" in errors
    assert "unknown signal 'telepathy'" in errors


def test_schema_errors_are_located(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01", severity="urgent"), item("AL-02", question="Tell me about it.")])
    errors = one_error(path).splitlines()
    assert any('severity: "urgent" is not allowed' in e and "use one of: critical, high, medium, low" in e for e in errors)
    assert any("question" in e and "is not well-formed" in e for e in errors)
    assert all(e.startswith(f"{path}:") and e.split(":")[1].isdigit() for e in errors)


def test_replaces_must_not_name_a_live_item(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01"), item("AL-02", replaces=["AL-01"])])
    assert "AL-02 replaces AL-01, which is still in the checklist" in one_error(path)


def test_item_ids_are_unique_across_checklists(tmp_path: Path) -> None:
    write_checklist(tmp_path, "alpha", [item("AL-01")])
    write_checklist(tmp_path, "beta", [item("AL-01")])
    with pytest.raises(InputErrors, match="also used by checklist 'alpha'"):
        load_catalog([tmp_path], builtins=())


def test_a_custom_checklist_cannot_shadow_a_builtin(tmp_path: Path) -> None:
    write_checklist(tmp_path, "data-exposure", [item("XX-01")])
    with pytest.raises(InputErrors, match="already loaded"):
        load_catalog([tmp_path])


def test_unknown_reference_framework_is_refused(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01", references=[{"framework": "astrology", "id": "1"}])])
    assert 'references[0].framework: "astrology" is not allowed' in one_error(path)


def test_consulted_roles_are_loaded_in_order(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01", consulted=["privacy", "engineering"]), item("AL-02")])
    checklist = load_checklist(path)
    assert checklist.items[0].consulted == ("privacy", "engineering")
    assert checklist.items[1].consulted == ()


def test_a_consulted_role_must_be_one_of_the_six(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01", consulted=["privacy", "marketing"])])
    error = one_error(path)
    assert error.startswith(f"{path}:") and error.split(":")[1].isdigit()
    assert 'consulted[1]: "marketing" is not allowed' in error
    assert "use one of: legal, procurement, risk, security, privacy, engineering" in error


def test_the_owner_is_not_among_the_roles_consulted(tmp_path: Path) -> None:
    path = write_checklist(tmp_path, "alpha", [item("AL-01", owner="legal", consulted=["privacy", "legal"])])
    lines = one_error(path).splitlines()
    assert len(lines) == 1
    assert "AL-01 lists its owner 'legal' among the roles consulted — remove it from `consulted`" in lines[0]
    # Located at the offending entry: the second line of the consulted list.
    text = path.read_text(encoding="utf-8").splitlines()
    line = int(lines[0].split(":")[1])
    assert text[line - 1].strip() == "- legal"


def test_builtin_consulted_roles_are_roles_and_never_the_owner() -> None:
    consulted = [it for c in load_catalog() for it in c.items if it.consulted]
    assert consulted, "no built-in item names the roles it consults"
    for it in consulted:
        assert set(it.consulted) <= set(OWNERS) and it.owner not in it.consulted, it.id


def test_a_bad_consulted_role_is_one_located_line_and_exit_2_from_the_command(installed_cli: str, tmp_path: Path) -> None:
    path = write_checklist(tmp_path / "mine", "alpha", [item("AL-01", consulted=["marketing"])])
    done = subprocess.run([installed_cli, "checklists", "--checklists-dir", str(path.parent)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"{path}:") and 'consulted[0]: "marketing" is not allowed' in lines[0]


def test_a_folder_named_twice_is_loaded_once(tmp_path: Path, installed_cli: str) -> None:
    """The same folder given twice (or by a second spelling, or through a link) names the same
    files: they load once, and no checklist clashes with itself."""
    folder = tmp_path / "mycl"
    write_checklist(folder, "my-extra", [item("MX-01", "low", "legal")])
    (tmp_path / "link").symlink_to(folder, target_is_directory=True)
    catalog = load_catalog([folder, tmp_path / "." / "mycl", tmp_path / "link"], builtins=())
    assert [c.id for c in catalog] == ["my-extra"]
    done = subprocess.run(
        [installed_cli, "checklists", "--checklists-dir", str(folder), "--checklists-dir", str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "my-extra" in done.stdout, done.stderr
