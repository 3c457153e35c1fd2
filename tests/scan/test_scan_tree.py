"""Bad trees: ignored files, vendored folders, binaries, big files, symlinks, loops, bad bytes.

The scanner must survive all of them, never follow a link out of the tree, and say what it skipped.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess

import pytest

from fm_governance.core.errors import InputError
from fm_governance.scan import detect as detect_module
from fm_governance.scan import scan_project
from fm_governance.scan.engine import Progress
from fm_governance.scan.files import IgnoreRules

USES_OPENAI = "import openai\n"


def providers(result):
    return [p["id"] for p in result.providers]


def skipped(result):
    return {s["path"]: s["reason"] for s in result.skipped}


def test_gitignore_is_respected_without_git(tmp_path):
    (tmp_path / ".gitignore").write_text("build/\n*.log\n/secret_notes.py\n!keep.log\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.py").write_text(USES_OPENAI)
    (tmp_path / "x.log").write_text("ANTHROPIC_API_KEY\n")
    (tmp_path / "keep.log").write_text("uses the COHERE_API_KEY variable\n")
    (tmp_path / "secret_notes.py").write_text("import mistralai\n")
    (tmp_path / "app.py").write_text("import groq\n")
    result = scan_project(tmp_path, progress=False)
    assert providers(result) == ["cohere", "groq"]
    assert result.stats["listing"] == "walk"


def test_git_ls_files_is_used_in_a_repository(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "a.py").write_text(USES_OPENAI)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("import anthropic\n")
    result = scan_project(tmp_path, progress=False)
    assert result.stats["listing"] == "git"
    assert providers(result) == ["anthropic"]
    # scanning a sub-folder of a repository reports paths relative to that folder
    sub = scan_project(tmp_path / "sub", progress=False)
    assert [f["file"] for f in sub.findings] == ["b.py"]


def test_vendored_and_environment_folders_are_skipped(tmp_path):
    for folder in ("node_modules/openai", "vendor/lib", ".venv/lib", "myenv"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.py").write_text(USES_OPENAI)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "main.py").write_text("import cohere\n")
    result = scan_project(tmp_path, progress=False)
    assert providers(result) == ["cohere"]
    reasons = skipped(result)
    assert reasons["node_modules/"].startswith("installed dependencies")
    assert reasons["vendor/"] == "vendored third-party code"
    assert reasons[".venv/"] == "virtual environment"
    assert reasons["myenv/"] == "virtual environment"


def test_binary_big_and_undecodable_files(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nopenai")
    (tmp_path / "blob.dat").write_bytes(b"openai\0\0\0binary")
    (tmp_path / "huge.py").write_text(USES_OPENAI + "#" * (detect_module.MAX_TEXT_BYTES + 10))
    (tmp_path / "latin1.py").write_bytes("# caf\xe9\nimport anthropic\n".encode("latin-1"))
    (tmp_path / "model.gguf").write_bytes(b"GGUF" + b"\0" * 64)
    result = scan_project(tmp_path, progress=False)
    reasons = skipped(result)
    assert reasons["logo.png"] == "binary file"
    assert reasons["blob.dat"] == "binary file"
    assert reasons["huge.py"].startswith("larger than")
    assert providers(result) == ["anthropic", "llama-cpp"]
    weights = [f for f in result.findings if f["kind"] == "weights-file"]
    assert [(w["file"], w["provider"], w["context"]) for w in weights] == [("model.gguf", "llama-cpp", "artifact")]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinks_outside_loops_and_broken(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(USES_OPENAI)
    project = tmp_path / "project"
    project.mkdir()
    (project / "real.py").write_text("import groq\n")
    (project / "out.py").symlink_to(outside / "secret.py")
    (project / "outdir").symlink_to(outside, target_is_directory=True)
    (project / "loop_a").symlink_to(project / "loop_b")
    (project / "loop_b").symlink_to(project / "loop_a")
    (project / "broken.py").symlink_to(project / "missing.py")
    (project / "same.py").symlink_to(project / "real.py")
    (project / "self").symlink_to(project, target_is_directory=True)
    result = scan_project(project, progress=False)
    assert providers(result) == ["groq"]
    assert [f["file"] for f in result.findings] == ["real.py"]
    reasons = skipped(result)
    assert reasons["out.py"] == "symlink pointing outside the tree (not followed)"
    assert reasons["outdir/"] == "symlinked folder (not followed)"
    assert reasons["loop_a"] == "symlink loop or broken symlink"
    assert reasons["broken.py"] == "symlink loop or broken symlink"
    assert reasons["same.py"].startswith("symlink (its target")


def test_unreadable_file_is_skipped_not_fatal(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("import anthropic\n")
    (tmp_path / "locked.py").write_text(USES_OPENAI)
    real_open = open

    def fake_open(path, *args, **kwargs):
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(detect_module, "open", fake_open, raising=False)
    result = scan_project(tmp_path, progress=False, workers=1)
    assert providers(result) == ["anthropic"]
    assert skipped(result)["locked.py"] == "unreadable (Permission denied)"


def test_root_must_be_a_folder(tmp_path):
    with pytest.raises(InputError, match="is not a folder"):
        scan_project(tmp_path / "nope", progress=False)


def test_parallel_and_serial_scans_agree(tmp_path):
    for i in range(500):
        folder = tmp_path / f"pkg{i % 7}"
        folder.mkdir(exist_ok=True)
        body = "x = 1\n" * 20
        if i % 50 == 0:
            body += 'from openai import OpenAI\nMODEL = "gpt-4o"\n'
        if i % 77 == 0:
            body += "import ollama\n"
        (folder / f"m{i}.py").write_text(body)
    serial = scan_project(tmp_path, progress=False, workers=1)
    parallel = scan_project(tmp_path, progress=False, workers=2)
    assert parallel.stats["workers"] == 2
    assert serial.findings == parallel.findings
    assert serial.to_inventory() == parallel.to_inventory()
    assert json.loads(json.dumps(parallel.to_json_dict()))["providers"] == parallel.providers


def test_inventory_is_stable_and_plain(tmp_path):
    (tmp_path / "b.py").write_text('import anthropic\nM = "claude-3-5-sonnet-20241022"\n')
    (tmp_path / "a.py").write_text("import anthropic\nimport litellm\n")
    first = scan_project(tmp_path, progress=False).to_inventory()
    second = scan_project(tmp_path, progress=False).to_inventory()
    assert first == second
    assert json.dumps(first) == json.dumps(second)
    assert first["providers"][0]["evidence"] == ["a.py:1", "b.py:1", "b.py:2"]
    assert set(first) == {"scanner", "providers", "models", "signals", "findings", "skipped"}


def test_progress_bar_draws_only_when_enabled():
    out = io.StringIO()
    bar = Progress(10, True, out)
    bar.advance(4)
    bar.advance(6)
    bar.close()
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # rich's colours and cursor moves
    assert "10/10 files" in drawn
    assert out.getvalue().endswith("\x1b[2K")  # transient: the bar erases itself when the scan ends
    quiet = io.StringIO()
    bar = Progress(10, False, quiet)
    bar.advance(10)
    bar.close()
    assert quiet.getvalue() == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capfd):
    for i in range(250):
        (tmp_path / f"m{i}.py").write_text("x = 1\n")
    scan_project(tmp_path, workers=1)  # progress=None: a bar only on a terminal, and pytest's stderr is not one
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.log", "a/b/c.log", False, True),
        ("/top.txt", "top.txt", False, True),
        ("/top.txt", "sub/top.txt", False, False),
        ("docs/*.md", "docs/a.md", False, True),
        ("docs/*.md", "docs/x/a.md", False, False),
        ("**/gen", "a/b/gen", True, True),
        ("out/", "out", False, False),
        ("out/", "out", True, True),
        ("a/**/z", "a/b/c/z", False, True),
        ("[ab].txt", "b.txt", False, True),
        # anchoring: a slash in the middle anchors too; a pattern without one matches at any depth
        ("doc/frotz", "doc/frotz", True, True),
        ("doc/frotz", "a/doc/frotz", True, False),
        ("frotz", "a/doc/frotz", True, True),
        # directory-only patterns: a folder and everything under it, never a file of that name
        ("build/", "src/build", True, True),
        ("build/", "src/build", False, False),
        ("logs/**", "logs/a/b.txt", False, True),
        # escapes and trailing spaces, as git reads them
        ("\\#notes.py", "#notes.py", False, True),
        ("\\!important.py", "!important.py", False, True),
        ("tmp.py   ", "tmp.py", False, True),
        ("**/foo/bar", "x/y/foo/bar", False, True),
        ("a?c.py", "a/c.py", False, False),
    ],
)
def test_gitignore_matching(tmp_path, pattern, path, is_dir, ignored):
    (tmp_path / ".gitignore").write_text(pattern + "\n")
    rules = IgnoreRules()
    rules.add_file("", tmp_path / ".gitignore")
    assert rules.ignored(path, is_dir) is ignored


def test_gitignore_negation_and_nesting(tmp_path):
    (tmp_path / ".gitignore").write_text("*.txt\n!keep.txt\n")
    rules = IgnoreRules()
    rules.add_file("", tmp_path / ".gitignore")
    (tmp_path / "sub.gitignore").write_text("local.py\n")
    rules.add_file("sub", tmp_path / "sub.gitignore")
    assert rules.ignored("a.txt", False)
    assert not rules.ignored("keep.txt", False)
    assert rules.ignored("sub/local.py", False)
    assert not rules.ignored("local.py", False)


def test_negation_last_match_wins(tmp_path):
    rules = IgnoreRules()
    rules.add_lines("", ["*.py", "!keep*.py", "keep_not.py"])
    assert rules.ignored("a.py", False)
    assert not rules.ignored("keep_me.py", False)
    assert rules.ignored("keep_not.py", False)


def test_nested_ignore_files_override_their_parents_in_a_walked_tree(tmp_path):
    # The root ignores generated files; a sub-folder re-includes one of its own and ignores another
    # name, anchored to itself. Deeper .gitignore files win, as in git.
    (tmp_path / ".gitignore").write_text("*.gen.py\n")
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / ".gitignore").write_text("!client.gen.py\n/local.py\n")
    (sub / "client.gen.py").write_text("import anthropic\n")
    (sub / "other.gen.py").write_text("import openai\n")
    (sub / "local.py").write_text("import cohere\n")
    (sub / "deeper").mkdir()
    (sub / "deeper" / "local.py").write_text("import groq\n")
    (tmp_path / "top.gen.py").write_text("import mistralai\n")
    result = scan_project(tmp_path, progress=False)
    assert result.stats["listing"] == "walk"
    assert providers(result) == ["anthropic", "groq"]


def test_an_ignored_folder_is_not_entered_even_when_a_file_in_it_is_negated(tmp_path):
    # git: "It is not possible to re-include a file if a parent directory of that file is excluded."
    (tmp_path / ".gitignore").write_text("out/\n!out/keep.py\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.py").write_text("import openai\n")
    assert providers(scan_project(tmp_path, progress=False)) == []


def test_a_failing_process_pool_falls_back_to_scanning_in_process(tmp_path, monkeypatch):
    from fm_governance.scan import engine

    for i in range(engine.PARALLEL_MIN_FILES + 10):
        (tmp_path / f"m{i}.py").write_text("import anthropic\n" if i == 7 else "x = 1\n")

    class BrokenPool:
        def __init__(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(engine, "ProcessPoolExecutor", BrokenPool)
    result = scan_project(tmp_path, progress=False, workers=2)
    assert result.stats["workers"] == 1
    assert providers(result) == ["anthropic"]
