"""What changed between two versions of an assessment, for a pull request: ``fm-governance diff``.

Both versions are read and scored against the same checklists on the same day, so the only
differences shown are the ones in the files: answers (old → new, with the new notes), evidence
entries added or removed (a renewed date shows as both), items added or retired, waivers added,
removed, changed or expired, the inventory's providers and models, and the score per area. One model (:class:`Diff`), three renderings: text, JSON and Markdown sized for
a pull-request comment (under :data:`~fm_governance.reports.markdown.BUDGET`, shortened with a note).

Text from the files is escaped for where it goes (terminal, JSON, Markdown), as in every report.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..core.escaping import json_text, md_inline, terminal_line
from ..core.models import Response
from ..core.scoring import ItemResult, Result
from .model import fmt_score, join_words


@dataclass(frozen=True)
class AnswerChange:
    checklist_id: str
    item_id: str
    severity: str
    owner: str
    old: str  # the answer as a word ("unanswered" for none), "" when the item is new
    new: str
    notes: str  # the new notes, when they changed ("" otherwise)


@dataclass(frozen=True)
class EvidenceChange:
    """An item whose evidence entries changed: entries added and removed, each as shown
    ("dpa.pdf", or "soc2.pdf (dated 2026-03-01)"). A renewed entry — same text, new date — is one
    removed and one added, which is what a reviewer needs to see."""

    item_id: str
    severity: str
    owner: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class WaiverChange:
    item_id: str
    #: ``added``, ``removed``, ``changed`` (new reason, approver or date) or ``expired`` (in NEW,
    #: lapsed by the day compared).
    kind: str
    expires: str
    approved_by: str


@dataclass(frozen=True)
class AreaDelta:
    checklist_id: str
    title: str
    old_version: str
    new_version: str
    old_score: float | None
    new_score: float | None

    @property
    def delta(self) -> float | None:
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 1)


@dataclass(frozen=True)
class Diff:
    old_name: str
    new_name: str
    today: _dt.date
    areas: tuple[AreaDelta, ...]
    old_score: float | None
    new_score: float | None
    answers: tuple[AnswerChange, ...]
    added: tuple[str, ...]
    retired: tuple[str, ...]
    waivers: tuple[WaiverChange, ...]
    providers_added: tuple[str, ...] = field(default=())
    providers_removed: tuple[str, ...] = field(default=())
    models_added: tuple[str, ...] = field(default=())
    models_removed: tuple[str, ...] = field(default=())
    evidence: tuple[EvidenceChange, ...] = field(default=())
    #: The roles ``--owner`` limited the answer and waiver changes to (empty: every role).
    owners: tuple[str, ...] = field(default=())

    @property
    def owner_note(self) -> str:
        """With ``owners``, the sentence that says what is limited and what is not."""
        if not self.owners:
            return ""
        return (
            f"Showing answer, evidence and waiver changes of items owned by {join_words(list(self.owners))}; "
            "the scores, items added and retired, and the inventory cover all items."
        )

    @property
    def empty(self) -> bool:
        return not (
            self.answers
            or self.evidence
            or self.added
            or self.retired
            or self.waivers
            or self.providers_added
            or self.providers_removed
            or self.models_added
            or self.models_removed
            or any(a.old_score != a.new_score or a.old_version != a.new_version for a in self.areas)
        )


def _word(r: ItemResult | None) -> str:
    if r is None or r.response is None or r.response.answer is None:
        return "unanswered"
    return r.response.answer.value


def _ids(inventory: dict[str, object], key: str) -> list[str]:
    entries = inventory.get(key)
    if not isinstance(entries, list):
        return []
    return [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id") is not None]


def _evidence_shown(resp: Response | None) -> list[str]:
    if resp is None:
        return []
    return [f"{e.ref} (dated {e.date.isoformat()})" if e.date else e.ref for e in resp.evidence]


def _waiver_key(resp: Response | None) -> tuple[str, str, str] | None:
    if resp is None or resp.waiver is None:
        return None
    w = resp.waiver
    return (w.reason, w.approved_by, w.expires.isoformat())


def compare(old: Result, new: Result, *, old_name: str, new_name: str, owners: tuple[str, ...] = ()) -> Diff:
    """The differences between ``old`` and ``new`` (both scored on the same day).

    ``owners`` limits the answer and waiver changes to the items those roles own (as in the new
    checklist). The score delta is not limited: a score per role would be a different number from
    the one ``check`` gates on, and a reviewer must see the change the whole pull request makes.
    """
    old_items = {(r.item.checklist_id, r.item.id): r for r in old.items}
    new_items = {(r.item.checklist_id, r.item.id): r for r in new.items}
    old_present = {(c, i) for c, a in old.assessment.checklists.items() for i in a.responses}
    new_present = {(c, i) for c, a in new.assessment.checklists.items() for i in a.responses}
    answers: list[AnswerChange] = []
    evidence: list[EvidenceChange] = []
    waivers: list[WaiverChange] = []
    for key, r in new_items.items():
        if key not in new_present:
            continue  # not in the file (counted open by check, which says so)
        if owners and r.item.owner not in owners:
            continue
        before = old_items.get(key) if key in old_present else None
        old_word, new_word = (_word(before) if before is not None else ""), _word(r)
        old_notes = before.response.notes if before is not None and before.response else ""
        new_notes = r.response.notes if r.response else ""
        if before is None and new_word == "unanswered":
            pass  # a new blank item: listed among the added
        elif old_word != new_word or old_notes != new_notes:
            answers.append(AnswerChange(key[0], key[1], r.item.severity.value, r.item.owner, old_word, new_word, new_notes if new_notes != old_notes else ""))
        old_ev, new_ev = _evidence_shown(before.response if before else None), _evidence_shown(r.response)
        added_ev = tuple(e for e in new_ev if e not in old_ev)
        removed_ev = tuple(e for e in old_ev if e not in new_ev)
        if added_ev or removed_ev:  # a reordering alone is not a change worth a line
            evidence.append(EvidenceChange(key[1], r.item.severity.value, r.item.owner, added_ev, removed_ev))
        old_w, new_w = _waiver_key(before.response if before else None), _waiver_key(r.response)
        if new_w is not None and r.response is not None and r.response.waiver is not None:
            kind = "added" if old_w is None else "changed" if old_w != new_w else ""
            if not r.response.waiver.valid_on(new.today):
                kind = "expired"
            if kind:
                waivers.append(WaiverChange(key[1], kind, new_w[2], new_w[1]))
        elif old_w is not None:
            waivers.append(WaiverChange(key[1], "removed", old_w[2], old_w[1]))
    added = tuple(i for c, a in new.assessment.checklists.items() for i in a.responses if (c, i) not in old_present)
    in_old = [(c, i) for c, a in old.assessment.checklists.items() for i in a.responses] + list(old.assessment.departed)
    retired = tuple(i for c, i in in_old if (c, i) not in new_present)
    areas = []
    new_by_id = {c.checklist.id: c for c in new.checklists}
    old_by_id = {c.checklist.id: c for c in old.checklists}
    for cid in dict.fromkeys([*new_by_id, *old_by_id]):
        n, o = new_by_id.get(cid), old_by_id.get(cid)
        ref = n or o
        assert ref is not None
        areas.append(
            AreaDelta(
                cid, ref.checklist.title, o.assessed_version if o else "", n.assessed_version if n else "", o.score if o else None, n.score if n else None
            )
        )
    inv_old, inv_new = old.assessment.inventory, new.assessment.inventory
    p_old, p_new = _ids(inv_old, "providers"), _ids(inv_new, "providers")
    m_old, m_new = _ids(inv_old, "models"), _ids(inv_new, "models")
    return Diff(
        old_name=old_name,
        new_name=new_name,
        today=new.today,
        areas=tuple(areas),
        old_score=old.score,
        new_score=new.score,
        answers=tuple(answers),
        added=added,
        retired=retired,
        waivers=tuple(waivers),
        providers_added=tuple(p for p in p_new if p not in p_old),
        providers_removed=tuple(p for p in p_old if p not in p_new),
        models_added=tuple(m for m in m_new if m not in m_old),
        models_removed=tuple(m for m in m_old if m not in m_new),
        evidence=tuple(evidence),
        owners=owners,
    )


def _delta(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+g}" if value else "±0"


# --- renderings ----------------------------------------------------------------------------------


def to_dict(d: Diff) -> dict[str, Any]:
    return {
        "old": d.old_name,
        "new": d.new_name,
        "as_of": d.today.isoformat(),
        "score": {"old": d.old_score, "new": d.new_score},
        "checklists": [
            {
                "id": a.checklist_id,
                "old_version": a.old_version,
                "new_version": a.new_version,
                "old_score": a.old_score,
                "new_score": a.new_score,
                "delta": a.delta,
            }
            for a in d.areas
        ],
        "answers": [{"checklist": c.checklist_id, "item": c.item_id, "old": c.old or None, "new": c.new, "notes": c.notes or None} for c in d.answers],
        "evidence": [{"item": e.item_id, "added": list(e.added), "removed": list(e.removed)} for e in d.evidence],
        "added": list(d.added),
        "retired": list(d.retired),
        "waivers": [{"item": w.item_id, "change": w.kind, "expires": w.expires, "approved_by": w.approved_by} for w in d.waivers],
        "inventory": {
            "providers": {"added": list(d.providers_added), "removed": list(d.providers_removed)},
            "models": {"added": list(d.models_added), "removed": list(d.models_removed)},
        },
        # The roles answers and waivers were limited to (empty: none, every item is shown).
        "owners": list(d.owners),
    }


def render_json(d: Diff) -> str:
    return json_text(to_dict(d), indent=2) + "\n"


def render_text(d: Diff) -> str:
    t = terminal_line
    lines = [t(f"fm-governance diff {d.old_name} → {d.new_name} (scored as of {d.today.isoformat()})")]
    if d.owner_note:
        lines.append(t(d.owner_note))
    if d.empty:
        return "\n".join([*lines, "No changes."]) + "\n"
    lines.append(f"Overall score: {fmt_score(d.old_score)} → {fmt_score(d.new_score)} ({_delta(_sub(d.new_score, d.old_score))})")
    for a in d.areas:
        version = f", {a.old_version or '–'} → {a.new_version or '–'}" if a.old_version != a.new_version else ""
        lines.append("  " + t(f"{a.title}: {fmt_score(a.old_score)} → {fmt_score(a.new_score)} ({_delta(a.delta)}){version}"))
    if d.answers:
        lines.append(f"Answers changed ({len(d.answers)}):")
        for c in d.answers:
            notes = f" — notes: {c.notes}" if c.notes else ""
            lines.append("  " + t(f"{c.item_id} [{c.severity} · {c.owner}] {c.old or 'new'} → {c.new}{notes}"))
    if d.evidence:
        lines.append(f"Evidence changed ({len(d.evidence)}):")
        for e in d.evidence:
            lines.append("  " + t(f"{e.item_id} [{e.severity} · {e.owner}]"))
            lines += ["    + " + t(x) for x in e.added]
            lines += ["    - " + t(x) for x in e.removed]
    if d.added:
        lines.append(t(f"Items added ({len(d.added)}): {', '.join(d.added)}"))
    if d.retired:
        lines.append(t(f"Items retired ({len(d.retired)}): {', '.join(d.retired)}"))
    if d.waivers:
        lines.append(f"Waivers ({len(d.waivers)}):")
        lines += ["  " + t(f"{w.item_id} {w.kind}: expires {w.expires}, approved by {w.approved_by}") for w in d.waivers]
    for label, values in (
        ("Providers added", d.providers_added),
        ("Providers removed", d.providers_removed),
        ("Models added", d.models_added),
        ("Models removed", d.models_removed),
    ):
        if values:
            lines.append(t(f"{label}: {', '.join(values)}"))
    return "\n".join(lines) + "\n"


def _versions(a: AreaDelta) -> str:
    if a.old_version == a.new_version:
        return md_inline(a.new_version or "–")
    return f"{md_inline(a.old_version or '–')} → {md_inline(a.new_version or '–')}"


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def render_markdown(d: Diff, *, budget: int | None = None) -> str:
    """A pull-request comment: the score table first, then each kind of change; lists are cut
    (with a note) to keep the comment under ``budget`` characters."""
    from .markdown import BUDGET

    budget = budget or BUDGET
    head = [f"## fm-governance diff: {md_inline(d.old_name)} → {md_inline(d.new_name)}", ""]
    if d.owner_note:
        head += [f"*{md_inline(d.owner_note)}*", ""]
    if d.empty:
        return "\n".join([*head, "No changes to answers, waivers, inventory or scores.", ""])
    rows = [f"| {md_inline(a.title)} | {_versions(a)} | {fmt_score(a.old_score)} | {fmt_score(a.new_score)} | {_delta(a.delta)} |" for a in d.areas]
    table = [
        "| Area | Version | Before | After | Change |",
        "|:--|:--|--:|--:|--:|",
        *rows,
        f"| **Overall** | | {fmt_score(d.old_score)} | {fmt_score(d.new_score)} | **{_delta(_sub(d.new_score, d.old_score))}** |",
        "",
    ]
    sections: list[tuple[str, list[str]]] = []
    if d.answers:
        sections.append(
            (
                f"### Answers changed ({len(d.answers)})",
                [
                    f"- **{md_inline(c.item_id)}** ({c.severity}, {md_inline(c.owner)}): {md_inline(c.old or 'new')} → **{md_inline(c.new)}**"
                    + (f" — {md_inline(c.notes)}" if c.notes else "")
                    for c in d.answers
                ],
            )
        )
    if d.evidence:
        sections.append(
            (
                f"### Evidence changed ({len(d.evidence)})",
                [
                    f"- **{md_inline(e.item_id)}** ({e.severity}, {md_inline(e.owner)}): "
                    + "; ".join([*(f"added {md_inline(x)}" for x in e.added), *(f"removed {md_inline(x)}" for x in e.removed)])
                    for e in d.evidence
                ],
            )
        )
    if d.added or d.retired:
        items = ([f"- Added: {', '.join(md_inline(i) for i in d.added)}"] if d.added else []) + (
            [f"- Retired: {', '.join(md_inline(i) for i in d.retired)}"] if d.retired else []
        )
        sections.append(("### Items added and retired", items))
    if d.waivers:
        sections.append(
            (
                f"### Waivers ({len(d.waivers)})",
                [f"- **{md_inline(w.item_id)}** {w.kind}: expires {md_inline(w.expires)}, approved by {md_inline(w.approved_by)}" for w in d.waivers],
            )
        )
    inventory = [
        f"- {label}: {', '.join(md_inline(v) for v in values)}"
        for label, values in (
            ("Providers added", d.providers_added),
            ("Providers removed", d.providers_removed),
            ("Models added", d.models_added),
            ("Models removed", d.models_removed),
        )
        if values
    ]
    if inventory:
        sections.append(("### Inventory", inventory))
    out = [*head, *table]
    footer = f"<sub>scored as of {d.today.isoformat()}</sub>"
    used = len("\n".join(out)) + len(footer) + 200
    for heading, entries in sections:
        out += [heading, ""]
        for n, entry in enumerate(entries):
            if used + len(entry) + 1 > budget:
                out.append(f"- … and {len(entries) - n} more, left out to fit (run `fm-governance diff --format json` for all).")
                break
            out.append(entry)
            used += len(entry) + 1
        out.append("")
    return "\n".join([*out, footer]) + "\n"
