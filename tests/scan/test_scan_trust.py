"""Issue 12, the scanner's part: no hang on any file, no stop on any tree, nothing unreadable written.

Each test reproduces one way a hostile or merely unusual project broke ``assess``, at the level a
user meets it (the command, through CliRunner or the installed script).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from fm_governance.cli import main


def assess(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["assess", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- cause 8: positions are turned into line numbers in linear time --------------------------------


def test_manifests_with_many_blank_lines_or_entries_are_scanned_in_linear_time(tmp_path: Path, installed_cli: str) -> None:
    # Counting newlines from the top of the file for every hit, and a `^\s*` pattern that re-reads
    # every run of blank lines, made these take minutes (100,000 blank lines: 103 s).
    blank = 100_000
    (tmp_path / "package.json").write_text("{" + "\n" * blank + '"dependencies": {"openai": "^4"}}\n')
    entries = "".join(f"  /pkg-{i}@1.0.{i}:\n    resolution: {{integrity: sha512-x}}\n\n" for i in range(40_000))
    (tmp_path / "pnpm-lock.yaml").write_text("lockfileVersion: '6.0'\npackages:\n" + entries + "  /@anthropic-ai/sdk@0.30.0:\n    resolution: {}\n")
    (tmp_path / "go.mod").write_text("module x\n" + "\n" * blank + "require github.com/sashabaranov/go-openai v1.20.0\n")
    # Generous: a linear scan takes about a second; the quadratic one took minutes.
    done = subprocess.run([installed_cli, "assess", str(tmp_path), "--dry-run", "--format", "json"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    found = {(f["file"], f["value"], f["line"]) for f in json.loads(done.stdout)["findings"] if f["kind"] in ("dependency", "lockfile")}
    assert ("package.json", "openai", blank + 1) in found
    assert ("pnpm-lock.yaml", "@anthropic-ai/sdk", 3 + 3 * 40_000) in found
    assert ("go.mod", "github.com/sashabaranov/go-openai", blank + 2) in found


# --- cause 15: a symlink loop or an unreadable folder is skipped with a reason ----------------------


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def _tree_with_symlink_loops(root: Path) -> None:
    (root / "app.py").write_text("import openai\n")
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / "a").symlink_to("b")
    (root / "deep" / "er" / "b").symlink_to("a")
    (root / "deep" / "self").symlink_to("self")


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_symlink_loops_anywhere_in_the_tree_are_skipped_and_assess_goes_on(tmp_path: Path, in_git: bool) -> None:
    if in_git:
        _git_init(tmp_path)
    _tree_with_symlink_loops(tmp_path)
    code, out, err = assess(str(tmp_path), "--dry-run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["stats"]["listing"] == ("git" if in_git else "walk")
    assert [p["id"] for p in report["providers"]] == ["openai"]
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons["deep/er/a"] == reasons["deep/er/b"] == reasons["deep/self"] == "symlink loop or broken symlink"
    code, _out, err = assess(str(tmp_path))  # and the file is written
    assert code == 0, err
    assert "openai" in (tmp_path / "fm-governance.yaml").read_text()


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Make one folder behave as if owned by another user with mode 000.

    The tests run as root, who may read any folder, so listing and entering it is made to fail the
    way it does for everyone else: os.scandir, os.stat and os.lstat raise PermissionError for it and
    for anything under it.
    """
    blocked: list[str] = []

    def guard(real):  # type: ignore[no-untyped-def]
        def wrapper(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
            for folder in blocked:
                if text.startswith(folder + os.sep) or (real is os.scandir and text == folder):
                    raise PermissionError(errno.EACCES, "Permission denied", text)
            return real(path, *args, **kwargs)

        return wrapper

    for name in ("scandir", "stat", "lstat"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))
    return blocked


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_an_unreadable_folder_is_skipped_and_assess_goes_on(tmp_path: Path, in_git: bool, unreadable: list[str]) -> None:
    if in_git:
        _git_init(tmp_path)
    (tmp_path / "app.py").write_text("import openai\n")
    (tmp_path / "pgdata" / "base").mkdir(parents=True)
    (tmp_path / "pgdata" / "base" / "notes.py").write_text("import anthropic\n")
    unreadable.append(str(tmp_path / "pgdata"))
    code, out, err = assess(str(tmp_path), "--dry-run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [p["id"] for p in report["providers"]] == ["openai"]
    assert {s["path"]: s["reason"] for s in report["skipped"]}["pgdata/"] == "unreadable folder (Permission denied)"
    code, _out, err = assess(str(tmp_path))
    assert code == 0, err
