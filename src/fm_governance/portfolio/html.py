"""The portfolio as one standalone HTML page (``portfolio --format html``), for screen and print.

Laid out by ``templates/portfolio.html`` (Jinja2, shipped in this package) with inline CSS and the
inline SVG charts of :mod:`.charts`: no script, nothing fetched, so it opens the same from a CI
artefact, a mail attachment or a file share. Every value is escaped by Jinja2's autoescape
(``StrictUndefined`` makes a misspelt field an error, not an empty cell); the serialised page then
goes through :func:`~fm_governance.core.escaping.xml_text`, which replaces characters HTML forbids.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.escaping import xml_text
from . import charts
from .model import HHI_SOURCE_URL, HIGHLY_CONCENTRATED, Portfolio, percent, plural, retires_in

if TYPE_CHECKING:
    import jinja2


@functools.cache
def _environment() -> jinja2.Environment:
    from ..reports.html import template_environment

    env = template_environment("fm_governance.portfolio")
    env.globals.update(percent=percent, plural=plural, retires_in=retires_in)
    return env


def chart_markup(portfolio: Portfolio, prefix: str = "fmg-portfolio") -> dict[str, str]:
    """Every chart of the page as SVG text, keyed ``hhi``, ``timeline`` and each level's id."""
    found = {
        "hhi": charts.hhi_svg(portfolio, element_id=f"{prefix}-hhi"),
        "timeline": charts.timeline_svg(portfolio.retirements, portfolio.today, portfolio.settings.retire_days[1], element_id=f"{prefix}-timeline"),
    }
    for level in portfolio.levels:
        found[level.id] = charts.shares_svg(level, portfolio.critical_count, element_id=f"{prefix}-{level.id}")
    return found


def render(portfolio: Portfolio, *, title: str = "Model portfolio", links: Mapping[str, str] | None = None) -> str:
    """The standalone page; ``links`` maps a project name to the URL of its own report page."""
    import markupsafe

    context: dict[str, Any] = {
        "p": portfolio,
        "title": title,
        # The charts escape their own text; they are markup made here, not text from a file.
        "charts": {k: markupsafe.Markup(v) for k, v in chart_markup(portfolio).items()},
        "links": dict(links or {}),
        "highly": HIGHLY_CONCENTRATED,
        "source_url": HHI_SOURCE_URL,
        "version": __version__,
    }
    return xml_text(_environment().get_template("portfolio.html").render(context))
