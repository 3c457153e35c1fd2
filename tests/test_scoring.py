"""The scoring rules (yes 1, partial ½, no 0, open 0, n/a excluded; severity weights; waivers) and the CI gate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fm_governance.core.assessment import read_assessment, template_text
from fm_governance.core.models import Severity
from fm_governance.core.scoring import Gate, Status, evaluate_gate, score

TODAY = dt.date(2026, 11, 22)


def answered(catalog, tmp_path: Path, answers: dict[str, str], modes: str = "[]", extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Write an assessment answering items by id (raw YAML for the answer line), then score it."""
    text = template_text(catalog).replace("modes: []", f"modes: {modes}")
    for item_id, answer in answers.items():
        marker = f"{item_id}:"
        head, _, tail = text.partition(marker)
        tail = tail.replace("answer: null", f"answer: {answer}", 1)
        for key, value in (extra or {}).get(item_id, {}).items():  # type: ignore[attr-defined]
            tail = tail.replace(f"{key}: null", f"{key}: {value}", 1)
        text = head + marker + tail
    path = tmp_path / "fm-governance.yaml"
    path.write_text(text)
    assessment = read_assessment(path, catalog)
    return score(assessment, catalog, today=TODAY)


def statuses(result) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {r.item.id: r.status for r in result.items}


def test_weights_and_values(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # alpha: AL-01 critical(4) yes, AL-02 high(3) partial, AL-03 low(1) no -> (4 + 1.5 + 0) / 8
    result = answered(catalog, tmp_path, {"AL-01": '"yes"', "AL-02": '"partial"', "AL-03": '"no"', "BE-01": '"yes"'})
    alpha, beta = result.checklists
    assert alpha.score == round(100 * 5.5 / 8, 1)
    # beta: BE-01 medium(2) yes, BE-02 high(3) unanswered -> 2/5
    assert beta.score == 40.0
    # overall weighs every item, not the average of areas: (5.5 + 2) / 13
    assert result.score == round(100 * 7.5 / 13, 1)
    assert statuses(result)["BE-02"] is Status.OPEN


def test_na_is_excluded_but_needs_notes(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": '"yes"', "AL-02": "n/a", "AL-03": "n/a"}, extra={"AL-02": {"notes": "We do not use retrieval."}})
    s = statuses(result)
    assert s["AL-02"] is Status.EXCLUDED
    assert s["AL-03"] is Status.OPEN  # n/a without notes counts as open
    assert result.checklists[0].score == round(100 * 4 / 5, 1)
    problem = next(p for p in result.problems if p.item_id == "AL-03")
    assert "n/a needs notes" in problem.message
    assert problem.location.line > 0


def test_modes_decide_applicability(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": '"yes"'}, modes="[hosted-api]")
    assert statuses(result)["AL-02"] is Status.NOT_APPLICABLE  # applies_to: [rag]
    result = answered(catalog, tmp_path, {"AL-01": '"yes"'}, modes="[rag]")
    assert statuses(result)["AL-02"] is Status.OPEN


def test_waivers_count_until_they_expire(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    waiver = "{reason: Vendor review booked, approved_by: CRO, expires: %s}"
    valid = answered(catalog, tmp_path, {"AL-01": '"no"'}, extra={"AL-01": {"waiver": waiver % "2026-12-31"}})
    assert statuses(valid)["AL-01"] is Status.WAIVED
    assert evaluate_gate(valid, Gate(fail_on=Severity.CRITICAL)).passed
    expired = answered(catalog, tmp_path, {"AL-01": '"no"'}, extra={"AL-01": {"waiver": waiver % "2026-11-21"}})
    assert statuses(expired)["AL-01"] is Status.NOT_MET
    assert any("waiver expired on 2026-11-21" in p.message for p in expired.problems)
    assert not evaluate_gate(expired, Gate(fail_on=Severity.CRITICAL)).passed


@pytest.mark.parametrize(
    ("gate", "passed"),
    [
        (Gate(), None),  # no gate set: nothing passes (the bug was "passed" here)
        (Gate(fail_on=Severity.CRITICAL), True),  # AL-01 (critical) is yes
        (Gate(fail_on=Severity.HIGH), False),  # BE-02 (high) is open
        (Gate(fail_on=Severity.LOW), False),
        (Gate(fail_under=50), True),
        (Gate(fail_under=90), False),
    ],
)
def test_gate(catalog, tmp_path: Path, gate: Gate, passed: bool | None) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": '"yes"', "AL-02": '"partial"', "AL-03": '"yes"', "BE-01": '"yes"'})
    outcome = evaluate_gate(result, gate)
    if passed is None:
        assert outcome is None
        return
    assert outcome is not None and outcome.passed is passed
    if gate.fail_on is Severity.HIGH:
        assert outcome.reasons == ("BE-02 (high) is unanswered",)


def test_partial_does_not_trip_fail_on(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": '"partial"', "AL-02": '"yes"', "AL-03": '"yes"', "BE-01": '"yes"', "BE-02": '"yes"'})
    assert evaluate_gate(result, Gate(fail_on=Severity.LOW)).passed


def test_nothing_scored(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = {i: {"notes": "not relevant"} for i in ("AL-01", "AL-02", "AL-03", "BE-01", "BE-02")}
    result = answered(catalog, tmp_path, dict.fromkeys(notes, "n/a"), extra=notes)
    assert result.score is None
    assert evaluate_gate(result, Gate()) is None
    assert not evaluate_gate(result, Gate(fail_under=10)).passed


# --- boundaries the scorer must hold --------------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    ['"   "', '"\\u00a0"', '"\\n\\n"', '"\\t \\r\\n"', '"\\u200b"', '"\\u3000\\u2028"', '"\\u200e\\u202e"', "|\n          \n"],
    ids=["spaces", "no-break-space", "newlines", "tab-cr-lf", "zero-width-space", "ideographic-space", "bidi-marks", "empty-block"],
)
def test_blank_notes_are_not_the_notes_an_na_needs(catalog, tmp_path: Path, notes: str) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": "n/a"}, extra={"AL-01": {"notes": notes}})
    assert statuses(result)["AL-01"] is Status.OPEN
    assert any(p.item_id == "AL-01" and "n/a needs notes" in p.message for p in result.problems)
    assert not evaluate_gate(result, Gate(fail_on=Severity.CRITICAL)).passed


def test_one_visible_character_is_notes(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = answered(catalog, tmp_path, {"AL-01": "n/a"}, extra={"AL-01": {"notes": '"\\u00a0無\\u00a0"'}})
    assert statuses(result)["AL-01"] is Status.EXCLUDED


@pytest.mark.parametrize(
    ("as_of", "exit_code", "status"),
    [("2026-12-30", 0, "waived"), ("2026-12-31", 0, "waived"), ("2027-01-01", 1, "not-met")],
    ids=["day-before", "expiry-day", "day-after"],
)
def test_a_waiver_counts_on_its_expiry_day_and_lapses_the_day_after(
    catalog_dir: Path, catalog, tmp_path: Path, as_of: str, exit_code: int, status: str
) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from fm_governance.cli import main

    waiver = "{reason: Vendor review booked, approved_by: CRO, expires: 2026-12-31}"
    answered(catalog, tmp_path, {"AL-01": '"no"'}, extra={"AL-01": {"waiver": waiver}})
    args = ["check", str(tmp_path / "fm-governance.yaml"), "--checklists-dir", str(catalog_dir), "--as-of", as_of, "--fail-on", "critical"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == exit_code, result.output
    report = json.loads(result.stdout)
    assert next(i["status"] for i in report["items"] if i["id"] == "AL-01") == status
    assert ("waiver expired on 2026-12-31" in result.stderr) is (status == "not-met")
