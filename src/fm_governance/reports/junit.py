"""The JUnit XML report of ``check --format junit``: one test suite per area, one test case per item.

Open items fail (the failure's type is the item's severity), n/a items are skipped, partial answers
pass with their notes on ``system-out``. Each suite's properties state the policy
(``policy.fail-on``, ``policy.fail-on.source``, …) and ``gate``: ``passed``, ``failed`` or ``none``
(no gate set; nothing passed). A failed test case is an open item whatever the gate: the gate
decides the exit code, not the test results. Every item is listed whatever ``--owner`` says.

ElementTree escapes markup characters but writes control characters, U+FFFE/U+FFFF and lone
surrogates as they are, and one of them in a note makes the whole file unreadable by CI: the
document is passed through :func:`~fm_governance.core.escaping.xml_text`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..core.escaping import xml_text
from ..core.scoring import Status
from .model import Report, fmt_score


def render(report: Report) -> str:
    result = report.result
    suites = ET.Element("testsuites", name="fm-governance", tests=str(len(result.items)))
    total_failures = 0
    properties_of_gate = _gate_properties(report)
    for c in result.checklists:
        failures = sum(1 for r in c.items if r.is_open)
        skipped = c.count(Status.EXCLUDED, Status.NOT_APPLICABLE)
        total_failures += failures
        suite = ET.SubElement(suites, "testsuite", name=c.checklist.id, tests=str(len(c.items)), failures=str(failures), errors="0", skipped=str(skipped))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score", value=fmt_score(c.score))
        for name, value in properties_of_gate:
            ET.SubElement(properties, "property", name=name, value=value)
        for r in c.items:
            case = ET.SubElement(suite, "testcase", classname=f"fm-governance.{c.checklist.id}", name=f"{r.item.id} {r.item.title}")
            if r.location:
                case.set("file", r.location.file)
                case.set("line", str(r.location.line))
            if r.is_open:
                state = r.open_state
                fail = ET.SubElement(case, "failure", message=f"{r.item.id} ({r.item.severity.value}, {r.item.owner}) is {state}", type=r.item.severity.value)
                fail.text = r.item.question
            elif r.status in (Status.EXCLUDED, Status.NOT_APPLICABLE):
                reason = r.response.notes if r.status is Status.EXCLUDED and r.response else "not applicable to the declared modes"
                ET.SubElement(case, "skipped", message=reason)
            elif r.status is Status.REVIEW and r.response is not None:
                # Not a failure (the answer stands until re-confirmed; --fail-on-review gates it), but said.
                out = ET.SubElement(case, "system-out")
                out.text = f"needs review: {r.response.review}"
            elif r.status is Status.PARTIAL:
                out = ET.SubElement(case, "system-out")
                out.text = f"partial: {r.response.notes if r.response else ''}"
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return xml_text('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n")


def _gate_properties(report: Report) -> list[tuple[str, str]]:
    policy = report.policy
    if policy is None:
        return []
    out: list[tuple[str, str]] = []
    for name, setting in (
        ("fail-on", policy.fail_on),
        ("fail-under", policy.fail_under),
        ("waivers.max-days", policy.waiver_max_days),
        ("fail-on-review", policy.fail_on_review),
    ):
        if setting is not None:
            out += [(f"policy.{name}", setting.shown()), (f"policy.{name}.source", setting.source)]
    out.append(("gate", report.verdict.state))
    return out


__all__ = ["render"]
