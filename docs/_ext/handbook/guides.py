"""The guides' command output, produced by running the CLI at build time."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .generated import DOCS, GENERATED, inputs_key, write_if_changed

# The guides show real command output. It is produced here, at build time, by running the CLI on
# temporary copies of examples/support-bot (never on the committed example), rather than kept as
# committed files that a test compares: a committed copy is only as true as the last test run,
# while a build cannot show anything but what the installed fm-governance prints. The files go
# under reference/GENERATED/ because git already ignores that folder. tests/test_docs_guides.py
# calls `guide_outputs()` as well and checks it against the CLI and against the guides' includes.
_guide_dir = GENERATED / "guides"
_example = DOCS.parent / "examples" / "support-bot"
GUIDE_AS_OF = "2026-11-22"  # every `check` shown passes --as-of: its output must not depend on the day of the build
# The change the assess guide makes before `assess --dry-run`: a second developer's model as a fallback.
GUIDE_FALLBACK_CODE = '''

def answer_with_fallback(question: str) -> str:
    """Answer with a second developer's model when the primary provider fails."""
    import anthropic

    try:
        return answer(question)
    except Exception:
        reply = anthropic.Anthropic().messages.create(
            model="claude-3-5-sonnet-20241022",
            max_tokens=1024,
            messages=[{"role": "user", "content": question}],
        )
        return reply.content[0].text
'''
GUIDE_FALLBACK_REQUIREMENT = "anthropic==0.42.0\n"


def _run_cli(cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `fm-governance ARGS` in `cwd` with the terminal a user's pipe gives it: 80 columns, no colour.

    In this process, through click's test runner, rather than in a fresh interpreter per command:
    the dozen runs each paid Python's start-up and fm-governance's imports (and, in a development
    install, over a second importing jsonschema), which made them most of the cost of rebuilding
    the handbook after a checklist edit. tests/test_docs_guides.py checks the output against the
    installed command run as a subprocess.
    """
    from click.testing import CliRunner

    from fm_governance.cli import main

    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("FMG_", "FORCE_COLOR", "CLICOLOR", "TTY_"))}
    env.update(COLUMNS="80", NO_COLOR="1", TERM="dumb")
    before = Path.cwd()
    os.chdir(cwd)  # the guides' commands name "." and read ./fm-governance.yaml
    try:
        result = CliRunner().invoke(main, list(args), prog_name="fm-governance", env=env, catch_exceptions=False)
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout, result.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:  # the example changed: fail the build loudly rather than show a stale story
        raise RuntimeError(f"{path.name}: cannot find {old!r} to edit for the guides")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def guide_outputs() -> dict[str, str]:
    """Run the commands the guides show on temporary copies of examples/support-bot.

    Returns {file name: text}. Transcripts (`*.txt`) are what a terminal shows: `$ command`, then its
    output, with trailing spaces removed and the temporary folder named `examples/support-bot`.
    """
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="fmg-guides-") as tmp:
        root = Path(tmp)

        def shell(cwd: Path, shown: str, *args: str, keep: Callable[[list[str]], list[str]] | None = None) -> tuple[int, str]:
            code, stdout, stderr = _run_cli(cwd, *args)
            lines = (stdout + stderr).splitlines()
            lines = keep(lines) if keep else lines
            text = "\n".join([f"$ {shown}", *(line.rstrip() for line in lines)]) + "\n"
            for folder in sorted({cwd, root}, key=lambda p: -len(str(p))):
                text = text.replace(str(folder), "examples/support-bot" if folder == cwd else "examples")
            return code, text

        # 1. A project without an assessment: the first run creates it.
        new = root / "new" / "support-bot"
        shutil.copytree(_example, new, ignore=shutil.ignore_patterns("fm-governance.yaml"))
        _, out["assess-new.txt"] = shell(new, "fm-governance assess . --mode hosted-api --mode rag", "assess", ".", "--mode", "hosted-api", "--mode", "rag")
        out["new-fm-governance.yaml"] = (new / "fm-governance.yaml").read_text(encoding="utf-8")

        # 2. The answered example: re-running changes nothing; a code change shows up in the inventory.
        answered = root / "support-bot"
        shutil.copytree(_example, answered)
        _, out["assess-rerun.txt"] = shell(answered, "fm-governance assess .", "assess", ".")
        before = {name: (answered / name).read_text(encoding="utf-8") for name in ("app.py", "requirements.txt")}
        (answered / "app.py").write_text(before["app.py"] + GUIDE_FALLBACK_CODE, encoding="utf-8")
        (answered / "requirements.txt").write_text(before["requirements.txt"] + GUIDE_FALLBACK_REQUIREMENT, encoding="utf-8")
        diff: list[str] = []
        for name, old in before.items():
            new_text = (answered / name).read_text(encoding="utf-8")
            diff += difflib.unified_diff(old.splitlines(), new_text.splitlines(), f"a/{name}", f"b/{name}", lineterm="")
        out["fallback.diff"] = "\n".join(diff) + "\n"
        _, out["assess-dry-run.txt"] = shell(answered, "fm-governance assess . --dry-run", "assess", ".", "--dry-run")

        # 3. Scores, on a fresh copy of the answered example.
        scored = root / "scored" / "support-bot"
        shutil.copytree(_example, scored)
        as_of = ("--as-of", GUIDE_AS_OF)
        _, out["check.txt"] = shell(scored, f"fm-governance check --as-of {GUIDE_AS_OF} | head -n 14", "check", *as_of, keep=lambda lines: lines[:14])

        def overall_and_warnings(lines: list[str]) -> list[str]:
            return [line for line in lines if line.lstrip().startswith("Overall") or "warning" in line]

        _, out["check-expired.txt"] = shell(
            scored, 'fm-governance check --as-of 2027-04-01 | grep -E "Overall|warning"', "check", "--as-of", "2027-04-01", keep=overall_and_warnings
        )

        # 4. The gates and their exit codes.
        def exit_code_only(shown: str, *args: str) -> str:
            code, _, stderr = _run_cli(scored, *args)
            return "\n".join([f"$ {shown} > /dev/null; echo $?", *stderr.splitlines(), str(code)]) + "\n"

        out["ci-no-gate.txt"] = shell(scored, f"fm-governance check --as-of {GUIDE_AS_OF} | tail -n 1", "check", *as_of, keep=lambda lines: lines[-1:])[1]
        out["ci-gates.txt"] = (
            shell(
                scored,
                f"fm-governance check --as-of {GUIDE_AS_OF} --fail-under 10 | tail -n 2",
                "check",
                *as_of,
                "--fail-under",
                "10",
                keep=lambda lines: lines[-2:],
            )[1]
            + exit_code_only(f"fm-governance check --as-of {GUIDE_AS_OF} --fail-on critical", "check", *as_of, "--fail-on", "critical")
            + exit_code_only(f"fm-governance check --as-of {GUIDE_AS_OF} --fail-on high", "check", *as_of, "--fail-on", "high")
            + shell(
                scored,
                f"fm-governance check --as-of {GUIDE_AS_OF} --fail-under 50 | tail -n 3",
                "check",
                *as_of,
                "--fail-under",
                "50",
                keep=lambda lines: lines[-3:],
            )[1]
        )
        _, stdout, _ = _run_cli(scored, "check", *as_of, "--fail-on", "high", "--format", "markdown")
        out["check-markdown.txt"] = stdout
        _, out["check-junit.txt"] = shell(
            scored, f"fm-governance check --as-of {GUIDE_AS_OF} --format junit | head -n 7", "check", *as_of, "--format", "junit", keep=lambda lines: lines[:7]
        )

        # 5. Mistakes in the file: an n/a without notes (a warning), an answer that is not allowed (exit 2).
        assessment = scored / "fm-governance.yaml"
        _edit(assessment, "notes: The index holds only public help-centre articles; there is nothing to restrict per user.", "notes: null")
        _, out["check-na.txt"] = shell(
            scored, f'fm-governance check --as-of {GUIDE_AS_OF} | grep -E "Overall|warning"', "check", *as_of, keep=overall_and_warnings
        )
        _edit(
            assessment,
            '        answer: "partial"  # yes | partial | no | n/a\n        notes: PII redaction',
            "        answer: maybe  # yes | partial | no | n/a\n        notes: PII redaction",
        )
        out["ci-exit-2.txt"] = exit_code_only(f"fm-governance check --as-of {GUIDE_AS_OF}", "check", *as_of)
    return out


def _inputs_key() -> str:
    """A hash of everything the guides' output depends on: the installed package's code and data,
    the checklists, the example project, this module and the interpreter."""
    import fm_governance
    from fm_governance.core.checklists import builtin_dir

    return inputs_key([Path(fm_governance.__file__).parent, builtin_dir(), _example, Path(__file__)])


def _write_guide_outputs(_app: object) -> None:
    _guide_dir.mkdir(parents=True, exist_ok=True)
    stamp = _guide_dir.with_name(_guide_dir.name + ".key")  # beside the folder: it holds only the outputs
    key = _inputs_key()
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return  # nothing the output depends on changed since the files were written
    for name, text in guide_outputs().items():
        write_if_changed(_guide_dir / name, text)
    stamp.write_text(key, encoding="utf-8")


def setup_guides(app: Any) -> None:
    app.connect("builder-inited", _write_guide_outputs)
