"""The ``fmg:assessment`` page, laid out from the report model as builder-neutral docutils nodes.

:func:`report_nodes` turns a :class:`~fm_governance.reports.model.Report` — the model every report
of ``fm-governance`` is rendered from — into the page: the verdict, the per-area score chart, what
blocks approval, the to-do list per owner role, every area's items grouped by status, the
scorer's findings and the scanner's inventory as tables. It decides nothing the model decides
(what is open, what blocks, who does what, which model is near retirement); it only lays that out.

Standard nodes only (admonition, rubrics, tables, bullet lists, references), because every writer
renders them well: a table is a ``longtable`` with wrapping ``\\X`` columns in the PDF (widths
given, so nothing runs off the page) and sits in a ``fmg-scroll`` container that scrolls
sideways on a narrow screen instead of widening the page. Item ids are inline literals (no line
break inside ``DE-01`` in the PDF; ``white-space: nowrap`` in HTML) linked to the item when the
project renders its checklist. Everything from a file — notes, evidence, names, inventory values —
is a Text node, escaped by each writer; only http(s) evidence becomes a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from docutils import nodes

from ..core.scoring import Problem, Status
from ..reports.model import Area, Inventory, ItemView, Report, fmt_score, plural
from . import latex, render
from .scorechart import chart_node

#: Command-line flags and `code` in the model's sentences: shown as code, and so left alone by
#: smart quotes, which would make ``--fail-on`` an en dash and ``fail-on``.
_CODE = re.compile(r"`([^`]+)`|(?<![\w-])(--[a-z][a-z-]*)")


def prose(text: str, classes: Sequence[str] = ()) -> nodes.paragraph:
    """A sentence of the model as a paragraph, its flags and `code` spans as inline literals."""
    parts: list[render.NodeLike] = []
    last = 0
    for match in _CODE.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        code = match.group(1) or match.group(2)
        parts.append(nodes.literal(code, code))
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return render.paragraph(*parts, classes=classes)


#: Theme admonition class per verdict state: the theme's colours, and the word in the title.
_THEME_CLASS = {"failed": "error", "passed": "tip", "none": "note"}


class PageLayout:
    """Lays one report out for one page (``docname``: where links are resolved from; ``level``:
    the heading level of the page's parts, one below the section the directive is in)."""

    def __init__(self, report: Report, *, docname: str, level: int, chart_id: str, show_inventory: bool) -> None:
        self.report = report
        self.docname = docname
        self.level = max(2, min(level, 5))
        self.chart_id = chart_id
        self.show_inventory = show_inventory

    # --- pieces ----------------------------------------------------------------------------------

    def heading(self, title: str, *, sub: int = 0, classes: Sequence[str] = ()) -> nodes.rubric:
        rubric = nodes.rubric(title, title, classes=list(classes))
        rubric["heading-level"] = min(6, self.level + sub)
        return rubric

    def item_ref(self, view: ItemView) -> nodes.Node:
        """The item's id, never broken across lines, linked to the item when a page renders it."""
        ref = render.xref("item", view.id, view.id, docname=self.docname, soft=True)
        ref.children = []
        ref += nodes.literal(view.id, view.id, classes=["fmg-id"])
        return ref

    def id_ref(self, item_id: str) -> nodes.Node:
        ref = render.xref("item", item_id, item_id, docname=self.docname, soft=True)
        ref.children = []
        ref += nodes.literal(item_id, item_id, classes=["fmg-id"])
        return ref

    @staticmethod
    def scroll(table: nodes.table) -> nodes.container:
        """A table in a container that scrolls sideways on a narrow screen (fmg.css)."""
        return nodes.container("", table, classes=["fmg-scroll"])

    @staticmethod
    def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int], kind: str) -> nodes.table:
        return render.table(headers, rows, widths=widths, classes=["fmg-assessment", f"fmg-{kind}", "colwidths-given"])

    # --- the page --------------------------------------------------------------------------------

    def page(self) -> list[nodes.Node]:
        r = self.report
        out: list[nodes.Node] = [self.verdict(), self.facts()]
        out += [self.heading("Score by area"), chart_node(self._chart_rows(), self._svg()), self.scores()]
        out += self.blocking()
        out += self.review()
        out += self.stale()
        out += self.todo()
        for area in r.areas:
            out += self.area(area)
        if r.problems:
            out.append(self.heading("Findings"))
            out.append(render.bullet_list(self._problem(p) for p in r.problems))
        if self.show_inventory and not r.inventory.empty:
            out += self.inventory(r.inventory)
        return out

    def _chart_rows(self) -> list[tuple[str, float | None]]:
        return [(a.title, a.score) for a in self.report.areas] + [("Overall", self.report.score)]

    def _svg(self) -> str:
        from ..reports.chart import score_chart_svg

        return score_chart_svg(self.report, element_id=self.chart_id)

    def verdict(self) -> nodes.admonition:
        v = self.report.verdict
        box = nodes.admonition(classes=["fmg-verdict", f"fmg-verdict-{v.state}", _THEME_CLASS[v.state]])
        box += nodes.title(v.label, v.label)
        # In a container: the text writer runs an admonition's paragraphs together otherwise.
        body = nodes.container(classes=["fmg-verdict-body"])
        body += render.paragraph(nodes.strong(v.sentence, v.sentence), classes=["fmg-verdict-sentence"])
        # The state is the box's title and opens the sentence: the policy follows without saying
        # it a third time, then what a passing gate left out, or why a failing one failed.
        if v.policy_note:
            body += prose(v.policy_note, classes=["fmg-policy"])
        if v.state == "passed" and v.not_gated:
            left = "; ".join(v.not_gated)
            body += prose(f"{left[:1].upper()}{left[1:]}.", classes=["fmg-policy"])
        # The failing items are the "What blocks approval" table right below; the box lists only
        # the causes that are not items (a score under fail-under), as the HTML report does.
        if v.state == "failed" and self.report.blocker_notes:
            reasons = nodes.bullet_list(classes=["fmg-reasons"])
            reasons.extend(nodes.list_item("", prose(reason)) for reason in self.report.blocker_notes)
            body += reasons
        box += body
        return box

    def facts(self) -> nodes.paragraph:
        """Project, assessors, date, modes, score and scoring date in one short paragraph (a field
        list spends a line on each label and each value)."""
        r = self.report
        a = r.result.assessment
        score = f"{fmt_score(r.score)} / 100"
        facts: list[tuple[str, render.NodeLike]] = [
            ("Project", a.project_name or "(unnamed)"),
            ("Assessors", ", ".join(a.assessors) or "—"),
            ("Date", a.date or "—"),
            ("Modes", ", ".join(a.modes) or "all"),
            ("Overall score", nodes.strong(score, score)),
            ("Scored as of", r.today.isoformat()),
        ]
        if r.owners:
            facts.append(("Listed for", ", ".join(r.owners)))
        parts: list[render.NodeLike] = []
        for n, (label, value) in enumerate(facts):
            parts += [" · " if n else "", nodes.emphasis(f"{label}:", f"{label}:"), " ", value]
        return render.paragraph(*[p for p in parts if p != ""], classes=["fmg-facts"])

    def scores(self) -> nodes.container:
        review_column = bool(self.report.result.needing_review)
        rows = []
        for area in self.report.areas:
            c = area.result
            version = area.version if area.assessed_version in ("", area.version) else f"{area.assessed_version} (now {area.version})"
            link = render.xref("checklist", area.id, area.title, docname=self.docname, soft=True)
            counts = [str(c.count(s)) for s in _COUNTED]
            counts.append(str(c.count(*_NOT_APPLICABLE)))
            if review_column:
                counts.append(str(c.count(Status.REVIEW)))
            rows.append([link, version, fmt_score(area.score), *counts])
        headers = ["Checklist", "Version", "Score", "Met", "Partial", "Not met", "Unanswered", "Waived", "n/a"]
        widths = [16, 12, 9, 7, 10, 9, 15, 12, 10]  # the headers' words fit a narrow theme (alabaster)
        if review_column:  # only when some answer needs review: most pages never have one
            headers.append("Review")
            widths = [14, 11, 8, 7, 9, 8, 14, 10, 8, 11]
        table = self.table(headers, rows, widths, "scores")
        for row, area in zip(next(table.findall(nodes.tbody)).children, self.report.areas, strict=True):
            row[latex.ORIGIN] = f"{area.result.checklist.path}:1"  # where the PDF pass's warnings point
        return self.scroll(table)

    def blocking(self) -> list[nodes.Node]:
        r = self.report
        out: list[nodes.Node] = [self.heading("What blocks approval")]
        fail_on = r.policy.fail_on if r.policy is not None else None
        out += [prose(note, classes=["fmg-blocker-note"]) for note in r.blocker_notes]
        if fail_on is not None:
            if r.blockers:
                out.append(self.item_table(r.blockers, "blockers", with_state=True))
            elif not r.blocker_notes:
                out.append(render.paragraph(f"No open item fails fail-on {fail_on.shown()}."))
            return out
        out.append(render.paragraph("No fail-on is set, so no item blocks approval by policy.", classes=["fmg-no-fail-on"]))
        out.append(self.heading("Open critical and high items (no fail-on set: none of them blocks by policy)", sub=1))
        if r.attention:
            out.append(self.item_table(r.attention, "attention", with_state=True))
        else:
            out.append(render.paragraph("No critical or high item is open."))
        return out

    def review(self) -> list[nodes.Node]:
        """The answers whose question changed since they were answered (``review:``), if any."""
        views = self.report.needing_review
        if not views:
            return []
        return [
            self.heading(f"Answers that need review ({len(views)})"),
            render.paragraph(
                "Each question changed in meaning after it was answered: re-confirm the answer against the question as it reads now, then delete review: from the item."
            ),
            self.item_table(views, "review", with_state=True),
        ]

    def stale(self) -> list[nodes.Node]:
        """The answers past the policy's ``max-age`` and the dated evidence past its
        ``evidence-max-age``, as ``check`` lists them (each is also a finding, with its line)."""
        r = self.report
        out: list[nodes.Node] = []
        answers = [st for st in r.stale if r.lists(st.view.owner)]
        if answers:
            out.append(self.heading(f"Stale answers ({len(answers)})"))
            out.append(prose("Answers older than the policy's `max-age` for their severity: re-confirm each and set `reviewed:` to that day."))
            rows = [
                [
                    [self.item_ref(st.view), f" {st.view.title}"],
                    render.badge("severity", st.view.severity.value),
                    render.badge("owner", st.view.owner),
                    f"{st.since.isoformat()} ({st.since_source})" if st.since else "no reviewed: date",
                    str(st.age_days) if st.age_days is not None else "—",
                    str(st.max_age),
                ]
                for st in answers
            ]
            headers = ["Item", "Severity", "Owner", "Last confirmed", "Age (days)", "Max-age"]
            out.append(self.scroll(self.table(headers, rows, [30, 12, 12, 22, 12, 12], "stale")))
        evidence = [se for se in r.stale_evidence if r.lists(se.view.owner)]
        if evidence:
            out.append(self.heading(f"Stale evidence ({len(evidence)})"))
            out.append(prose("Dated evidence older than the policy's `evidence-max-age` for its item's severity: renew it and update its `date`."))
            rows = [
                [
                    self.item_ref(se.view),
                    render.badge("severity", se.view.severity.value),
                    render.external_link(se.entry.ref.strip(), se.entry.ref) if se.entry.is_url else se.entry.ref,
                    se.entry.date.isoformat() if se.entry.date else "—",
                    str(se.age_days),
                    str(se.max_age),
                ]
                for se in evidence
            ]
            headers = ["Item", "Severity", "Evidence", "Dated", "Age (days)", "Max-age"]
            out.append(self.scroll(self.table(headers, rows, [14, 12, 38, 14, 11, 11], "stale-evidence")))
        return out

    def item_table(self, views: Sequence[ItemView], kind: str, *, with_state: bool) -> nodes.container:
        rows = [[[self.item_ref(v), f" {v.title}"], render.badge("severity", v.severity.value), render.badge("owner", v.owner), v.state] for v in views]
        return self.scroll(self.table(["Item", "Severity", "Owner", "State"], rows, [40, 14, 16, 30], kind))

    def todo(self) -> list[nodes.Node]:
        r = self.report
        out: list[nodes.Node] = [self.heading("To do by owner")]
        if not r.todo:
            whose = f" for {', '.join(r.owners)}" if r.owners else ""
            out.append(render.paragraph(f"No open item{whose}."))
            return out
        for todo in r.todo:
            out.append(self.heading(f"{todo.owner} ({plural(len(todo.items), 'open item')})", sub=1, classes=["fmg-todo-owner"]))
            entries = [[self.item_ref(v), " ", render.badge("severity", v.severity.value), f" — {v.question}"] for v in todo.items]
            out.append(render.bullet_list(entries, classes=["fmg-todo"]))
        return out

    # --- areas -----------------------------------------------------------------------------------

    def area(self, area: Area) -> list[nodes.Node]:
        out: list[nodes.Node] = [self.heading(f"{area.title}: {fmt_score(area.score)} / 100", classes=["fmg-area"])]
        if not area.groups:
            out.append(render.paragraph(f"No item of this checklist is answered by {', '.join(self.report.owners)}." if self.report.owners else "No item."))
            return out
        for group in area.groups:
            out.append(self.heading(f"{group.heading} ({len(group.items)})", sub=1, classes=["fmg-status-group"]))
            rows = [
                [[self.item_ref(v), f" {v.title}"], render.badge("severity", v.severity.value), render.badge("owner", v.owner), self.details(v)]
                for v in group.items
            ]
            box = self.scroll(self.table(["Item", "Severity", "Owner", "Details"], rows, [26, 11, 13, 50], "items"))
            for row, view in zip(next(box.findall(nodes.tbody)).children, group.items, strict=True):
                if view.location is not None:
                    row[latex.ORIGIN] = f"{view.location.file}:{view.location.line or 1}"
            out.append(box)
        return out

    def details(self, v: ItemView) -> list[nodes.Node]:
        parts: list[nodes.Node] = [render.paragraph(nodes.emphasis(v.state, v.state), classes=["fmg-state"])]
        if v.notes:
            parts.append(render.paragraph(v.notes, classes=["fmg-notes"]))
        if v.evidence:
            links: list[list[render.NodeLike]] = [
                [render.external_link(e.url, e.text) if e.url else render.text(e.text), *([f" ({e.date_note})"] if e.date else [])] for e in v.evidence
            ]
            parts.append(render.bullet_list(links, classes=["fmg-evidence"]))
        if v.waiver is not None:
            w = v.waiver
            when = {
                "expired": f"expired on {w.expires.isoformat()}",
                "expiring": f"expires {w.expires.isoformat()} (in {plural(w.days_left, 'day')})",
                "valid": f"valid until {w.expires.isoformat()}",
            }[w.state]
            parts.append(
                render.paragraph(
                    nodes.strong("Waiver", "Waiver"), f" {when}, approved by {w.approved_by}: {w.reason}", classes=["fmg-waiver", f"fmg-waiver-{w.state}"]
                )
            )
        return parts

    @staticmethod
    def _problem(p: Problem) -> list[Any]:
        where = f"line {p.location.line}: " if p.location.line else ""
        return [render.badge("level", p.level), f" {where}{p.message}"]

    # --- inventory -------------------------------------------------------------------------------

    def inventory(self, inv: Inventory) -> list[nodes.Node]:
        out: list[nodes.Node] = [self.heading("Inventory")]
        if inv.providers:
            rows = [[p.name, nodes.literal(p.id, p.id, classes=["fmg-id"]), ", ".join(p.roles) or "—", ", ".join(p.evidence) or "—"] for p in inv.providers]
            out += [self.heading("Providers", sub=1), self.scroll(self.table(["Provider", "Id", "Role", "Evidence"], rows, [22, 18, 15, 45], "providers"))]
        if inv.models:
            rows = [
                [
                    nodes.literal(m.id, m.id, classes=["fmg-model-id"]),
                    m.route or "—",
                    m.alias,
                    render.external_link(m.licence_url, m.licence or "licence terms") if m.licence_url else (m.licence or "—"),
                    self._lifecycle(m.lifecycle, m.source, m.near_retirement),
                    ", ".join(m.evidence) or "—",
                ]
                for m in inv.models
            ]
            headers = ["Model", "Provider", "Alias", "Licence", "Lifecycle", "Evidence"]
            out += [self.heading("Models", sub=1), self.scroll(self.table(headers, rows, [30, 11, 9, 13, 22, 15], "models"))]
        if inv.signals:
            rows = []
            for s in inv.signals:
                signal: list[Any] = (
                    [s.title or s.id, " ", nodes.literal(s.id, s.id, classes=["fmg-id"])] if s.title else [nodes.literal(s.id, s.id, classes=["fmg-id"])]
                )
                items: list[Any] = render.joined([self.id_ref(i) for i in s.items]) or ["—"]
                evidence = ", ".join(s.evidence) + (f" and {s.more} more" if s.more else "")
                rows.append([signal, items, evidence or "—"])
            out += [self.heading("Signals", sub=1), self.scroll(self.table(["Signal", "Items it bears on", "Evidence"], rows, [30, 40, 30], "signals"))]
        summary = [[key, str(count)] for key, count in inv.findings.items()]
        if inv.skipped is not None:
            summary.append(["skipped files", str(inv.skipped)])
        if inv.catalog_as_of:
            summary.append(["model catalog as of", inv.catalog_as_of])
        if summary:
            out += [self.heading("Scan summary", sub=1), self.scroll(self.table(["What", "Value"], summary, [60, 40], "scan"))]
        if inv.other:
            rows = [[nodes.literal(k, k, classes=["fmg-key"]), v] for k, v in inv.other]
            out += [self.heading("Other inventory data", sub=1), self.scroll(self.table(["Key", "Value"], rows, [35, 65], "other"))]
        return out

    @staticmethod
    def _lifecycle(state: str, source: str, near: bool) -> list[Any]:
        parts: list[Any] = [nodes.strong(state, state) if near else (state or "no date known")]
        if source:
            parts += [" (", render.external_link(source, "source"), ")"] if source.startswith(("https://", "http://")) else [f" (source: {source})"]
        return parts


#: Statuses counted in the score table, in its column order; the last column adds both n/a kinds.
_COUNTED = (Status.MET, Status.PARTIAL, Status.NOT_MET, Status.OPEN, Status.WAIVED)
_NOT_APPLICABLE = (Status.EXCLUDED, Status.NOT_APPLICABLE)


def report_nodes(report: Report, *, docname: str, level: int, chart_id: str, show_inventory: bool) -> list[nodes.Node]:
    """The page of ``report``, as nodes (see :class:`PageLayout`)."""
    return PageLayout(report, docname=docname, level=level, chart_id=chart_id, show_inventory=show_inventory).page()
