"""Checklist guidance and assessment text are data: no host file, raw markup or traceback gets out.

The project in ``tests/roots/test-fmg-hostile`` has a checklist whose guidance tries every way
MyST offers to read a file from the build machine or pass markup through (``{include}``,
``{literalinclude}``, ``{eval-rst}`` with ``.. raw:: :file:``, ``{raw}``, raw HTML, local images,
``path:`` and ``..`` links, the ``{download}`` role, math, substitutions), and an assessment whose
notes and evidence try the same. The host file is a temporary file holding a unique marker: the
marker must never appear in any output, each refused construct must be a warning at its line of
the checklist file, and ``-W`` must fail the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.util.console import strip_escape_sequences

from fm_governance.sphinxext import guidance

ROOTS = Path(__file__).parent / "roots"
MARKER = "FMG-HOST-SECRET-7f3a9c"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The hostile project, its ``@HOST_FILE@`` pointing at a file outside it holding MARKER."""
    host_file = tmp_path / "host-secret.txt"
    host_file.write_text(f"{MARKER}\n<script>{MARKER}</script>\n", encoding="utf-8")
    src = tmp_path / "proj"
    shutil.copytree(ROOTS / "test-fmg-hostile", src)
    for template in [src / "checklists" / "hostile.yaml.in", src / "fm-governance.yaml.in"]:
        template.with_suffix("").write_text(template.read_text(encoding="utf-8").replace("@HOST_FILE@", str(host_file)), encoding="utf-8")
    return src


def outputs_holding(outdir: Path, text: str) -> list[str]:
    """Every output file (pages, copied images and downloads, sources) whose bytes hold ``text``."""
    return [str(p.relative_to(outdir)) for p in outdir.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


#: Each refused construct: (line in checklists/hostile.yaml, what the warning names).
EXPECTED = [
    (15, "HO-01: guidance may not use the {include} directive"),
    (18, "HO-01: guidance may not use the {literalinclude} directive"),
    (21, "HO-01: guidance may not use the :::{include} directive"),
    (31, "HO-02: guidance may not use the {eval-rst} directive"),
    (36, "HO-02: guidance may not use the {raw} directive"),
    (47, "HO-03: guidance may not use raw HTML"),
    (49, "HO-03: guidance may not use raw HTML"),
    (58, "HO-04: guidance may not use an image from"),
    (58, "HO-04: guidance may not use a link to 'path:"),
    (58, "HO-04: guidance may not use a link to '../host-secret.txt'"),
    (59, "HO-04: guidance may not use the {download} role"),
    (59, "HO-04: guidance may not use the {literalinclude} role"),
    (69, "HO-05: guidance may not use math"),
    (69, "HO-05: guidance may not use a {{ substitution }}"),
    (71, "HO-05: guidance may not use math"),
    (75, "HO-05: guidance may not use a heading"),
    (77, "HO-05: guidance may not use a % comment"),
    (86, "HO-06: guidance may not use the {include} directive"),
    (89, "HO-06: guidance may not use raw HTML"),
]


@pytest.mark.parametrize("builder", ["html", "text", "latex", "epub"])
def test_hostile_guidance_and_notes_never_publish_a_host_file(make_app, hostile: Path, builder: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(builder, srcdir=hostile, freshenv=True)
    app.build()
    assert outputs_holding(Path(app.outdir), MARKER) == []
    warnings = warnings_of(app)
    checklist = hostile / "checklists" / "hostile.yaml"
    for line, what in EXPECTED:
        assert any(w.startswith(f"{checklist}:{line}: WARNING: {what}") and w.endswith("[fmg.guidance]") for w in warnings), (line, what, warnings)
    # Every warning is one of those: no traceback, no warning from a directive that ran anyway.
    assert all(w.endswith("[fmg.guidance]") for w in warnings), warnings
    assert "Traceback" not in app.warning.getvalue()


def test_hostile_guidance_compiles_to_a_pdf_without_the_host_file(make_app, hostile: Path) -> None:  # type: ignore[no-untyped-def]
    """LaTeX reads files too (``\\input`` in math or raw LaTeX): the compiled PDF must not hold
    the marker either, and the literal text must compile."""
    assert shutil.which("latexmk") and shutil.which("pdftotext"), "TeX or poppler-utils missing: run `make system-deps`"
    app = make_app("latex", srcdir=hostile, freshenv=True)
    app.build()
    outdir = Path(app.outdir)
    run = subprocess.run(
        ["latexmk", "-r", "latexmkrc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "fmg-hostile.tex"],
        cwd=outdir,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    text = subprocess.run(["pdftotext", str(outdir / "fmg-hostile.pdf"), "-"], capture_output=True, check=True).stdout.decode("utf-8", "replace")
    assert MARKER not in text and "{include}" in text
    assert outputs_holding(outdir, MARKER) == []


def test_refused_guidance_is_shown_as_literal_text_not_dropped(make_app, hostile: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app("html", srcdir=hostile, freshenv=True)
    app.build()
    page = (Path(app.outdir) / "checklist.html").read_text(encoding="utf-8")
    # Block constructs become code blocks showing what was written; inline ones inline code.
    assert "```{include} " in page and "```{eval-rst}\n.. raw:: html\n   :file: " in page
    assert "&lt;iframe src=" in page and "<iframe" not in page
    assert '<span class="pre">&lt;b&gt;</span></code>bold' in page and "<b>bold" not in page
    assert "{download}`the" in page and "$\\input{" in page and "{{env.srcdir}}" in page
    # A refused link keeps its label and shows its address; allowed constructs still work.
    assert "a download &lt;path:" in page
    assert '<a class="reference external" href="https://example.org/ok">link</a>' in page
    assert 'href="#ho-01"' in page  # the {fmg:item} role in the same paragraph resolves
    prose = (Path(app.outdir) / "prose.html").read_text(encoding="utf-8")  # a reStructuredText page
    assert "```{include} " in prose and "&lt;script&gt;alert(" in prose and "<script>alert(" not in prose
    report = (Path(app.outdir) / "report.html").read_text(encoding="utf-8")  # notes and evidence: text
    assert "```{include} " in report and "{literalinclude} " in report and ":file: " in report
    assert "&lt;script&gt;alert(" in report and "<script>alert(" not in report


def test_hostile_guidance_fails_a_build_with_W(hostile: Path, tmp_path: Path) -> None:
    """``sphinx-build -W``, as a user (or Read the Docs' fail_on_warning) runs it."""
    env = {**os.environ, "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(hostile), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert f"{hostile / 'checklists' / 'hostile.yaml'}:15: WARNING: HO-01: guidance may not use the {{include}} directive" in run.stderr
    assert "Traceback" not in run.stderr and "Exception occurred" not in run.stderr
    assert outputs_holding(tmp_path / "out", MARKER) == []


def test_an_unexpected_error_in_a_directive_is_a_located_warning(make_app, hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Whatever goes wrong inside a directive, the build goes on and says where."""
    from fm_governance.sphinxext import assessment, render

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(assessment, "read_assessment", broken)
    monkeypatch.setattr(render, "item_node", broken)
    app = make_app("html", srcdir=hostile, freshenv=True)
    app.build()
    warnings = [w for w in warnings_of(app) if not w.endswith("[fmg.guidance]")]
    assert f"{hostile / 'checklist.md'}:3: WARNING: fmg:checklist: could not be rendered (RecursionError: maximum recursion depth exceeded)" in "\n".join(
        warnings
    )
    assert any(
        w.startswith(f"{hostile / 'report.md'}:3: WARNING: fmg:assessment: {hostile / 'fm-governance.yaml'}: cannot be read (RecursionError") for w in warnings
    ), warnings
    assert "Traceback" not in app.warning.getvalue()
    assert (Path(app.outdir) / "checklist.html").is_file()


def test_guidance_that_fails_to_render_is_shown_as_literal_text(make_app, hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from fm_governance.sphinxext import render

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(render, "refuse_unsafe", broken)
    app = make_app("html", srcdir=hostile, freshenv=True)
    app.build()
    checklist = hostile / "checklists" / "hostile.yaml"
    warnings = warnings_of(app)
    assert f"{checklist}:47: WARNING: HO-03: guidance could not be rendered (RecursionError: maximum recursion depth exceeded)" in "\n".join(warnings)
    assert "Traceback" not in app.warning.getvalue()
    page = (Path(app.outdir) / "checklist.html").read_text(encoding="utf-8")
    assert "&lt;iframe src=" in page and "<iframe" not in page
    assert outputs_holding(Path(app.outdir), MARKER) == []


def test_a_checklist_the_loader_cannot_read_is_a_warning_at_the_file(make_app, hostile: Path) -> None:  # type: ignore[no-untyped-def]
    """A value the YAML reader chokes on (a standard tag with a bad value) stops nothing."""
    checklist = hostile / "checklists" / "hostile.yaml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: !!int "abc"'), encoding="utf-8")
    app = make_app("html", srcdir=hostile, freshenv=True)
    app.build()
    warnings = warnings_of(app)
    assert any(w.startswith(f"{checklist}:") and w.endswith("[fmg.checklist]") for w in warnings), warnings
    assert "Traceback" not in app.warning.getvalue()


# --- the allow-list itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "safe"),
    [
        ("https://example.org/x", True),
        ("HTTP://example.org", True),
        ("mailto:dpo@example.org", True),
        ("#de-01", True),
        ("checklists/data-exposure.md#de-01", True),
        ("javascript:alert(1)", False),
        ("path:/etc/passwd", False),
        ("file:///etc/passwd", False),
        ("/etc/passwd", False),
        ("../../etc/passwd", False),
        ("docs/../../secret", False),
        ("..\\secret", False),
        ("%2e%2e/%2E%2E/etc/passwd", False),
        ("%2Fetc/passwd", False),
        ("inv:other#x", False),
        ("project:other.md", False),
    ],
)
def test_links_in_guidance_stay_on_the_web_or_in_the_project(href: str, safe: bool) -> None:
    assert guidance.safe_link(href) is safe


def _parser():  # type: ignore[no-untyped-def]
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser

    extensions = {
        "colon_fence",
        "deflist",
        "fieldlist",
        "attrs_inline",
        "attrs_block",
        "substitution",
        "dollarmath",
        "amsmath",
        "linkify",
        "tasklist",
        "html_image",
    }
    return create_md_parser(MdParserConfig(enable_extensions=extensions), DocutilsRenderer)


MARKDOWN_BITS = st.sampled_from(
    [
        "text ",
        "*em* ",
        "<b>",
        "{include}`x` ",
        "{fmg:item}`DE-01` ",
        "$x$ ",
        "{{ s }} ",
        "![i](/etc/passwd) ",
        "[l](path:/x) ",
        "[ok](https://e.org) ",
        "\n\n",
        "\n- ",
        "\n> ",
        "\n```{include} /etc/passwd\n```\n",
        "\n:::{note}\nx\n:::\n",
        "\n# h\n",
        "\n<div>\n",
        "{.cls}",
        "\n| a |\n|---|\n| b |\n",
        "[^f]\n\n[^f]: note\n",
        "[span]{.cls} ",
        "[x](%2e%2e/y) ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(MARKDOWN_BITS, max_size=12).map("".join))
def test_after_refusal_only_allowed_markdown_is_left(source: str) -> None:
    """Whatever the guidance holds, what reaches the renderer passes the allow-list as it is."""
    md = _parser()
    tokens = md.parse(source + "\n", {})
    guidance.refuse_unsafe(tokens, source)
    assert guidance.refuse_unsafe(tokens, source) == []


def test_refused_inline_constructs_keep_the_persons_text() -> None:
    source = "a [span]{.cls} b [label](path:/etc/passwd) {include}`x` <b>"
    tokens = _parser().parse(source + "\n", {})
    refused = guidance.refuse_unsafe(tokens, source)
    assert [r.what.split(" (")[0] for r in refused] == ["a [text]{attributes} span", "a link to 'path:/etc/passwd'", "the {include} role", "raw HTML"]
    inline = next(t for t in tokens if t.type == "inline")
    shown = [(c.type, c.content) for c in inline.children or [] if c.content.strip()]
    assert shown == [
        ("text", "a "),
        ("text", "span"),
        ("text", " b "),
        ("text", "label"),
        ("text", " <path:/etc/passwd>"),
        ("code_inline", "{include}`x`"),
        ("code_inline", "<b>"),
    ]
