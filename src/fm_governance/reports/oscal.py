"""OSCAL exports: the checklists as an OSCAL catalog, the answers as OSCAL assessment results.

For governance, risk and compliance (GRC) platforms that read NIST's Open Security Controls
Assessment Language (OSCAL) in JSON, release :data:`OSCAL_VERSION`. Two documents, because OSCAL
keeps what is assessed (a catalog of controls) apart from what an assessment found (assessment
results), and a platform imports the catalog once and the results of every project against it:

* ``export oscal-catalog``: one catalog; each checklist a ``group``, each item a ``control`` whose
  ``statement`` part is the question, ``guidance`` part the why and guidance, and
  ``assessment-method`` part the evidence an auditor accepts; severity, owner and modes as props,
  references as links (a URL) or props (a framework control).
* ``export oscal-ar``: one assessment-results document with one result. Each answered or open
  item is a **finding** whose target is the item's statement (``DE-01_smt`` in the catalog); its
  status is ``satisfied`` for yes and for a justified n/a, ``not-satisfied`` otherwise. Evidence
  entries and the scanner's signals are **observations** with a ``collected`` date; a waiver is a
  **risk**, ``deviation-approved`` with the waiver's expiry as its ``deadline`` while it runs, and
  ``open`` once it has expired.

The field-by-field mapping, and why each choice was made, is in the CLI reference
(docs/reference/exports.md).

Stable identity: every UUID is derived (uuid5, in the namespace the CycloneDX export uses) from
the project's name and the ids of what it names (``finding`` + checklist + item id, ``risk`` + …),
so exporting the same project twice gives the same UUIDs, and a platform that imports the results
again updates its records instead of duplicating them. Nothing in the output depends on the clock
beyond the day scored (``--as-of``): the same file on the same day exports the same bytes.

Text from files is escaped for where OSCAL puts it: Markdown fields (``description``,
``remarks``, ``prose``) get Markdown escaping, so notes never turn into markup or links; the
checklists' guidance is their own Markdown (a safe subset, checked when a checklist is loaded)
and is kept as Markdown. Property values, which OSCAL requires to be one line with no
surrounding space, are flattened to one line.
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from .. import __version__
from ..core.escaping import json_text, md_inline, md_paragraph, terminal_line
from ..core.models import Checklist, Item
from ..core.scoring import Status
from .cyclonedx import NAMESPACE
from .model import Evidence, ItemView, Report, SignalRow

#: The OSCAL release the documents are written for (``metadata.oscal-version``); the tests validate
#: them against this release's published JSON schema.
OSCAL_VERSION = "1.2.3"
#: The namespace of every property fm-governance defines (OSCAL requires one for names that are not
#: OSCAL's own).
PROP_NS = "https://fm-governance.readthedocs.io/ns/oscal"
#: Where the assessment results expect the catalog, unless ``--catalog-href`` says otherwise.
DEFAULT_CATALOG_HREF = "fm-governance-catalog.json"


def _uuid(*parts: str) -> str:
    """A UUID that depends only on ``parts``: the same project and ids give the same UUID."""
    return str(uuid.uuid5(NAMESPACE, "oscal:" + "\x1f".join(parts)))


def _stamp(day: _dt.date, end_of_day: bool = False) -> str:
    """A date as OSCAL's date-time-with-timezone (UTC): the start, or the last second, of the day."""
    return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


def _line(text: object) -> str:
    """A property value or token-like string: one line, no surrounding space (OSCAL's string type)."""
    return terminal_line(text).strip()


def _md(text: object) -> str:
    """Text from a file for an OSCAL Markdown field: each line escaped, so it reads as typed; a
    blank line still separates paragraphs."""
    lines = [md_paragraph(line.strip()) if line.strip() else "" for line in str(text).splitlines()]
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return joined or "(empty)"


def _prop(name: str, value: object, *, ns: bool = True) -> dict[str, str] | None:
    text = _line(value)
    if not text:
        return None
    return {"name": name, "ns": PROP_NS, "value": text} if ns else {"name": name, "value": text}


def _props(pairs: Iterable[tuple[str, object]]) -> list[dict[str, str]]:
    return [p for p in (_prop(name, value) for name, value in pairs) if p is not None]


def _with(target: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Set ``key`` only when there is something to set: OSCAL arrays must not be empty."""
    if value:
        target[key] = value
    return target


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def href_for(text: str) -> str | None:
    """A file path or URL as a URI reference (spaces and other characters percent-encoded), or
    None when it cannot be one (the text is then kept in the description only)."""
    stripped = text.strip()
    if not stripped or any(ch in stripped for ch in "\n\r\t"):
        return None
    parts = urlsplit(stripped)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        # Keep what is already percent-encoded; a lone % would make the reference invalid.
        return quote(_LONE_PERCENT.sub("%25", stripped), safe=":/?#[]@!$&'()*+,;=%~-._")
    return quote(stripped, safe="/~-._")


def _statement_id(item_id: str) -> str:
    """The id of an item's statement part in the catalog, after NIST's own ``ac-1_smt``."""
    return f"{item_id}_smt"


# --- The catalog ----------------------------------------------------------------------------------


def _control(item: Item) -> dict[str, Any]:
    guidance = "\n\n".join(p for p in (item.why.strip(), item.guidance.strip()) if p)
    parts: list[dict[str, Any]] = [{"id": _statement_id(item.id), "name": "statement", "prose": _md(item.question)}]
    if guidance:
        parts.append({"id": f"{item.id}_gdn", "name": "guidance", "prose": guidance})
    if item.evidence:
        parts.append(
            {
                "id": f"{item.id}_asm-examine",
                "name": "assessment-method",
                "props": [{"name": "method", "value": "EXAMINE"}],
                "parts": [{"name": "assessment-objects", "prose": "\n".join(f"- {md_inline(e)}" for e in item.evidence)}],
            }
        )
    props = [{"name": "label", "value": item.id}]
    props += _props(
        [
            ("severity", item.severity.value),
            ("owner", item.owner),
            *(("consulted", role) for role in item.consulted),
            *(("applies-to", mode) for mode in item.applies_to),
            *(("signal", signal) for signal in item.signals),
            *(("replaces", old) for old in item.replaces),
            ("changed", item.changed),
        ]
    )
    links: list[dict[str, str]] = []
    for ref in item.references:
        href = href_for(ref.url) if ref.url else None
        if href is not None:
            links.append({"href": href, "rel": "reference", "text": md_inline(ref.label)})
        else:
            props += _props([("reference", ref.label)])
    control: dict[str, Any] = {"id": item.id, "title": md_inline(item.title), "props": props}
    _with(control, "links", links)
    control["parts"] = parts
    return control


def _catalog_identity(checklists: Iterable[Checklist]) -> str:
    return ";".join(f"{c.id}@{c.version}" for c in checklists)


def catalog_uuid(checklists: Iterable[Checklist]) -> str:
    """The catalog's UUID: the same for the same checklists at the same versions. OSCAL asks for a
    new UUID when a catalog is revised, and a new checklist version is exactly that."""
    return _uuid("catalog", _catalog_identity(checklists))


def catalog(checklists: Iterable[Checklist], today: _dt.date) -> dict[str, Any]:
    """The checklists as one OSCAL catalog (a JSON-ready mapping)."""
    listed = list(checklists)
    groups = []
    for c in listed:
        group: dict[str, Any] = {"id": c.id, "class": "checklist", "title": md_inline(c.title)}
        group["props"] = _props([("version", c.version), ("owner", c.owner)])
        _with(group, "parts", [{"id": f"{c.id}_ovw", "name": "overview", "prose": _md(c.summary)}] if c.summary.strip() else [])
        group["controls"] = [_control(i) for i in c.items]
        groups.append(group)
    return {
        "catalog": {
            "uuid": catalog_uuid(listed),
            "metadata": {
                "title": "fm-governance checklists",
                "last-modified": _stamp(today),
                # The catalog's version is its checklists' versions: a new one of any is a new catalog.
                "version": _catalog_identity(listed) or "none",
                "oscal-version": OSCAL_VERSION,
                "props": _props([("tool", f"fm-governance {__version__}")]),
            },
            **({"groups": groups} if groups else {}),
        }
    }


# --- The assessment results -----------------------------------------------------------------------


def _answer_day(view: ItemView, project_day: _dt.date | None, today: _dt.date) -> _dt.date:
    """When an answer's evidence was last looked at, as far as the file says: the item's
    ``reviewed:``, else the assessment's ``project.date``, else the day exported."""
    resp = view.result.response
    if resp is not None and resp.reviewed is not None:
        return resp.reviewed
    return project_day or today


def _project_day(report: Report) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(report.result.assessment.date.strip()) if report.result.assessment.date.strip() else None
    except ValueError:
        return None


#: How each status reads as an OSCAL objective status: (state, reason).
_TARGET: Mapping[Status, tuple[str, str]] = {
    Status.MET: ("satisfied", "pass"),
    Status.EXCLUDED: ("satisfied", "other"),
    Status.PARTIAL: ("not-satisfied", "fail"),
    Status.NOT_MET: ("not-satisfied", "fail"),
    Status.OPEN: ("not-satisfied", "other"),
    Status.REVIEW: ("not-satisfied", "other"),
}
#: The implementation status an answer states (none for no or no answer: OSCAL has no state for them).
_IMPLEMENTATION = {"yes": "implemented", "partial": "partial", "n/a": "not-applicable"}


def _target(view: ItemView) -> dict[str, Any]:
    if view.status is Status.WAIVED:
        # A waiver counts as met in the score, but the item itself is not met: OSCAL says so, and
        # the waiver is the finding's related risk (deviation-approved).
        state, reason = ("not-satisfied", "fail") if view.answer in ("no", "partial") else ("not-satisfied", "other")
    else:
        state, reason = _TARGET[view.status]
    target: dict[str, Any] = {
        "type": "statement-id",
        "target-id": _statement_id(view.id),
        "status": {"state": state, "reason": reason, "remarks": md_paragraph(view.state)},
    }
    impl = _IMPLEMENTATION.get(view.answer or "")
    if impl == "not-applicable":
        # OSCAL: "This control does not apply to this system as justified in the remarks." An n/a
        # without notes is not justified (it is scored as open), so it gets no such status.
        if view.status is Status.EXCLUDED:
            target["implementation-status"] = {"state": impl, "remarks": _md(view.notes)}
    elif impl is not None:
        target["implementation-status"] = {"state": impl}
    return target


def _signal_observation(project: str, signal: SignalRow, collected: _dt.date) -> dict[str, Any]:
    evidence = []
    for text in signal.evidence:
        entry: dict[str, Any] = {"description": md_paragraph(text)}
        path, _, line = text.rpartition(":")
        href = href_for(path if path and line.isdigit() else text)
        if href:
            entry = {"href": href, **entry}
        evidence.append(entry)
    description = f"The project scanner found the signal {md_inline(signal.id)}"
    description += f" ({md_inline(signal.title)})" if signal.title else ""
    description += f", which bears on {md_inline(', '.join(signal.items))}." if signal.items else "."
    if signal.more:
        description += f" {signal.more} more locations are not listed."
    observation: dict[str, Any] = {
        "uuid": _uuid(project, "observation", "signal", signal.id),
        "title": f"Scanner signal: {md_inline(signal.title or signal.id)}",
        "description": description,
        "props": _props([("signal", signal.id), *(("item", i) for i in signal.items)]),
        "methods": ["EXAMINE"],
        "types": ["discovery"],
    }
    _with(observation, "relevant-evidence", evidence)
    observation["collected"] = _stamp(collected)
    return observation


def _evidence_observation(project: str, view: ItemView, entry: Evidence, collected: _dt.date, occurrence: int) -> dict[str, Any]:
    """One evidence entry as an observation. Its UUID is derived from the entry's text and, for a
    dated entry, its date, and from which occurrence of that same entry it is (an item may list
    one document twice, or an old and a renewed copy): OSCAL needs every UUID unique."""
    relevant: dict[str, Any] = {"description": md_paragraph(entry.text)}
    href = href_for(entry.url) if entry.url else None
    if href:
        relevant = {"href": href, **relevant}
    identity = [entry.text]
    if entry.date is not None:
        identity.append(entry.date.isoformat())
    if occurrence > 1:
        identity.append(str(occurrence))
    return {
        "uuid": _uuid(project, "observation", "evidence", view.checklist_id, view.id, *identity),
        "title": f"Evidence for {view.id}",
        "description": f"Evidence recorded for {view.id} ({md_inline(view.title)}): {md_paragraph(entry.text)}",
        "props": _props([("item", view.id)]),
        "methods": ["EXAMINE"],
        "relevant-evidence": [relevant],
        "collected": _stamp(collected),
    }


def _risk(project: str, view: ItemView) -> dict[str, Any]:
    waiver = view.waiver
    assert waiver is not None
    expired = waiver.state == "expired"
    statement = f"{view.id} is not met ({md_inline(view.state)}). {md_inline(waiver.approved_by)} accepted the risk until {waiver.expires.isoformat()}" + (
        "; that waiver has expired, so the risk is open again." if expired else "."
    )
    return {
        "uuid": _uuid(project, "risk", "waiver", view.checklist_id, view.id),
        "title": f"Waiver for {view.id}: {md_inline(view.title)}",
        "description": _md(waiver.reason),
        "statement": statement,
        "props": _props([("item", view.id), ("approved-by", waiver.approved_by), ("waiver-state", waiver.state)]),
        "status": "open" if expired else "deviation-approved",
        "deadline": _stamp(waiver.expires, end_of_day=True),
    }


def _finding(project: str, view: ItemView, observations: list[str], risk: str | None) -> dict[str, Any]:
    state = view.state[:1].upper() + view.state[1:]
    description = f"{md_paragraph(view.question)}\n\n{md_paragraph(state)}."
    finding: dict[str, Any] = {
        "uuid": _uuid(project, "finding", view.checklist_id, view.id),
        "title": f"{view.id}: {md_inline(view.title)}",
        "description": description,
        "props": _props([("checklist", view.checklist_id), ("severity", view.severity.value), ("owner", view.owner), ("answer", view.answer or "")]),
        "target": _target(view),
    }
    _with(finding, "related-observations", [{"observation-uuid": u} for u in observations])
    _with(finding, "related-risks", [{"risk-uuid": risk}] if risk else [])
    if view.notes.strip():
        finding["remarks"] = _md(view.notes)
    return finding


def _parties(project: str, names: Iterable[str]) -> list[tuple[str, str]]:
    return [(_uuid(project, "party", name), name) for name in names]


def assessment_results(report: Report, *, plan_href: str, catalog_href: str = DEFAULT_CATALOG_HREF) -> dict[str, Any]:
    """The scored assessment as one OSCAL assessment-results document (a JSON-ready mapping).

    ``plan_href`` is what ``import-ap`` points at. fm-governance writes no OSCAL assessment plan:
    the plan is the assessment file itself (its checklists, their versions and ``context.modes``
    decide what is assessed), so ``import-ap`` points at a back-matter resource that names that
    file, beside the catalog the findings' targets are in.
    """
    project = report.project_name or "unnamed project"
    today = report.today
    project_day = _project_day(report)
    # The file records no date for the scan: the inventory is what the scanner wrote when `assess`
    # last ran, and the assessment's date is the best the file says about when that was.
    scan_day = project_day or today

    observations: list[dict[str, Any]] = []
    by_item: dict[str, list[str]] = {}
    for signal in report.inventory.signals:
        obs = _signal_observation(project, signal, scan_day)
        observations.append(obs)
        for item_id in signal.items:
            by_item.setdefault(item_id, []).append(obs["uuid"])

    findings: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for view in report.items:
        if view.status is Status.NOT_APPLICABLE:
            excluded.append({"control-id": view.id})
            continue
        mine = []
        # A dated entry (`{ref: …, date: …}`) is collected on its own date; a plain one on the
        # answer's day (see _answer_day).
        occurrences: Counter[tuple[str, _dt.date | None]] = Counter()
        for entry in view.evidence:
            occurrences[entry.text, entry.date] += 1
            collected = entry.date or _answer_day(view, project_day, today)
            obs = _evidence_observation(project, view, entry, collected, occurrences[entry.text, entry.date])
            observations.append(obs)
            mine.append(obs["uuid"])
        risk_uuid = None
        # A waiver beside an answer that is met (or a justified n/a) accepts nothing: no risk.
        if view.waiver is not None and view.status not in (Status.MET, Status.EXCLUDED):
            risk = _risk(project, view)
            risks.append(risk)
            risk_uuid = risk["uuid"]
        findings.append(_finding(project, view, [*by_item.get(view.id, []), *mine], risk_uuid))

    selection: dict[str, Any] = {"description": "Every item of the checklists the assessment answers.", "include-all": {}}
    if excluded:
        selection["description"] += " Excluded: the items that do not apply to the modes the assessment declares (context.modes)."
    _with(selection, "exclude-controls", excluded)
    start = project_day if project_day is not None and project_day <= today else today
    result: dict[str, Any] = {
        "uuid": _uuid(project, "result"),
        "title": f"fm-governance assessment of {md_inline(project)}",
        "description": md_paragraph(report.verdict.sentence),
        "start": _stamp(start),
        "end": _stamp(today, end_of_day=True),
        "props": _props(
            [
                ("score", "" if report.score is None else f"{report.score:g}"),
                ("gate", report.verdict.state),
                *(("area-score", f"{a.id} {a.score:g}") for a in report.areas if a.score is not None),
                *(("mode", m) for m in report.result.assessment.modes),
            ]
        ),
        "reviewed-controls": {"control-selections": [selection]},
    }
    _with(result, "observations", observations)
    _with(result, "risks", risks)
    _with(result, "findings", findings)

    assessors = _parties(project, (n for n in dict.fromkeys(_line(a) for a in report.result.assessment.assessors) if n))
    metadata: dict[str, Any] = {
        "title": md_inline(report.title),
        "last-modified": _stamp(today),
        "version": (project_day or today).isoformat(),
        "oscal-version": OSCAL_VERSION,
        "props": _props([("tool", f"fm-governance {__version__}")]),
    }
    if assessors:
        metadata["roles"] = [{"id": "assessor", "title": "Assessor"}]
        metadata["parties"] = [{"uuid": u, "type": "person", "name": name} for u, name in assessors]
        metadata["responsible-parties"] = [{"role-id": "assessor", "party-uuids": [u for u, _ in assessors]}]

    plan_uuid = _uuid(project, "resource", "assessment-file")
    catalog_resource = _uuid(project, "resource", "catalog")
    return {
        "assessment-results": {
            "uuid": _uuid(project, "assessment-results"),
            "metadata": metadata,
            "import-ap": {
                "href": f"#{plan_uuid}",
                "remarks": "There is no OSCAL assessment plan: the plan is the fm-governance assessment file (its checklists, "
                "their versions and context.modes decide what is assessed), named in the back matter.",
            },
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_uuid,
                        "title": "The fm-governance assessment file",
                        "description": "The answers, notes, evidence and waivers these results are exported from.",
                        "rlinks": [{"href": plan_href, "media-type": "application/yaml"}],
                    },
                    {
                        "uuid": catalog_resource,
                        "title": "The fm-governance checklists as an OSCAL catalog",
                        "description": "The catalog whose statements the findings target (fm-governance export oscal-catalog).",
                        "rlinks": [{"href": catalog_href, "media-type": "application/oscal.catalog+json"}],
                    },
                ]
            },
        }
    }


def render_catalog(report: Report) -> str:
    return json_text(catalog((a.result.checklist for a in report.areas), report.today), indent=2) + "\n"


def render_assessment_results(report: Report, *, plan_href: str, catalog_href: str = DEFAULT_CATALOG_HREF) -> str:
    return json_text(assessment_results(report, plan_href=plan_href, catalog_href=catalog_href), indent=2) + "\n"


__all__ = [
    "DEFAULT_CATALOG_HREF",
    "OSCAL_VERSION",
    "PROP_NS",
    "assessment_results",
    "catalog",
    "catalog_uuid",
    "href_for",
    "render_assessment_results",
    "render_catalog",
]
