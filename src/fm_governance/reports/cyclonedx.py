"""The CycloneDX 1.6 ML-BOM of ``export cyclonedx``: the inventory, the checklists and the answers.

An AI bill of materials for the organisations that must file one or feed a platform that reads
CycloneDX. Built from the report model; the field-by-field mapping is in the CLI reference.

* The assessed project is ``metadata.component`` (an application).
* Each **provider** in the inventory is a ``service`` (its roles and the file:line evidence as
  properties: the inventory records no endpoints or data flows, so none are claimed).
* Each **model** is a ``machine-learning-model`` component: developer as ``publisher``, licence
  (an SPDX id when it is one, a name otherwise), and as properties the provider, channel, alias
  (pinned or floating), family, weights and lifecycle dates; the file:line evidence as
  ``evidence.occurrences``.
* The **checklists** are ``definitions.standards`` (one requirement per item: id, title, question).
* The **answers** are ``declarations``: one attestation whose map gives, per applicable item, its
  conformance score (yes 1, partial 0.5, no 0, unanswered 0 and said so; ``n/a`` items are left
  out as the score leaves them out) with the notes as rationale, a claim per item with the
  evidence entries it rests on, and a waiver as an evidence entry with its approver and expiry.

cyclonedx-python-lib builds and serialises what it models (metadata, components, services,
definitions); it does not model declarations, which are added to its JSON as plain data. The whole
document is validated against the library's bundled CycloneDX 1.6 schema in the tests.

``serialNumber`` is a UUID derived (uuid5) from the document's content, so the same assessment
on the same day exports the same bytes; ``bom-ref`` values are derived from ids
(``model:gpt-4o``, ``requirement:data-exposure/DE-01``), stable across exports.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
import warnings
from typing import Any

from .. import __version__
from ..core.escaping import json_text
from ..core.scoring import Status
from .model import ItemView, ModelRow, ProviderRow, Report

#: The namespace of every UUID fm-governance derives (uuid5) for exports.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://fm-governance.readthedocs.io/")
SPEC_VERSION = "1.6"
_SCORE = {"yes": 1.0, "partial": 0.5, "no": 0.0}


def _occurrence(text: str) -> Any:
    from cyclonedx.model.component_evidence import Occurrence

    location, _, line = text.rpartition(":")
    if location and line.isdigit() and int(line) > 0:
        return Occurrence(location=location, line=int(line))
    return Occurrence(location=text)


def _properties(pairs: list[tuple[str, str]]) -> list[Any]:
    from cyclonedx.model import Property

    return [Property(name=f"fm-governance:{name}", value=value) for name, value in pairs if value]


def _service(p: ProviderRow) -> Any:
    from cyclonedx.model.service import Service

    pairs = [("provider-id", p.id), *(("role", r) for r in p.roles), *(("evidence", e) for e in p.evidence)]
    return Service(name=p.name or p.id, bom_ref=f"provider:{p.id}", properties=_properties(pairs))


def _model(m: ModelRow, developer: str, channel: str) -> Any:
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence
    from cyclonedx.model.license import LicenseExpression
    from cyclonedx.spdx import fixup_id, is_expression

    licences: list[Any] = []
    if m.licence:
        from cyclonedx.model.license import DisjunctiveLicense

        spdx = fixup_id(m.licence)
        if spdx is not None:
            licences.append(DisjunctiveLicense(id=spdx))
        elif is_expression(m.licence):
            licences.append(LicenseExpression(m.licence))
        else:
            licences.append(DisjunctiveLicense(name=m.licence))
    pairs = [
        ("provider", m.provider),
        ("channel", channel),
        ("alias", m.alias),
        ("family", m.family),
        ("weights", m.weights),
        ("deprecated", m.deprecated.isoformat() if m.deprecated else ""),
        ("retired", m.retired.isoformat() if m.retired else ""),
        ("lifecycle", m.lifecycle),
        ("lifecycle-source", m.source),
        ("licence-url", m.licence_url),
    ]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=m.id,
        bom_ref=f"model:{m.id}",
        publisher=developer or None,
        group=developer or None,
        licenses=licences,
        properties=_properties(pairs),
        evidence=ComponentEvidence(occurrences=[_occurrence(e) for e in m.evidence]) if m.evidence else None,
    )


def _raw_models(report: Report) -> dict[str, dict[str, str]]:
    """Developer and channel per model id, as the scanner wrote them (the report's model rows do
    not carry them)."""
    inventory = report.result.assessment.inventory
    out: dict[str, dict[str, str]] = {}
    models = inventory.get("models") if isinstance(inventory, dict) else None
    for m in models if isinstance(models, list) else ():
        if isinstance(m, dict) and m.get("id") is not None:
            out[str(m["id"])] = {k: str(m.get(k) or "") for k in ("developer", "channel")}
    return out


def _requirement_ref(v: ItemView) -> str:
    return f"requirement:{v.checklist_id}/{v.id}"


def _declarations(report: Report, project_ref: str) -> dict[str, Any]:
    claims: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for v in report.items:
        if v.status in (Status.EXCLUDED, Status.NOT_APPLICABLE):
            continue
        claim_ref = f"claim:{v.checklist_id}/{v.id}"
        evidence_refs = []
        for n, e in enumerate(v.evidence, 1):
            ref = f"evidence:{v.checklist_id}/{v.id}/{n}"
            evidence_refs.append(ref)
            entry: dict[str, Any] = {"bom-ref": ref, "propertyName": "fm-governance:evidence", "description": e.text}
            if e.date is not None:  # a dated entry ({ref, date}): CycloneDX's evidence `created` is a date-time
                entry["created"] = f"{e.date.isoformat()}T00:00:00Z"
            evidence.append(entry)
        if v.waiver is not None:
            ref = f"evidence:{v.checklist_id}/{v.id}/waiver"
            evidence_refs.append(ref)
            evidence.append(
                {
                    "bom-ref": ref,
                    "propertyName": "fm-governance:waiver",
                    "description": v.waiver.reason,
                    "author": {"name": v.waiver.approved_by},
                    "expires": f"{v.waiver.expires.isoformat()}T23:59:59Z",
                }
            )
        claim: dict[str, Any] = {"bom-ref": claim_ref, "target": project_ref, "predicate": v.question}
        if v.notes.strip():
            claim["reasoning"] = v.notes
        if evidence_refs:
            claim["evidence"] = evidence_refs
        claims.append(claim)
        answer = v.answer if v.answer in _SCORE else None
        score = _SCORE[answer] if answer is not None else 0.0
        rationale = v.notes.strip() or v.state
        if answer is None:
            rationale = v.state + (f" — {v.notes.strip()}" if v.notes.strip() else "")
        entries.append({"requirement": _requirement_ref(v), "claims": [claim_ref], "conformance": {"score": score, "rationale": rationale}})
    assessors = [{"bom-ref": "assessor:project", "thirdParty": False}]
    names = [str(n) for n in report.result.assessment.assessors if str(n).strip()]
    if names:
        assessors[0]["organization"] = {"name": ", ".join(names)}
    return {
        "assessors": assessors,
        "attestations": [{"summary": report.verdict.sentence, "assessor": "assessor:project", "map": entries}],
        "claims": claims,
        "evidence": evidence,
    }


def render(report: Report) -> str:
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.definition import Definitions, Requirement, Standard
    from cyclonedx.output.json import JsonV1Dot6

    project = report.project_name or "unnamed project"
    project_ref = "project"
    raw = _raw_models(report)
    tool = Component(type=ComponentType.APPLICATION, name="fm-governance", version=__version__, bom_ref="tool:fm-governance")
    stamp = _dt.datetime.combine(report.today, _dt.time(0, 0), tzinfo=_dt.UTC)
    root = Component(type=ComponentType.APPLICATION, name=project, bom_ref=project_ref)
    metadata = BomMetaData(
        component=root,
        timestamp=stamp,
        properties=[Property(name="fm-governance:score", value=f"{report.score:g}")] if report.score is not None else [],
    )
    metadata.tools.components.add(tool)
    standards = [
        Standard(
            bom_ref=f"standard:{a.id}",
            name=a.title,
            version=a.version,
            owner="fm-governance",
            requirements=[
                Requirement(bom_ref=f"requirement:{a.id}/{r.item.id}", identifier=r.item.id, title=r.item.title, text=r.item.question) for r in a.result.items
            ],
        )
        for a in report.areas
    ]
    services = [_service(p) for p in report.inventory.providers]
    models = [_model(m, raw.get(m.id, {}).get("developer", ""), raw.get(m.id, {}).get("channel", "")) for m in report.inventory.models]
    bom = Bom(metadata=metadata, services=services, components=models, definitions=Definitions(standards=standards))
    # The project depends on every model and provider the scanner found in it.
    bom.register_dependency(root, [*models, *services])
    with warnings.catch_warnings():
        # The library warns about its own dependency-graph heuristics on stderr: not for our users.
        warnings.simplefilter("ignore")
        doc: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    doc["declarations"] = _declarations(report, project_ref)
    doc.pop("serialNumber", None)
    digest = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    doc["serialNumber"] = f"urn:uuid:{uuid.uuid5(NAMESPACE, digest)}"
    head = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
    ordered = {k: doc[k] for k in head if k in doc} | {k: v for k, v in doc.items() if k not in head}
    return json_text(ordered, indent=2) + "\n"


__all__ = ["NAMESPACE", "SPEC_VERSION", "render"]
