"""Output in a narrow encoding degrades characters, never the command.

Run as people run it (the installed command in a subprocess), under ``PYTHONIOENCODING=ascii``, a C
locale, and encodings without ``—``, ``→`` or box-drawing characters (Latin-1, Windows-1252). Before,
the first ``·`` of the text report ended ``check`` with an internal error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "examples" / "support-bot"

ENVIRONMENTS = {
    "pythonioencoding-ascii": {"PYTHONIOENCODING": "ascii"},
    "lc-all-c": {"LC_ALL": "C", "LANG": "C"},
    # A C locale with Python's UTF-8 mode and locale coercion off: the streams really are ASCII.
    "c-locale-ascii": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "cp1252": {"PYTHONIOENCODING": "cp1252"},
}


def run(installed_cli: str, environment: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE", "PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(environment)
    return subprocess.run([installed_cli, *args], capture_output=True, env=env, cwd=cwd, timeout=120, check=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("enc") / "support-bot"
    shutil.copytree(EXAMPLE, folder)
    return folder


COMMANDS = {
    "check-text": (("check", "--as-of", "2026-11-22", "--fail-on", "high"), 1),
    "check-markdown": (("check", "--as-of", "2026-11-22", "--format", "markdown"), 0),
    "report-html": (("report", "fm-governance.yaml", "--format", "html"), 0),
    "assess": (("assess", ".", "--dry-run"), 0),
    "template": (("template", "--project-name", "Zürich → 東京 — ½"), 0),
    "error": (("check", "missing — file.yaml"), 2),
}


@pytest.mark.parametrize("environment", ENVIRONMENTS.values(), ids=ENVIRONMENTS.keys())
@pytest.mark.parametrize("command", COMMANDS.keys())
def test_narrow_encodings_degrade_characters_not_the_command(installed_cli: str, project: Path, environment: dict[str, str], command: str) -> None:
    if environment.get("PYTHONIOENCODING") in ("latin-1", "cp1252") and command not in ("check-text", "error", "template"):
        return  # the machine formats are the same text as markdown: one narrow 8-bit run suffices
    args, expected = COMMANDS[command]
    done = run(installed_cli, environment, *args, cwd=project)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == expected, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    encoding = environment.get("PYTHONIOENCODING")
    if encoding in ("latin-1", "cp1252"):
        out, err = done.stdout.decode(encoding), done.stderr.decode(encoding)
        if command == "check-text":
            assert "Overall" in out
            # rich's rule is not in either code page: it degrades to ASCII, the table stays a table.
            assert "-" * 40 in out and "─" not in out
        if command == "error":
            assert err.startswith("missing — file.yaml: no such file") if encoding == "cp1252" else err.startswith("missing - file.yaml: no such file - ")
        if command == "template":
            assert "name: Z" in out  # the name degrades only on screen; -o files are always UTF-8
    else:
        # ASCII streams: click writes UTF-8 to them (it takes ASCII for a misconfigured locale).
        text = (done.stdout + done.stderr).decode("utf-8")
        assert text.strip()
