"""The JSON document of ``check --format json``: everything ``check`` knows, for tooling.

Keys are a contract: they are added, never renamed. Besides the scores, items, problems, policy
and gate (``"gate": null`` when no gate is set, so JSON never claims a pass nothing was tested
for), the document carries the report's verdict (``state`` and the one ``sentence``), the ids that
block approval, the to-do per owner role, and, when ``--owner`` limits the listing, the ``owners``
it was limited to (``items`` and ``todo`` then hold only their items; the scores, verdict, gate and
``blocking`` still cover every item). Strings are exactly as the files hold them:
:func:`~fm_governance.core.escaping.json_text` writes them losslessly and safe to print.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..core.escaping import json_text
from ..core.scoring import GateOutcome, Status
from .model import Area, ItemView, Report


def _item(v: ItemView) -> dict[str, Any]:
    resp = v.result.response
    loc = v.location
    return {
        "id": v.id,
        "checklist": v.checklist_id,
        "title": v.title,
        "question": v.question,
        "severity": v.severity.value,
        "owner": v.owner,
        "status": v.status.value,
        "answer": v.answer,
        "score": v.result.value,
        "notes": v.notes,
        # A plain entry stays a string, a dated one is {ref, date, stale}: as the file writes them.
        "evidence": [{"ref": e.text, "date": e.date.isoformat(), "stale": e.stale} if e.date else e.text for e in v.evidence],
        "waiver": ({"reason": v.waiver.reason, "approved_by": v.waiver.approved_by, "expires": v.waiver.expires.isoformat()} if v.waiver else None),
        "location": {"file": loc.file, "line": loc.line, "column": loc.column} if loc is not None else None,
        # Why the item needs review (its question changed since the answer), or null.
        "review": (resp.review or None) if resp else None,
    }


def _area(a: Area) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "version": a.version,
        "assessed_version": a.assessed_version,
        "score": a.score,
        "counts": {s.value: a.count(s) for s in Status},
    }


def _gate(gate: GateOutcome | None) -> dict[str, Any] | None:
    if gate is None:
        return None
    return {"passed": gate.passed, "reasons": list(gate.reasons), "not_gated": list(gate.not_gated)}


def policy_dict(report: Report) -> dict[str, Any]:
    """The policy applied, each key's value and source (``null`` when not set)."""
    if report.policy is None:
        return {"fail_on": None, "fail_under": None, "waiver_max_days": None, "fail_on_review": None, "max_age": None, "evidence_max_age": None}
    return report.policy.as_dict()


def gate_dict(report: Report) -> dict[str, Any] | None:
    """The gate's verdict, or None when no gate is set."""
    return _gate(report.gate)


def to_dict(report: Report) -> dict[str, Any]:
    a = report.result.assessment
    doc: dict[str, Any] = {
        "tool": {"name": "fm-governance", "version": __version__},
        "file": a.path,
        "project": {"name": a.project_name, "assessors": list(a.assessors), "date": a.date},
        "modes": list(a.modes),
        "score": report.score,
        "checklists": [_area(area) for area in report.areas],
        "items": [_item(v) for v in report.items],
        "problems": [
            {"level": p.level, "message": p.message, "item": p.item_id or None, "file": p.location.file, "line": p.location.line, "column": p.location.column}
            for p in report.problems
        ],
        "policy": policy_dict(report),
        "gate": gate_dict(report),
        "verdict": {"state": report.verdict.state, "sentence": report.verdict.sentence},
        "blocking": [v.id for v in report.blockers],
        "needs_review": [v.id for v in report.needing_review],
        "stale": [
            {
                "id": st.view.id,
                "since": st.since.isoformat() if st.since else None,
                "since_source": st.since_source if st.since else None,
                "age_days": st.age_days,
                "max_age": st.max_age,
            }
            for st in report.stale
        ],
        "stale_evidence": [
            {
                "id": st.view.id,
                "ref": st.entry.ref,
                "date": st.entry.date.isoformat() if st.entry.date else None,
                "age_days": st.age_days,
                "max_age": st.max_age,
            }
            for st in report.stale_evidence
        ],
        "expiring_waivers": [
            {"id": v.id, "expires": v.waiver.expires.isoformat(), "days_left": v.waiver.days_left} for v in report.expiring_waivers if v.waiver is not None
        ],
        "todo": {t.owner: [v.id for v in t.items] for t in report.todo},
    }
    if report.owners:
        doc["owners"] = list(report.owners)
    return doc


def render(report: Report) -> str:
    return json_text(to_dict(report), indent=2) + "\n"


__all__ = ["gate_dict", "policy_dict", "render", "to_dict"]
