"""Checklist pages say when an item's question changed in meaning, quietly under the question:
"Question changed in 1.1.0; previously: …" (small and muted in HTML), in the HTML, LaTeX and
text builders, with the old wording escaped like every text from a checklist."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import item, write_checklist

OLD_Q = 'Is <b>AL-01</b> under "control" & $50 {ok}?'


def build(make_app, tmp_path: Path, builder: str) -> str:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    write_checklist(
        src / "checklists",
        "alpha",
        [
            item("AL-01", "critical", question="Is AL-01 under control, signed off every quarter?", changed="1.1.0", previous_question=OLD_Q),
            item("AL-02", "high", changed="1.0.1"),
            item("AL-03", "low"),
        ],
        version="1.1.0",
    )
    conf = 'project = "changed"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text("# Alpha\n\n```{fmg:checklist} alpha\n```\n", encoding="utf-8")
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out")
    app.build()
    assert app.warning.getvalue().strip() == ""
    out = Path(app.outdir)
    name = {"html": "index.html", "text": "index.txt", "latex": "changed.tex"}[builder]
    return (out / name).read_text(encoding="utf-8")


def test_html_says_it_quietly_under_the_question(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = build(make_app, tmp_path, "html")
    assert (
        '<p class="fmg-changed"><em>Question changed in 1.1.0; previously: Is &#60;b&#62;AL-01&#60;/b&#62; under “control” &#38; $50 {ok}?</em></p>'
    ) in html
    assert '<p class="fmg-changed"><em>Question changed in 1.0.1.</em></p>' in html
    assert html.count("fmg-changed") == 2  # AL-03 never changed: nothing said


@pytest.mark.parametrize("builder", ["text", "latex"])
def test_text_and_latex_say_it_in_one_line(make_app, tmp_path: Path, builder: str) -> None:  # type: ignore[no-untyped-def]
    page = build(make_app, tmp_path, builder)
    words = " ".join(page.split())
    if builder == "text":
        assert '*Question changed in 1.1.0; previously: Is <b>AL-01</b> under "control" & $50 {ok}?*' in words
        assert "*Question changed in 1.0.1.*" in words
    else:
        assert (
            r"\sphinxstyleemphasis{Question changed in 1.1.0; previously: "
            r"Is \textless{}b\textgreater{}AL\sphinxhyphen{}01\textless{}/b\textgreater{} under “control” \& \$50 \{ok\}?}"
        ) in words
        assert r"\sphinxstyleemphasis{Question changed in 1.0.1.}" in words
