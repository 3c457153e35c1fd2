"""Provider terms as data: what each provider and channel says on training, retention, indemnity
and the rest, one sourced and dated cell per topic.

The facts live in ``provider-terms.yaml`` beside this module, validated against
``provider-terms.schema.json`` when first loaded, like the scanner's catalog. They have a room of
their own rather than a place in ``scan/`` because two readers that have nothing to do with
scanning use them: the handbook's comparison tables (``fm_governance.sphinxext.terms``) and the
suggestions ``assess`` writes under checklist items (``fm_governance.core.assessment``). Like
``core/`` this module never imports Sphinx.

A cell is either a statement (its text, the page that says it and the date it was read; marked
``secondary`` when only consistent secondary reports could be read) or an explicit gap
(``unverified`` or ``not-applicable``, with a note): an empty value with a note beats a guess, and
every reader shows the gap as a gap.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import InputError, InputErrors, Location
from ..core.schemas import validate_against
from ..core.yamlio import load_located, read_text

DATA_FILE = "provider-terms.yaml"
SCHEMA_FILE = "provider-terms.schema.json"

#: What a cell can be: a statement read on the primary source, one read only in secondary reports,
#: or an explicit gap.
STATUSES = ("verified", "secondary", "unverified", "not-applicable")

#: How each status reads in tables, suggestions and text output.
STATUS_LABELS = {
    "verified": "verified",
    "secondary": "secondary sources only",
    "unverified": "not verified",
    "not-applicable": "not applicable",
}


@dataclass(frozen=True)
class Cell:
    """One topic for one channel: a sourced statement, or a gap that says why it is empty."""

    status: str
    text: str = ""
    source: str = ""
    as_of: str = ""
    note: str = ""
    #: The statement in a few words, for the handbook's tier-ladder figure (never more than ``text`` says).
    short: str = ""

    @property
    def stated(self) -> bool:
        """True when the cell states a term (from the primary source or from secondary reports)."""
        return self.status in ("verified", "secondary")


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    question: str
    #: Checklist items the topic bears on: ``assess`` quotes the term under each of them.
    items: tuple[str, ...]


@dataclass(frozen=True)
class Channel:
    id: str
    provider: str
    channel: str
    kind: str
    #: Scanner provider ids (``openai``, ``google``…) whose presence in an inventory means this
    #: channel may be in use.
    providers: tuple[str, ...]
    #: Model-catalog licence ids (``Apache-2.0``…) that put an inventoried model under this row.
    licences: tuple[str, ...]
    terms: Mapping[str, Cell]

    @property
    def name(self) -> str:
        return f"{self.provider}: {self.channel}"


@dataclass(frozen=True)
class ProviderTerms:
    as_of: str
    topics: tuple[Topic, ...]
    channels: tuple[Channel, ...]
    file: str

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def for_inventory(self, inventory: Mapping[str, Any] | None) -> list[Channel]:
        """The channels an assessment's inventory points at, in data-file order: those reached by
        a provider the scanner found, and the open-weight licences of the models it found."""
        if not isinstance(inventory, Mapping):
            return []
        providers = {str(p.get("id")) for p in _entries(inventory.get("providers"))}
        licences = {str(m.get("licence")) for m in _entries(inventory.get("models"))}
        return [c for c in self.channels if providers.intersection(c.providers) or licences.intersection(c.licences)]


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def load_text(text: str, file: str) -> ProviderTerms:
    """Read and validate a provider-terms file; every problem is an :class:`InputError` located in
    ``file``."""
    plain, locate = load_located(text, file)
    if not isinstance(plain, dict):
        raise InputError(Location(file, 1, 1), "is not a mapping", "a provider-terms file starts with `version:`, `as_of:`, `topics:` and `channels:`")
    schema: dict[str, Any] = json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8"))
    validate_against(schema, plain, locate, fix=f"fix it to match {SCHEMA_FILE} (`fm_governance/terms/{SCHEMA_FILE}`)")
    return _build(plain, locate, file)


def load_file(path: Path) -> ProviderTerms:
    return load_text(read_text(path), str(path))


@functools.cache
def shipped() -> ProviderTerms:
    """The provider terms that ship with the package."""
    return load_text(resources.files(__package__).joinpath(DATA_FILE).read_text("utf-8"), DATA_FILE)


def _build(plain: dict[str, Any], locate: Callable[..., Location], file: str) -> ProviderTerms:
    errors: list[InputError] = []
    topics = tuple(Topic(t["id"], t["title"], t["question"], tuple(t["items"])) for t in plain["topics"])
    errors += _repeats([t.id for t in topics], lambda i: locate(["topics", i, "id"]), "topic")
    errors += _repeats([c["id"] for c in plain["channels"]], lambda i: locate(["channels", i, "id"]), "channel")
    topic_ids = [t.id for t in topics]
    channels: list[Channel] = []
    for index, raw in enumerate(plain["channels"]):
        terms: dict[str, Any] = raw["terms"]
        for key in terms:
            if key not in topic_ids:
                errors.append(InputError(locate(["channels", index, "terms", key], key=True), f"unknown topic {key!r}", f"topics: {', '.join(topic_ids)}"))
        missing = [t for t in topic_ids if t not in terms]
        if missing:
            errors.append(
                InputError(
                    locate(["channels", index, "terms"], key=True),
                    f"channel {raw['id']!r} has no cell for {', '.join(missing)}",
                    "add each one, as `{status: unverified, note: ...}` if nobody has verified it",
                )
            )
        inventory = raw.get("inventory") or {}
        channels.append(
            Channel(
                id=raw["id"],
                provider=raw["provider"],
                channel=raw["channel"],
                kind=raw["kind"],
                providers=tuple(inventory.get("providers") or ()),
                licences=tuple(inventory.get("licences") or ()),
                terms={t: _cell(terms[t]) for t in topic_ids if t in terms},
            )
        )
    if errors:
        raise InputErrors(errors)
    return ProviderTerms(as_of=str(plain["as_of"]), topics=topics, channels=tuple(channels), file=file)


def _repeats(ids: Sequence[str], where: Callable[[int], Location], kind: str) -> list[InputError]:
    seen: set[str] = set()
    out: list[InputError] = []
    for index, value in enumerate(ids):
        if value in seen:
            out.append(InputError(where(index), f"{kind} id {value!r} is used twice", f"give each {kind} its own id"))
        seen.add(value)
    return out


def _cell(raw: Mapping[str, Any]) -> Cell:
    if "status" in raw:
        return Cell(status=str(raw["status"]), note=str(raw["note"]))
    return Cell(
        status="secondary" if raw.get("basis") == "secondary" else "verified",
        text=str(raw["text"]),
        source=str(raw["source"]),
        as_of=str(raw["as_of"]),
        note=str(raw.get("note") or ""),
        short=str(raw.get("short") or ""),
    )


def select(
    terms: ProviderTerms, *, topics: Iterable[str] = (), channels: Iterable[str] = (), where: Location | None = None
) -> tuple[list[Topic], list[Channel]]:
    """The topics and channels named (all when none are), in data-file order; an unknown id is an
    :class:`InputError` at ``where``."""
    wanted_topics, wanted_channels = list(topics), list(channels)
    place = where or Location(terms.file)
    for wanted, known, kind in ((wanted_topics, [t.id for t in terms.topics], "topic"), (wanted_channels, [c.id for c in terms.channels], "channel")):
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise InputError(place, f"unknown {kind} {unknown[0]!r}", f"known {kind}s: {', '.join(known)}")
    return (
        [t for t in terms.topics if not wanted_topics or t.id in wanted_topics],
        [c for c in terms.channels if not wanted_channels or c.id in wanted_channels],
    )
