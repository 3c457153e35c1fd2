"""Scoring and gating a filled assessment — the one scorer behind ``check``, ``report`` and Sphinx.

The rules (the scoring contract in docs/reference/contributing.md): ``yes`` = 1, ``partial`` = ½,
``no`` = 0, unanswered = 0 and counted as open, ``n/a`` excluded; weights by severity (critical 4, high 3, medium 2, low 1); a waiver counts
as met until it expires: its ``expires`` date is the last day it counts (as the word reads on a
permit or a contract), and it lapses the day after. Scores are 0–100, per checklist and overall
(the overall score weighs every counted item across all checklists, so a large checklist is not
diluted by a small one).

Two choices the design leaves open, made here on purpose:

* ``n/a`` without notes is reported and scored as *open*: an unexplained exclusion would otherwise
  raise the score by shrinking the denominator. Notes of only whitespace or invisible characters
  are no notes.
* Items whose ``applies_to`` shares no mode with the assessment's ``context.modes`` are "not
  applicable" and take no part, exactly like a justified ``n/a``.
* An answered item marked ``review:`` (its question changed in meaning after it was answered)
  "needs review", a status of its own, but scores what its answer gives: the answer is still the
  best one on record, and a new checklist version should not move every score overnight. The gate
  sees it with ``--fail-on-review``, and an answer ``no`` stays open for ``--fail-on``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field

from .checklists import Catalog
from .errors import Location
from .escaping import has_visible_text, terminal_line
from .models import Answer, Assessment, Checklist, Item, Response, Severity


class Status(enum.StrEnum):
    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not-met"
    OPEN = "open"
    WAIVED = "waived"
    EXCLUDED = "n/a"
    NOT_APPLICABLE = "not-applicable"
    #: Answered, but the question changed in meaning since (``review:`` in the file).
    REVIEW = "review"

    @property
    def label(self) -> str:
        """How the status reads in reports and on pages (the values are identifiers, not prose)."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.MET: "yes",
    Status.PARTIAL: "partial",
    Status.NOT_MET: "no",
    Status.OPEN: "open",
    Status.WAIVED: "waived",
    Status.EXCLUDED: "n/a",
    Status.NOT_APPLICABLE: "not applicable",
    Status.REVIEW: "needs review",
}


@dataclass(frozen=True)
class Problem:
    level: str  # "warning" | "error"
    location: Location
    message: str
    item_id: str = ""

    def one_line(self) -> str:
        # Messages quote keys and values from the file: printed safely, on one line.
        return terminal_line(f"{self.location}: {self.level}: {self.message}")


@dataclass(frozen=True)
class ItemResult:
    item: Item
    response: Response | None
    status: Status
    value: float | None  # None when the item takes no part in the score
    #: For an item that needs review, the status its answer has otherwise (met, not met, waived…).
    answered_status: Status | None = None

    @property
    def counted(self) -> bool:
        return self.value is not None

    @property
    def is_open(self) -> bool:
        """Unanswered, or answered ``no``, with no valid waiver: what ``--fail-on`` looks at. An
        answer ``no`` that needs review is still open: a review flag never hides it from the gate."""
        return self.status in (Status.OPEN, Status.NOT_MET) or self.answered_status is Status.NOT_MET

    @property
    def needs_review(self) -> bool:
        return self.status is Status.REVIEW

    @property
    def unexplained_na(self) -> bool:
        """Answered ``n/a`` without notes: scored as open until the notes say why (the only answer
        an open item can have)."""
        return self.status is Status.OPEN and self.response is not None and self.response.answer is not None

    @property
    def open_state(self) -> str:
        """Why an open item is open, in a few words: "unanswered", "n/a without notes" or "answered no"."""
        if self.status is Status.OPEN:
            return "n/a without notes" if self.unexplained_na else "unanswered"
        return "answered no"

    @property
    def location(self) -> Location | None:
        return self.response.location if self.response else None


@dataclass(frozen=True)
class ChecklistResult:
    checklist: Checklist
    items: tuple[ItemResult, ...]
    assessed_version: str

    @property
    def score(self) -> float | None:
        return _score(self.items)

    def count(self, *statuses: Status) -> int:
        return sum(1 for r in self.items if r.status in statuses)


@dataclass(frozen=True)
class Result:
    assessment: Assessment
    checklists: tuple[ChecklistResult, ...]
    problems: tuple[Problem, ...]
    today: _dt.date

    @property
    def items(self) -> tuple[ItemResult, ...]:
        return tuple(r for c in self.checklists for r in c.items)

    @property
    def score(self) -> float | None:
        return _score(self.items)

    def open_at_or_above(self, severity: Severity) -> list[ItemResult]:
        return [r for r in self.items if r.is_open and r.item.severity.rank >= severity.rank]

    @property
    def needing_review(self) -> list[ItemResult]:
        return [r for r in self.items if r.needs_review]


@dataclass(frozen=True)
class Gate:
    """What ``check`` fails on. Neither set is no gate at all: nothing passes or fails."""

    fail_under: float | None = None
    fail_on: Severity | None = None
    #: A waiver satisfies ``fail_on`` only if it expires within this many days of the day scored:
    #: a waiver that runs for years is an exception nobody will look at again. The score is not
    #: affected (a valid waiver counts as met, by the scoring contract). Not a gate on its own.
    waiver_max_days: int | None = None
    #: Fail when any item needs review (its question changed since it was answered).
    fail_on_review: bool = False

    @property
    def is_set(self) -> bool:
        return self.fail_under is not None or self.fail_on is not None or self.fail_on_review


@dataclass(frozen=True)
class GateOutcome:
    """The verdict of a gate that is set: why it failed, and what it did not look at.

    ``not_gated`` keeps a passing gate honest: "fail-on critical" passes an assessment whose high
    items are all open, and whoever reads "passed" must see that in the same sentence.
    """

    passed: bool
    reasons: tuple[str, ...] = field(default=())
    not_gated: tuple[str, ...] = field(default=())
    #: The ids of the items that failed it (open at or above fail-on, or waived past the waiver
    #: rule), in the order of ``reasons``: what blocks approval.
    failing_items: tuple[str, ...] = field(default=())


def _score(results: tuple[ItemResult, ...]) -> float | None:
    total = 0.0
    got = 0.0
    for r in results:
        if r.value is None:
            continue
        weight = r.item.severity.weight
        total += weight
        got += weight * r.value
    if total == 0:
        return None
    return round(100.0 * got / total, 1)


def score(assessment: Assessment, catalog: Catalog, *, today: _dt.date | None = None) -> Result:
    """Score every checklist in ``assessment`` against ``catalog``."""
    today = today or _dt.date.today()
    problems: list[Problem] = [
        Problem("warning", where, f"unknown key {key!r} (kept, but ignored)" + (f" — did you mean {close!r}?" if close else ""))
        for where, key, close in assessment.unknown_keys
    ]
    modes = frozenset(assessment.modes)
    checklist_results = []
    for assessed in assessment.checklists.values():
        checklist = catalog.get(assessed.id)
        if checklist is None:  # read_assessment already refused unknown checklists
            continue
        if assessed.version and assessed.version != checklist.version:
            problems.append(
                Problem(
                    "warning",
                    assessed.location,
                    f"{checklist.id} was merged at version {assessed.version}; the checklist is now {checklist.version} — run `fm-governance assess` to update the file",
                )
            )
        results = []
        for item in checklist.items:
            response = assessed.responses.get(item.id)
            if response is None:
                problems.append(
                    Problem(
                        "warning", assessed.location, f"{item.id} is missing from the file (counted as open) — run `fm-governance assess` to add it", item.id
                    )
                )
            results.append(_reviewed(_evaluate(item, response, modes, today, problems), problems))
        checklist_results.append(ChecklistResult(checklist, tuple(results), assessed.version))
    problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.column))
    return Result(assessment, tuple(checklist_results), tuple(problems), today)


def _evaluate(item: Item, response: Response | None, modes: frozenset[str], today: _dt.date, problems: list[Problem]) -> ItemResult:
    if not item.applies(modes):
        return ItemResult(item, response, Status.NOT_APPLICABLE, None)
    answer = response.answer if response else None
    if response and response.waiver is not None:
        if response.waiver.valid_on(today):
            if answer is not Answer.YES:
                return ItemResult(item, response, Status.WAIVED, 1.0)
        else:
            problems.append(
                Problem(
                    "warning",
                    response.location,
                    f"{item.id}: waiver expired on {response.waiver.expires.isoformat()} — renew it with a new approval and date, or answer the item",
                    item.id,
                )
            )
    if answer is None:
        return ItemResult(item, response, Status.OPEN, 0.0)
    if answer is Answer.NOT_APPLICABLE:
        assert response is not None
        # Notes of only whitespace or invisible characters (a non-breaking or zero-width space, a
        # newline) explain nothing, so they do not justify the exclusion.
        if not has_visible_text(response.notes):
            problems.append(Problem("warning", response.answer_location, f"{item.id}: n/a needs notes saying why (scored as open until it has them)", item.id))
            return ItemResult(item, response, Status.OPEN, 0.0)
        return ItemResult(item, response, Status.EXCLUDED, None)
    return ItemResult(item, response, _STATUS_OF[answer], answer.value_score)


_STATUS_OF = {Answer.YES: Status.MET, Answer.PARTIAL: Status.PARTIAL, Answer.NO: Status.NOT_MET}


def _reviewed(result: ItemResult, problems: list[Problem]) -> ItemResult:
    """An answered item whose file says ``review:`` needs review: its status says so, its score
    stays what its answer (or waiver) gives. Unanswered and unexplained ``n/a`` items stay open:
    there is no answer to re-confirm."""
    response = result.response
    if response is None or not response.review or not has_visible_text(response.review) or result.status in (Status.OPEN, Status.NOT_APPLICABLE):
        return result
    problems.append(
        Problem(
            "warning",
            response.review_location or response.location,
            f"{result.item.id} needs review: {response.review} — compare the answer with the question as it reads now, then delete `review:`",
            result.item.id,
        )
    )
    return ItemResult(result.item, response, Status.REVIEW, result.value, answered_status=result.status)


def evaluate_gate(result: Result, gate: Gate) -> GateOutcome | None:
    """The gate's verdict on ``result``, or None when no gate is set (nothing to pass or fail)."""
    if not gate.is_set:
        return None
    reasons: list[str] = []
    failing: list[str] = []
    if gate.fail_under is not None:
        overall = result.score
        if overall is None:
            reasons.append(f"no item is scored, so the overall score cannot reach {gate.fail_under:g}")
        elif overall < gate.fail_under:
            reasons.append(f"overall score {overall:g} is under {gate.fail_under:g}")
    if gate.fail_on is not None:
        for r in result.open_at_or_above(gate.fail_on):
            reasons.append(f"{r.item.id} ({r.item.severity.value}) is {r.open_state}")
            failing.append(r.item.id)
        if gate.waiver_max_days is not None:
            horizon = result.today + _dt.timedelta(days=gate.waiver_max_days)
            for r in result.items:
                waiver = r.response.waiver if r.response else None
                if r.status is Status.WAIVED and waiver is not None and waiver.expires > horizon and r.item.severity.rank >= gate.fail_on.rank:
                    reasons.append(
                        f"{r.item.id} ({r.item.severity.value}) is waived until {waiver.expires.isoformat()}, "
                        f"more than {gate.waiver_max_days} days away (waivers max-days {gate.waiver_max_days})"
                    )
                    failing.append(r.item.id)
    if gate.fail_on_review:
        for r in result.needing_review:
            if r.item.id not in failing:
                assert r.response is not None
                reasons.append(f"{r.item.id} ({r.item.severity.value}) needs review: {r.response.review}")
                failing.append(r.item.id)
    return GateOutcome(passed=not reasons, reasons=tuple(reasons), not_gated=_not_gated(result, gate), failing_items=tuple(failing))


def _not_gated(result: Result, gate: Gate) -> tuple[str, ...]:
    """What the gate let through unexamined: open items below ``fail-on``, and the score without ``fail-under``."""
    below = [s for s in Severity if gate.fail_on is None or s.rank < gate.fail_on.rank]
    counts = [(s, sum(1 for r in result.items if r.is_open and r.item.severity is s)) for s in below]
    parts = [f"{n} {s.value}" for s, n in counts if n]
    out: list[str] = []
    if parts:
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        total = sum(n for _, n in counts)
        out.append(f"{listed} item{'s' if total != 1 else ''} open {'are' if total != 1 else 'is'} not gated")
    review = len(result.needing_review)
    if review and not gate.fail_on_review:
        out.append(f"{review} item{'s' if review != 1 else ''} needing review {'are' if review != 1 else 'is'} not gated")
    if gate.fail_under is None:
        out.append(f"the overall score ({'–' if result.score is None else f'{result.score:g}'}/100) is not gated")
    return tuple(out)
