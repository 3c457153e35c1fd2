"""An item's ``consulted`` roles are rendered beside its owner, in every builder.

The ``fmg-html`` root's TR-01 is owned by legal and consults privacy and procurement; TR-02 names
no consulted roles and must show none. (That the HTML template and the node tree agree on the
badge, with and without sphinx-design, is held by tests/test_htmlbody.py on the same root and on
the built-in vendor-lock-in checklist.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sphinx.util.console import strip_escape_sequences

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def built(app: Any, name: str) -> str:
    app.build()
    warnings = strip_escape_sequences(app.warning.getvalue()).strip()
    assert warnings == "", warnings
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


@pytest.mark.sphinx("html", testroot="fmg-html")
def test_html_shows_the_consulted_roles_as_a_badge_after_the_owner(app: Any) -> None:
    html = built(app, "checklist.html")
    tr01 = section(html, 'id="tr-01"', 'id="tr-02"')
    owner = tr01.index('<span class="fmg-badge fmg-owner fmg-owner-legal">legal</span>')
    consulted = tr01.index('<span class="fmg-badge fmg-consulted fmg-consulted-privacy-procurement">consulted: privacy, procurement</span>')
    assert owner < consulted < tr01.index("fmg-mode")
    assert "fmg-consulted" not in html[html.index('id="tr-02"') :]


@pytest.mark.sphinx("text", testroot="fmg-html")
def test_text_lists_the_consulted_roles_under_the_owner(app: Any) -> None:
    text = built(app, "checklist.txt")
    tr01 = text[: text.index("No references")]
    assert "Owner:\n   legal\n\nConsulted:\n   privacy, procurement\n\nApplies to:" in tr01
    assert text.count("Consulted:") == 1


@pytest.mark.sphinx("latex", testroot="fmg-html")
def test_the_pdf_source_names_the_consulted_roles(app: Any) -> None:
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    owner, consulted, applies = (tex.index(f"\\sphinxlineitem{{{name}}}") for name in ("Owner", "Consulted", "Applies to"))
    assert owner < consulted < applies
    assert "{fmg-consulted-privacy}{privacy}}}, " in tex[consulted:applies] and "{fmg-consulted-procurement}{procurement}}}" in tex[consulted:applies]
    assert tex.count("\\sphinxlineitem{Consulted}") == 1
