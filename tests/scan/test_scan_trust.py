"""Issue 12, the scanner's part: no hang on any file, no stop on any tree, nothing unreadable written.

Each test reproduces one way a hostile or merely unusual project broke ``assess``, at the level a
user meets it (the command, through CliRunner or the installed script).
"""

from __future__ import annotations

import errno
import json
import os
import random
import string
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


# --- cause 9: no run of four characters of a planted key reaches any output -------------------------

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


def _keys(seed: int) -> dict[str, tuple[str, str]]:
    """One real-looking credential of every kind the scanner knows: kind -> (public prefix, secret).

    Generated at test time (random, the right shape), so this repository holds nothing a secret
    scanner would flag.
    """
    rng = random.Random(seed)

    def r(n: int, alphabet: str = ALNUM) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    return {
        "openai-api-key": ("sk-proj-", r(48)),
        "anthropic-api-key": ("sk-ant-api03-", r(93, ALNUM + "_-")),
        "openrouter-api-key": ("sk-or-v1-", r(64, HEX)),
        "huggingface-token": ("hf_", r(34)),
        "google-api-key": ("AIza", r(35, ALNUM + "_-")),
        "aws-access-key-id": ("AKIA", r(16, UPPER_DIGITS)),
        "aws-secret-access-key": ("", r(40, ALNUM + "/+")),
        "aws-secret-beside-its-id": ("", r(40, ALNUM + "/+")),
        "groq-api-key": ("gsk_", r(52)),
        "xai-api-key": ("xai-", r(80)),
        "replicate-api-token": ("r8_", r(37)),
        "perplexity-api-key": ("pplx-", r(48)),
        "github-token": ("ghp_", r(36)),
        "github-fine-grained-token": ("github_pat_", r(22) + "_" + r(59)),
        # the header ({"alg":"HS256","typ":"JWT"}) is the same in every such token: the public part
        "json-web-token": ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", "eyJ" + r(60, ALNUM + "_-") + "." + r(43, ALNUM + "_-")),
        "credential": ("", r(40)),
        "mistral-credential": ("", r(32)),
    }


def _plant(root: Path, keys: dict[str, tuple[str, str]]) -> None:
    """Put every key in every kind of place: code, config, .env, notebooks, model ids, URLs, names."""
    k = {kind: prefix + secret for kind, (prefix, secret) in keys.items()}
    (root / "src").mkdir(parents=True)
    (root / "config").mkdir()
    (root / "src" / "app.py").write_text(
        "import openai\nimport litellm\n"
        f'client = openai.OpenAI(api_key="{k["openai-api-key"]}")\n'
        f'MODEL = "openai/{k["openai-api-key"]}"\n'
        f'TUNED = "ft:gpt-4o-mini:{k["openai-api-key"]}:support:abc123"\n'
        f'ROUTES = ["anthropic/{k["anthropic-api-key"]}", "groq/{k["groq-api-key"]}", "xai/{k["xai-api-key"]}",'
        f' "openrouter/{k["openrouter-api-key"]}", "replicate/{k["replicate-api-token"]}", "perplexity/{k["perplexity-api-key"]}"]\n'
        f'GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?key={k["google-api-key"]}"\n'
        f'REPO = "https://x-access-token:{k["github-token"]}@github.com/org/models.git"\n'
        f'HEADERS = {{"Authorization": "Bearer {k["json-web-token"]}"}}\n'
    )
    (root / "config" / "settings.yaml").write_text(
        f"anthropic_api_key: {k['anthropic-api-key']}\n"
        f"model: openai/{k['openai-api-key']}\n"
        f"github_token: {k['github-fine-grained-token']}\n"
        f"base_url: https://api.groq.com/openai/v1?api_key={k['groq-api-key']}\n"
    )
    (root / ".env").write_text(
        f"GROQ_API_KEY={k['groq-api-key']}\nMISTRAL_API_KEY={k['mistral-credential']}\nSERVICE_TOKEN={k['credential']}\nSESSION={k['json-web-token']}\n"
        f"HF_TOKEN={k['huggingface-token']}\nREPLICATE_API_TOKEN={k['replicate-api-token']}\n"
    )
    (root / "config" / "aws.ini").write_text(
        f"[default]\naws_access_key_id = {k['aws-access-key-id']}\naws_secret_access_key = {k['aws-secret-access-key']}\nregion = us-east-1\n"
    )
    (root / "handover.txt").write_text(f"the bedrock account:\n{k['aws-access-key-id']}\n{k['aws-secret-beside-its-id']}\n")
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": [f"Use `{k['xai-api-key']}` for grok.\n"]},
            {
                "cell_type": "code",
                "source": [
                    "from huggingface_hub import HfApi\n",
                    f'api = HfApi(token="{k["huggingface-token"]}")\n',
                    f'm = "huggingface/{k["huggingface-token"]}"\n',
                ],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"token: {k['huggingface-token']}\n", f"pplx: {k['perplexity-api-key']}\n"]}],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "explore.ipynb").write_text(json.dumps(notebook))
    # Keys in file and folder names: the names are evidence locations in every output.
    (root / "src" / f"notes_{k['github-token']}.py").write_text("import anthropic\n")
    (root / f"{k['github-fine-grained-token']}.py").write_text("import cohere\n")
    (root / "src" / f"copy{k['replicate-api-token']}.py").write_text("import groq\n")  # glued to a word
    folder = root / f"backup-{k['openai-api-key']}"
    folder.mkdir()
    (folder / "client.py").write_text("import mistralai\n")


def _every_output(project: Path, out_dir: Path) -> str:
    """Run assess and check/report in every format, to stdout and to files; all text they produce."""
    texts: list[str] = []
    runner = CliRunner()
    target = project / "fm-governance.yaml"

    def cli(*args: str) -> None:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code in (0, 1), (args, result.stderr)
        texts.extend([result.stdout, result.stderr])

    cli("assess", str(project))
    cli("assess", str(project), "--dry-run")
    cli("assess", str(project), "--dry-run", "--format", "json")
    cli("assess", str(project), "--format", "json")
    texts.append(target.read_text())
    for fmt in ("text", "json", "markdown", "sarif", "junit"):
        cli("check", str(target), "--format", fmt)
        cli("check", str(target), "--format", fmt, "-o", str(out_dir / f"check.{fmt}"))
    for fmt in ("markdown", "html"):
        cli("report", str(target), "--format", fmt)
        cli("report", str(target), "--format", fmt, "-o", str(out_dir / f"report.{fmt}"))
    texts.extend(path.read_text() for path in sorted(out_dir.iterdir()))
    return "\n".join(texts)


def _grams(text: str, n: int = 4) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def test_no_run_of_four_characters_of_a_planted_key_reaches_any_output(tmp_path: Path) -> None:
    # What the outputs say anyway (checklist text, dates, paths, redaction markers): a key drawn with
    # one of these four-character runs by chance could not be told from a leak, so keys are drawn
    # until none has one.
    clean = tmp_path / "clean" / "project"
    _plant(clean, {kind: (prefix, "PLANTED") for kind, (prefix, _secret) in _keys(0).items()})
    (tmp_path / "clean" / "out").mkdir()
    background = _grams(_every_output(clean, tmp_path / "clean" / "out") + str(tmp_path) + " ".join(f"(redacted {kind})" for kind in _keys(0)))
    keys = next(keys for keys in map(_keys, range(100)) if not any(_grams(secret) & background for _prefix, secret in keys.values()))
    project = tmp_path / "leaky" / "project"
    _plant(project, keys)
    (tmp_path / "leaky" / "out").mkdir()
    everything = _every_output(project, tmp_path / "leaky" / "out")

    leaks = {kind: sorted(_grams(secret) & _grams(everything))[:3] for kind, (_prefix, secret) in keys.items()}
    assert {kind: runs for kind, runs in leaks.items() if runs} == {}
    # and the keys were seen: every kind is reported, by kind
    inventory = (project / "fm-governance.yaml").read_text()
    assert "committed-credentials" in inventory
    result = CliRunner().invoke(main, ["assess", str(project), "--dry-run", "--format", "json"], catch_exceptions=False)
    kinds = {f["value"] for f in json.loads(result.stdout)["findings"] if f["kind"] == "secret"}
    assert kinds >= {kind for kind in keys if kind not in ("aws-secret-beside-its-id", "github-fine-grained-token")} | {"github-token"}


# --- cause 20: names that are not UTF-8, and control characters, are written in a readable form -----


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_a_file_name_that_is_not_utf8_is_written_escaped_and_check_reads_the_file_back(tmp_path: Path, in_git: bool) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    if in_git:
        _git_init(project)
    with open(os.path.join(os.fsencode(project), b"mod\xff.py"), "wb") as fh:
        fh.write(b"import openai\n")
    code, _out, err = assess(str(project))
    assert code == 0, err
    text = (project / "fm-governance.yaml").read_text(encoding="utf-8")
    assert "mod\\xff.py:1" in text and "\\udcff" not in text.lower()
    result = CliRunner().invoke(main, ["check", str(project / "fm-governance.yaml")], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    code, out, err = assess(str(project))  # and the next run reads and keeps it
    assert code == 0 and "up to date" in out, err


def test_control_characters_and_escape_sequences_from_the_project_are_escaped(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "red\x1b[31m.py").write_text("import openai\n")
    (project / "bidi\u202egnp.py").write_text("import anthropic\n")
    (project / "app.py").write_text('import litellm\nMODEL = "groq/llama-3.1-8b\x1b]8;;https://x\x07"\nOTHER = "openai/gpt-4o\u200b"\n')
    code, out, err = assess(str(project), "--dry-run", "--format", "json")
    assert code == 0, err
    assert not any(ch in out for ch in "\x1b\x07\u202e\u200b")  # json.dumps would escape them anyway: check the data
    report = json.loads(out)
    kept = json.dumps(report, ensure_ascii=False)
    assert not any(ch in kept for ch in "\x1b\x07\u202e\u200b")
    files = {f["file"] for f in report["findings"]}
    assert {"red\\x1b[31m.py", "bidi\\u202egnp.py"} <= files
    code, _out, err = assess(str(project))
    assert code == 0, err
    written = (project / "fm-governance.yaml").read_text()
    assert "\x1b" not in written and "\u202e" not in written and "red\\x1b[31m.py:1" in written


def test_every_string_of_a_finding_is_cleaned_at_the_boundary() -> None:
    # Detectors mostly refuse such text already (a model id must look like one); the boundary does
    # not rely on it: whatever string a detector added later keeps is cleaned too.
    from fm_governance.scan.catalog import rules
    from fm_governance.scan.redact import clean_findings, clean_skipped

    key = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
    finding = {"file": "a\udcffb\x1b[2J.py", "line": 1, "value": f"x\x9b31m{key}\u2066", "extra": [f"k={key}", {"deep": "\ufffe"}], "cell": None}
    (cleaned,) = clean_findings([finding], rules().credentials)
    assert cleaned == {
        "file": "a\\xffb\\x1b[2J.py",
        "line": 1,
        "value": "x\\x9b31m(redacted github-token)\\u2066",
        "extra": ["k=(redacted github-token)", {"deep": "\\ufffe"}],
        "cell": None,
    }
    assert clean_skipped([("d\x07/", "unreadable folder (Permission denied)")], rules().credentials) == [("d\\x07/", "unreadable folder (Permission denied)")]


def test_excluded_files_are_left_out_by_path_or_target_even_beside_a_symlink_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fm_governance.scan import scan_project

    _tree_with_symlink_loops(tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "assessment.yaml").write_text("inventory:\n  providers: [anthropic]\nimport anthropic\n")
    (tmp_path / "current.yaml").symlink_to("reports/assessment.yaml")
    monkeypatch.chdir(tmp_path)
    for given in (Path("reports/assessment.yaml"), Path("current.yaml"), tmp_path / "current.yaml"):
        result = scan_project(tmp_path, progress=False, exclude=[given])
        assert [p["id"] for p in result.providers] == ["openai"], given
        paths = {s["path"] for s in result.skipped}
        assert "reports/assessment.yaml" not in paths and "deep/er/a" in paths
