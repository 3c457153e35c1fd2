"""The SARIF 2.1.0 log of ``check --format sarif``: one rule per item, one result per open item.

A result points at the item's line and column in the assessment, relative to the folder ``check``
runs in, with the item's severity as its level, so that code scanning shows each open item as an
alert on the file. The run's properties carry the policy applied (each value with its source) and
the gate's verdict, ``"gate": null`` when no gate is set: SARIF itself has no notion of a pass.
Every item is listed whatever ``--owner`` says: an alert must not close because a different role
ran the job. Strings are written by :func:`~fm_governance.core.escaping.json_text`.
"""

from __future__ import annotations

import os
from typing import Any

from .. import __version__
from ..core.escaping import json_text
from .jsondoc import gate_dict, policy_dict
from .model import Report

TOOL_URL = "https://fm-governance.readthedocs.io/"

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}


def render(report: Report, *, base_dir: str | None = None) -> str:
    result = report.result
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    for r in result.items:
        rule_index[r.item.id] = len(rules)
        rules.append(
            {
                "id": r.item.id,
                "name": "".join(w.capitalize() for w in r.item.title.replace("-", " ").split()),
                "shortDescription": {"text": r.item.title},
                "fullDescription": {"text": r.item.question},
                "help": {"text": r.item.guidance, "markdown": r.item.guidance},
                "helpUri": f"{TOOL_URL}en/stable/checklists/{r.item.checklist_id}.html#{r.item.id.lower()}",
                "defaultConfiguration": {"level": _LEVEL[r.item.severity.value]},
                "properties": {
                    "severity": r.item.severity.value,
                    "owner": r.item.owner,
                    "checklist": r.item.checklist_id,
                    "tags": ["governance", r.item.checklist_id, r.item.owner],
                    "security-severity": _SECURITY_SEVERITY[r.item.severity.value],
                },
            }
        )
    uri = relative_uri(result.assessment.path, base_dir)
    results = []
    for r in result.items:
        review = r.needs_review and not r.is_open and r.response is not None
        if not r.is_open and not review:
            continue
        loc = r.location
        if review and r.response is not None and r.response.review_location is not None:
            loc = r.response.review_location
        region = {"startLine": loc.line or 1, "startColumn": loc.column or 1} if loc else {"startLine": 1}
        state = f"is {r.open_state}"
        if review and r.response is not None:
            state = f"needs review ({r.response.review})"
        results.append(
            {
                "ruleId": r.item.id,
                "ruleIndex": rule_index[r.item.id],
                # An answer to re-confirm is a note, not a finding at the item's severity.
                "level": "note" if review else _LEVEL[r.item.severity.value],
                "message": {"text": f"{r.item.id} {state}: {r.item.question}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": region}}],
                "partialFingerprints": {"fmgItem/v1": f"{r.item.checklist_id}/{r.item.id}"},
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "fm-governance", "version": __version__, "semanticVersion": __version__, "informationUri": TOOL_URL, "rules": rules}
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root"}}},
                "results": results,
                "properties": {"policy": policy_dict(report), "gate": gate_dict(report)},
            }
        ],
    }
    return json_text(doc, indent=2) + "\n"


def relative_uri(path: str, base_dir: str | None) -> str:
    """``path`` relative to ``base_dir`` (the working folder), with ``/``; absolute when outside it."""
    base = base_dir or os.getcwd()
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:  # another drive on Windows
        rel = path
    if rel.startswith(".."):
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


__all__ = ["TOOL_URL", "relative_uri", "render"]
