"""Reports of a scored assessment: JSON, Markdown, SARIF 2.1.0, JUnit XML and standalone HTML.

All of them are built from one :class:`~.scoring.Result`, so every format agrees. Text that comes
from files (the assessment's names, notes, evidence and waivers, a custom checklist's titles and
questions, the scanner's inventory) is data in every format, never markup, and never makes the
output invalid: JSON is written by :func:`~.escaping.json_text` (lossless, and safe to print);
Markdown escapes every character that would start markup (:func:`~.escaping.md_inline`), keeps each
table row on one line, and fences code so nothing inside can close it; XML is escaped by
ElementTree and then cleared of the characters XML 1.0 forbids (:func:`~.escaping.xml_text`), which
ElementTree writes as they are; HTML is escaped by Jinja2's autoescape and cleared the same way.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .. import __version__
from .escaping import json_text, md_code, md_fenced_json, md_inline, md_paragraph, xml_text
from .models import FRAMEWORK_TITLES
from .scoring import ChecklistResult, GateOutcome, ItemResult, Result, Status

if TYPE_CHECKING:
    from .policy import Policy

TOOL_URL = "https://fm-governance.readthedocs.io/"


def fmt_score(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def sorted_for_attention(items: tuple[ItemResult, ...] | list[ItemResult]) -> list[ItemResult]:
    """Open items first, most severe first, then everything else in checklist order."""
    order = {id(r): n for n, r in enumerate(items)}
    return sorted(items, key=lambda r: (0 if r.is_open else 1, -r.item.severity.rank if r.is_open else 0, order[id(r)]))


# --- JSON ---------------------------------------------------------------------------------------


def _item_dict(r: ItemResult) -> dict[str, Any]:
    resp = r.response
    return {
        "id": r.item.id,
        "checklist": r.item.checklist_id,
        "title": r.item.title,
        "question": r.item.question,
        "severity": r.item.severity.value,
        "owner": r.item.owner,
        "status": r.status.value,
        "answer": resp.answer.value if resp and resp.answer else None,
        "score": r.value,
        "notes": resp.notes if resp else "",
        "evidence": list(resp.evidence) if resp else [],
        "waiver": (
            {"reason": resp.waiver.reason, "approved_by": resp.waiver.approved_by, "expires": resp.waiver.expires.isoformat()} if resp and resp.waiver else None
        ),
        "location": _loc(r),
    }


def _loc(r: ItemResult) -> dict[str, Any] | None:
    if r.location is None:
        return None
    return {"file": r.location.file, "line": r.location.line, "column": r.location.column}


def _checklist_dict(c: ChecklistResult) -> dict[str, Any]:
    return {
        "id": c.checklist.id,
        "title": c.checklist.title,
        "version": c.checklist.version,
        "assessed_version": c.assessed_version,
        "score": c.score,
        "counts": {s.value: c.count(s) for s in Status},
    }


def _gate_dict(gate: GateOutcome | None) -> dict[str, Any] | None:
    """None when no gate is set: JSON never claims a pass that nothing was tested for."""
    if gate is None:
        return None
    return {"passed": gate.passed, "reasons": list(gate.reasons), "not_gated": list(gate.not_gated)}


def _policy_dict(policy: Policy | None) -> dict[str, Any]:
    return policy.as_dict() if policy is not None else {"fail_on": None, "fail_under": None, "waiver_max_days": None}


def to_dict(result: Result, gate: GateOutcome | None = None, policy: Policy | None = None) -> dict[str, Any]:
    """Everything ``check`` knows, for tooling; ``"gate": null`` when no gate is set."""
    a = result.assessment
    return {
        "tool": {"name": "fm-governance", "version": __version__},
        "file": a.path,
        "project": {"name": a.project_name, "assessors": list(a.assessors), "date": a.date},
        "modes": list(a.modes),
        "score": result.score,
        "checklists": [_checklist_dict(c) for c in result.checklists],
        "items": [_item_dict(r) for r in result.items],
        "problems": [
            {"level": p.level, "message": p.message, "item": p.item_id or None, "file": p.location.file, "line": p.location.line, "column": p.location.column}
            for p in result.problems
        ],
        "policy": _policy_dict(policy),
        "gate": _gate_dict(gate),
    }


def to_json(result: Result, gate: GateOutcome | None = None, policy: Policy | None = None) -> str:
    return json_text(to_dict(result, gate, policy), indent=2) + "\n"


# --- Markdown -----------------------------------------------------------------------------------


def to_markdown(result: Result, gate: GateOutcome | None = None, *, policy: Policy | None = None, full: bool = False) -> str:
    """A pull-request comment (``full=False``) or a whole report (``full=True``).

    With a ``policy`` (``check``), the verdict follows the score: "gate passed", "gate failed" or
    "no gate set", then the policy and where it came from. Without one (``report``, which does not
    gate) nothing is said about a gate.
    """
    from .policy import verdict_lines

    a = result.assessment
    lines: list[str] = []
    title = f"fm-governance assessment: {md_inline(a.project_name)}" if a.project_name else "fm-governance assessment"
    lines.append(f"## {title}")
    lines.append("")
    verdict = ""
    if policy is not None:
        verdict = " — **no gate set**" if gate is None else " — **gate passed**" if gate.passed else " — **gate failed**"
    lines.append(f"**Overall score: {fmt_score(result.score)} / 100**{verdict}")
    lines.append("")
    if policy is not None:
        for sentence in verdict_lines(policy, gate):
            lines.append(md_inline(sentence))
            lines.append("")
    if gate is not None and gate.reasons:
        for reason in gate.reasons:
            lines.append(f"- {md_inline(reason)}")
        lines.append("")
    lines.append("| Area | Version | Score | Met | Partial | No | Open | Waived | n/a |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in result.checklists:
        lines.append(
            f"| {md_inline(c.checklist.title)} | {md_inline(c.checklist.version)} | {fmt_score(c.score)} | {c.count(Status.MET)} | {c.count(Status.PARTIAL)} | {c.count(Status.NOT_MET)} | {c.count(Status.OPEN)} | {c.count(Status.WAIVED)} | {c.count(Status.EXCLUDED, Status.NOT_APPLICABLE)} |"
        )
    lines.append("")
    open_items = [r for r in sorted_for_attention(result.items) if r.is_open]
    if open_items:
        lines.append(f"### Open items ({len(open_items)})")
        lines.append("")
        lines.append("| Item | Severity | Owner | Status | Question |")
        lines.append("|---|---|---|---|---|")
        for r in open_items:
            lines.append(f"| {md_inline(r.item.id)} | {r.item.severity.value} | {md_inline(r.item.owner)} | {r.status.label} | {md_inline(r.item.question)} |")
        lines.append("")
    if result.problems:
        lines.append("### Problems")
        lines.append("")
        for p in result.problems:
            lines.append(f"- {md_code(p.location)} {md_inline(p.message)}")
        lines.append("")
    if full:
        for c in result.checklists:
            lines.append(f"### {md_inline(c.checklist.title)} — {fmt_score(c.score)}")
            lines.append("")
            for r in sorted_for_attention(c.items):
                resp = r.response
                lines.append(f"#### {md_inline(r.item.id)} {md_inline(r.item.title)} ({r.item.severity.value}, {md_inline(r.item.owner)}): {r.status.label}")
                lines.append("")
                lines.append(md_paragraph(r.item.question))
                lines.append("")
                if resp and resp.notes:
                    lines.append(f"*Notes:* {md_inline(resp.notes)}")
                    lines.append("")
                if resp and resp.evidence:
                    for ev in resp.evidence:
                        lines.append(f"- Evidence: {md_inline(ev)}")
                    lines.append("")
                if resp and resp.waiver:
                    state = "valid" if resp.waiver.valid_on(result.today) else "expired"
                    lines.append(
                        f"*Waiver ({state}, expires {resp.waiver.expires.isoformat()}, approved by {md_inline(resp.waiver.approved_by)}):* {md_inline(resp.waiver.reason)}"
                    )
                    lines.append("")
        if a.inventory:
            lines.append("### Inventory")
            lines.append("")
            lines.extend(md_fenced_json(a.inventory))
            lines.append("")
    lines.append(f"<sub>fm-governance {__version__} · scored {result.today.isoformat()}</sub>")
    return "\n".join(lines) + "\n"


# --- SARIF 2.1.0 --------------------------------------------------------------------------------

_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def to_sarif(result: Result, *, base_dir: str | None = None, policy: Policy | None = None, gate: GateOutcome | None = None) -> str:
    """One SARIF result per open item (unanswered or ``no`` without a valid waiver), located at its line.

    The run's properties carry the policy applied (each value with its source) and the gate's
    verdict, ``"gate": null`` when no gate is set: SARIF itself has no notion of a pass.
    """
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
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.item.severity.value]},
                "properties": {
                    "severity": r.item.severity.value,
                    "owner": r.item.owner,
                    "checklist": r.item.checklist_id,
                    "tags": ["governance", r.item.checklist_id, r.item.owner],
                    "security-severity": {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}[r.item.severity.value],
                },
            }
        )
    uri = _relative_uri(result.assessment.path, base_dir)
    results = []
    for r in result.items:
        if not r.is_open:
            continue
        loc = r.location
        region = {"startLine": loc.line or 1, "startColumn": loc.column or 1} if loc else {"startLine": 1}
        state = "is unanswered" if r.status is Status.OPEN else "is answered no"
        results.append(
            {
                "ruleId": r.item.id,
                "ruleIndex": rule_index[r.item.id],
                "level": _SARIF_LEVEL[r.item.severity.value],
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
                "properties": {"policy": _policy_dict(policy), "gate": _gate_dict(gate)},
            }
        ],
    }
    return json_text(doc, indent=2) + "\n"


def _relative_uri(path: str, base_dir: str | None) -> str:
    base = base_dir or os.getcwd()
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:  # another drive on Windows
        rel = path
    if rel.startswith(".."):
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


# --- JUnit XML ----------------------------------------------------------------------------------


def to_junit(result: Result, *, policy: Policy | None = None, gate: GateOutcome | None = None) -> str:
    """One test suite per checklist, one test case per item; open items fail, n/a items skip.

    Each suite's properties state the policy (``policy.fail-on``, ``policy.fail-on.source``, …) and
    ``gate``: ``passed``, ``failed`` or ``none`` (no gate set; nothing passed). A failed test case
    is an open item whatever the gate: the gate decides the exit code, not the test results.
    """
    import xml.etree.ElementTree as ET

    suites = ET.Element("testsuites", name="fm-governance", tests=str(len(result.items)))
    total_failures = 0
    for c in result.checklists:
        failures = sum(1 for r in c.items if r.is_open)
        skipped = c.count(Status.EXCLUDED, Status.NOT_APPLICABLE)
        total_failures += failures
        suite = ET.SubElement(suites, "testsuite", name=c.checklist.id, tests=str(len(c.items)), failures=str(failures), errors="0", skipped=str(skipped))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score", value=fmt_score(c.score))
        for name, value in _junit_gate_properties(policy, gate):
            ET.SubElement(properties, "property", name=name, value=value)
        for r in c.items:
            case = ET.SubElement(suite, "testcase", classname=f"fm-governance.{c.checklist.id}", name=f"{r.item.id} {r.item.title}")
            if r.location:
                case.set("file", r.location.file)
                case.set("line", str(r.location.line))
            if r.is_open:
                state = "unanswered" if r.status is Status.OPEN else "answered no"
                fail = ET.SubElement(case, "failure", message=f"{r.item.id} ({r.item.severity.value}, {r.item.owner}) is {state}", type=r.item.severity.value)
                fail.text = r.item.question
            elif r.status in (Status.EXCLUDED, Status.NOT_APPLICABLE):
                reason = r.response.notes if r.status is Status.EXCLUDED and r.response else "not applicable to the declared modes"
                ET.SubElement(case, "skipped", message=reason)
            elif r.status is Status.PARTIAL:
                out = ET.SubElement(case, "system-out")
                out.text = f"partial: {r.response.notes if r.response else ''}"
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    # ElementTree escapes markup characters but writes control characters, U+FFFE/U+FFFF and lone
    # surrogates as they are, and one of them in a note makes the whole file unreadable by CI.
    return xml_text('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n")


def _junit_gate_properties(policy: Policy | None, gate: GateOutcome | None) -> list[tuple[str, str]]:
    if policy is None:
        return []
    out: list[tuple[str, str]] = []
    for name, setting in (("fail-on", policy.fail_on), ("fail-under", policy.fail_under), ("waivers.max-days", policy.waiver_max_days)):
        if setting is not None:
            out += [(f"policy.{name}", setting.shown()), (f"policy.{name}.source", setting.source)]
    out.append(("gate", "none" if gate is None else "passed" if gate.passed else "failed"))
    return out


# --- HTML ---------------------------------------------------------------------------------------

_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85em; border: 1px solid #888; }
.sev-critical { background: #7a0000; color: #fff; } .sev-high { background: #b3261e; color: #fff; }
.sev-medium { background: #f2c94c; color: #000; } .sev-low { background: #d7e3fc; color: #000; }
.st-open, .st-not-met { font-weight: bold; color: #b3261e; } .st-met, .st-waived { color: #1e6b2d; }
details { margin: .5rem 0; } footer { margin-top: 3rem; color: #555; font-size: .9em; }
@media (prefers-color-scheme: dark) { body { background: #161616; color: #eee; } th { background: #2a2a2a; } th, td { border-color: #444; } .st-met, .st-waived { color: #7fd38f; } .st-open, .st-not-met { color: #ff8a80; } }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p>{% if a.assessors %}Assessors: {{ a.assessors | join(", ") }}. {% endif %}{% if a.date %}Date: {{ a.date }}. {% endif %}{% if a.modes %}Modes: {{ a.modes | join(", ") }}.{% endif %}</p>
<p><strong>Overall score: {{ score(result.score) }} / 100</strong></p>
<table>
<thead><tr><th scope="col">Area</th><th scope="col">Version</th><th scope="col">Score</th><th scope="col">Met</th><th scope="col">Partial</th><th scope="col">No</th><th scope="col">Open</th><th scope="col">Waived</th><th scope="col">n/a</th></tr></thead>
<tbody>
{% for c in result.checklists %}<tr><td>{{ c.checklist.title }}</td><td>{{ c.checklist.version }}</td><td class="num">{{ score(c.score) }}</td><td class="num">{{ c.count(S.MET) }}</td><td class="num">{{ c.count(S.PARTIAL) }}</td><td class="num">{{ c.count(S.NOT_MET) }}</td><td class="num">{{ c.count(S.OPEN) }}</td><td class="num">{{ c.count(S.WAIVED) }}</td><td class="num">{{ c.count(S.EXCLUDED, S.NOT_APPLICABLE) }}</td></tr>
{% endfor %}</tbody>
</table>
{% if result.problems %}<h2>Problems</h2><ul>{% for p in result.problems %}<li><code>{{ p.location }}</code> {{ p.message }}</li>{% endfor %}</ul>{% endif %}
{% for c in result.checklists %}
<h2 id="{{ c.checklist.id }}">{{ c.checklist.title }} <small>({{ score(c.score) }})</small></h2>
<table>
<thead><tr><th scope="col">Item</th><th scope="col">Severity</th><th scope="col">Owner</th><th scope="col">Answer</th><th scope="col">Question, notes and evidence</th></tr></thead>
<tbody>
{% for r in attention(c.items) %}<tr id="{{ r.item.id | lower }}">
<td>{{ r.item.id }}</td><td><span class="badge sev-{{ r.item.severity.value }}">{{ r.item.severity.value }}</span></td><td>{{ r.item.owner }}</td>
<td class="st-{{ r.status.value }}">{{ r.status.label }}</td>
<td><strong>{{ r.item.title }}.</strong> {{ r.item.question }}
{% if r.response and r.response.notes %}<p><em>Notes:</em> {{ r.response.notes }}</p>{% endif %}
{% if r.response and r.response.evidence %}<ul>{% for e in r.response.evidence %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
{% if r.response and r.response.waiver %}<p><em>Waiver ({{ "valid" if r.response.waiver.valid_on(result.today) else "expired" }}, expires {{ r.response.waiver.expires.isoformat() }}, approved by {{ r.response.waiver.approved_by }}):</em> {{ r.response.waiver.reason }}</p>{% endif %}
</td></tr>
{% endfor %}</tbody>
</table>
{% endfor %}
{% if a.inventory %}<h2>Inventory</h2><pre>{{ inventory }}</pre>{% endif %}
</main>
<footer>fm-governance {{ version }} · scored {{ result.today.isoformat() }}</footer>
</body>
</html>
"""


def to_html(result: Result) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    a = result.assessment
    title = f"Governance assessment: {a.project_name}" if a.project_name else "Governance assessment"
    # Autoescape makes text from files inert; xml_text then drops the characters HTML forbids as
    # well (controls, noncharacters, and lone surrogates, which no UTF-8 file can hold).
    html = env.from_string(_HTML).render(
        title=title,
        a=a,
        result=result,
        S=Status,
        score=fmt_score,
        attention=sorted_for_attention,
        inventory=json_text(a.inventory, indent=2, default=str),
        version=__version__,
    )
    return xml_text(html)


__all__ = ["FRAMEWORK_TITLES", "to_dict", "to_html", "to_json", "to_junit", "to_markdown", "to_sarif"]
