"""The domain: checklists, their items, and the answers an assessment gives them.

These are plain, immutable dataclasses built by :mod:`.checklists` and :mod:`.assessment` from
validated YAML. Everything downstream — the scorer, the reports, the CLI and the Sphinx extension —
works on these objects, never on raw YAML, so a field's meaning is decided in one place.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
from dataclasses import dataclass, field

from .errors import Location


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def weight(self) -> int:
        """Scoring weight: critical 4, high 3, medium 2, low 1."""
        return _WEIGHTS[self]

    @property
    def rank(self) -> int:
        """Higher is more severe; used for ``--fail-on`` (at or above) and sorting."""
        return _WEIGHTS[self]


_WEIGHTS = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}

OWNERS: tuple[str, ...] = ("legal", "procurement", "risk", "security", "privacy", "engineering")

#: Adaptation/deployment modes; an item's ``applies_to`` and an assessment's ``context.modes``
#: draw from these. Their meaning is documented in the checklist schema and the handbook.
MODES: tuple[str, ...] = ("hosted-api", "rag", "hosted-fine-tuning", "self-hosted")


class Answer(enum.StrEnum):
    YES = "yes"
    PARTIAL = "partial"
    NO = "no"
    NOT_APPLICABLE = "n/a"

    @property
    def value_score(self) -> float | None:
        return _VALUE_SCORES[self]


_VALUE_SCORES: dict[Answer, float | None] = {Answer.YES: 1.0, Answer.PARTIAL: 0.5, Answer.NO: 0.0, Answer.NOT_APPLICABLE: None}
#: The answers by their canonical spelling: the answer of almost every item is one of these.
_BY_WORD: dict[str, Answer] = {a.value: a for a in Answer}


#: The answers as documented and as the tool writes them (quoted, so YAML 1.1 readers agree).
ANSWER_WORDS: tuple[str, ...] = tuple(a.value for a in Answer)

#: What is stripped around an answer before it is read: ASCII spaces, tabs and line breaks (the
#: schema's pattern allows exactly these, so both validators and this reader agree).
_ANSWER_SPACE = " \t\r\n"


def parse_answer(value: object) -> Answer | None:
    """Map a validated answer value to an :class:`Answer` (``None`` = unanswered).

    People write ``No``, ``YES`` or ``N/A``; the answer is read case-insensitively and surrounding
    spaces are ignored (``assess`` then writes it in its canonical form). ``true`` and ``false``
    are read as ``yes`` and ``no``: a YAML 1.1 reader (PyYAML, many editors) turns an unquoted
    ``yes``/``no`` into those booleans, so a file saved by such a tool keeps its meaning.
    """
    if value is None:
        return None
    if value is True:
        return Answer.YES
    if value is False:
        return Answer.NO
    found = _BY_WORD.get(value) if isinstance(value, str) else None
    return found if found is not None else Answer(str(value).strip(_ANSWER_SPACE).lower())


def is_canonical_answer(value: object) -> bool:
    """Whether ``value`` is written as the tool writes answers: null or one of :data:`ANSWER_WORDS`
    exactly (a boolean, ``No`` or `` yes `` means an answer, but not in its canonical spelling)."""
    return value is None or (isinstance(value, str) and str(value) in ANSWER_WORDS)


@dataclass(frozen=True)
class Reference:
    """A framework control (``framework`` + ``id``) or a primary source (``url`` + ``title``)."""

    framework: str = ""
    id: str = ""
    note: str = ""
    url: str = ""
    title: str = ""
    as_of: str = ""

    @property
    def is_source(self) -> bool:
        return bool(self.url)

    @property
    def label(self) -> str:
        if self.is_source:
            return f"{self.title} (as of {self.as_of})" if self.as_of else self.title
        return f"{FRAMEWORK_TITLES.get(self.framework, self.framework)} {self.id}"


FRAMEWORK_TITLES: dict[str, str] = {
    "nist-ai-rmf": "NIST AI RMF 1.0",
    "nist-ai-600-1": "NIST AI 600-1",
    "eu-ai-act": "EU AI Act",
    "iso-iec-42001": "ISO/IEC 42001",
    "gdpr": "GDPR",
    "dora": "DORA",
    "eu-data-act": "EU Data Act",
    "owasp-llm-top-10": "OWASP Top 10 for LLM Applications",
}


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    question: str
    why: str
    guidance: str
    evidence: tuple[str, ...]
    severity: Severity
    owner: str
    #: Roles whose input the owner's answer needs (never the owner), in the file's order.
    consulted: tuple[str, ...] = ()
    applies_to: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    replaces: tuple[str, ...] = ()
    #: The checklist version in which the question last changed in meaning ("" = never since the
    #: item was added), and the question as it read before then: answers given against an earlier
    #: version are marked for review by ``assess``.
    changed: str = ""
    previous_question: str = ""
    checklist_id: str = ""
    location: Location | None = field(default=None, compare=False)
    #: Where the ``guidance`` value starts in the checklist file (the ``|`` of a block scalar), so
    #: a problem inside the guidance can be reported at its own line.
    guidance_location: Location | None = field(default=None, compare=False)

    def applies(self, modes: tuple[str, ...] | frozenset[str]) -> bool:
        """An item applies when it names no modes, no modes are declared, or the two overlap."""
        return not self.applies_to or not modes or not frozenset(modes).isdisjoint(self.applies_to)


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    version: str
    summary: str
    owner: str
    items: tuple[Item, ...]
    path: str = ""

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Item]:
        # Looked up once per answered item when an assessment is read: keep it O(1).
        return {it.id: it for it in self.items}

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(it.id for it in self.items)


@dataclass(frozen=True)
class Waiver:
    reason: str
    approved_by: str
    expires: _dt.date

    def valid_on(self, today: _dt.date) -> bool:
        return today <= self.expires


@dataclass(frozen=True)
class Evidence:
    """One entry of an item's ``evidence:`` list.

    An entry is written either as plain text (a URL or a description, the only form before
    dated evidence existed, valid forever) or as a mapping ``{ref: …, date: YYYY-MM-DD}``. ``ref``
    holds what a plain entry holds (OSCAL's relevant-evidence calls a link ``href``; CISO
    Assistant's evidence has a ``link``; ``ref`` covers a link and a description alike), and
    ``date`` is the day the evidence was issued or collected (OSCAL's observation ``collected``),
    from which a policy's ``evidence-max-age`` measures its age. Every reader of evidence — the
    reports, the Sphinx page, exports — uses this type, so the two spellings are decided here once.
    """

    ref: str
    #: The day the evidence was issued or collected; None for a plain entry or a mapping without one.
    date: _dt.date | None = None
    #: Where the entry stands in the file (set for a mapping entry, which can be reported stale).
    location: Location | None = None

    @property
    def is_url(self) -> bool:
        """The whole entry is one http(s) URL with a host (reports make it a live link)."""
        from urllib.parse import urlsplit

        stripped = self.ref.strip()
        if not stripped or any(c.isspace() for c in stripped):
            return False
        parts = urlsplit(stripped)
        return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class Response:
    """What an assessment says about one item."""

    checklist_id: str
    item_id: str
    answer: Answer | None
    notes: str
    #: The ``evidence:`` entries in file order (a single string is one entry).
    evidence: tuple[Evidence, ...]
    waiver: Waiver | None
    location: Location
    answer_location: Location
    #: ``review:`` as written (set by ``assess`` when the question changed since the answer was
    #: given; a person deletes it once the answer is re-confirmed), and where it stands.
    review: str = ""
    review_location: Location | None = None
    #: ``reviewed: YYYY-MM-DD``: the day a person last confirmed the answer (None: not said), and
    #: where it stands. A policy's ``max-age`` measures an answer's age from it.
    reviewed: _dt.date | None = None
    reviewed_location: Location | None = None


def version_key(version: str) -> tuple[int, ...]:
    """A checklist version (``MAJOR.MINOR.PATCH``, as the schema requires) in comparable form;
    anything unreadable sorts first, so it is taken as older than every real version."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


@dataclass(frozen=True)
class AssessedChecklist:
    id: str
    version: str
    responses: dict[str, Response]
    location: Location


@dataclass(frozen=True)
class Assessment:
    path: str
    project_name: str
    assessors: tuple[str, ...]
    date: str
    modes: tuple[str, ...]
    checklists: dict[str, AssessedChecklist]
    inventory: dict[str, object]
    #: Keys inside item responses that the tool does not know: (where, key, likely intended key).
    #: They are kept — a person may store anything — but a typo such as ``anwser`` would otherwise
    #: silently leave an item unanswered, so the scorer reports them.
    unknown_keys: tuple[tuple[Location, str, str | None], ...] = ()
    #: The ``policy:`` section's values as written, each with where it stands: (key, value, where),
    #: keys ``fail-on``, ``fail-under`` and ``waivers.max-days``. :mod:`.policy` interprets them.
    policy: tuple[tuple[str, object, Location], ...] = ()
    #: ``project.criticality`` (critical, high, medium, low) and ``project.owner`` (business unit):
    #: optional, read by the portfolio; None or "" when the file does not say.
    criticality: str | None = None
    owner: str = ""
    #: Items answered in the file that their checklist no longer has, as (checklist id, item id):
    #: only when read with ``departed_ok`` (``diff``); otherwise such an item is an error.
    departed: tuple[tuple[str, str], ...] = ()
