"""The model retirement calendar: the catalog's lifecycle dates as rows a reader can plan with.

The model catalog (``models.yaml``) records, per model id pattern, when its developer announced the
deprecation, when requests start to fail, the last day for new fine-tuning jobs, the replacement
the developer names, and where each fact was read. This module turns the entries that carry a
retirement date into :class:`Retirement` rows and splits them around one day — the next months
first, then later ones, then those already retired — for the handbook's calendar page
(:mod:`fm_governance.sphinxext.retirements`) and anything else that wants the same view. It has
no Sphinx import and reads the catalog through the same bounded loader and schema as the scanner.

The day is a parameter, never ``date.today()`` inside: a build that pins it (the directive's
``:as-of:`` option, or ``SOURCE_DATE_EPOCH``) renders the same calendar every time.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.schemas import validate_against
from ..core.yamlio import load_located

#: The catalog file, beside this module.
CATALOG = "models.yaml"
SCHEMA = "models.schema.json"
#: Most ids a pattern is spelled out as; a pattern matching more (or any id, like ``.*``) is shown
#: as written.
MAX_IDS = 12


@dataclass(frozen=True)
class Retirement:
    """One catalog entry with a retirement date."""

    family: str
    #: The ids the entry's pattern matches, spelled out (empty when it matches too many to list).
    ids: tuple[str, ...]
    #: The pattern as written in the catalog (what :attr:`ids` spells out).
    pattern: str
    developer: str
    retired: _dt.date
    announced: _dt.date | None
    fine_tuning_cutoff: _dt.date | None
    replacement: str | None
    source: str
    as_of: _dt.date
    #: ``primary`` (the developer's page, or a copy of it) or ``secondary`` (consistent reports).
    evidence: str
    note: str | None

    @property
    def notice_days(self) -> int | None:
        """Days between the announcement and the retirement: the notice users were given."""
        return (self.retired - self.announced).days if self.announced else None

    def days_left(self, today: _dt.date) -> int:
        return (self.retired - today).days


@dataclass(frozen=True)
class Calendar:
    """Retirements split around ``today``: within the horizon, later, and already past."""

    today: _dt.date
    horizon_end: _dt.date
    upcoming: tuple[Retirement, ...]
    later: tuple[Retirement, ...]
    retired: tuple[Retirement, ...]
    #: The newest ``as_of`` among the rows: when the data was last checked.
    checked: _dt.date | None


def catalog_path() -> Path:
    """Where ``models.yaml`` is on disk (for build dependencies)."""
    return Path(str(resources.files(__package__).joinpath(CATALOG)))


def load_entries(path: Path | None = None) -> list[dict[str, Any]]:
    """The model entries of the built-in catalog, or of a catalog file in the same format, validated
    against the catalog's schema.

    Raises :class:`~fm_governance.core.errors.InputError` naming the file, line and column of what
    is wrong (and ``OSError`` when ``path`` cannot be read).
    """
    package = resources.files(__package__)
    name = str(path) if path is not None else CATALOG
    text = path.read_text("utf-8") if path is not None else package.joinpath(CATALOG).read_text("utf-8")
    plain, locate = load_located(text, name)
    schema = json.loads(package.joinpath(SCHEMA).read_text("utf-8"))
    data: dict[str, Any] = validate_against(schema, plain, locate, fix=f"fix {name} to match the model catalog's schema ({SCHEMA})")
    return list(data["models"])


def retirements(entries: Iterable[Mapping[str, Any]]) -> list[Retirement]:
    """A row for every entry whose lifecycle has a ``retired`` date, in catalog order."""
    rows = []
    for entry in entries:
        life = entry.get("lifecycle") or {}
        if not life.get("retired"):
            continue
        rows.append(
            Retirement(
                family=str(entry["family"]),
                ids=tuple(spell_out(str(entry["match"]))),
                pattern=str(entry["match"]),
                developer=str(entry["maker"]),
                retired=_dt.date.fromisoformat(life["retired"]),
                announced=_date(life.get("deprecated")),
                fine_tuning_cutoff=_date(life.get("fine_tuning_cutoff")),
                replacement=life.get("replacement"),
                source=str(life["source"]),
                as_of=_dt.date.fromisoformat(life["as_of"]),
                evidence=str(life.get("evidence", "primary")),
                note=life.get("note"),
            )
        )
    return rows


def add_months(day: _dt.date, months: int) -> _dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 January + 1 = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return _dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")  # pragma: no cover


def calendar(rows: Sequence[Retirement], today: _dt.date, *, months: int = 12) -> Calendar:
    """Split ``rows`` around ``today``.

    A model is retired on its retirement day (requests fail from that day, as the scanner judges
    it), so a row dated ``today`` is already retired. Upcoming rows run soonest first, the retired
    ones most recent first: the top of each table is what a reader needs first.
    """
    end = add_months(today, months)
    future = sorted((r for r in rows if r.retired > today), key=lambda r: (r.retired, r.developer, r.family))
    past = sorted((r for r in rows if r.retired <= today), key=lambda r: (r.retired, r.developer, r.family), reverse=True)
    return Calendar(
        today=today,
        horizon_end=end,
        upcoming=tuple(r for r in future if r.retired < end),
        later=tuple(r for r in future if r.retired >= end),
        retired=tuple(past),
        checked=max((r.as_of for r in rows), default=None),
    )


def _date(value: Any) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if value else None


# --- spelling a pattern out ---------------------------------------------------------------------


def spell_out(pattern: str, limit: int = MAX_IDS) -> list[str]:
    """Every id a catalog pattern matches, when they are few: ``gpt-4o-(?:2024-08-06|2024-11-20)``
    becomes ``gpt-4o-2024-08-06`` and ``gpt-4o-2024-11-20``.

    Catalog patterns for dated entries are literals with alternations, optional groups and small
    character classes; those are expanded with Python's own regular-expression parser. Anything
    open-ended (``.*``, ``\\w+``) or more than ``limit`` ids gives ``[]``, and the pattern is shown as
    written instead. Every id returned is checked to match the pattern in full.
    """
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's own parser (3.11+)

        parsed = _parser.parse(pattern)
        ids = _expand(list(parsed), _parser, limit)
    except (_TooMany, ImportError, re.error, TypeError, ValueError):
        return []
    compiled = re.compile(pattern)
    if not ids or not all(compiled.fullmatch(i) for i in ids):
        return []
    return list(dict.fromkeys(ids))


class _TooMany(Exception):
    """The pattern matches more ids than are worth listing (or infinitely many)."""


def _expand(items: list[tuple[Any, Any]], p: Any, limit: int) -> list[str]:
    out = [""]
    for op, arg in items:
        if op is p.LITERAL:
            options = [chr(arg)]
        elif op is p.SUBPATTERN:
            options = _expand(list(arg[-1]), p, limit)
        elif op is p.BRANCH:
            options = [s for branch in arg[1] for s in _expand(list(branch), p, limit)]
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT) and arg[0] == 0 and arg[1] == 1:
            options = ["", *_expand(list(arg[2]), p, limit)]
        elif op is p.IN:
            options = _class(arg, p)
        else:
            raise _TooMany(op)
        out = [a + b for a in out for b in options]
        if len(out) > limit:
            raise _TooMany(len(out))
    return out


def _class(members: list[tuple[Any, Any]], p: Any) -> list[str]:
    chars: list[str] = []
    for op, arg in members:
        if op is p.LITERAL:
            chars.append(chr(arg))
        elif op is p.RANGE and arg[1] - arg[0] < MAX_IDS:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            raise _TooMany(op)
    return chars
