"""The HTML report: one standalone page a risk committee reads on screen, prints or turns into PDF.

Laid out from a :class:`~.model.Report` by the Jinja2 templates in ``templates/`` (shipped in the
package): page one holds the verdict, the per-area chart, what blocks approval and the to-do list
per owner role; the items of each area follow, grouped by status, then the inventory as tables. The
page has no script and loads nothing (the chart is inline SVG, the CSS is inline), so it opens the
same from a mail attachment, a CI artefact or a file share, and WeasyPrint turns it into the PDF
report (:mod:`.pdf`) without fetching anything.

Text from files is data, never markup: Jinja2's autoescape escapes every value, ``StrictUndefined``
turns a misspelt field into an error instead of an empty cell, and the serialised page is passed
through :func:`~fm_governance.core.escaping.xml_text`, which replaces the characters HTML forbids
(controls, noncharacters, lone surrogates from file names that are not UTF-8). Only an http(s) URL
with a host ever becomes a link (``rel="noopener noreferrer"``): evidence the model marked as a
URL, and the catalog's licence and lifecycle sources, checked again here because a link's scheme is
an HTML matter (``javascript:`` would run on click).

Print: the CSS sets the paper (A4 or US Letter), a running header with the project and the date
scored, "page N of M" in the footer margin box (CSS paged media, as WeasyPrint implements it), table
headers repeated on each page and no table row or item split across pages. Every status and
severity is written as a word, so the page reads in greyscale.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import __version__
from ..core.escaping import xml_text
from ..core.scoring import Status
from .chart import chart_size, score_chart_svg
from .model import fmt_score, plural

if TYPE_CHECKING:
    import jinja2

    from .model import Report

#: Paper sizes, as CSS ``@page { size }`` names them.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}

TOOL_URL = "https://fm-governance.readthedocs.io/"


def web_url(value: str) -> str | None:
    """``value`` when it is one http(s) URL with a host, else None: only those become links."""
    text = value.strip()
    if not text or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def template_environment(package: str) -> jinja2.Environment:
    """The Jinja2 environment of every HTML page fm-governance writes, loading ``package``'s
    ``templates/``: autoescape on (text from files is data) and StrictUndefined (a missing value is
    an error, never an empty cell). The report and the portfolio page share it."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _environment() -> jinja2.Environment:
    env = template_environment("fm_governance.reports")
    env.filters["score"] = fmt_score
    env.filters["web_url"] = web_url
    env.globals["plural"] = plural
    return env


def render(report: Report, *, paper: str = "a4") -> str:
    """The report as a standalone HTML document (UTF-8 text, no external resources).

    ``paper`` is ``a4`` or ``letter``: the page size the print stylesheet asks for.
    """
    import markupsafe

    size = PAPER_SIZES.get(paper.lower())
    if size is None:
        raise ValueError(f"unknown paper size {paper!r}: choose one of {', '.join(PAPER_SIZES)}")
    fail_on = report.policy.fail_on if report.policy is not None else None
    context: dict[str, Any] = {
        "report": report,
        "result": report.result,
        "assessment": report.result.assessment,
        "verdict": report.verdict,
        "fail_on_set": fail_on is not None,
        "review_column": bool(report.result.needing_review),
        # The chart escapes its own labels; it is markup made here, not text from a file.
        "chart": markupsafe.Markup(score_chart_svg(report, element_id="fmg-score-chart")),
        "chart_size": chart_size(report),
        "page_size": size,
        "S": Status,
        "anchors": {v.id: v.anchor for v in report.items},
        "version": __version__,
        "tool_url": TOOL_URL,
    }
    html = _environment().get_template("report.html").render(context)
    return xml_text(html)


__all__ = ["PAPER_SIZES", "render", "web_url"]
