"""The portfolio as Markdown (``portfolio --format markdown``): for a wiki page, an issue, a job summary.

GitHub-flavoured tables; every name from a file goes through
:func:`~fm_governance.core.escaping.md_inline`, so a project called ``*evil* | [x](javascript:)``
is text, never markup or a broken table.
"""

from __future__ import annotations

from ..core.escaping import md_inline
from .model import HHI_SOURCE, HHI_SOURCE_URL, NOT_FOUND, Portfolio, percent, plural, retires_in
from .text import hhi_text


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render(portfolio: Portfolio) -> str:
    n, critical = len(portfolio.projects), portfolio.critical_count
    out = [f"# Model portfolio, as of {portfolio.today.isoformat()}", "", md_inline(portfolio.headline()), ""]
    if portfolio.criticality:
        out += ["Criticality: " + ", ".join(f"{md_inline(name)} {count}" for name, count in portfolio.criticality) + ".", ""]

    out += ["## Concentration", ""]
    for level in portfolio.levels:
        out += [f"### {level.title}", ""]
        rows = [[md_inline(s.name), str(s.projects), percent(s.share), str(s.critical), percent(s.critical_share)] for s in level.shares]
        unknown = n - level.known
        if unknown:
            rows.append(
                [
                    f"*{NOT_FOUND}*",
                    str(unknown),
                    percent(unknown / n),
                    str(critical - level.critical_known),
                    percent((critical - level.critical_known) / critical if critical else None),
                ]
            )
        if rows:
            out += _table(["Name", "Projects", "Share", "Critical", "Of critical"], rows)
        line = f"HHI **{hhi_text(level.hhi, level.band)}** over {level.known} of {plural(n, 'project')}"
        if critical:
            line += f"; critical projects: **{hhi_text(level.hhi_critical, level.band_critical)}** over {level.critical_known} of {critical}"
        out += [line + ".", ""]
    out += [
        f"HHI bands: [{md_inline(HHI_SOURCE)}]({HHI_SOURCE_URL}). Shares of projects can add up to more than 100%: a project that uses two developers depends on both.",
        "",
    ]

    out += [f"## Single points of failure (more than {percent(portfolio.settings.spof_threshold)} of critical projects)", ""]
    if not critical:
        out += ["None measurable: no project has `criticality: critical`.", ""]
    elif not portfolio.single_points:
        out += ["None.", ""]
    else:
        out += [
            f"- **{s.level} {md_inline(s.name)}**: {s.critical} of {s.critical_total} critical projects ({percent(s.share)})" for s in portfolio.single_points
        ]
        out.append("")

    out += ["## Models retired, retiring or deprecated", ""]
    if portfolio.retirements:
        out += _table(
            ["Model", "Status", "Deprecated", "Retired", "Retirement", "Projects", "Critical"],
            [
                [
                    md_inline(r.model_id),
                    r.status,
                    r.deprecated.isoformat() if r.deprecated else "–",
                    r.retired.isoformat() if r.retired else "–",
                    retires_in(r.days),
                    md_inline(", ".join(r.projects)),
                    str(r.critical),
                ]
                for r in portfolio.retirements
            ],
        )
    else:
        out += ["None.", ""]

    for title, counts, label in (
        ("Open critical and high items per owner role", portfolio.open_by_owner, "Owner"),
        ("Open critical and high items per area", portfolio.open_by_area, "Area"),
    ):
        out += [f"## {title}", ""]
        out += (
            _table([label, "Critical", "High", "Projects"], [[md_inline(c.name), str(c.critical), str(c.high), str(c.projects)] for c in counts])
            if counts
            else ["None.", ""]
        )

    scores = portfolio.scores
    out += ["## Scores", ""]
    out += _table(
        ["Score", "Projects"], [[name, str(count)] for name, count in scores.bands] + ([["not scored", str(scores.unscored)]] if scores.unscored else [])
    )
    if scores.median is not None:
        out += [f"Median {scores.median:g}, mean {scores.mean:g}, lowest {scores.lowest:g}.", ""]

    out += [f"## Waivers expiring within {portfolio.settings.waiver_days} days", ""]
    if portfolio.waivers_due:
        out += _table(
            ["Expires", "Project", "Item", "Approved by"],
            [[w.expires.isoformat(), md_inline(w.project), md_inline(w.item_id), md_inline(w.approved_by)] for w in portfolio.waivers_due],
        )
    else:
        out += ["None.", ""]

    out += [f"## Assessments older than {portfolio.settings.max_age_days} days, or undated", ""]
    if portfolio.stale:
        out += _table(
            ["Project", "Date", "Age (days)", "File"],
            [
                [md_inline(s.project), s.date.isoformat() if s.date else "–", "–" if s.age_days is None else str(s.age_days), md_inline(s.path)]
                for s in portfolio.stale
            ],
        )
    else:
        out += ["None.", ""]

    out += ["## Projects", ""]
    out += _table(
        ["Project", "Criticality", "Owner", "Developers", "Score", "Open critical", "Open high"],
        [
            [
                md_inline(p.name),
                p.criticality or "unrated",
                md_inline(p.owner) if p.owner else "–",
                md_inline(", ".join(p.values("developer"))) or "–",
                "–" if p.score is None else f"{p.score:g}",
                str(p.open_critical),
                str(p.open_high),
            ]
            for p in portfolio.projects
        ],
    )

    if portfolio.duplicates:
        out += ["## Duplicate project names", "", "Counted once: the most recent assessment.", ""]
        out += [f"- **{md_inline(d.name)}**: kept {md_inline(d.kept)}; not counted: {md_inline(', '.join(d.dropped))}" for d in portfolio.duplicates]
        out.append("")
    if portfolio.excluded:
        out += [f"## Not counted: {plural(len(portfolio.excluded), 'file')} could not be read", ""]
        out += [f"- {md_inline(e.errors[0])}" for e in portfolio.excluded]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
