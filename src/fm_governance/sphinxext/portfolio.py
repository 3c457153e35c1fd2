"""``fmg:portfolio GLOB...``: the portfolio of many assessments as a page of the docs.

A governance team's docs project collects every project's ``fm-governance.yaml`` (from CI
artefacts, or a repository of assessments) and publishes the same view ``fm-governance portfolio``
prints: concentration per level with the HHI, single points of failure, retirements, open items,
scores, expiring waivers and stale assessments. The figures come from the same model
(:func:`fm_governance.portfolio.model.build`), read with the build's own checklist catalog.

The argument is one or more globs or paths (separated by spaces), relative to the page; a folder
is searched for ``fm-governance.yaml``. Options: ``:as-of:`` (YYYY-MM-DD), ``:spof-threshold:``
(0–1), ``:max-age:`` (days), ``:waiver-days:`` (days).

Builder-neutral: headings are rubrics and the figures are docutils tables and lists, so LaTeX,
EPUB and text builds read the same numbers; HTML builders also get the inline SVG charts (a
``raw`` node for ``html`` only, which other writers skip). Everything from a file enters the tree
as text. A file that cannot be read is a located build warning (``fmg.portfolio``) and is left out
of the figures, which say so, as the command does.

Incremental builds: the page depends on every file it read (an edit re-reads it). A new file
matching the glob, or a matched file going away, is found at the start of each build
(``env-get-outdated``): the globs are expanded again and compared with the list the page was read
with, and so is the day when no ``:as-of:`` fixes it (the figures count from today). Expanding a
glob is cheap; re-reading the page on every build made every no-op rebuild read and write it.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.errors import InputError, InputErrors
from ..portfolio import inputs
from ..portfolio.model import HHI_SOURCE, HHI_SOURCE_URL, NOT_FOUND, Portfolio, Settings, build, percent, plural
from ..portfolio.read import Excluded, ModelCatalog, Project, read_project
from ..portfolio.text import level_note
from . import render
from .directives import FmgDirective

logger = logging.getLogger(__name__)


def _date(argument: str | None) -> _dt.date:
    try:
        return _dt.date.fromisoformat((argument or "").strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {argument!r}") from None


def _fraction(argument: str | None) -> float:
    try:
        value = float((argument or "").strip())
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise ValueError(f"expected a share between 0 and 1, got {argument!r}")
    return value


def _days(argument: str | None) -> int:
    text = (argument or "").strip()
    if not text.isdigit():
        raise ValueError(f"expected a number of days, got {argument!r}")
    return int(text)


class PortfolioDirective(FmgDirective):
    """Render the portfolio of the assessments a glob names."""

    subtype = "portfolio"
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {"as-of": _date, "spof-threshold": _fraction, "max-age": _days, "waiver-days": _days}

    def render(self) -> list[nodes.Node]:
        _pages(self.env).add(self.env.docname)
        srcdir = Path(self.env.srcdir)
        base = Path(self.env.doc2path(self.env.docname)).parent
        patterns = [str(base / p) for p in self.arguments[0].split()]
        files, errors = inputs.collect(patterns)
        # What the globs matched (and the day, unless :as-of: fixes it), to re-read the page when it changes.
        _globs(self.env)[self.env.docname] = _read_with(patterns, None if "as-of" in self.options else _dt.date.today(), files)
        warnings: list[nodes.Node] = []
        for error in errors:
            warnings += self.warn(f"fmg:portfolio: {error.message} — {error.fix}", "portfolio")
        today = self.options.get("as-of") or _dt.date.today()
        models = ModelCatalog()
        entries: list[Project | Excluded] = []
        sources: dict[str, str] = {}  # the path shown -> the file, to find the project's own page
        for file in files:
            self.depend(str(file))
            shown = os.path.relpath(file, srcdir)
            sources[shown] = os.path.realpath(file)
            try:
                entries.append(replace(read_project(file, self.loaded.catalog, today, models), path=shown))
            except InputError as exc:
                lines = exc.lines() if isinstance(exc, InputErrors) else [exc.one_line()]
                lines = [line.replace(str(file), shown) for line in lines]
                entries.append(Excluded(shown, tuple(lines)))
                first = exc.errors[0] if isinstance(exc, InputErrors) else exc
                logger.warning(
                    f"fmg:portfolio: left out of the portfolio: {first.message}" + (f" — {first.fix}" if first.fix else ""),
                    type="fmg",
                    subtype="portfolio",
                    location=f"{file}:{first.location.line or 1}",
                )
        settings = Settings(
            spof_threshold=self.options.get("spof-threshold", 0.5),
            max_age_days=self.options.get("max-age", 365),
            waiver_days=self.options.get("waiver-days", 30),
        )
        portfolio = build(entries, today=today, settings=settings)
        return [*warnings, *PortfolioPage(portfolio, self.env.docname, sources).nodes()]


class PortfolioPage:
    """The portfolio laid out as docutils nodes (one method per part, in page order)."""

    def __init__(self, portfolio: Portfolio, docname: str, sources: dict[str, str] | None = None) -> None:
        self.p = portfolio
        self.prefix = "fmg-portfolio-" + (nodes.make_id(docname) or "page")
        self.sources = sources or {}

    def project_name(self, project: Project) -> nodes.inline:
        """The name, marked with its file: linked to the project's own page when the docs have one."""
        node = nodes.inline(project.name, project.name, classes=["fmg-portfolio-project"])
        if project.path in self.sources:
            node[_FILE] = self.sources[project.path]
        return node

    @staticmethod
    def heading(title: str) -> nodes.rubric:
        return nodes.rubric(title, title, classes=["fmg-portfolio-heading"])

    @staticmethod
    def table(headers: Sequence[str], rows: list[list[Any]], widths: Sequence[int]) -> nodes.table:
        return render.table(headers, rows, widths=widths, classes=["fmg-portfolio", "colwidths-given"])

    def chart(self, svg: str) -> nodes.raw:
        return nodes.raw("", svg, format="html", classes=["fmg-portfolio-chart"])

    def nodes(self) -> list[nodes.Node]:
        from ..portfolio.html import chart_markup

        p = self.p
        charts = chart_markup(p, self.prefix)
        n, critical = len(p.projects), p.critical_count
        out: list[nodes.Node] = [render.paragraph(nodes.strong(p.headline(), p.headline()))]
        if p.criticality:
            out.append(render.paragraph("Criticality: " + ", ".join(f"{name} {count}" for name, count in p.criticality) + f". As of {p.today.isoformat()}."))

        out.append(self.heading(f"Single points of failure (more than {percent(p.settings.spof_threshold)} of critical projects)"))
        if not critical:
            out.append(render.paragraph("None measurable: no project has criticality: critical."))
        elif not p.single_points:
            out.append(render.paragraph("None."))
        else:
            out.append(
                render.bullet_list(f"{s.level} {s.name}: {s.critical} of {s.critical_total} critical projects ({percent(s.share)})" for s in p.single_points)
            )

        out.append(self.heading("Concentration"))
        out.append(self.chart(charts["hhi"]))
        out.append(render.paragraph("HHI bands: ", render.external_link(HHI_SOURCE_URL, HHI_SOURCE), ". An internal yardstick here, not a legal test."))
        for level in p.levels:
            out.append(self.heading(level.title))
            out.append(self.chart(charts[level.id]))
            rows = [[s.name, str(s.projects), percent(s.share), str(s.critical), percent(s.critical_share)] for s in level.shares]
            unknown = n - level.known
            if unknown:
                lost = critical - level.critical_known
                rows.append([NOT_FOUND, str(unknown), percent(unknown / n), str(lost), percent(lost / critical if critical else None)])
            if rows:
                out.append(self.table([level.title, "Projects", "Share", "Critical", "Of critical"], rows, (40, 15, 15, 15, 15)))
            out.append(render.paragraph(level_note(level, n, critical) + "."))

        out.append(self.heading("Models retired, retiring or deprecated"))
        if p.retirements:
            out.append(self.chart(charts["timeline"]))
            out.append(
                self.table(
                    ["Model", "Status", "Retired", "Projects", "Critical"],
                    [[r.model_id, r.status, r.retired.isoformat() if r.retired else "–", ", ".join(r.projects), str(r.critical)] for r in p.retirements],
                    (32, 12, 16, 30, 10),
                )
            )
        else:
            out.append(render.paragraph("None."))

        for title, rows_, label in (
            ("Open critical and high items per owner role", p.open_by_owner, "Owner"),
            ("Open critical and high items per area", p.open_by_area, "Area"),
        ):
            out.append(self.heading(title))
            if rows_:
                out.append(
                    self.table(
                        [label, "Critical", "High", "Projects"], [[c.name, str(c.critical), str(c.high), str(c.projects)] for c in rows_], (40, 20, 20, 20)
                    )
                )
            else:
                out.append(render.paragraph("None."))

        out.append(self.heading("Scores"))
        scores = p.scores
        line = ", ".join(f"{name}: {count}" for name, count in scores.bands)
        if scores.median is not None:
            line += f"; median {scores.median:g}, mean {scores.mean:g}, lowest {scores.lowest:g}"
        out.append(render.paragraph(line + "."))

        out.append(self.heading(f"Waivers expiring within {p.settings.waiver_days} days"))
        out.append(
            render.bullet_list(f"{w.expires.isoformat()}: {w.project} {w.item_id}, approved by {w.approved_by}" for w in p.waivers_due)
            if p.waivers_due
            else render.paragraph("None.")
        )
        out.append(self.heading(f"Assessments older than {p.settings.max_age_days} days, or undated"))
        out.append(
            render.bullet_list(
                f"{s.project}: " + (f"{s.date.isoformat()} ({plural(s.age_days or 0, 'day')} old)" if s.date else "no project.date") for s in p.stale
            )
            if p.stale
            else render.paragraph("None.")
        )

        out.append(self.heading("Projects"))
        out.append(
            self.table(
                ["Project", "Criticality", "Owner", "Developers", "Score"],
                [
                    [
                        self.project_name(pr),
                        pr.criticality or "unrated",
                        pr.owner or "–",
                        ", ".join(pr.values("developer")) or "–",
                        "–" if pr.score is None else f"{pr.score:g}",
                    ]
                    for pr in p.projects
                ],
                (30, 15, 20, 25, 10),
            )
        )
        if p.duplicates:
            out.append(self.heading("Duplicate project names"))
            out.append(render.bullet_list(f"{d.name}: kept {d.kept}; not counted: {', '.join(d.dropped)}" for d in p.duplicates))
        if p.excluded:
            out.append(self.heading(f"Not counted: {plural(len(p.excluded), 'file')} could not be read"))
            out.append(render.bullet_list(e.errors[0] for e in p.excluded))
        return out


# --- links to each project's own page --------------------------------------------------------
#
# A project's row links to the page that renders its assessment (``fmg:assessment``) when the docs
# have one. That page is found by what Sphinx already records: every directive that reads a file
# depends on it (``env.dependencies``), so the page that depends on the project's file, other than
# a portfolio page, is its page. Links are made when the page is written, so they follow pages
# added or removed since it was read; only HTML builders get them (a row is text elsewhere).

_FILE = "fmg_portfolio_file"
_ENV_KEY = "fmg_portfolio_pages"
_GLOBS_KEY = "fmg_portfolio_globs"


def _read_with(patterns: Sequence[str], today: _dt.date | None, files: Sequence[Any] | None = None) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What a portfolio page was read with: its globs, the files they matched (``files``, when the
    caller has just collected them) and the day it counted from ("" when ``:as-of:`` fixes the
    day). Plain data, so it pickles with the environment."""
    if files is None:
        files, _errors = inputs.collect(patterns)
    return tuple(patterns), tuple(str(f) for f in files), today.isoformat() if today else ""


def _globs(env: Any) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]:
    globs: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] | None = getattr(env, _GLOBS_KEY, None)
    if globs is None:
        globs = {}
        setattr(env, _GLOBS_KEY, globs)
    return globs


def _on_get_outdated(app: Sphinx, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """Portfolio pages whose globs now match other files, or that count from a day that has passed."""
    outdated = []
    for doc, (patterns, _files, day) in sorted(_globs(env).items()):
        if doc in removed or doc in changed:
            continue
        if _read_with(patterns, _dt.date.today() if day else None) != _globs(env)[doc]:
            outdated.append(doc)
    return outdated


def _pages(env: Any) -> set[str]:
    pages: set[str] | None = getattr(env, _ENV_KEY, None)
    if pages is None:
        pages = set()
        setattr(env, _ENV_KEY, pages)
    return pages


def _on_purge(app: Sphinx, env: Any, docname: str) -> None:
    _pages(env).discard(docname)
    _globs(env).pop(docname, None)


def _on_merge(app: Sphinx, env: Any, docnames: Any, other: Any) -> None:
    _pages(env).update(d for d in _pages(other) if d in docnames)
    _globs(env).update((d, read) for d, read in _globs(other).items() if d in docnames)


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    env = app.env
    portfolio_pages = _pages(env)
    owners: dict[str, str] | None = None
    for node in list(doctree.findall(nodes.inline)):
        target = node.get(_FILE)
        if not target:
            continue
        if owners is None:
            owners = {}
            for doc, files in sorted(env.dependencies.items()):
                if doc in portfolio_pages:
                    continue
                for file in files:
                    owners.setdefault(os.path.realpath(file), doc)
        page = owners.get(target)
        if page is None:
            continue
        ref = nodes.reference("", "", internal=True, refuri=app.builder.get_relative_uri(docname, page))
        ref += node.deepcopy()
        node.replace_self(ref)


def setup_portfolio(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "portfolio", PortfolioDirective)
    app.connect("env-purge-doc", _on_purge)
    app.connect("env-merge-info", _on_merge)
    app.connect("env-get-outdated", _on_get_outdated)
    app.connect("doctree-resolved", _on_doctree_resolved)


__all__ = ["PortfolioDirective", "PortfolioPage", "setup_portfolio"]
