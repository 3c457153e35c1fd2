"""Issue 12, the scanner's part: no hang on any file, no stop on any tree, nothing unreadable written.

Each test reproduces one way a hostile or merely unusual project broke ``assess``, at the level a
user meets it (the command, through CliRunner or the installed script).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

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
