"""Read and score each assessment, and keep only what the portfolio measures.

Each file goes through exactly the reader and scorer ``check`` uses
(:func:`~fm_governance.core.assessment.read_assessment`, :func:`~fm_governance.core.scoring.score`),
so a file the portfolio counts is a file ``check`` accepts, scored the same. It is then reduced to a
:class:`Project`: plain, frozen, picklable data (so large portfolios are read in worker processes
and only these small records travel back), holding the models in use with their developer,
channel and lifecycle, the contracted providers, the open critical and high items, the waivers and
the score.

Where a model's developer or channel comes from: an inventory model may carry ``developer`` and
``channel`` (newer scanners write them); when it does not, the developer is the model catalog's
maker of that model id, and the channel is the provider that serves it (``self-hosted`` for a
provider the scanner knows as self-hosted inference). A model the catalog does not know has no
developer: it is counted as "not found", never guessed. Lifecycle dates are the inventory's
(``deprecated``, ``retired``), else the catalog's.

The inventory is written by the scanner but sits in a file people can edit, and the schema only
says it is a mapping: every value is checked for its type here, and anything else is ignored.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..core.errors import InputError, InputErrors
from ..core.models import Severity

if TYPE_CHECKING:
    from ..core.checklists import Catalog
    from ..core.models import Checklist, Item

#: Inputs at least this large are read in parallel processes (below it, starting them costs more).
PARALLEL_FROM = 200


class ModelUse(NamedTuple):
    """One model a project's inventory names."""

    id: str
    provider: str
    developer: str  # "" when not found
    channel: str  # "" when not found
    deprecated: _dt.date | None
    retired: _dt.date | None


class OpenItem(NamedTuple):
    """A critical or high item that is unanswered or answered no, without a valid waiver."""

    item_id: str
    checklist_id: str
    area: str
    severity: str
    owner: str


class WaiverUse(NamedTuple):
    """A waiver that is valid on the day the portfolio is built."""

    item_id: str
    expires: _dt.date
    approved_by: str


@dataclass(frozen=True)
class Project:
    """What the portfolio needs of one assessment.

    Its parts are named tuples rather than dataclasses: a worker process sends thousands of them
    back, and tuples pickle and unpickle several times faster.
    """

    path: str
    name: str
    criticality: str | None
    owner: str
    date: _dt.date | None
    score: float | None
    models: tuple[ModelUse, ...]
    providers: tuple[str, ...]
    open_items: tuple[OpenItem, ...]
    waivers: tuple[WaiverUse, ...]

    @property
    def is_critical(self) -> bool:
        return self.criticality == "critical"

    def values(self, level: str) -> tuple[str, ...]:
        """The distinct developers, channels or providers this project depends on (sorted)."""
        # Worked out once per level: every measure and every output asks again. Kept beside the
        # fields (a frozen dataclass's own dictionary), outside comparisons and the constructor.
        cache: dict[str, tuple[str, ...]] = self.__dict__.setdefault("_values", {})
        found = cache.get(level)
        if found is None:
            if level == "provider":
                found = tuple(sorted(set(self.providers)))
            else:
                named = {m.developer if level == "developer" else m.channel for m in self.models}
                found = tuple(sorted(v for v in named if v))
            cache[level] = found
        return found

    @property
    def open_critical(self) -> int:
        """How many of the open items are critical."""
        return sum(1 for i in self.open_items if i.severity == "critical")

    @property
    def open_high(self) -> int:
        """How many of the open items are high."""
        return sum(1 for i in self.open_items if i.severity == "high")


@dataclass(frozen=True)
class Excluded:
    """A file left out of every figure, with the one-line error that says why and how to fix it."""

    path: str
    errors: tuple[str, ...]


def _date(value: object) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


class ModelCatalog:
    """The model catalog and the provider roles, compiled on first use (~0.2 s)."""

    def __init__(self) -> None:
        self._rules: Any = None

    @property
    def rules(self) -> Any:
        if self._rules is None:
            from ..scan.catalog import rules

            self._rules = rules()
        return self._rules

    def maker(self, model_id: str) -> tuple[str, _dt.date | None, _dt.date | None]:
        info = self.rules.model_info(model_id)
        if info is None:
            return "", None, None
        lifecycle = info.lifecycle or {}
        return str(info.maker), _date(lifecycle.get("deprecated")), _date(lifecycle.get("retired"))

    def channel(self, provider: str) -> str:
        if not provider:
            return ""
        if provider not in self.rules.providers:
            return provider  # a provider this catalog does not know: still a channel, by its id
        role = self.rules.role_of(provider)
        if role == "self-hosted":
            return "self-hosted"
        return provider if role == "hosted" else ""


def _models(inventory: dict[str, Any], catalog: ModelCatalog) -> tuple[ModelUse, ...]:
    found: list[ModelUse] = []
    for entry in inventory.get("models") or ():
        if not isinstance(entry, dict) or not _text(entry.get("id")):
            continue
        model_id = _text(entry["id"])
        provider = _text(entry.get("provider"))
        maker, deprecated, retired = catalog.maker(model_id)
        found.append(
            ModelUse(
                id=model_id,
                provider=provider,
                developer=_text(entry.get("developer")) or maker,
                channel=_text(entry.get("channel")) or catalog.channel(provider),
                deprecated=_date(entry.get("deprecated")) or deprecated,
                retired=_date(entry.get("retired")) or retired,
            )
        )
    return tuple(found)


def _providers(inventory: dict[str, Any], catalog: ModelCatalog) -> tuple[str, ...]:
    """The providers prompts are sent to under a contract: those the scanner saw in a hosted role."""
    found: list[str] = []
    for entry in inventory.get("providers") or ():
        if not isinstance(entry, dict) or not _text(entry.get("id")):
            continue
        roles = entry.get("roles")
        hosted = "hosted" in roles if isinstance(roles, list) else catalog.rules.role_of(_text(entry["id"])) == "hosted"
        if hosted:
            found.append(_text(entry["id"]))
    return tuple(dict.fromkeys(found))


#: The severities whose open items the portfolio counts.
_SEVERE = frozenset({Severity.CRITICAL, Severity.HIGH})
#: One record per item of the catalog (by checklist and item id), the same object in every project.
_OPEN_ITEMS: dict[tuple[str, str], OpenItem] = {}


def _open_item(item: Item, checklist: Checklist) -> OpenItem:
    """The record of an open ``item``: the same object in every project, so a chunk of projects
    sent back from a worker holds each once (pickle sends a repeated object as a reference), which
    makes the chunk several times smaller to send and to read back."""
    key = (checklist.id, item.id)
    found = _OPEN_ITEMS.get(key)
    if found is None or found.area != checklist.title or found.owner != item.owner or found.severity != item.severity.value:
        found = _OPEN_ITEMS[key] = OpenItem(item.id, checklist.id, checklist.title, item.severity.value, item.owner)
    return found


def read_project(path: str | Path, catalog: Catalog, today: _dt.date, models: ModelCatalog | None = None) -> Project:
    """Read, validate and score one assessment (raises :class:`InputError` when ``check`` would)."""
    from ..core.assessment import read_assessment
    from ..core.scoring import Status, score

    models = models or ModelCatalog()
    # Without positions: the portfolio shows no item's line, and a file it refuses is read again
    # with positions, so its errors are located all the same.
    assessment = read_assessment(Path(path), catalog, located=False)
    result = score(assessment, catalog, today=today)
    inventory = assessment.inventory if isinstance(assessment.inventory, dict) else {}
    open_items = tuple(_open_item(r.item, c.checklist) for c in result.checklists for r in c.items if r.item.severity in _SEVERE and r.is_open)
    waivers = tuple(
        WaiverUse(r.item.id, r.response.waiver.expires, r.response.waiver.approved_by)
        for r in result.items
        if r.status == Status.WAIVED and r.response is not None and r.response.waiver is not None
    )
    name = assessment.project_name.strip() or Path(path).resolve().parent.name or str(path)
    return Project(
        path=str(path),
        name=name,
        criticality=assessment.criticality,
        owner=assessment.owner,
        date=_date(assessment.date),
        score=result.score,
        models=_models(inventory, models),
        providers=_providers(inventory, models),
        open_items=open_items,
        waivers=waivers,
    )


# --- many files ---------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _start_worker(checklists_dirs: tuple[str, ...], today: _dt.date) -> None:
    from ..core.checklists import load_catalog

    _worker["catalog"] = load_catalog(tuple(Path(d) for d in checklists_dirs))
    _worker["models"] = ModelCatalog()
    _worker["today"] = today


def _read_one(path: str) -> Project | Excluded:
    try:
        return read_project(path, _worker["catalog"], _worker["today"], _worker["models"])
    except InputErrors as exc:
        return Excluded(path, tuple(exc.lines()))
    except InputError as exc:
        return Excluded(path, (exc.one_line(),))
    except OSError as exc:
        return Excluded(path, (f"{path}: {exc.strerror or exc} — check the path and permissions",))


def read_all(
    paths: Sequence[Path | str],
    checklists_dirs: Sequence[Path | str] = (),
    *,
    today: _dt.date,
    jobs: int | None = None,
) -> list[Project | Excluded]:
    """Each file read and scored, in the order given; a bad file becomes an :class:`Excluded`.

    ``jobs`` is the number of worker processes (default: one per CPU, and none below
    :data:`PARALLEL_FROM` files). Checklists and the model catalog are loaded once, here, and
    forked workers inherit them (the catalog alone takes about a second to load, most of it
    importing jsonschema); on a platform without fork each worker loads them itself.
    """
    names = [str(p) for p in paths]
    dirs = tuple(str(d) for d in checklists_dirs)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    _start_worker(dirs, today)
    if workers <= 1 or len(names) < PARALLEL_FROM:
        return [_read_one(n) for n in names]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context: Any
    if "fork" in methods:
        # The workers inherit the imported modules, the checklists and the compiled catalog
        # instead of loading them again (spawn costs ~0.3 s a worker before any of that).
        _worker["models"].rules  # noqa: B018  (compiled here, once, before the fork)
        # What is loaded so far stays for the whole run: out of the collector's sight, it is not
        # walked again by every full collection in every worker, nor copied into the workers' own
        # memory when the collector would touch it (the gc module's advice for a fork). Undone
        # below for this process; a caller's own frozen objects are left as they are.
        freezing = gc.get_freeze_count() == 0
        gc.freeze()
        context = multiprocessing.get_context("fork")
        # A forked worker starts with the collector as the parent has it below (off): on again,
        # since reading a file leaves a few cycles behind.
        start: dict[str, Any] = {"initializer": gc.enable}
    else:
        freezing = False
        context = multiprocessing.get_context()
        start = {"initializer": _start_worker, "initargs": (dirs, today)}
    # Chunks of files per task: few enough round trips that the pool's own work stays small,
    # enough chunks (8 a worker) that the workers finish together.
    chunk = max(1, min(256, len(names) // (workers * 8)))
    collecting = gc.isenabled()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, **start) as pool:
            # The records that come back hold no reference cycles, so the collector has nothing
            # to find in them; left on, it walks them again and again as they arrive (about 0.2 s
            # of the parent's time for 10,000 files, on a machine whose cores the workers need).
            gc.disable()
            return list(pool.map(_read_one, names, chunksize=chunk))
    finally:
        if collecting:
            gc.enable()
        if freezing:
            gc.unfreeze()
