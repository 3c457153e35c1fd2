"""The per-area score chart of an ``fmg:assessment`` page, in a form every builder can show.

The directive leaves one :class:`fmg_score_chart` node holding what the chart shows — each area's
title and score, and the SVG the report model's chart renderer made
(:func:`fm_governance.reports.chart.score_chart_svg`) — and :class:`ScoreChart`, when the page is
written and the builder is known, replaces it with what that builder prints:

* **html** (html, dirhtml, singlehtml) **and epub** — the inline SVG, as ``raw`` HTML. It is XML
  (escaped labels, no entities but XML's own), so EPUB's XHTML stays well-formed; its element id
  names the page and the chart's number on it, so two charts never share an id, even on one
  singlehtml page.
* **latex** — one bar per area drawn by LaTeX itself, a ``\\rule`` as long as the score on a thin
  0–100 track, with the score written after it: vector, greyscale-readable, and with no image or
  converter (inkscape, rsvg) in the PDF build.
* **text and every other builder** (man, texinfo, xml…) — a literal block: the label, a bar of
  ``#`` on a 0–100 track and the score.

A placeholder replaced at write time, rather than a node with visitors per builder, so that no
builder — including ones this extension has never heard of — can meet a node it has no visitor
for (the matrix does the same).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape as tex_escape

from ..reports.model import fmt_score
from . import latex

#: Width of the 0–100 track in plain text, in characters.
TEXT_BAR = 40
#: Width of the 0–100 track in the PDF, as a fraction of the line.
LATEX_BAR = 0.5


class fmg_score_chart(nodes.General, nodes.Element):
    """Placeholder for the chart: ``rows`` is ``[[title, score or None], …]`` (the last row is
    the overall score), ``svg`` the chart as inline SVG."""


def chart_node(rows: list[tuple[str, float | None]], svg: str) -> fmg_score_chart:
    return fmg_score_chart("", rows=[[title, value] for title, value in rows], svg=svg, classes=["fmg-chart"])


def as_text(rows: list[list[Any]]) -> str:
    """``Data exposure   |##########                              |  24.3``, one line per row."""
    width = max((len(str(title)) for title, _ in rows), default=0)
    lines = []
    for title, value in rows:
        filled = round(TEXT_BAR * (value or 0.0) / 100)
        lines.append(f"{str(title).ljust(width)}  |{'#' * filled}{' ' * (TEXT_BAR - filled)}| {fmt_score(value):>5}")
    return "\n".join(lines)


def as_latex(rows: list[list[Any]], *, engine: str) -> str:
    """A two-column tabular: the area's title, then a solid bar (its score) on a hairline track
    (to 100) and the score. Titles come from checklist files: invisible controls are removed and,
    for pdflatex, characters it cannot typeset replaced (the same text's heading on the page
    warns about them), then the title is escaped for LaTeX."""
    out = [r"\par\smallskip\noindent{\small\begin{tabular}{@{}p{0.34\linewidth}@{\hspace{0.75em}}l@{}}"]
    # The scale, marked where the SVG chart marks it: 0, the band limits 50 and 80, and 100.
    marks = [rf"\makebox[0pt][l]{{0}}\hspace{{{LATEX_BAR * 0.5:.4f}\linewidth}}\makebox[0pt]{{50}}"]
    marks.append(rf"\hspace{{{LATEX_BAR * 0.3:.4f}\linewidth}}\makebox[0pt]{{80}}\hspace{{{LATEX_BAR * 0.2:.4f}\linewidth}}\makebox[0pt][r]{{100}}")
    out.append(rf" & {{\scriptsize {''.join(marks)}}} \\")
    for n, (title, value) in enumerate(rows):
        shown = latex.without_invisible(str(title))
        if engine == "pdflatex":
            shown, _ = latex.for_pdflatex(shown)
        label = tex_escape(shown, engine)
        score = tex_escape(fmt_score(value), engine)
        if n == len(rows) - 1:
            label, score = rf"\textbf{{{label}}}", rf"\textbf{{{score}}}"
        fill = LATEX_BAR * (value or 0.0) / 100
        bar = rf"\rule[-0.3ex]{{{fill:.4f}\linewidth}}{{1.9ex}}\rule[0.5ex]{{{LATEX_BAR - fill:.4f}\linewidth}}{{0.4pt}}"
        out.append(rf"{label} & {bar}\hspace{{0.5em}}{score} \\")
    out.append(r"\end{tabular}}\par\smallskip")
    return "\n".join(out) + "\n"


class ScoreChart(SphinxPostTransform):
    """Every builder but html and latex: the chart as text (see the module docstring). It runs
    after the two below, which leave nothing for it on their builders."""

    default_priority = 200

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(fmg_score_chart)):
            shown = as_text(node["rows"])
            node.replace_self(nodes.literal_block(shown, shown, classes=["fmg-chart"], language="none"))


class ScoreChartHtml(SphinxPostTransform):
    """html, dirhtml, singlehtml and epub: the inline SVG."""

    default_priority = 199
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(fmg_score_chart)):
            node.replace_self(nodes.container("", nodes.raw("", node["svg"], format="html"), classes=["fmg-chart"]))


class ScoreChartLatex(SphinxPostTransform):
    """latex: bars drawn by LaTeX."""

    default_priority = 199
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        engine = self.config.latex_engine
        for node in list(self.document.findall(fmg_score_chart)):
            node.replace_self(nodes.container("", nodes.raw("", as_latex(node["rows"], engine=engine), format="latex"), classes=["fmg-chart"]))


def setup_scorechart(app: Sphinx) -> None:
    app.add_post_transform(ScoreChartHtml)
    app.add_post_transform(ScoreChartLatex)
    app.add_post_transform(ScoreChart)
