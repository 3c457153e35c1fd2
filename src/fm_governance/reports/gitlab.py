"""The GitLab code quality report of ``check --format gitlab``: one issue per open item.

GitLab reads a JSON array in its subset of the Code Climate format (``description``,
``check_name``, ``fingerprint``, ``severity``, ``location.path``, ``location.lines.begin``) from a
job's ``artifacts:reports:codequality`` and shows the issues in the merge request: those a branch
adds, those it resolves. Each open item (unanswered, or answered no without a valid waiver: what
``fail-on`` looks at) is one issue at its line in the assessment, the path relative to the folder
``check`` runs in (the repository root in CI), as in SARIF. Every item is listed whatever
``--owner`` says, so an issue never shows as "resolved" because a different role ran the job.

Severity: GitLab has five levels and the checklists four; ``critical`` items are ``blocker``
(an open one can by itself cause a breach, a loss or a blocked exit), ``high`` ``critical``,
``medium`` ``major``, ``low`` ``minor``; GitLab's ``info`` is not used.

The fingerprint is what lets GitLab tell a new issue from an old one between two pipelines, so it
depends only on what identifies the item: the assessment's path, the checklist id and the item id
(not the line, which moves when answers above it are written, nor the wording, which a patch
release of a checklist may change). Strings are written by
:func:`~fm_governance.core.escaping.json_text`; GitLab shows the description as plain text.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..core.escaping import json_text
from .model import Report
from .sarif import relative_uri

#: Checklist severity → GitLab code quality severity.
SEVERITY: dict[str, str] = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}


def fingerprint(path: str, checklist_id: str, item_id: str) -> str:
    """A stable id for one item's issue in one assessment file (hex SHA-256)."""
    return hashlib.sha256(f"fm-governance\0{path}\0{checklist_id}\0{item_id}".encode()).hexdigest()


def render(report: Report, *, base_dir: str | None = None) -> str:
    result = report.result
    path = relative_uri(result.assessment.path, base_dir)
    issues: list[dict[str, Any]] = []
    for r in result.items:
        if not r.is_open:
            continue
        state = f"is {r.open_state}"
        line = r.location.line if r.location is not None and r.location.line else 1
        issues.append(
            {
                "description": f"{r.item.id} ({r.item.severity.value}, {r.item.owner}) {state}: {r.item.question}",
                "check_name": f"fm-governance/{r.item.checklist_id}/{r.item.id}",
                "fingerprint": fingerprint(path, r.item.checklist_id, r.item.id),
                "severity": SEVERITY[r.item.severity.value],
                "location": {"path": path, "lines": {"begin": line}},
            }
        )
    return json_text(issues, indent=2) + "\n"


__all__ = ["SEVERITY", "fingerprint", "render"]
