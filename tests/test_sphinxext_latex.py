"""Text from checklists and assessments never stops the PDF, whatever characters it holds.

``tests/roots/test-fmg-unicode`` puts zero-width spaces, bidirectional marks and isolates, a
byte-order mark, C0 and C1 controls, CJK, Greek and an emoji into a checklist title, an item's
title, guidance and evidence, and an assessment's notes and evidence. Each engine builds it and
the PDF is compiled for real (``latexmk``, as Read the Docs runs it) and read back with
``pdftotext``: pdflatex with a located warning and a placeholder for what it cannot typeset,
xelatex and lualatex with the text as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sphinx.util.console import strip_escape_sequences

from conftest import item, write_checklist
from fm_governance.sphinxext import latex

ROOTS = Path(__file__).parent / "roots"
UNICODE = ROOTS / "test-fmg-unicode"
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    return strip_escape_sequences(app.warning.getvalue()).strip().splitlines()


def compile_pdf(outdir: Path) -> str:
    """``latexmk`` with Sphinx's latexmkrc (which picks the engine), as Read the Docs runs it;
    the PDF's text. Each test has a source folder of its own (``srcdir``): one engine's
    auxiliary files would break another's run."""
    assert shutil.which("latexmk") and shutil.which("pdftotext"), "TeX or poppler-utils missing: run `make system-deps`"
    tex = next(outdir.glob("*.tex"))
    run = subprocess.run(
        ["latexmk", "-r", "latexmkrc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=outdir,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    errors = [line for line in tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace").splitlines() if line.startswith("!")]
    assert errors == []
    pdf = subprocess.run(["pdftotext", str(tex.with_suffix(".pdf")), "-"], capture_output=True, check=True).stdout
    return pdf.decode("utf-8", errors="replace")  # a glyph with no Unicode mapping comes back as bytes


@pytest.mark.sphinx("latex", testroot="fmg-unicode", srcdir="fmg-unicode-pdflatex")
def test_pdflatex_shows_a_placeholder_and_warns_where_the_text_is(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    warnings = warnings_of(app)
    src = Path(app.srcdir)
    checklist, assessment = src / "checklists" / "unicode.yaml", src / "fm-governance.yaml"
    assert all(w.endswith("[fmg.latex]") and "pdflatex cannot typeset" in w for w in warnings), warnings
    # Each source is named once: the item (title, guidance, evidence), the assessment's item
    # (notes, evidence), the checklist's title where a page or the report shows it.
    item = next(w for w in warnings if w.startswith(f"{checklist}:11: WARNING:"))
    assert "'日本', '月度审查', 'Ω', '🙂', '文件': shown as [?] in the PDF" in item and "latex_engine = 'xelatex' or 'lualatex'" in item
    notes = next(w for w in warnings if w.startswith(f"{assessment}:11: WARNING:"))
    assert "'日本語の契約'" in notes and "'中文'" in notes
    assert any(w.startswith(f"{checklist}:1: WARNING: pdflatex cannot typeset '中文清单'") for w in warnings), warnings
    assert any(w.startswith(f"{src / 'checklist.md'}:3: WARNING: pdflatex cannot typeset '中文清单'") for w in warnings), warnings
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert not INVISIBLE.search(tex) and "中" not in tex and "日" not in tex
    text = compile_pdf(Path(app.outdir))
    assert "Keep the signed copy — [?] [?] [?]" in text and "café naïve" in text
    assert "Checks for teams [?]" in text and "Signed copy pending [?]" in text


@pytest.mark.sphinx("latex", testroot="fmg-unicode", srcdir="fmg-unicode-xelatex", confoverrides={"latex_engine": "xelatex"})
def test_xelatex_keeps_unicode_and_drops_invisible_controls(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    assert warnings_of(app) == []
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert not INVISIBLE.search(tex)
    assert "月度审查" in tex and "日本語の契約" in tex and "中文清单" in tex and "[?]" not in tex
    text = compile_pdf(Path(app.outdir))  # FreeSerif has no CJK glyphs: missing, not an error
    assert "Keep the signed copy —" in text and "café naïve" in text and "Checks for teams" in text


#: The extension reference's recipe for CJK in a lualatex PDF: Sphinx's fonts, falling back to
#: Noto CJK for the characters they lack.
LUALATEX_FALLBACK = r"""
\directlua{luaotfload.add_fallback("cjk", {"NotoSerifCJK-Regular.ttc:mode=harf;"})}
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic, BoldFont=*Bold, BoldItalicFont=*BoldItalic, RawFeature={fallback=cjk}]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique, BoldFont=*Bold, BoldItalicFont=*BoldOblique, RawFeature={fallback=cjk}]
\setmonofont{FreeMono}[Scale=0.9, Extension=.otf, UprightFont=*, ItalicFont=*Oblique, BoldFont=*Bold, BoldItalicFont=*BoldOblique, RawFeature={fallback=cjk}]
"""


@pytest.mark.sphinx(
    "latex", testroot="fmg-unicode", srcdir="fmg-unicode-lualatex", confoverrides={"latex_engine": "lualatex", "latex_elements": {"fontpkg": LUALATEX_FALLBACK}}
)
def test_lualatex_with_a_fallback_font_prints_cjk(app) -> None:  # type: ignore[no-untyped-def]
    app.build()
    assert warnings_of(app) == []
    text = compile_pdf(Path(app.outdir))
    # (pdftotext reads 度 back as its compatibility twin U+FA01 from Noto's Japanese glyph)
    assert "月" in text and "审查" in text and "日本語の契約" in text and "Checks for teams 中文清单" in text
    assert not INVISIBLE.search(text.replace("\f", ""))


def test_every_character_pdflatex_is_trusted_with_compiles(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``pdflatex-characters.txt`` lists what is let through to pdflatex: all of it must typeset
    with Sphinx's default preamble, in a heading, in guidance and in inline code."""
    src = tmp_path / "all"
    shutil.copytree(UNICODE, src, ignore=shutil.ignore_patterns("*.yaml", "report.md"))
    (src / "index.md").write_text("# Every character\n\n```{toctree}\nchecklist\n```\n", encoding="utf-8")
    trusted = "".join(chr(c) for c in sorted(latex.pdflatex_characters()) if c > 0x7E)
    lines = [trusted[i : i + 24] for i in range(0, len(trusted), 24)]
    guidance = "\n\n".join(f"{line} `{line}`" for line in lines)
    write_checklist(src / "checklists", "unicode", [item("UN-01", title=f"All {trusted[:40]}", guidance=guidance)])
    app = make_app("latex", srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    assert "UN-01 All" in compile_pdf(Path(app.outdir))  # it compiled; pdftotext's spacing varies


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("a\u200bb\u200cc\u200dd\u200ee\u200ff", "abcdef"),
        ("\u202aa\u202bb\u202cc\u202dd\u202ee", "abcde"),
        ("\u2066a\u2067b\u2068c\u2069\u2060d", "abcd"),
        ("\ufeffa\ufffeb\uffff", "ab"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("".join(chr(c) for c in range(0x20)), "\t\n"),
        ("\x7f\x80\x85\x9b\x9f", ""),
        ("日本語 Ω 🙂 café", "日本語 Ω 🙂 café"),
    ],
)
def test_invisible_controls_are_removed_for_latex(given: str, kept: str) -> None:
    assert latex.without_invisible(given) == kept


def test_pdflatex_placeholder_stands_for_each_run() -> None:
    assert latex.for_pdflatex("café — 日本語 and Ω🙂!") == ("café — [?] and [?]!", ["日本語", "Ω🙂"])


@pytest.mark.sphinx("latex", testroot="fmg-basic", srcdir="fmg-basic-latex-links")
def test_every_link_in_the_pdf_has_a_label(app) -> None:  # type: ignore[no-untyped-def]
    """A link to a checklist ({fmg:checklist}, the matrix) lands on a label in the PDF: LaTeX's
    writer drops a container's ids, and the checklist's anchor is on its head container."""
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    links = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    assert any(link.endswith(":checklist-demo") for link in links), sorted(links)
    assert links <= labels, sorted(links - labels)
