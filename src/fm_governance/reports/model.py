"""The report model: everything a report says, computed once from a scored result.

Every output of a scored assessment — the terminal report of ``check``, JSON, Markdown, SARIF,
JUnit, the HTML and PDF reports, and the Sphinx ``fmg:assessment`` page — is rendered from one
:class:`Report`. The renderers only lay it out and escape it; none of them decides what is open,
what blocks approval, who has to do what or which model is near retirement. That is decided here,
so two formats can never disagree.

The model holds text exactly as it was typed (notes, evidence, names come from files): each
renderer escapes it for its own output.

Choices made here, on purpose:

* **What blocks approval** is what fails the policy: with ``fail-on`` set, the open items at or
  above it and the waivers the waiver rule refuses; with ``fail-under`` failing, the score. With no
  gate set nothing blocks *by policy*, and the report says so and lists the open critical and
  high items instead (:attr:`Report.attention`), never an empty "nothing blocks".
* **Near retirement** means a model whose retirement date is within
  :data:`RETIREMENT_HORIZON_DAYS` (180) days of the day scored, or that its developer has
  deprecated: replacing a model in production (evaluation, prompt changes, re-tuning) takes
  months, so 90 days is already late.
* **Expiring waivers** are those still valid that lapse within :data:`WAIVER_HORIZON_DAYS` (30) days.
* ``owners`` limits the item listings and the to-do list to the roles named; scores, the verdict
  and the blockers still cover every item (a role's view must not make the gate look different).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import Location
from ..core.models import OWNERS, Severity
from ..core.models import Evidence as EvidenceEntry
from ..core.scoring import ChecklistResult, GateOutcome, ItemResult, Problem, Result, Status

if TYPE_CHECKING:
    from ..core.policy import Policy

#: A model whose retirement date is this close (or that is deprecated) is "near retirement".
RETIREMENT_HORIZON_DAYS = 180
#: A valid waiver that lapses within this many days is "expiring".
WAIVER_HORIZON_DAYS = 30

#: The order statuses are grouped in, per area: what needs work first.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OPEN,
    Status.NOT_MET,
    Status.REVIEW,
    Status.PARTIAL,
    Status.WAIVED,
    Status.MET,
    Status.EXCLUDED,
    Status.NOT_APPLICABLE,
)

#: Headings of the status groups (plural, as a section reads).
STATUS_HEADINGS: Mapping[Status, str] = {
    Status.OPEN: "Unanswered",
    Status.NOT_MET: "Answered no",
    Status.REVIEW: "Needs review (the question changed since it was answered)",
    Status.PARTIAL: "Partly met",
    Status.WAIVED: "Waived",
    Status.MET: "Met",
    Status.EXCLUDED: "Not applicable (n/a, with notes)",
    Status.NOT_APPLICABLE: "Not applicable to the declared modes",
}


#: What the scanner's ``findings`` counts mean, as a report's table rows say it (other keys are
#: shown as they are written).
FINDING_LABELS: Mapping[str, str] = {
    "total": "uses of a provider or model found",
    "in_use": "in code, configuration or dependency manifests",
    "tests_or_prose": "in tests and prose only (not counted as used)",
}


def fmt_score(value: float | None) -> str:
    """``16.4``, ``100`` or ``–`` (no scored item)."""
    return "–" if value is None else f"{value:g}"


def sorted_for_attention(items: Iterable[ItemResult]) -> list[ItemResult]:
    """Open items first, most severe first, then everything else in checklist order."""
    listed = list(items)
    order = {id(r): n for n, r in enumerate(listed)}
    return sorted(listed, key=lambda r: (0 if r.is_open else 1, -r.item.severity.rank if r.is_open else 0, order[id(r)]))


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def join_words(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- The parts of a report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One evidence entry: a live link when the whole entry is an http(s) URL, text otherwise."""

    text: str
    url: str | None = None
    #: The entry's own date (``{ref, date}``); None for a plain entry.
    date: _dt.date | None = None
    #: Older than the policy's ``evidence-max-age`` for the item's severity on the day scored.
    stale: bool = False

    @property
    def date_note(self) -> str:
        """``dated 2026-03-01`` or ``dated 2025-01-10, stale``; empty for an undated entry."""
        if self.date is None:
            return ""
        return f"dated {self.date.isoformat()}" + (", stale" if self.stale else "")


@dataclass(frozen=True)
class WaiverView:
    reason: str
    approved_by: str
    expires: _dt.date
    #: ``valid``, ``expiring`` (valid, lapses within 30 days) or ``expired``.
    state: str
    days_left: int


@dataclass(frozen=True)
class ItemView:
    """One item as every report shows it."""

    result: ItemResult
    #: Why the item is where it is, in words: "unanswered", "answered no", "n/a without notes
    #: (scored as open)", "waived until 2027-01-31", "waiver expired on 2026-01-31"…
    state: str
    evidence: tuple[Evidence, ...]
    waiver: WaiverView | None
    #: The item fails the policy (it is listed under "what blocks approval").
    blocking: bool

    @property
    def id(self) -> str:
        return self.result.item.id

    @property
    def anchor(self) -> str:
        """The item's anchor, as on the checklist pages (``de-01``)."""
        return self.result.item.id.lower()

    @property
    def title(self) -> str:
        return self.result.item.title

    @property
    def question(self) -> str:
        return self.result.item.question

    @property
    def severity(self) -> Severity:
        return self.result.item.severity

    @property
    def owner(self) -> str:
        return self.result.item.owner

    @property
    def checklist_id(self) -> str:
        return self.result.item.checklist_id

    @property
    def status(self) -> Status:
        return self.result.status

    @property
    def is_open(self) -> bool:
        return self.result.is_open

    @property
    def notes(self) -> str:
        return self.result.response.notes if self.result.response else ""

    @property
    def answer(self) -> str | None:
        resp = self.result.response
        return resp.answer.value if resp and resp.answer else None

    @property
    def location(self) -> Location | None:
        return self.result.location


@dataclass(frozen=True)
class StaleEvidence:
    """A dated evidence entry older than the policy's ``evidence-max-age`` for its item's severity."""

    view: ItemView
    entry: EvidenceEntry
    age_days: int
    max_age: int

    @property
    def location(self) -> Location | None:
        return self.entry.location or self.view.location


@dataclass(frozen=True)
class StaleAnswer:
    """An answer older than the policy's ``max-age`` for its severity."""

    view: ItemView
    #: The day the age is measured from: the item's ``reviewed:``, else ``project.date``; None
    #: when the file gives neither (the answer cannot be shown to be fresh).
    since: _dt.date | None
    #: ``reviewed`` (the item's date) or ``project.date``.
    since_source: str
    age_days: int | None
    max_age: int
    location: Location | None


@dataclass(frozen=True)
class StatusGroup:
    status: Status
    heading: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class Area:
    """One checklist: its score, counts and items grouped by status."""

    result: ChecklistResult
    #: Items in checklist order (only the owners' items when ``owners`` is given).
    items: tuple[ItemView, ...]
    #: Non-empty groups in :data:`STATUS_ORDER`.
    groups: tuple[StatusGroup, ...]

    @property
    def id(self) -> str:
        return self.result.checklist.id

    @property
    def title(self) -> str:
        return self.result.checklist.title

    @property
    def version(self) -> str:
        return self.result.checklist.version

    @property
    def assessed_version(self) -> str:
        return self.result.assessed_version

    @property
    def score(self) -> float | None:
        return self.result.score

    def count(self, *statuses: Status) -> int:
        return self.result.count(*statuses)

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.result.items if r.is_open)


@dataclass(frozen=True)
class OwnerTodo:
    """The open items one role answers, most severe first."""

    owner: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class Verdict:
    """The gate's verdict and the one sentence that opens every report."""

    #: ``passed``, ``failed`` or ``none`` (no gate set: nothing passed).
    state: str
    #: One sentence: gate and policy, score, open critical and high items, waivers expiring, models
    #: past or near retirement.
    sentence: str
    #: The policy and verdict as the CLI has always stated them (:func:`~fm_governance.core.policy.verdict_lines`).
    policy_lines: tuple[str, ...]
    #: Why the gate failed, one entry per cause (empty unless ``state == "failed"``).
    reasons: tuple[str, ...]
    #: What a passing or failing gate did not look at.
    not_gated: tuple[str, ...]
    #: The policy in one line, for a layout that shows the state as a title above the sentence (so
    #: the state is not said a third time): "Policy: fail-on critical (--fail-on)", or, with no
    #: gate, "Nothing was gated, whatever the score and open items — set one with …".
    policy_note: str = ""

    @property
    def label(self) -> str:
        return {"passed": "Gate passed", "failed": "Gate failed", "none": "No gate set"}[self.state]


@dataclass(frozen=True)
class ProviderRow:
    id: str
    name: str
    roles: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ModelRow:
    id: str
    provider: str
    #: ``pinned``, ``floating`` or ``unknown``.
    alias: str
    family: str
    weights: str
    licence: str
    licence_url: str
    deprecated: _dt.date | None
    retired: _dt.date | None
    #: Where the lifecycle dates come from (the developer's deprecations page), when known.
    source: str
    #: ``retired``, ``retires in N days``, ``deprecated``, ``retires YYYY-MM-DD`` or ``""``.
    lifecycle: str
    #: Past retirement, deprecated, or retiring within the horizon.
    near_retirement: bool
    evidence: tuple[str, ...]
    #: The lifecycle dates come from secondary reports, not the developer's page (``source`` is
    #: then where to check them); ``lifecycle`` says so in words.
    secondary: bool = False
    #: The lab that made the model and the path it is reached by (``api``, a cloud such as
    #: ``bedrock``, a host such as ``groq``, or ``self-hosted``), as the scanner recorded them.
    developer: str = ""
    channel: str = ""
    #: For a fine-tuned model (``ft:gpt-4o-mini-2024-07-18:acme::abc``), the model it was tuned
    #: from, whose lifecycle it has.
    base_model: str = ""

    @property
    def route(self) -> str:
        """The provider with how the model is reached: ``openai (direct API)``, ``bedrock
        (developer anthropic, via bedrock)``, ``openai (fine-tuned from gpt-4o-mini-2024-07-18,
        direct API)``; the provider alone when the scanner said nothing."""
        parts = [f"fine-tuned from {self.base_model}"] if self.base_model else []
        if self.developer and self.developer != self.provider:
            parts.append(f"developer {self.developer}")
        if self.channel:
            parts.append({"api": "direct API", "self-hosted": "self-hosted"}.get(self.channel, f"via {self.channel}"))
        return f"{self.provider} ({', '.join(parts)})" if parts else self.provider


@dataclass(frozen=True)
class SignalRow:
    id: str
    title: str
    items: tuple[str, ...]
    evidence: tuple[str, ...]
    more: int


@dataclass(frozen=True)
class Inventory:
    """The scanner's inventory as tables. ``other`` keeps what no table holds, as key paths."""

    providers: tuple[ProviderRow, ...] = ()
    models: tuple[ModelRow, ...] = ()
    signals: tuple[SignalRow, ...] = ()
    catalog_as_of: str = ""
    findings: Mapping[str, int] = field(default_factory=dict)
    skipped: int | None = None
    other: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.providers or self.models or self.signals or self.findings or self.skipped or self.other)


@dataclass(frozen=True)
class Report:
    result: Result
    policy: Policy | None
    gate: GateOutcome | None
    verdict: Verdict
    areas: tuple[Area, ...]
    #: Open items that fail the policy, most severe first (empty with no ``fail-on``).
    blockers: tuple[ItemView, ...]
    #: Causes of failure that are not items (the score under ``fail-under``).
    blocker_notes: tuple[str, ...]
    #: With no ``fail-on``: the open critical and high items, shown where blockers would be.
    attention: tuple[ItemView, ...]
    todo: tuple[OwnerTodo, ...]
    expiring_waivers: tuple[ItemView, ...]
    inventory: Inventory
    problems: tuple[Problem, ...]
    #: The roles the listings are limited to (empty: every role).
    owners: tuple[str, ...]
    #: Counts of open items by severity, over every item.
    open_by_severity: Mapping[Severity, int]
    #: Answers older than the policy's ``max-age`` (none without one), in checklist order.
    stale: tuple[StaleAnswer, ...] = ()
    #: Dated evidence older than the policy's ``evidence-max-age`` (none without one), in checklist order.
    stale_evidence: tuple[StaleEvidence, ...] = ()

    @property
    def today(self) -> _dt.date:
        return self.result.today

    @property
    def score(self) -> float | None:
        return self.result.score

    @property
    def project_name(self) -> str:
        return self.result.assessment.project_name

    @property
    def title(self) -> str:
        name = self.result.assessment.project_name
        return f"Governance assessment: {name}" if name else "Governance assessment"

    @property
    def items(self) -> tuple[ItemView, ...]:
        return tuple(v for a in self.areas for v in a.items)

    @property
    def near_retirement(self) -> tuple[ModelRow, ...]:
        return tuple(m for m in self.inventory.models if m.near_retirement)

    @property
    def open_items(self) -> tuple[ItemView, ...]:
        """The listed open items (only the owners' with ``owners``), most severe first, then in
        checklist order: the "open items" listing of ``check`` in every format."""
        return tuple(_by_severity(v for v in self.items if v.is_open))

    @property
    def needing_review(self) -> tuple[ItemView, ...]:
        """The listed items whose question changed since they were answered (``review:``), most
        severe first: the "needs review" listing of ``check`` in every format."""
        return tuple(_by_severity(v for v in self.items if v.status is Status.REVIEW))

    @property
    def open_count(self) -> int:
        """Open items over every item, whatever ``owners`` lists."""
        return sum(self.open_by_severity.values())

    def lists(self, owner: str) -> bool:
        """Whether the listings show an item owned by ``owner``: every owner's without ``owners``."""
        return not self.owners or owner in self.owners

    @property
    def owner_note(self) -> str:
        """With ``owners``, the sentence that says the listings are limited and the verdict is not."""
        if not self.owners:
            return ""
        return f"Showing items owned by {join_words(list(self.owners))}; the score and gate cover all items."


def owner_filter(owners: Iterable[str]) -> tuple[str, ...]:
    """The roles ``--owner`` names, as the listings compare them: trimmed, lower-case, each once."""
    return tuple(dict.fromkeys(o.strip().lower() for o in owners if o.strip()))


def owner_roles(result: Result) -> tuple[str, ...]:
    """The roles ``--owner`` accepts: the six of the checklist contract, then any other owner a
    loaded checklist or one of its items names (in the order they first appear)."""
    roles = list(OWNERS)
    for c in result.checklists:
        for owner in (c.checklist.owner, *(r.item.owner for r in c.items)):
            if owner not in roles:
                roles.append(owner)
    return tuple(roles)


# --- Building it -------------------------------------------------------------------------------

#: Looks a model id up in the model catalog: its lifecycle (dates, ``source``) and licence URL.
ModelLookup = Callable[[str], "Mapping[str, Any] | None"]


def build(
    result: Result,
    *,
    policy: Policy | None = None,
    gate: GateOutcome | None = None,
    owners: Iterable[str] = (),
    model_lookup: ModelLookup | None = None,
) -> Report:
    """The report of ``result`` under ``policy`` (whose verdict is ``gate``; None: no gate set).

    ``owners`` limits the listings and the to-do to those roles. ``model_lookup`` adds the catalog's
    lifecycle source and licence URL to the inventory's models (:func:`catalog_lookup`); without
    it the dates the scanner wrote into the inventory are used alone.
    """
    today = result.today
    roles = owner_filter(owners)
    fail_on = policy.gate.fail_on if policy is not None and policy.is_set else None
    blocking_ids = _blocking_ids(gate)

    views: dict[int, ItemView] = {}
    for r in result.items:
        views[id(r)] = _item_view(r, today, blocking=r.item.id in blocking_ids, policy=policy)

    def shown(r: ItemResult) -> bool:
        return not roles or r.item.owner in roles

    areas = []
    for c in result.checklists:
        listed = tuple(views[id(r)] for r in c.items if shown(r))
        groups = tuple(
            StatusGroup(status, STATUS_HEADINGS[status], tuple(v for v in _by_severity(listed) if v.status is status))
            for status in STATUS_ORDER
            if any(v.status is status for v in listed)
        )
        areas.append(Area(c, listed, groups))

    all_views = [views[id(r)] for r in result.items]
    open_views = [v for v in all_views if v.is_open]
    blockers = tuple(_by_severity(v for v in all_views if v.blocking))
    attention = () if fail_on is not None else tuple(_by_severity(v for v in open_views if v.severity.rank >= Severity.HIGH.rank))
    todo = _todo([v for v in open_views if shown(v.result)], roles)
    expiring = tuple(
        sorted((v for v in all_views if v.waiver is not None and v.waiver.state == "expiring"), key=lambda v: v.waiver.expires if v.waiver else today)
    )
    inventory = _inventory(result.assessment.inventory, today, model_lookup)
    stale = _stale(all_views, result, policy)
    stale_evidence = _stale_evidence(all_views, result, policy)
    open_by_severity = {s: sum(1 for v in open_views if v.severity is s) for s in Severity}
    verdict = _verdict(result, policy, gate, open_by_severity, expiring, inventory)
    # The reasons that are not about one item (the score under fail-under) are listed beside the items.
    n_item_reasons = len(gate.failing_items) if gate is not None else 0
    notes = tuple(gate.reasons[: len(gate.reasons) - n_item_reasons]) if gate is not None else ()
    return Report(
        result=result,
        policy=policy,
        gate=gate,
        verdict=verdict,
        areas=tuple(areas),
        blockers=blockers,
        blocker_notes=notes,
        attention=attention,
        todo=todo,
        expiring_waivers=expiring,
        inventory=inventory,
        problems=tuple(sorted((*result.problems, *(s.problem for s in stale), *(p for _, p in stale_evidence)), key=_problem_order)),
        stale=tuple(s.answer for s in stale),
        stale_evidence=tuple(e for e, _ in stale_evidence),
        owners=roles,
        open_by_severity=open_by_severity,
    )


@dataclass(frozen=True)
class _Stale:
    answer: StaleAnswer
    problem: Problem


def _problem_order(p: Problem) -> tuple[str, int, int]:
    return (p.location.file, p.location.line, p.location.column)


def _stale(views: Sequence[ItemView], result: Result, policy: Policy | None) -> list[_Stale]:
    """The answers older than the policy's ``max-age`` for their severity, on the day scored.

    An answer's age runs from its ``reviewed:`` date, else from ``project.date`` (when the whole
    assessment was last dated); an answer of exactly ``max-age`` days is still fresh, one day more is
    stale. Only answers count: an open item has nothing to go stale, and an item that needs review
    is already listed as such. With neither date the answer cannot be shown to be fresh: stale.
    """
    if policy is None or not policy.max_age:
        return []
    try:
        project_date: _dt.date | None = _dt.date.fromisoformat(result.assessment.date) if result.assessment.date else None
    except ValueError:
        project_date = None
    out = []
    for v in views:
        resp = v.result.response
        setting = policy.max_age_days(v.severity)
        if resp is None or resp.answer is None or setting is None or v.status in (Status.OPEN, Status.NOT_APPLICABLE, Status.REVIEW):
            continue
        limit = int(setting.value)
        since, source = (resp.reviewed, "reviewed") if resp.reviewed else (project_date, "project.date")
        age = (result.today - since).days if since else None
        if age is not None and age <= limit:
            continue
        where = resp.reviewed_location or resp.location
        if since is None:
            message = f"{v.id}: answer has no reviewed: date (nor project.date), so it cannot be shown to be within max-age {limit} days for {v.severity.value}"
        else:
            message = f"{v.id}: answer last confirmed {since.isoformat()} ({source}), {age} days before {result.today.isoformat()}: over max-age {limit} days for {v.severity.value}"
        message += " — re-confirm it and set `reviewed:` to that day"
        out.append(_Stale(StaleAnswer(v, since, source, age, limit, where), Problem("warning", where, message, v.id)))
    return out


def _evidence_limit(r: ItemResult, policy: Policy | None) -> int | None:
    """The ``evidence-max-age`` in days for the evidence of ``r``, or None when it is not measured:
    no such policy, or an item whose evidence backs no answer (open, or not applicable)."""
    if policy is None or not policy.evidence_max_age or r.status in (Status.OPEN, Status.NOT_APPLICABLE):
        return None
    setting = policy.evidence_max_age_days(r.item.severity)
    return int(setting.value) if setting is not None else None


def _stale_evidence(views: Sequence[ItemView], result: Result, policy: Policy | None) -> list[tuple[StaleEvidence, Problem]]:
    """The dated evidence entries older than the policy's ``evidence-max-age``, on the day scored.

    An entry of exactly ``evidence-max-age`` days is still fresh, one day more is stale (as for
    answers). Plain entries carry no date and are not measured: the policy cannot tell their age,
    and the answer's own ``max-age`` already covers an answer nobody re-confirmed.
    """
    out = []
    for v in views:
        resp = v.result.response
        if resp is None:
            continue
        # Which entries are stale was decided once, when the view was built (_evidence); the
        # view's entries are the response's, in the same order, with their locations here.
        for shown, entry in zip(v.evidence, resp.evidence, strict=True):
            if not shown.stale:
                continue
            limit = _evidence_limit(v.result, policy)
            assert entry.date is not None and limit is not None  # only a dated entry under a limit is stale
            age = (result.today - entry.date).days
            stale = StaleEvidence(v, entry, age, limit)
            where = stale.location
            assert where is not None  # an item with a response is located
            message = (
                f"{v.id}: evidence {entry.ref!r} dated {entry.date.isoformat()} is {age} days old on {result.today.isoformat()}: "
                f"over evidence-max-age {limit} days for {v.severity.value} — renew the evidence and set its date to the day it was issued"
            )
            out.append((stale, Problem("warning", where, message, v.id)))
    return out


def _blocking_ids(gate: GateOutcome | None) -> set[str]:
    """The items that failed the gate: open at or above fail-on, or waived past the waiver rule."""
    return set(gate.failing_items) if gate is not None else set()


def _by_severity(views: Iterable[ItemView]) -> list[ItemView]:
    listed = list(views)
    order = {id(v): n for n, v in enumerate(listed)}
    return sorted(listed, key=lambda v: (-v.severity.rank, order[id(v)]))


def _item_view(r: ItemResult, today: _dt.date, *, blocking: bool, policy: Policy | None = None) -> ItemView:
    resp = r.response
    waiver = None
    if resp is not None and resp.waiver is not None:
        w = resp.waiver
        days = (w.expires - today).days
        state = "expired" if not w.valid_on(today) else "expiring" if days <= WAIVER_HORIZON_DAYS else "valid"
        waiver = WaiverView(w.reason, w.approved_by, w.expires, state, days)
    limit = _evidence_limit(r, policy)
    evidence = tuple(_evidence(e, today, limit) for e in (resp.evidence if resp else ()))
    return ItemView(r, _state(r, waiver), evidence, waiver, blocking)


def _state(r: ItemResult, waiver: WaiverView | None) -> str:
    resp = r.response
    if r.status is Status.OPEN:
        if r.unexplained_na:
            return "n/a without notes (scored as open until it says why)"
        if resp is None:
            return "missing from the file (counted as open)"
        return "unanswered" + (f"; waiver expired on {waiver.expires.isoformat()}" if waiver and waiver.state == "expired" else "")
    if r.status is Status.NOT_MET:
        return "answered no" + (f"; waiver expired on {waiver.expires.isoformat()}" if waiver and waiver.state == "expired" else "")
    if r.status is Status.WAIVED and waiver is not None:
        return f"waived until {waiver.expires.isoformat()}"
    if r.status is Status.NOT_APPLICABLE:
        return "not applicable to the declared modes"
    if r.status is Status.REVIEW and resp is not None:
        given = f"answered {resp.answer.value}" if resp.answer else "answered"
        if r.answered_status is Status.WAIVED and waiver is not None:
            given = f"waived until {waiver.expires.isoformat()}"
        return f"needs review: {resp.review}; {given}"
    return {Status.MET: "answered yes", Status.PARTIAL: "answered partial", Status.EXCLUDED: "n/a (with notes)"}.get(r.status, r.status.label)


def _evidence(entry: EvidenceEntry, today: _dt.date, limit: int | None) -> Evidence:
    """A link only when the whole entry is one http(s) URL with a host; anything else stays text.
    Stale when it is dated and older than ``limit`` days (the item's ``evidence-max-age``)."""
    stale = limit is not None and entry.date is not None and (today - entry.date).days > limit
    return Evidence(entry.ref, entry.ref.strip() if entry.is_url else None, entry.date, stale)


def _todo(open_views: list[ItemView], roles: tuple[str, ...]) -> tuple[OwnerTodo, ...]:
    owners = list(roles) if roles else list(OWNERS)
    for v in open_views:  # a custom checklist may name a role of its own
        if v.owner not in owners and not roles:
            owners.append(v.owner)
    todo = []
    for owner in owners:
        mine = tuple(_by_severity(v for v in open_views if v.owner == owner))
        if mine:
            todo.append(OwnerTodo(owner, mine))
    return tuple(todo)


def _verdict(
    result: Result,
    policy: Policy | None,
    gate: GateOutcome | None,
    open_by_severity: Mapping[Severity, int],
    expiring: tuple[ItemView, ...],
    inventory: Inventory,
) -> Verdict:
    from ..core.policy import verdict_lines

    if gate is None:
        state, lead = "none", "No gate set"
    else:
        state = "passed" if gate.passed else "failed"
        # The terms here, their sources in the policy line that follows the sentence.
        lead = f"Gate {state} under {policy.terms()}" if policy is not None else f"Gate {state}"
    crit, high = open_by_severity[Severity.CRITICAL], open_by_severity[Severity.HIGH]
    if crit or high:
        opened = f"{join_words([p for p in (f'{crit} critical' if crit else '', f'{high} high' if high else '') if p])} {'item' if crit + high == 1 else 'items'} open"
    else:
        opened = "no critical or high item open"
    waivers = (
        f"{plural(len(expiring), 'waiver')} {'expires' if len(expiring) == 1 else 'expire'} within {WAIVER_HORIZON_DAYS} days"
        if expiring
        else f"no waiver expires within {WAIVER_HORIZON_DAYS} days"
    )
    near = [m for m in inventory.models if m.near_retirement]
    models = (
        f"{plural(len(near), 'model')} in use {'is' if len(near) == 1 else 'are'} past or near retirement"
        if near
        else "no model in use is past or near retirement"
    )
    review = len(result.needing_review)
    # Named only when there are some: most assessments never have one, and their sentence stays short.
    reviewed = f", {plural(review, 'answer')} {'needs' if review == 1 else 'need'} review" if review else ""
    sentence = f"{lead}: overall score {fmt_score(result.score)}/100, {opened}{reviewed}, {waivers}, {models}."
    lines = tuple(verdict_lines(policy, gate)) if policy is not None else ()
    note = lines[0] if lines else ""
    if state == "none" and note.startswith(f"{lead}: "):
        rest = note[len(lead) + 2 :]
        note = (rest[:1].upper() + rest[1:]).replace("— set one with", "— set a gate with")
    return Verdict(
        state,
        sentence,
        lines,
        gate.reasons if gate is not None else (),
        gate.not_gated if gate is not None else (),
        policy_note=note,
    )


# --- The inventory -----------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(_text(v) for v in value if v is not None)
    return (_text(value),) if value not in (None, "") else ()


def _date(value: object) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _flatten(prefix: str, value: object, out: list[tuple[str, str]], depth: int = 0) -> None:
    """Key paths and values for the "other" table: data of unknown shape, shown as text, not JSON."""
    if len(out) >= 200:
        return
    if isinstance(value, Mapping) and depth < 6:
        if not value:
            out.append((prefix, "(empty)"))
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, depth + 1)
    elif isinstance(value, (list, tuple)) and depth < 6:
        if not value:
            out.append((prefix, "(none)"))
        elif all(not isinstance(v, (Mapping, list, tuple)) for v in value):
            out.append((prefix, ", ".join(_text(v) for v in value)))
        else:
            for n, v in enumerate(value):
                _flatten(f"{prefix}[{n}]", v, out, depth + 1)
    else:
        out.append((prefix, _text(value)))


def _inventory(raw: Mapping[str, object], today: _dt.date, lookup: ModelLookup | None) -> Inventory:
    if not isinstance(raw, Mapping) or not raw:
        return Inventory()
    other: list[tuple[str, str]] = []
    providers: list[ProviderRow] = []
    models: list[ModelRow] = []
    signals: list[SignalRow] = []
    titles = _signal_titles()
    findings: dict[str, int] = {}
    skipped: int | None = None
    catalog_as_of = ""
    for key, value in raw.items():
        if key == "providers" and isinstance(value, list) and all(isinstance(p, Mapping) for p in value):
            for p in value:
                providers.append(ProviderRow(_text(p.get("id")), _text(p.get("name") or p.get("id")), _texts(p.get("roles")), _texts(p.get("evidence"))))
        elif key == "models" and isinstance(value, list) and all(isinstance(m, Mapping) for m in value):
            models.extend(_model_row(m, today, lookup) for m in value)
        elif key == "signals" and isinstance(value, list) and all(isinstance(s, Mapping) for s in value):
            for s in value:
                sid = _text(s.get("id"))
                more = s.get("more")
                signals.append(SignalRow(sid, titles.get(sid, ""), _texts(s.get("items")), _texts(s.get("evidence")), more if isinstance(more, int) else 0))
        elif key == "findings" and isinstance(value, Mapping) and all(isinstance(v, int) for v in value.values()):
            findings = {str(k): int(v) for k, v in value.items()}
        elif key == "skipped" and isinstance(value, int) and not isinstance(value, bool):
            skipped = value
        elif key == "scanner" and isinstance(value, Mapping) and set(value) <= {"catalog_as_of"}:
            catalog_as_of = _text(value.get("catalog_as_of"))
        else:
            _flatten(str(key), value, other)
    return Inventory(tuple(providers), tuple(models), tuple(signals), catalog_as_of, findings, skipped, tuple(other))


def _model_row(m: Mapping[str, Any], today: _dt.date, lookup: ModelLookup | None) -> ModelRow:
    model_id = _text(m.get("id"))
    info = lookup(model_id) if lookup is not None and model_id else None
    lifecycle: Mapping[str, Any] = (info or {}).get("lifecycle") or {}
    deprecated = _date(m.get("deprecated")) or _date(lifecycle.get("deprecated"))
    retired = _date(m.get("retired")) or _date(lifecycle.get("retired"))
    if retired is not None and retired <= today:
        state, near = f"retired {retired.isoformat()}", True
    elif retired is not None and (retired - today).days <= RETIREMENT_HORIZON_DAYS:
        state, near = f"retires {retired.isoformat()} (in {plural((retired - today).days, 'day')})", True
    elif deprecated is not None and deprecated <= today:
        state, near = f"deprecated {deprecated.isoformat()}" + (f", retires {retired.isoformat()}" if retired else ""), True
    elif retired is not None:
        state, near = f"retires {retired.isoformat()}", False
    else:
        state, near = "", False
    # Dates the catalog could not read on the developer's own page say so wherever they are shown:
    # the source link next to them is where to check, not where they were read.
    secondary = lifecycle.get("evidence") == "secondary"
    if state and secondary:
        state += ", per secondary reports"
    licence = (info or {}).get("licence") or {}
    return ModelRow(
        id=model_id,
        provider=_text(m.get("provider")),
        alias=_text(m.get("alias")) or "unknown",
        family=_text(m.get("family")),
        weights=_text(m.get("weights")),
        licence=_text(m.get("licence")),
        licence_url=_text(licence.get("url")) if isinstance(licence, Mapping) else "",
        deprecated=deprecated,
        retired=retired,
        source=_text(lifecycle.get("source")),
        lifecycle=state,
        near_retirement=near,
        evidence=_texts(m.get("evidence")),
        secondary=secondary,
        developer=_text(m.get("developer")),
        channel=_text(m.get("channel")),
        base_model=_text(m.get("base_model")),
    )


def _signal_titles() -> dict[str, str]:
    from ..core.checklists import signal_definitions

    return {sid: str(d.get("title", "")) for sid, d in signal_definitions().items()}


def catalog_lookup() -> ModelLookup:
    """Look models up in the scanner's model catalog (compiled once; ~0.2 s)."""
    from ..scan.catalog import rules

    table = rules()

    def lookup(model_id: str) -> Mapping[str, Any] | None:
        info = table.model_info(model_id)
        if info is None:
            return None
        return {"lifecycle": info.lifecycle or {}, "licence": info.licence}

    return lookup
