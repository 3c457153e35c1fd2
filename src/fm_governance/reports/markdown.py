"""Markdown: the pull-request comment of ``check --format markdown`` and the whole report of
``report --format markdown``.

**The comment** (:func:`comment`) is read in a pull request or a CI job summary, where the first
screen is all most reviewers read. So it leads with the verdict — a heading with the gate's state,
the verdict sentence, the policy and where it came from — then what blocks approval (or, with no
``fail-on``, the open critical and high items, under a heading that says they block nothing *by
policy*), and folds everything else into ``<details>`` blocks: the score per area, every open item,
the to-do per owner role, problems in the file. GitHub refuses a comment over
:data:`COMMENT_LIMIT` characters, so a comment that would exceed :data:`BUDGET` (room left for a
CI bot's own wrapper) drops detail blocks from the end, then shortens the list at the top, and
says what it left out and how to get it all. It never cuts through a block: the Markdown stays
valid, every ``<details>`` closed.

**The document** (:func:`document`) is the report a risk committee reads: the verdict, the score
chart as a table with a text bar, what blocks approval, expiring waivers, models near retirement,
the to-do per owner, then each area's items grouped by status with notes, evidence, waivers, and
the inventory as tables. No JSON anywhere.

Item ids never break: a browser splits ``DE-03`` after its hyphen in a table column squeezed by a
long question beside it. So items are listed one per line, id first (``- **DE-03** (high, legal,
unanswered): …``), where the ASCII id can be copied and searched for as written; the few ids in
table cells of the document (expiring waivers, the signals' items) use a non-breaking hyphen
(U+2011) instead.

Text from files is data: :func:`~fm_governance.core.escaping.md_inline` escapes every character
that would start markup and keeps each table row on one line; :func:`~.escaping.md_paragraph` also
stops text from starting a list or a heading. Evidence that is one http(s) URL becomes a link whose
text is escaped and whose destination is percent-encoded inside ``<…>``, so it cannot end early.
The summaries of ``<details>`` are raw HTML in GitHub's renderer: they hold only the tool's own
words and numbers, HTML-escaped all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from .. import __version__
from ..core.escaping import md_code, md_inline, md_paragraph
from ..core.models import Evidence
from ..core.scoring import Status
from .model import FINDING_LABELS, WAIVER_HORIZON_DAYS, ItemView, Report, fmt_score, join_words, plural

#: GitHub's limit on the body of an issue or pull-request comment, in characters.
COMMENT_LIMIT = 65_536
#: What :func:`comment` stays under: the limit less room for a CI bot's own header and footer.
BUDGET = 60_000
#: The longest project name a comment's heading shows (the rest is elided).
_NAME_LIMIT = 1_000
#: Cells of the text bar in the document's score table.
_BAR_CELLS = 10

# Characters a URL keeps inside a <…> destination; everything else is percent-encoded (``<``,
# ``>`` and ``\`` would end it or escape, controls and spaces are invisible).
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "<>\\")


def _link(text: str, url: str) -> str:
    return f"[{md_inline(text)}](<{quote(url, safe=_URL_SAFE, errors='replace')}>)"


def _evidence_text(ref: str) -> str:
    """An evidence entry inline: a link when the whole entry is one http(s) URL, text otherwise."""
    return _link(ref, ref.strip()) if Evidence(ref).is_url else md_inline(ref)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A GitHub table; ``align`` is one letter per column, ``r`` for right-aligned numbers."""
    marks = ["---:" if (align[n : n + 1] == "r") else "---" for n in range(len(header))]
    return ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|", *("| " + " | ".join(row) + " |" for row in rows)]


def _details(summary: str, body: list[str]) -> list[str]:
    # A blank line after <summary>: GitHub renders the Markdown inside only after one.
    return ["<details>", f"<summary>{escape(summary)}</summary>", "", *body, "", "</details>", ""]


def _footer(report: Report) -> str:
    return f"<sub>fm-governance {__version__} · scored {report.today.isoformat()}</sub>"


def _policy(report: Report) -> list[str]:
    """The policy lines, each a paragraph. The "Gate failed (…):" line that introduces the reasons
    is left out: the reasons are listed, with their questions, under "What blocks approval"."""
    out = []
    for sentence in report.verdict.policy_lines:
        if report.verdict.state == "failed" and sentence.endswith(":"):
            continue
        out += [md_paragraph(sentence), ""]
    return out


def _item_line(v: ItemView, *, line: bool = False) -> str:
    """One item as a list entry: the id leads its line, where no narrow column can break it."""
    where = f", line {v.location.line}" if line and v.location is not None and v.location.line else ""
    return f"- **{md_inline(v.id)}** ({v.severity.value}, {md_inline(v.owner)}, {md_inline(v.state)}{where}): {md_inline(v.question)}"


@dataclass(frozen=True)
class _Section:
    """One list at the top: what blocks approval, or the open critical and high items."""

    heading: str
    sentence: str
    items: tuple[ItemView, ...]
    notes: tuple[str, ...] = ()


def _sections(report: Report) -> list[_Section]:
    out = []
    if report.blockers or report.blocker_notes:
        count = f" ({len(report.blockers)})" if report.blockers else ""
        out.append(_Section(f"What blocks approval{count}", "", report.blockers, report.blocker_notes))
    elif report.verdict.state == "passed":
        out.append(_Section("What blocks approval", "Nothing blocks approval under this policy.", ()))
    if report.attention:
        why = "No gate is set" if report.verdict.state == "none" else "No fail-on is set"
        sentence = f"{why}, so these block nothing by policy; they are the open items that matter most."
        out.append(_Section(f"Open critical and high items ({len(report.attention)})", sentence, report.attention))
    return out


def _top(sections: list[_Section], level: str, shown: int | None = None) -> list[str]:
    """The sections, their lists limited to ``shown`` items in all (None: every item)."""
    out: list[str] = []
    left = shown
    for section in sections:
        out += [f"{level} {section.heading}", ""]
        if section.sentence:
            out += [md_paragraph(section.sentence), ""]
        keep = len(section.items) if left is None else min(left, len(section.items))
        if keep:
            out += [*(_item_line(v) for v in section.items[:keep]), ""]
        if keep < len(section.items):
            out += [f"… and {len(section.items) - keep} more, left out to fit.", ""]
        if section.notes:
            out += [*(f"- {md_paragraph(n)}" for n in section.notes), ""]
        if left is not None:
            left -= keep
    return out


# --- The pull-request comment ------------------------------------------------------------------


def comment(report: Report, *, budget: int = BUDGET) -> str:
    """``check --format markdown``: the verdict first, details folded, under ``budget`` characters."""
    name = report.project_name
    title = f"fm-governance: {md_inline(_clip(name, _NAME_LIMIT))}" if name else "fm-governance assessment"
    head = [f"## {report.verdict.label} · {title}", "", md_paragraph(report.verdict.sentence), "", *_policy(report)]
    if report.owners:
        head += [md_paragraph(report.owner_note), ""]
    sections = _sections(report)
    total_rows = sum(len(s.items) for s in sections)

    blocks: list[tuple[str, list[str]]] = []
    # A "Review" column only when some answer needs review: most reports never have one.
    review_column = bool(report.result.needing_review)
    area_rows = [
        [
            md_inline(a.title),
            md_inline(a.version),
            fmt_score(a.score),
            *(str(a.count(*s)) for s in ((Status.MET,), (Status.PARTIAL,), (Status.NOT_MET,), (Status.OPEN,), (Status.WAIVED,))),
            str(a.count(Status.EXCLUDED, Status.NOT_APPLICABLE)),
            *([str(a.count(Status.REVIEW))] if review_column else []),
        ]
        for a in report.areas
    ]
    area_rows.append(["**Overall**", "", f"**{fmt_score(report.score)}**", *[""] * (7 if review_column else 6)])
    blocks.append(
        (
            "the score per area",
            _details(
                f"Score per area (overall {fmt_score(report.score)}/100)",
                _table(
                    ("Area", "Version", "Score", "Met", "Partial", "No", "Unanswered", "Waived", "n/a", *(["Review"] if review_column else [])),
                    area_rows,
                    "llrrrrrrr" + ("r" if review_column else ""),
                ),
            ),
        )
    )
    open_items = report.open_items
    if open_items:
        whose = f" owned by {', '.join(report.owners)}" if report.owners else ""
        blocks.append(
            (
                f"the list of {plural(len(open_items), 'open item')}",
                _details(f"Open items{whose} ({len(open_items)}), most severe first", [_item_line(v, line=True) for v in open_items]),
            )
        )
    review = report.needing_review
    if review:
        blocks.append(
            (
                f"the list of {plural(len(review), 'answer')} that need review",
                _details(f"Needs review ({len(review)}): the question changed since the answer", [_item_line(v, line=True) for v in review]),
            )
        )
    stale = [
        f"- **{md_inline(st.view.id)}** ({st.view.severity.value}, {md_inline(st.view.owner)}): "
        + (f"last confirmed {st.since.isoformat()} ({st.since_source}), {plural(st.age_days or 0, 'day')} ago" if st.since else "no `reviewed:` date")
        + f"; max-age {st.max_age}"
        for st in report.stale
        if report.lists(st.view.owner)
    ]
    if stale:
        blocks.append(
            (
                f"the list of {plural(len(stale), 'stale answer')}",
                _details(f"Stale answers ({len(stale)}): older than max-age for their severity", stale),
            )
        )
    stale_evidence = [
        f"- **{md_inline(se.view.id)}** ({se.view.severity.value}, {md_inline(se.view.owner)}): {_evidence_text(se.entry.ref)} "
        + f"dated {se.entry.date.isoformat() if se.entry.date else ''}, {plural(se.age_days, 'day')} old; evidence-max-age {se.max_age}"
        for se in report.stale_evidence
        if report.lists(se.view.owner)
    ]
    if stale_evidence:
        blocks.append(
            (
                f"the list of {plural(len(stale_evidence), 'stale evidence entry', 'stale evidence entries')}",
                _details(f"Stale evidence ({len(stale_evidence)}): older than evidence-max-age for its item's severity", stale_evidence),
            )
        )
    waivers = [
        f"- **{md_inline(v.id)}** ({v.severity.value}): expires {v.waiver.expires.isoformat()}, in {plural(v.waiver.days_left, 'day')}; approved by {md_inline(v.waiver.approved_by)}"
        for v in report.expiring_waivers
        if v.waiver is not None and report.lists(v.owner)
    ]
    if waivers:
        blocks.append(
            (
                f"the list of {plural(len(waivers), 'expiring waiver')}",
                _details(f"Waivers expiring within {WAIVER_HORIZON_DAYS} days ({len(waivers)})", waivers),
            )
        )
    if report.todo:
        todo = [f"- **{md_inline(t.owner)}** ({len(t.items)}): {', '.join(md_inline(v.id) for v in t.items)}" for t in report.todo]
        blocks.append(("the to-do per owner", _details("To do by owner, most severe first", todo)))
    if report.problems:
        problems = [f"- {md_code(p.location)} {md_inline(p.message)}" for p in report.problems]
        blocks.append((f"the {plural(len(report.problems), 'problem')} in the file", _details(f"Problems in the file ({len(report.problems)})", problems)))

    def assemble(shown: int, kept: int, left_out: list[str]) -> str:
        lines = [*head, *_top(sections, "###", shown)]
        for _, body in blocks[:kept]:
            lines += body
        if left_out:
            lines += [_note(report, left_out, budget), ""]
        return "\n".join([*lines, _footer(report)]) + "\n"

    text = assemble(total_rows, len(blocks), [])
    if len(text) <= budget:
        return text
    # Detail blocks go first, from the end (problems, to-do, open items, scores) ...
    left_out: list[str] = []
    for kept in range(len(blocks) - 1, -1, -1):
        left_out.insert(0, blocks[kept][0])
        text = assemble(total_rows, kept, left_out)
        if len(text) <= budget:
            return text

    # ... then the lists at the top are shortened, keeping the most rows that fit (the most
    # severe: each list is sorted so). The length grows with the rows shown: a binary search.
    # What is left then is bounded (a heading whose name is clipped, one sentence, the policy
    # line), far under any budget near GitHub's limit.
    def shortened(shown: int) -> str:
        return assemble(shown, 0, [f"{total_rows - shown} of the {plural(total_rows, 'item')} listed above", *left_out])

    low, high = 0, total_rows
    while low < high:
        mid = (low + high + 1) // 2
        if len(shortened(mid)) <= budget:
            low = mid
        else:
            high = mid - 1
    return shortened(low)


def _note(report: Report, left_out: list[str], budget: int) -> str:
    path = report.result.assessment.path
    return (
        f"**Shortened to fit a pull-request comment** (under {budget:,} characters): left out {md_inline(join_words(left_out))}. "
        f"For everything, run {md_code(f'fm-governance report {path} --format html')} "
        f"(or {md_code(f'fm-governance check {path} --format json')})."
    )


# --- The whole report --------------------------------------------------------------------------


def _id(item_id: str) -> str:
    # In a table cell, a browser breaks "DE-03" after its hyphen when the column is squeezed by a
    # long one beside it; never at a non-breaking hyphen (U+2011). Elsewhere an id leads its line
    # and keeps the ASCII hyphen, so that it can be copied and searched for as written.
    return md_inline(item_id).replace("-", "\u2011")


def _bar(score: float | None) -> str:
    if score is None:
        return "░" * _BAR_CELLS + " –"
    full = round(score / (100 / _BAR_CELLS))
    return "█" * full + "░" * (_BAR_CELLS - full) + f" {fmt_score(score)}"


def document(report: Report) -> str:
    """``report --format markdown``: the whole report, for a reader and a signature."""
    a = report.result.assessment
    lines = [f"# {md_inline(report.title)}", ""]
    facts = []
    if a.assessors:
        facts.append(f"Assessors: {', '.join(md_inline(x) for x in a.assessors)}")
    if a.date:
        facts.append(f"Date: {md_inline(a.date)}")
    if a.modes:
        facts.append(f"Modes: {', '.join(md_inline(m) for m in a.modes)}")
    facts.append(f"Scored as of {report.today.isoformat()}")
    facts.append(f"File: {md_code(a.path)}")
    lines += [" · ".join(facts), ""]

    lines += [f"## Verdict: {report.verdict.label.lower()}", "", f"**{md_inline(report.verdict.sentence)}**", "", *_policy(report)]
    if report.owners:
        lines += [md_paragraph(report.owner_note), ""]

    lines += ["## Score per area", ""]
    rows = [[md_inline(x.title), f"`{_bar(x.score)}`", str(x.open_count), str(x.count(Status.WAIVED)), md_inline(x.version)] for x in report.areas]
    rows.append(["**Overall**", f"`{_bar(report.score)}`", str(report.open_count), str(sum(x.count(Status.WAIVED) for x in report.areas)), ""])
    lines += [*_table(("Area", "Score (0–100)", "Open", "Waived", "Version"), rows, "llrrl"), ""]

    lines += _top(_sections(report), "##")

    if report.needing_review:
        lines += [f"## Answers that need review ({len(report.needing_review)})", ""]
        lines += [
            md_paragraph(
                "Each question changed in meaning after it was answered: re-confirm the answer against the question as it reads now, then delete `review:`."
            ),
            "",
        ]
        lines += [*(_item_line(v, line=True) for v in report.needing_review), ""]

    if report.expiring_waivers:
        lines += [f"## Waivers expiring within {WAIVER_HORIZON_DAYS} days ({len(report.expiring_waivers)})", ""]
        waiver_rows = [
            [_id(v.id), v.waiver.expires.isoformat(), str(v.waiver.days_left), md_inline(v.waiver.approved_by), md_inline(v.waiver.reason)]
            for v in report.expiring_waivers
            if v.waiver is not None
        ]
        lines += [*_table(("Item", "Expires", "Days left", "Approved by", "Reason"), waiver_rows, "llrll"), ""]

    if report.stale:
        lines += [f"## Stale answers ({len(report.stale)})", ""]
        stale_rows = [
            [
                _id(st.view.id),
                st.view.severity.value,
                st.since.isoformat() if st.since else "—",
                st.since_source if st.since else "",
                str(st.age_days or "—"),
                str(st.max_age),
            ]
            for st in report.stale
        ]
        lines += [*_table(("Item", "Severity", "Last confirmed", "From", "Age (days)", "Max-age"), stale_rows, "llllrr"), ""]

    if report.stale_evidence:
        lines += [f"## Stale evidence ({len(report.stale_evidence)})", ""]
        evidence_rows = [
            [
                _id(se.view.id),
                se.view.severity.value,
                _evidence_text(se.entry.ref),
                se.entry.date.isoformat() if se.entry.date else "—",
                str(se.age_days),
                str(se.max_age),
            ]
            for se in report.stale_evidence
        ]
        lines += [*_table(("Item", "Severity", "Evidence", "Dated", "Age (days)", "Max-age"), evidence_rows, "llllrr"), ""]

    if report.near_retirement:
        lines += [f"## Models past or near retirement ({len(report.near_retirement)})", ""]
        lines += [
            *_table(
                ("Model", "Provider", "Lifecycle", "Source"),
                [[md_inline(m.id), md_inline(m.route), md_inline(m.lifecycle), _source(m.source)] for m in report.near_retirement],
            ),
            "",
        ]

    if report.todo:
        lines += ["## To do by owner", ""]
        if report.owners:
            lines += [md_paragraph(report.owner_note), ""]
        for t in report.todo:
            lines += [f"### {md_inline(t.owner.capitalize())} ({len(t.items)})", ""]
            lines += [f"- **{md_inline(v.id)}** ({v.severity.value}): {md_inline(v.question)}" for v in t.items]
            lines.append("")

    for area in report.areas:
        lines += [f"## {md_inline(area.title)} — {fmt_score(area.score)}/100", ""]
        version = md_inline(area.version)
        assessed = f" (assessed against {md_inline(area.assessed_version)})" if area.assessed_version and area.assessed_version != area.version else ""
        lines += [f"Checklist version {version}{assessed}; {plural(area.open_count, 'item')} open.", ""]
        for group in area.groups:
            lines += [f"### {md_inline(group.heading)} ({len(group.items)})", ""]
            for v in group.items:
                lines += _item_block(v)

    lines += _inventory(report)

    if report.problems:
        lines += [f"## Problems in the file ({len(report.problems)})", ""]
        lines += [f"- {md_code(p.location)} {md_inline(p.message)}" for p in report.problems]
        lines.append("")
    lines.append(_footer(report))
    return "\n".join(lines) + "\n"


def _item_block(v: ItemView) -> list[str]:
    out = [f"#### {md_inline(v.id)} · {md_inline(v.title)}", ""]
    blocking = " · **blocks approval**" if v.blocking else ""
    out += [f"*{v.severity.value} · {md_inline(v.owner)} · {md_inline(v.state)}*{blocking}", "", md_paragraph(v.question), ""]
    details = []
    if v.notes:
        details.append(f"- **Notes:** {md_inline(v.notes)}")
    if v.evidence:
        shown = [(_link(e.text, e.url) if e.url else md_paragraph(e.text)) + (f" ({e.date_note})" if e.date else "") for e in v.evidence]
        if len(shown) == 1:
            details.append(f"- **Evidence:** {shown[0]}")
        else:
            details += ["- **Evidence:**", *(f"  - {s}" for s in shown)]
    if v.waiver is not None:
        w = v.waiver
        when = (
            f"expired on {w.expires.isoformat()}"
            if w.state == "expired"
            else f"expires {w.expires.isoformat()}, in {plural(w.days_left, 'day')}"
            if w.state == "expiring"
            else f"valid until {w.expires.isoformat()}"
        )
        details.append(f"- **Waiver** ({w.state}; {when}; approved by {md_inline(w.approved_by)}): {md_inline(w.reason)}")
    if details:
        out += [*details, ""]
    return out


def _source(source: str) -> str:
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        return _link(source, source)
    return md_inline(source)


def _inventory(report: Report) -> list[str]:
    inv = report.inventory
    if inv.empty:
        return []
    out = ["## Inventory", "", "What the scanner found in the project when the assessment was last updated.", ""]
    if inv.providers:
        out += ["### Providers", ""]
        rows = [[md_inline(p.name), md_inline(", ".join(p.roles)), md_inline("; ".join(p.evidence))] for p in inv.providers]
        out += [*_table(("Provider", "Roles", "Evidence"), rows), ""]
    if inv.models:
        out += ["### Models", ""]
        if inv.catalog_as_of:
            out += [md_paragraph(f"Lifecycle dates from the model catalog as of {inv.catalog_as_of}."), ""]
        rows = [
            [
                md_inline(m.id),
                md_inline(m.route),
                md_inline(m.alias),
                _link(m.licence or m.licence_url, m.licence_url) if m.licence_url.startswith(("http://", "https://")) else md_inline(m.licence),
                md_inline(m.lifecycle),
                _source(m.source),
            ]
            for m in inv.models
        ]
        out += [*_table(("Model", "Provider", "Alias", "Licence", "Lifecycle", "Source"), rows), ""]
    if inv.signals:
        out += ["### Signals", ""]
        rows = [
            [
                md_inline(s.id),
                md_inline(s.title),
                ", ".join(_id(i) for i in s.items),
                md_inline("; ".join(s.evidence) + (f" (and {s.more} more)" if s.more else "")),
            ]
            for s in inv.signals
        ]
        out += [*_table(("Signal", "What it means", "Bears on", "Evidence"), rows), ""]
    if inv.findings or inv.skipped is not None:
        out += ["### Findings and skipped files", ""]
        rows = [[md_inline(FINDING_LABELS.get(kind, kind)), str(n)] for kind, n in inv.findings.items()]
        if inv.skipped is not None:
            rows.append(["files and folders the scanner skipped", str(inv.skipped)])
        out += [*_table(("What", "Count"), rows, "lr"), ""]
    if inv.other:
        out += ["### Other inventory entries", ""]
        out += [*_table(("Key", "Value"), [[md_inline(k), md_inline(v)] for k, v in inv.other]), ""]
    return out


__all__ = ["BUDGET", "COMMENT_LIMIT", "comment", "document"]
