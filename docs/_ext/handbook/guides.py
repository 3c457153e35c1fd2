"""The guides' command output, produced by running the CLI at build time."""

from __future__ import annotations

import difflib
import gc
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.directives.code import LiteralInclude, LiteralIncludeReader, container_wrapper
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util._lines import parse_line_num_spec  # what literalinclude itself uses (Sphinx >= 8.1)

from .generated import DOCS, GENERATED, inputs_key, write_if_changed

logger = logging.getLogger(__name__)

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


def _guides_stamp() -> Path:
    return _guide_dir.with_name(_guide_dir.name + ".key")  # beside the folder: it holds only the outputs


def _guides_current(key: str) -> bool:
    stamp = _guides_stamp()
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == key


def _write_guide_outputs(_app: object, key: str | None = None) -> None:
    """Run the guides' commands and write their output, unless nothing it depends on changed."""
    _guide_dir.mkdir(parents=True, exist_ok=True)
    key = key or _inputs_key()
    if _guides_current(key):
        return  # nothing the output depends on changed since the files were written
    for name, text in guide_outputs().items():
        write_if_changed(_guide_dir / name, text)
    _guides_stamp().write_text(key, encoding="utf-8")


# --- beside the build -----------------------------------------------------------------------------
#
# The dozen CLI runs take about a second, which was a third of rebuilding the handbook after a
# checklist edit, and a checklist edit changes their output (the new assessment shows each item's
# question). So they run in a forked copy of the build process, on the other core, while Sphinx
# reads and writes the other pages: the pages that show their output take it when they are written
# (a post-transform, before Sphinx's own, so highlighting options and doctest-flag trimming see the
# text), not when they are read, waiting for the copy only then. Those pages do not depend on the
# files the way an include does (which would make the next build re-read them, since the files are
# written after Sphinx looked at what changed): the environment records which output its pages
# show (the inputs' key), and when the files hold another — written by this build, or by a build
# into another folder — those pages are written again (``env-get-updated``). Without fork (Windows)
# the runs are made in the build process, before the pages are read.

#: While a forked copy writes the output: its pid, the pid of the process that forked it, and
#: whether that process froze the collector's objects for it (1) or found them frozen already (0).
_child: dict[str, int] = {}
#: The key of the output this build's pages show (the hash of its inputs).
_build: dict[str, str] = {"key": ""}
#: Set while the collector's objects are frozen by :func:`_start_guide_outputs` for a copy that
#: has been reaped; :func:`_thaw` unfreezes them.
_frozen: dict[str, int] = {}
#: The pid of the process running a build, from ``builder-inited`` to ``build-finished``.
_building: set[int] = set()


def _start_guide_outputs(app: Any) -> None:
    _building.clear()
    try:
        wait_for_guide_outputs()  # a copy started by an earlier build in this process, not waited for
    finally:
        _thaw()
    _building.add(os.getpid())
    key = _inputs_key()
    _build["key"] = key
    _guide_dir.mkdir(parents=True, exist_ok=True)
    if _guides_current(key):
        return
    if not hasattr(os, "fork"):
        _write_guide_outputs(app, key)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    # What the build holds so far is put out of the collector's sight until the build ends: a
    # collection walks every object it tracks, and each object it touches is a memory page the
    # kernel must then copy for one of the two processes (the gc module's advice for a fork).
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    parent = os.getpid()
    try:
        pid = os.fork()
    except BaseException:
        if freezing:
            gc.unfreeze()
        raise
    if pid == 0:  # the copy: write the output, report failure by exit status, leave at once
        status = 1
        try:
            _write_guide_outputs(app, key)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    _child.update(pid=pid, parent=parent, froze=int(freezing))


#: How long a process other than the one that forked the copy waits for the output.
_FOREIGN_WAIT_SECONDS = 600


def wait_for_guide_outputs() -> None:
    """Return once the guides' output is written (at once when no copy is writing it)."""
    if not _child:
        return
    if os.getpid() != _child["parent"]:
        # A process forked from the build (Sphinx's parallel workers) cannot wait for its
        # sibling: it waits for the stamp the copy writes last.
        deadline = time.monotonic() + _FOREIGN_WAIT_SECONDS
        while not _guides_current(_build["key"]):
            if time.monotonic() > deadline:
                raise _failed()
            time.sleep(0.02)
        return
    pid, froze = _child["pid"], _child["froze"]
    _child.clear()
    if froze:
        # Within a build, thawed when it ends, not now: unfreezing moves every frozen object into
        # the oldest generation at once, which sets off a full collection over all of them (a
        # tenth of a second on the handbook) for objects that live until the build ends anyway.
        _frozen["by_us"] = 1
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        if os.getpid() not in _building:
            _thaw()
    if os.waitstatus_to_exitcode(status) != 0:
        raise _failed()


def _thaw() -> None:
    if _frozen.pop("by_us", None):
        gc.unfreeze()


def _failed() -> Exception:
    from sphinx.errors import ExtensionError

    return ExtensionError("the guides' command output could not be written (the error is above): fix it, or run `make docs` again")


def _is_guide_output(filename: str) -> bool:
    return Path(filename).resolve().is_relative_to(_guide_dir.resolve())


#: Options of ``literalinclude`` that make no sense for a command's output.
_UNSUPPORTED = ("diff", "pyobject")


class GuideLiteralInclude(LiteralInclude):  # type: ignore[misc]
    """``literalinclude`` that leaves a guide output's text to be filled in when the page is written;
    any other file is included as Sphinx includes it."""

    def run(self) -> list[nodes.Node]:
        _, filename = self.env.relfn2path(self.arguments[0])
        if not _is_guide_output(filename):
            return list(super().run())
        unsupported = [f":{o}:" for o in _UNSUPPORTED if o in self.options]
        if unsupported:
            return [self.state.document.reporter.warning(f"{', '.join(unsupported)} cannot be used on a guide's command output", line=self.lineno)]
        node: nodes.Element = nodes.literal_block("", "", source=filename)
        node["force"] = "force" in self.options
        self.set_source_info(node)
        if "language" in self.options:
            node["language"] = self.options["language"]
        if {"linenos", "lineno-start", "lineno-match"} & self.options.keys():
            node["linenos"] = True
        node["classes"] += self.options.get("class", [])
        node["highlight_args"] = {}
        node["fmg_guide_output"] = {k: v for k, v in self.options.items() if k not in ("class", "caption", "name")}
        self.env.fmg_guide_docs = getattr(self.env, "fmg_guide_docs", set()) | {self.env.docname}
        if "caption" in self.options:
            node = container_wrapper(self, node, self.options["caption"] or self.arguments[0])
        self.add_name(node)
        return [node]


class FillGuideOutputs(SphinxPostTransform):  # type: ignore[misc]
    """Put each guide output's text into its block, as ``literalinclude`` would have when the page
    was read; before Sphinx's own post-transforms (highlighting, doctest flags), which need it."""

    default_priority = 1

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.literal_block)):
            options = node.get("fmg_guide_output")
            if options is None:
                continue
            wait_for_guide_outputs()
            options = dict(options)
            emphasize = options.pop("emphasize-lines", None)
            reader = LiteralIncludeReader(node["source"], options, self.config)
            try:
                text, lines = reader.read(location=node)
            except Exception as exc:  # as literalinclude reports it: a warning at the include
                logger.warning(str(exc), location=node)
                text, lines = "", 0
            node[:] = [nodes.Text(text)]
            node.rawsource = text
            node["highlight_args"]["linenostart"] = reader.lineno_start
            if emphasize:
                wanted = parse_line_num_spec(emphasize, lines)
                if any(i >= lines for i in wanted):
                    logger.warning("line number spec is out of range(1-%d): %r", lines, emphasize, location=node)
                node["highlight_args"]["hl_lines"] = [i + 1 for i in wanted if i < lines]
            del node["fmg_guide_output"]


def _pages_to_write(app: Any, env: Any) -> list[str]:
    """The pages that show the guides' output, when the files hold another than they show."""
    if getattr(env, "fmg_guides_key", None) == _build["key"]:
        return []
    env.fmg_guides_key = _build["key"]
    return sorted(getattr(env, "fmg_guide_docs", set()) & set(env.found_docs))


def _purge(_app: Any, env: Any, docname: str) -> None:
    getattr(env, "fmg_guide_docs", set()).discard(docname)


def _merge(_app: Any, env: Any, docnames: set[str], other: Any) -> None:
    env.fmg_guide_docs = getattr(env, "fmg_guide_docs", set()) | (getattr(other, "fmg_guide_docs", set()) & set(docnames))


def _finished(_app: Any, exc: BaseException | None) -> None:
    """A build that ends before writing those pages (an error, a builder that writes none) still
    leaves the output written, and no copy behind; a failed copy does not hide the build's own error."""
    try:
        wait_for_guide_outputs()
    except Exception:
        if exc is None:
            raise
    finally:
        _building.clear()
        _thaw()


def setup_guides(app: Any) -> None:
    app.connect("builder-inited", _start_guide_outputs)
    app.add_directive("literalinclude", GuideLiteralInclude, override=True)
    app.add_post_transform(FillGuideOutputs)
    app.connect("env-get-updated", _pages_to_write)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _finished)
