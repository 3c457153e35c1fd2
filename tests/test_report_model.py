"""The report model every output is rendered from: the verdict sentence, what blocks approval, the
to-do per owner, items by status, expiring waivers and the inventory as tables.

The assessment (catalog from conftest, scored on 2026-11-22): AL-01 critical/legal, AL-02
high/legal, AL-03 low/engineering, BE-01 medium/privacy, BE-02 high/security.
"""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from fm_governance.core.assessment import read_assessment, template_text
from fm_governance.core.policy import resolve_policy
from fm_governance.core.scoring import Status, evaluate_gate, score
from fm_governance.reports.model import Report, Severity, build, catalog_lookup

TODAY = _dt.date(2026, 11, 22)


def fill(text: str, answers: dict[str, dict[str, object]], inventory: dict[str, object] | None) -> str:
    """The template ``text`` with the given item fields and inventory set, as a person would."""
    yaml = YAML()
    doc = yaml.load(text)
    for section in doc["checklists"].values():
        for item_id, fields in answers.items():
            if item_id in section["items"]:
                section["items"][item_id].update(fields)
    if inventory is not None:
        doc["inventory"] = inventory
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def report(
    catalog,
    tmp_path: Path,
    answers: dict[str, dict[str, object]],
    *,
    inventory: dict[str, object] | None = None,
    fail_on: str | None = None,
    fail_under: float | None = None,
    owners=(),
) -> Report:  # type: ignore[no-untyped-def]
    text = fill(template_text(catalog, project_name="proj", modes=("rag",)), answers, inventory)
    path = tmp_path / "fm-governance.yaml"
    path.write_text(text, encoding="utf-8")
    assessment = read_assessment(path, catalog)
    result = score(assessment, catalog, today=TODAY)
    policy = resolve_policy(assessment, fail_on=fail_on, fail_under=fail_under)
    return build(result, policy=policy, gate=evaluate_gate(result, policy.gate), owners=owners, model_lookup=catalog_lookup())


def test_no_gate_says_so_and_lists_open_critical_and_high_instead_of_blockers(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {"BE-01": {"answer": "yes"}})
    assert rep.verdict.state == "none"
    assert rep.verdict.sentence.startswith("No gate set: overall score ")
    assert "1 critical and 2 high items open" in rep.verdict.sentence
    assert rep.blockers == ()
    assert [v.id for v in rep.attention] == ["AL-01", "AL-02", "BE-02"]  # most severe first


def test_a_failing_gate_names_its_blockers_and_the_score_apart(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {"AL-01": {"answer": "yes"}}, fail_on="high", fail_under=90)
    assert rep.verdict.state == "failed"
    assert rep.verdict.sentence.startswith("Gate failed under fail-on high, fail-under 90: ")
    assert [v.id for v in rep.blockers] == ["AL-02", "BE-02"]
    assert all(v.blocking for v in rep.blockers)
    assert rep.blocker_notes and "under 90" in rep.blocker_notes[0]
    assert rep.attention == ()  # fail-on is set: the blockers are the list


def test_a_passing_gate_has_no_blockers_and_says_what_it_did_not_gate(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {"AL-01": {"answer": "yes"}}, fail_on="critical")
    assert rep.verdict.state == "passed"
    assert rep.blockers == ()
    assert any("high" in part for part in rep.verdict.not_gated)


def test_todo_groups_open_items_by_owner_role_most_severe_first(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {"BE-01": {"answer": "no"}})
    todo = {t.owner: [v.id for v in t.items] for t in rep.todo}
    assert todo == {"legal": ["AL-01", "AL-02"], "security": ["BE-02"], "privacy": ["BE-01"], "engineering": ["AL-03"]}
    assert [t.owner for t in rep.todo] == ["legal", "security", "privacy", "engineering"]  # the documented role order


def test_owners_limit_the_listings_but_not_the_verdict(catalog, tmp_path: Path) -> None:
    everyone = report(catalog, tmp_path, {}, fail_on="high")
    legal = report(catalog, tmp_path, {}, fail_on="high", owners=("Legal",))
    assert legal.owners == ("legal",)
    assert [v.id for v in legal.items] == ["AL-01", "AL-02"]
    assert [t.owner for t in legal.todo] == ["legal"]
    assert legal.verdict == everyone.verdict
    assert [v.id for v in legal.blockers] == [v.id for v in everyone.blockers]


def test_items_are_grouped_by_status_in_the_order_that_needs_work_first(catalog, tmp_path: Path) -> None:
    rep = report(
        catalog,
        tmp_path,
        {"AL-01": {"answer": "yes"}, "AL-02": {"answer": "n/a"}, "AL-03": {"answer": "partial"}},
    )
    alpha = next(a for a in rep.areas if a.id == "alpha")
    assert [(g.status, [v.id for v in g.items]) for g in alpha.groups] == [
        (Status.OPEN, ["AL-02"]),  # n/a without notes is open, and says why
        (Status.PARTIAL, ["AL-03"]),
        (Status.MET, ["AL-01"]),
    ]
    assert alpha.groups[0].items[0].state.startswith("n/a without notes")


def test_waivers_expiring_within_30_days_are_named_in_the_verdict(catalog, tmp_path: Path) -> None:
    def waiver(expires: str) -> dict[str, object]:
        return {"waiver": {"reason": "Contract in negotiation", "approved_by": "CRO", "expires": expires}}

    rep = report(catalog, tmp_path, {"AL-01": waiver("2026-12-10"), "BE-02": waiver("2027-06-30"), "AL-02": waiver("2026-11-01")})
    assert [v.id for v in rep.expiring_waivers] == ["AL-01"]
    assert rep.expiring_waivers[0].waiver is not None and rep.expiring_waivers[0].waiver.days_left == 18
    assert "1 waiver expires within 30 days" in rep.verdict.sentence
    expired = next(v for v in rep.items if v.id == "AL-02")
    assert expired.waiver is not None and expired.waiver.state == "expired"
    assert expired.state == "unanswered; waiver expired on 2026-11-01"


def test_only_a_whole_http_url_becomes_a_link(catalog, tmp_path: Path) -> None:
    evidence = ["https://example.com/dpa.pdf", "javascript:alert(1)", "see https://example.com/x", "HTTP://EXAMPLE.COM/Y", "https://"]
    rep = report(catalog, tmp_path, {"AL-01": {"answer": "yes", "evidence": evidence}})
    item = next(v for v in rep.items if v.id == "AL-01")
    assert [e.url for e in item.evidence] == ["https://example.com/dpa.pdf", None, None, "HTTP://EXAMPLE.COM/Y", None]


INVENTORY: dict[str, object] = {
    "providers": [{"id": "anthropic", "name": "Anthropic", "roles": ["hosted"], "evidence": ["app.py:3"]}],
    "models": [
        {
            "id": "claude-3-opus-20240229",
            "provider": "anthropic",
            "alias": "pinned",
            "family": "Claude 3 Opus",
            "weights": "closed",
            "licence": "proprietary",
            "retired": "2026-01-05",
            "evidence": ["app.py:9"],
        },
        {"id": "gpt-4o-2024-08-06", "provider": "openai", "alias": "pinned", "evidence": ["app.py:12"]},
    ],
    "signals": [{"id": "hosted-provider", "items": ["AL-01"], "evidence": ["app.py:3"]}],
    "findings": {"total": 3, "in_use": 3, "tests_or_prose": 0},
    "skipped": 2,
    "custom": {"note": "hand-written", "list": ["a", "b"]},
}


def test_the_inventory_becomes_tables_with_lifecycle_and_its_source(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {}, inventory=INVENTORY)
    inv = rep.inventory
    assert [(p.id, p.roles) for p in inv.providers] == [("anthropic", ("hosted",))]
    opus, gpt = inv.models
    assert opus.near_retirement and opus.lifecycle == "retired 2026-01-05"
    assert opus.source.startswith("https://")  # from the model catalog
    # Deprecated 2026-10-14, shut down 2027-01-14 (the catalog marks those dates as from secondary reports).
    assert gpt.near_retirement and gpt.lifecycle == "retires 2027-01-14 (in 53 days), per secondary reports" and gpt.secondary
    assert inv.signals[0].title == "A provider-hosted model is called"
    assert inv.findings == {"total": 3, "in_use": 3, "tests_or_prose": 0} and inv.skipped == 2
    assert ("custom.note", "hand-written") in inv.other and ("custom.list", "a, b") in inv.other
    assert "2 models in use are past or near retirement" in rep.verdict.sentence


@pytest.mark.parametrize(("retired", "near"), [("2027-05-01", True), ("2027-06-01", False)])
def test_near_retirement_means_within_180_days(catalog, tmp_path: Path, retired: str, near: bool) -> None:
    inventory: dict[str, object] = {"models": [{"id": "some-model", "provider": "x", "alias": "pinned", "retired": retired}]}
    (model,) = report(catalog, tmp_path, {}, inventory=inventory).inventory.models
    assert model.near_retirement is near


def test_open_counts_by_severity_cover_every_item(catalog, tmp_path: Path) -> None:
    rep = report(catalog, tmp_path, {"AL-01": {"answer": "no"}}, owners=("privacy",))
    assert rep.open_by_severity == {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 1, Severity.LOW: 1}


def test_a_model_row_says_who_made_the_model_and_how_it_is_reached(catalog, tmp_path: Path) -> None:
    inventory: dict[str, object] = {
        "models": [
            {"id": "anthropic.claude-3-5-sonnet-20241022-v2:0", "provider": "bedrock", "developer": "anthropic", "channel": "bedrock", "alias": "pinned"},
            {"id": "gpt-4o-2024-08-06", "provider": "openai", "developer": "openai", "channel": "api", "alias": "pinned"},
            {"id": "llama3.1:8b", "provider": "ollama", "developer": "meta", "channel": "self-hosted", "alias": "unknown"},
            {"id": "older-inventory", "provider": "openai", "alias": "pinned"},
        ]
    }
    routes = [m.route for m in report(catalog, tmp_path, {}, inventory=inventory).inventory.models]
    assert routes == ["bedrock (developer anthropic, via bedrock)", "openai (direct API)", "ollama (developer meta, self-hosted)", "openai"]
