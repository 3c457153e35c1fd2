"""The portfolio as CSV, for spreadsheets and BI tools: one row per project, or per project × model.

``--format csv`` writes one row per project (what it depends on, joined with ``;``);
``--format csv-models`` one row per model a project uses (a project without a model gets one row
with the model columns empty), which is the shape a pivot table wants. Both are RFC 4180 (the
``csv`` module, CRLF line ends). A cell that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab or CR first) is written with a leading apostrophe: a project name is data, and
must not become ``=HYPERLINK(...)`` in someone's Excel (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io

from .model import Portfolio

PROJECT_COLUMNS = (
    "project",
    "path",
    "criticality",
    "owner",
    "date",
    "score",
    "developers",
    "channels",
    "providers",
    "models",
    "open_critical",
    "open_high",
)
MODEL_COLUMNS = ("project", "path", "criticality", "owner", "model", "developer", "channel", "provider", "deprecated", "retired")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write(header: tuple[str, ...], rows: list[list[object]]) -> str:
    sink = io.StringIO()
    writer = csv.writer(sink)  # excel dialect: quotes where needed, CRLF
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return sink.getvalue()


def projects(portfolio: Portfolio) -> str:
    rows: list[list[object]] = [
        [
            p.name,
            p.path,
            p.criticality,
            p.owner,
            p.date.isoformat() if p.date else None,
            p.score,
            ";".join(p.values("developer")),
            ";".join(p.values("channel")),
            ";".join(p.values("provider")),
            ";".join(dict.fromkeys(m.id for m in p.models)),
            p.open_critical,
            p.open_high,
        ]
        for p in portfolio.projects
    ]
    return _write(PROJECT_COLUMNS, rows)


def models(portfolio: Portfolio) -> str:
    rows: list[list[object]] = []
    for p in portfolio.projects:
        head: list[object] = [p.name, p.path, p.criticality, p.owner]
        if not p.models:
            rows.append([*head, None, None, None, None, None, None])
        for m in p.models:
            rows.append(
                [
                    *head,
                    m.id,
                    m.developer,
                    m.channel,
                    m.provider,
                    m.deprecated.isoformat() if m.deprecated else None,
                    m.retired.isoformat() if m.retired else None,
                ]
            )
    return _write(MODEL_COLUMNS, rows)
