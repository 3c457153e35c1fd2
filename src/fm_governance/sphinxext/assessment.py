"""``fmg:assessment PATH``: a filled ``fm-governance.yaml`` as a report page.

The numbers come from :func:`fm_governance.core.scoring.score` — the scorer behind
``fm-governance check`` — and the order from :func:`~fm_governance.reports.model.sorted_for_attention`
(open items first, most severe first), so the page, the CLI and CI always agree.

Everything shown is data a person typed (notes, evidence, waiver reasons) or a scanner wrote
(inventory), so it enters the tree only as text nodes. Scoring findings such as an expired waiver
are part of the report, not build warnings: the handbook should still publish while an
assessment is being worked on. A file that cannot be read or validated *is* a build warning
(``fmg.assessment``), located at the offending line of the YAML file.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..core.assessment import read_assessment
from ..core.errors import InputError, InputErrors
from ..core.scoring import ChecklistResult, ItemResult, Problem, Result, Status, score
from ..reports.model import fmt_score, sorted_for_attention
from . import catalog, latex, render
from .directives import FmgDirective

#: Scanner inventories are nested data of unknown shape; past this depth they are summarised.
_MAX_DEPTH = 4


def as_of(argument: str | None) -> _dt.date:
    try:
        return _dt.date.fromisoformat((argument or "").strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {argument!r}") from None


class AssessmentDirective(FmgDirective):
    """Render a filled assessment: scores, items needing attention, findings and inventory."""

    subtype = "assessment"

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"as-of": as_of, "no-inventory": directives.flag}

    def render(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        # Depend on the file even when it is missing or broken, so fixing it re-reads the page.
        self.depend(str(path))
        self.domain.note_user(self.env.docname)
        loaded = self.loaded
        try:
            assessment = read_assessment(Path(path), loaded.catalog)
            for checklist_id in assessment.checklists:
                checklist = loaded.catalog.get(checklist_id)
                if checklist is not None:
                    self.depend(checklist.path)
            result = score(assessment, loaded.catalog, today=self.options.get("as-of"))
        except InputErrors as exc:
            for error in exc.errors:
                self._warn_input(error)
            return []
        except InputError as exc:
            self._warn_input(exc)
            return []
        except Exception as exc:  # whatever the file holds, the build goes on: located at the file
            self._warn_input(
                InputError(
                    catalog.error_location(exc, str(path)),
                    f"cannot be read ({catalog.unexpected(exc)})",
                    "check the file's YAML; if it is valid, report this fault in fm-governance",
                )
            )
            return []
        return [self._report(result, rel)]

    def _warn_input(self, error: InputError) -> None:
        text = error.message + (f" — {error.fix}" if error.fix else "")
        where = catalog.warning_location(error) if error.location.line else error.location.file
        self.warn(f"fmg:assessment: {where}: {' '.join(text.split())}", "assessment")

    # --- rendering -------------------------------------------------------------------------------

    def _report(self, result: Result, rel: str) -> nodes.Element:
        a = result.assessment
        box = nodes.container(classes=["fmg-assessment"], ids=[nodes.make_id(f"assessment-{a.project_name or rel}")])
        overall = fmt_score(result.score)
        summary = [
            render.field("Project", a.project_name or "(unnamed)"),
            render.field("Assessors", ", ".join(a.assessors) or "—"),
            render.field("Date", a.date or "—"),
            render.field("Modes", ", ".join(a.modes) or "all"),
            render.field("Overall score", render.paragraph(nodes.strong(f"{overall} / 100", f"{overall} / 100"))),
            render.field("Scored as of", result.today.isoformat()),
        ]
        box += render.field_list(summary, classes=["fmg-assessment-summary"])
        box += nodes.rubric("Score by checklist", "Score by checklist")
        scores = render.table(
            ["Checklist", "Version", "Score", "Met", "Partial", "Not met", "Open", "Waived", "n/a"],
            [self._checklist_row(c) for c in result.checklists],
            widths=[24, 10, 8, 6, 6, 6, 6, 6, 6],
            classes=["fmg-assessment", "colwidths-given"],
        )
        # Where the text of each row comes from, for the PDF pass's warnings (see latex.py).
        for row, c in zip(next(scores.findall(nodes.tbody)).children, result.checklists, strict=True):
            row[latex.ORIGIN] = f"{c.checklist.path}:1"
        box += scores
        box += nodes.rubric("Items, open and most severe first", "Items, open and most severe first")
        items = sorted_for_attention(result.items)
        table = render.table(
            ["Item", "Severity", "Owner", "Status", "Notes", "Evidence", "Waiver"],
            [self._item_row(r, result.today) for r in items],
            widths=[22, 8, 9, 8, 25, 16, 12],
            classes=["fmg-assessment", "colwidths-given"],
        )
        box[latex.ORIGIN] = f"{a.path}:1"
        for row, r in zip(next(table.findall(nodes.tbody)).children, items, strict=True):
            if r.response is not None:
                row[latex.ORIGIN] = f"{r.response.location.file}:{r.response.location.line or 1}"
        box += table
        if result.problems:
            box += nodes.rubric("Findings", "Findings")
            box += render.bullet_list(self._problem(p) for p in result.problems)
        if a.inventory and "no-inventory" not in self.options:
            box += nodes.rubric("Inventory", "Inventory")
            box += self._data(a.inventory, 0)
        return box

    def _checklist_row(self, c: ChecklistResult) -> list[Any]:
        version = c.checklist.version if c.assessed_version in ("", c.checklist.version) else f"{c.assessed_version} (now {c.checklist.version})"
        counts = [str(c.count(s)) for s in (Status.MET, Status.PARTIAL, Status.NOT_MET, Status.OPEN, Status.WAIVED)]
        counts.append(str(c.count(Status.EXCLUDED, Status.NOT_APPLICABLE)))
        link = render.xref("checklist", c.checklist.id, c.checklist.title, docname=self.env.docname, soft=True)
        return [link, version, fmt_score(c.score), *counts]

    def _item_row(self, r: ItemResult, today: _dt.date) -> list[Any]:
        resp = r.response
        item_cell: list[Any] = [render.xref("item", r.item.id, r.item.id, docname=self.env.docname, soft=True), f" {r.item.title}"]
        status: list[Any] = [render.badge("status", r.status.label)]
        if resp and resp.answer is not None and r.status.label != resp.answer.value:
            status.append(f" (answer: {resp.answer.value})")
        waiver = ""
        if resp and resp.waiver:
            state = "valid" if resp.waiver.valid_on(today) else "expired"
            waiver = f"{state} until {resp.waiver.expires.isoformat()}, approved by {resp.waiver.approved_by}: {resp.waiver.reason}"
        evidence = render.bullet_list(resp.evidence) if resp and resp.evidence else ""
        return [
            item_cell,
            render.badge("severity", r.item.severity.value),
            render.badge("owner", r.item.owner),
            status,
            (resp.notes if resp else "") or "",
            evidence,
            waiver,
        ]

    def _problem(self, p: Problem) -> list[Any]:
        where = f"line {p.location.line}: " if p.location.line else ""
        return [render.badge("level", p.level), f" {where}{p.message}"]

    def _data(self, value: object, depth: int) -> nodes.Element:
        """Any YAML value as nested field lists and bullet lists of text."""
        if depth >= _MAX_DEPTH:
            return render.paragraph(_scalar(value))
        if isinstance(value, dict):
            fields = [render.field(str(k), self._data(v, depth + 1)) for k, v in value.items()]
            return render.field_list(fields) if fields else render.paragraph("—")
        if isinstance(value, list | tuple):
            bl = nodes.bullet_list()
            for entry in value:
                bl += nodes.list_item("", self._data(entry, depth + 1))
            return bl if len(bl) else render.paragraph("—")
        return render.paragraph(_scalar(value))


def _scalar(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list | tuple):
        return f"{len(value)} entries"
    return str(value)


def setup_assessment(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "assessment", AssessmentDirective)
