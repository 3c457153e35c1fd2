"""Sphinx configuration for the fm-governance handbook (MyST Markdown, published on Read the Docs)."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.writers.html5 import HTML5Translator

import fm_governance
from fm_governance.core.schemas import SCHEMA_KINDS

project = "fm-governance"
author = "fm-governance developers"
copyright = "2026, fm-governance developers"
version = release = fm_governance.__version__

extensions = ["myst_parser", "sphinx_design", "sphinx_click", "notfound.extension", "fm_governance.sphinxext"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
# Quotes and ellipses only: the CLI help that sphinx-click renders names options like --fail-on,
# which the default smartquotes would turn into an en dash in running text.
smartquotes_action = "qe"

# Furo: a long-form reading layout with a search box in the sidebar and light, dark and automatic
# (follow the system) colour modes built in.
html_theme = "furo"
html_title = "fm-governance handbook"
# The 404 page (sphinx-notfound-page). Its asset links are absolute, under `notfound_urls_prefix`,
# which defaults to the Read the Docs path of this version (READTHEDOCS_CANONICAL_URL) or /en/latest/.
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>\n"
        "<p>There is no page at this address. It may have moved when the handbook was reorganised, "
        "or the link you followed may be mistyped.</p>\n"
        "<p>Search the handbook with the search box, or start again from the contents in the navigation.</p>\n"
    ),
}
html_static_path = ["_static"]
# The schemas are published for editors (HTML site); an EPUB reader has no use for them.
epub_exclude_files = ["_static/schemas/assessment.schema.json", "_static/schemas/checklist.schema.json"]

# PDF: Sphinx titles the table of contents with the first toctree's caption ("Handbook"), which
# reads as a part heading; call it what it is.
latex_elements = {"tableofcontents": r"\renewcommand{\contentsname}{Contents}\sphinxtableofcontents"}

# The JSON Schemas are published with the handbook, so the `$schema` modeline that every
# assessment starts with resolves for editors (see fm_governance.core.schemas.SCHEMA_BASE_URL).
_schemas = Path(__file__).parent / "_static" / "schemas"


def _shipped_schema(kind: str) -> dict:
    # Read the file the package ships rather than `fm_governance.core.schemas.schema(kind)`: that
    # cached dict is the one fastjsonschema compiles, and compiling rewrites its local `$ref`s into
    # absolute URLs in place, so after the extension has validated the checklists it no longer
    # reads as the published file.
    return json.loads(resources.files("fm_governance.core").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8"))


def _write_schemas(_app: object) -> None:
    shutil.rmtree(_schemas, ignore_errors=True)
    _schemas.mkdir(parents=True)
    for kind in SCHEMA_KINDS:
        text = json.dumps(_shipped_schema(kind), indent=2, ensure_ascii=False) + "\n"  # as `fm-governance schema KIND` prints it
        (_schemas / f"{kind}.schema.json").write_text(text, encoding="utf-8")


_generated = Path(__file__).parent / "reference" / "_generated"


def _write_reference_tables(_app: object) -> None:
    """Reference tables generated from the scanner's data files, so the docs cannot drift."""
    from fm_governance.core.checklists import load_catalog
    from fm_governance.scan.catalog import provider_table, signal_definitions

    _generated.mkdir(parents=True, exist_ok=True)
    rows = ["| Id | Provider or library | Role |", "|---|---|---|"]
    rows += [f"| `{p['id']}` | {p['name']} | {', '.join(p['roles'])} |" for p in provider_table()]
    _write_if_changed(_generated / "providers.md", "\n".join(rows) + "\n")
    items_by_signal: dict[str, list[str]] = {}
    for checklist in load_catalog():
        for item in checklist.items:
            for signal in item.signals:
                items_by_signal.setdefault(signal, []).append(item.id)
    rows = ["| Signal | Meaning | Checklist items |", "|---|---|---|"]
    for signal_id, info in signal_definitions().items():
        items = ", ".join(items_by_signal.get(signal_id, [])) or "–"
        rows.append(f"| `{signal_id}` | {info['title']}: {info['description']} | {items} |")
    _write_if_changed(_generated / "signals.md", "\n".join(rows) + "\n")


def _write_format_tables(_app: object) -> None:
    """One table of fields per shipped JSON Schema, so the format reference cannot drift from the validator."""
    _generated.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        root = _shipped_schema(kind)
        # A list-table rather than a pipe table: the `longtable` class lets the PDF break the table
        # across pages (Sphinx otherwise does so only past 30 rows) and the widths keep paths legible.
        rows = [":::{list-table}", ":header-rows: 1", ":widths: 32 28 10 30", ":class: longtable", ""]
        rows += _list_table_row(["Field", "Type and values", "Required", "Description"])
        for row in _schema_fields(root, root, ""):
            rows += _list_table_row(_schema_cells(*row))
        _write_if_changed(_generated / f"{kind}-format.md", "\n".join([*rows, ":::"]) + "\n")


def _schema_fields(root: dict, node: dict, path: str, label: str = "") -> list[tuple]:
    """Flatten a schema into (path, node, required, label, depends_on) rows: properties, array
    entries (`[]`), map values (`<key>`) and the alternative forms of a `oneOf`."""
    node = _schema_resolve(root, node)
    rows: list[tuple] = []
    constrained = _schema_conditional_keys(root, node)
    for name, sub in node.get("properties", {}).items():
        sub_path = f"{path}.{name}" if path else name
        sub = _schema_resolve(root, sub)
        if isinstance(sub.get("items"), dict):  # describe an array's entries in the array's own row
            sub = {**sub, "items": _schema_resolve(root, sub["items"])}
        rows.append((sub_path, sub, name in node.get("required", ()), label, constrained.get(name)))
        rows += _schema_fields(root, sub, sub_path, label)
    items = node.get("items")
    if isinstance(items, dict):
        rows += _schema_fields(root, items, f"{path}[]", label)
    values = node.get("additionalProperties")
    if isinstance(values, dict):
        names = node.get("propertyNames", {})
        key = names["$ref"].rsplit("/", 1)[-1].upper().replace("_", "-") if "$ref" in names else "id" if "pattern" in names else "key"
        rows += _schema_fields(root, values, f"{path}.<{key}>", label)
    for index, form in enumerate(node.get("oneOf", ())):
        rows += _schema_fields(root, form, path, f"Form ({chr(ord('A') + index)}).")
    return rows


def _schema_resolve(root: dict, node: dict) -> dict:
    while "$ref" in node:  # only local references ("#/$defs/…") occur in the shipped schemas
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _schema_conditional_keys(root: dict, node: dict) -> dict[str, str]:
    """Properties whose values an `if`/`then` narrows, mapped to the property the condition reads."""
    keys: dict[str, str] = {}
    for rule in node.get("allOf", ()):
        for condition in rule.get("if", {}).get("properties", {}):
            for name in rule.get("then", {}).get("properties", {}):
                keys[name] = condition
    return keys


def _schema_cells(path: str, node: dict, required: bool, label: str, depends_on: str | None) -> list[str]:
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    facts = [" or ".join(kinds)] if kinds else []
    entries = node.get("items") if isinstance(node.get("items"), dict) else {}
    if "enum" in entries:
        facts[0] = facts[0].replace("array", "array of " + ", ".join(f"`{_schema_value(v)}`" for v in entries["enum"]))
    elif isinstance(entries.get("type"), str):
        facts[0] = facts[0].replace("array", f"array of {entries['type']}s")
    elif entries.get("oneOf"):
        node = {**node, "oneOf": entries["oneOf"]}  # each entry takes one of the forms
    if "enum" in node:
        facts.append("one of " + ", ".join(f"`{_schema_value(v)}`" for v in node["enum"]))
    if "pattern" in node:
        facts.append(f"matching `{node['pattern']}`")
    if "format" in node:
        facts.append(f"format `{node['format']}`")
    if node.get("minItems"):
        facts.append(f"at least {node['minItems']} entr{'y' if node['minItems'] == 1 else 'ies'}")
    if node.get("minLength"):
        facts.append("not empty")
    if node.get("uniqueItems"):
        facts.append("no repeats")
    if node.get("oneOf"):
        facts.append("entries in one of the forms " + ", ".join(f"({chr(ord('A') + i)})" for i in range(len(node["oneOf"]))))
    if depends_on:
        facts.append(f"format depends on `{depends_on}`")
    description = f"{label} {node.get('description', '')}"
    if node.get("oneOf"):
        description += " " + " ".join(f"({chr(ord('A') + i)}) {form.get('description', '')}" for i, form in enumerate(node["oneOf"]))
    return [f"`{path}`", "; ".join(facts) or "any", "yes" if required else "", description.strip()]


def _list_table_row(cells: list[str]) -> list[str]:
    return [f"{'* -' if index == 0 else '  -'} {cell}".rstrip() for index, cell in enumerate(cells)]


def _schema_value(value: object) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


# The guides show real command output. It is produced here, at build time, by running the CLI on
# temporary copies of examples/support-bot (never on the committed example), rather than kept as
# committed files that a test compares: a committed copy is only as true as the last test run,
# while a build cannot show anything but what the installed fm-governance prints. The files go
# under reference/_generated/ because git already ignores that folder. tests/test_docs_guides.py
# calls `guide_outputs()` as well and checks it against the CLI and against the guides' includes.
_guide_dir = _generated / "guides"
_example = Path(__file__).parent.parent / "examples" / "support-bot"
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
_CLI = "from fm_governance.cli import main; main(prog_name='fm-governance')"


def _run_cli(cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `fm-governance ARGS` in a fresh interpreter, as a user's shell would, with a fixed width and no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FMG_", "FORCE_COLOR", "CLICOLOR", "TTY_"))}
    env.update(COLUMNS="80", NO_COLOR="1", TERM="dumb", PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    proc = subprocess.run([sys.executable, "-c", _CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", check=False)
    return proc.returncode, proc.stdout, proc.stderr


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

        out["ci-gates.txt"] = (
            exit_code_only(f"fm-governance check --as-of {GUIDE_AS_OF} --fail-on critical", "check", *as_of, "--fail-on", "critical")
            + exit_code_only(f"fm-governance check --as-of {GUIDE_AS_OF} --fail-on high", "check", *as_of, "--fail-on", "high")
            + shell(
                scored,
                f"fm-governance check --as-of {GUIDE_AS_OF} --fail-under 50 | tail -n 2",
                "check",
                *as_of,
                "--fail-under",
                "50",
                keep=lambda lines: lines[-2:],
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


def _write_guide_outputs(_app: object) -> None:
    _guide_dir.mkdir(parents=True, exist_ok=True)
    for name, text in guide_outputs().items():
        _write_if_changed(_guide_dir / name, text)


def _write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged include would make Sphinx re-read the page on every build.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


class _HTMLTranslator(HTML5Translator):
    """Sphinx's HTML translator, with two accessibility fixes (tests/test_browser.py holds the
    pages to zero serious or critical axe-core violations).

    - A toctree caption (the navigation's "Handbook", "Reference", …) is written as
      ``<p class="caption" role="heading">`` without the ``aria-level`` that the heading role
      requires (WCAG 4.1.2; axe-core rule aria-required-attr, critical). The captions sit under
      the page's h1, so they are level 2, in the page body and in Furo's navigation sidebar, which
      is rendered by the same translator.
    - A code block wider than the column scrolls sideways, which a keyboard user can do only if
      the block can take focus (WCAG 2.1.1; rule scrollable-region-focusable, serious): every
      highlighted ``<pre>`` gets ``tabindex="0"``.
    """

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        try:
            super().visit_literal_block(node)  # highlighted blocks are appended whole, then skipped
        finally:
            if self.body and self.body[-1].startswith('<div class="highlight'):
                self.body[-1] = self.body[-1].replace("<pre>", '<pre tabindex="0">', 1)

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            tag = len(self.body) - 2  # visit_title appended the <p> tag, then the caption-text span
            self.body[tag] = self.body[tag].replace('role="heading"', 'role="heading" aria-level="2"', 1)


def setup(app: object) -> None:
    for builder in ("html", "dirhtml", "singlehtml", "epub"):
        app.set_translator(builder, _HTMLTranslator, override=True)  # type: ignore[attr-defined]
    app.connect("builder-inited", _write_schemas)  # type: ignore[attr-defined]
    app.connect("builder-inited", _write_reference_tables)  # type: ignore[attr-defined]
    app.connect("builder-inited", _write_format_tables)  # type: ignore[attr-defined]
    app.connect("builder-inited", _write_guide_outputs)  # type: ignore[attr-defined]
