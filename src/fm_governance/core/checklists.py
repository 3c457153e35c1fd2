"""Loading checklists: the built-in four plus any a project adds, validated once, located always.

The built-in checklists live in the top-level ``checklists/`` folder of the repository and are
packaged into the wheel as ``fm_governance/checklists``. A project may add its own folder of
checklist files (``--checklists-dir`` on the CLI, ``fmg_checklist_dirs`` in Sphinx); they go through
exactly the same validation.

Beyond the JSON Schema, a catalog must be consistent as a whole: file name matches the checklist id,
ids and item ids are unique across every loaded checklist, items of one checklist share a prefix,
``replaces`` never names a live item, and every signal is one the scanner knows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError, InputErrors, Location
from .files import file_identity
from .models import Checklist, Item, Reference, Severity, version_key
from .schemas import validate_plain
from .yamlio import load_located, read_text

#: Built-in checklist ids, in the order they are presented.
BUILTIN_IDS: tuple[str, ...] = ("data-exposure", "vendor-lock-in", "intellectual-property", "operational-continuity")


def builtin_dir() -> Path:
    """Folder holding the built-in checklists.

    In an installed wheel it is ``fm_governance/checklists``. In a source checkout (editable
    install, or running from ``src/``) the top-level ``checklists/`` folder is the same data, so
    contributors edit one copy and see it at once.
    """
    packaged = Path(str(resources.files("fm_governance"))) / "checklists"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[3] / "checklists"
    return source


@functools.cache
def signal_definitions() -> dict[str, dict[str, Any]]:
    """``scan/signals.yaml`` as ``{id: {id, title, description}}`` in file order: the signal ids
    the scanner can produce and checklist items may name."""
    text = resources.files("fm_governance.scan").joinpath("signals.yaml").read_text("utf-8")
    data, _ = load_located(text, "signals.yaml")
    return {str(s["id"]): s for s in data["signals"]}


def known_signals() -> frozenset[str]:
    """Signal ids the scanner can produce."""
    return frozenset(signal_definitions())


def load_checklist(path: Path) -> Checklist:
    """Load and validate one checklist file; raise located errors."""
    return _parse_checklist(str(path), read_text(path))


@functools.lru_cache(maxsize=32)
def _parse_checklist(file: str, text: str) -> Checklist:
    """The checklist in ``text``, read from ``file``; kept per file name and text, since a
    :class:`Checklist` is immutable. A command reads each checklist once, but the processes that run
    many commands in a row (the handbook's guide transcripts, the test suite) read the same four
    files dozens of times, and parsing and validating them was most of each ``check``. Keyed on the
    text, so an edited file is parsed again; errors are raised, never kept."""
    path = Path(file)
    data, locate = load_located(text, file)
    if data is None:
        raise InputError(Location(file, 1, 1), "is empty", "a checklist needs id, title, version, summary, owner and items")
    plain = validate_plain("checklist", data, locate)
    errors: list[InputError] = []
    if path.stem != plain["id"]:
        errors.append(
            InputError(
                locate(["id"]),
                f"checklist id {plain['id']!r} does not match the file name {path.name!r}",
                f"rename the file to {plain['id']}.yaml or change the id",
            )
        )
    seen: dict[str, int] = {}
    prefixes: set[str] = set()
    signals = known_signals()
    for index, raw in enumerate(plain["items"]):
        item_id = raw["id"]
        prefixes.add(item_id.split("-")[0])
        if item_id in seen:
            errors.append(
                InputError(
                    locate(["items", index, "id"]),
                    f"duplicate item id {item_id!r} (also item {seen[item_id] + 1})",
                    "item ids are never reused: give this item the next free id",
                )
            )
        seen[item_id] = index
        owner = raw.get("owner") or plain["owner"]
        if owner in raw.get("consulted", []):
            errors.append(
                InputError(
                    locate(["items", index, "consulted", raw["consulted"].index(owner)]),
                    f"{item_id} lists its owner {owner!r} among the roles consulted",
                    "remove it from `consulted`: the owner answers the item, `consulted` names the other roles it asks",
                )
            )
        if raw.get("previous_question") and not raw.get("changed"):
            # The schema says so too (dependentRequired), but not every validator reads that keyword.
            errors.append(
                InputError(
                    locate(["items", index, "previous_question"], key=True),
                    f"{item_id} has previous_question but no changed",
                    "add `changed:` with the version in which the question changed in meaning",
                )
            )
        if raw.get("changed") and version_key(raw["changed"]) > version_key(plain["version"]):
            errors.append(
                InputError(
                    locate(["items", index, "changed"]),
                    f"{item_id} changed in {raw['changed']}, later than the checklist's version {plain['version']}",
                    "set `changed` to the version that changes the question (this one, or an earlier one)",
                )
            )
        for s_index, signal in enumerate(raw.get("signals", [])):
            if signal not in signals:
                errors.append(
                    InputError(locate(["items", index, "signals", s_index]), f"unknown signal {signal!r}", f"use one of: {', '.join(sorted(signals))}")
                )
    for index, raw in enumerate(plain["items"]):
        for r_index, old in enumerate(raw.get("replaces", [])):
            if old in seen:
                errors.append(
                    InputError(
                        locate(["items", index, "replaces", r_index]),
                        f"{raw['id']} replaces {old}, which is still in the checklist",
                        "remove it from `replaces`, or remove the old item",
                    )
                )
    expected_prefix = plain.get("prefix")
    if expected_prefix and prefixes - {expected_prefix}:
        errors.append(InputError(locate(["items"]), f"item ids must start with {expected_prefix}-", "rename the items or change `prefix`"))
    elif len(prefixes) > 1:
        errors.append(InputError(locate(["items"]), f"items use several id prefixes ({', '.join(sorted(prefixes))})", "use one prefix per checklist"))
    if errors:
        raise InputErrors(errors)
    items = tuple(_item(raw, plain["owner"], plain["id"], locate(["items", i]), locate(["items", i, "guidance"])) for i, raw in enumerate(plain["items"]))
    return Checklist(
        id=plain["id"], title=plain["title"], version=plain["version"], summary=plain["summary"].strip(), owner=plain["owner"], items=items, path=file
    )


def _item(raw: dict[str, Any], default_owner: str, checklist_id: str, location: Location, guidance_location: Location) -> Item:
    return Item(
        id=raw["id"],
        title=raw["title"].strip(),
        question=" ".join(raw["question"].split()),
        why=raw["why"].strip(),
        guidance=raw["guidance"].strip(),
        evidence=tuple(e.strip() for e in raw["evidence"]),
        severity=Severity(raw["severity"]),
        owner=raw.get("owner") or default_owner,
        consulted=tuple(raw.get("consulted") or ()),
        applies_to=tuple(raw.get("applies_to") or ()),
        signals=tuple(raw.get("signals") or ()),
        references=tuple(Reference(**ref) for ref in raw.get("references") or ()),
        replaces=tuple(raw.get("replaces") or ()),
        changed=raw.get("changed") or "",
        previous_question=" ".join((raw.get("previous_question") or "").split()),
        checklist_id=checklist_id,
        location=location,
        guidance_location=guidance_location,
    )


@dataclass(frozen=True)
class Catalog:
    """Every loaded checklist, by id, in presentation order."""

    checklists: dict[str, Checklist]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.checklists.values())

    def __len__(self) -> int:
        return len(self.checklists)

    def get(self, checklist_id: str) -> Checklist | None:
        return self.checklists.get(checklist_id)

    def item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    @functools.cached_property
    def _items(self) -> dict[str, Item]:
        """Every item by id (ids are unique across a catalog; the first checklist wins if not)."""
        found: dict[str, Item] = {}
        for checklist in reversed(list(self.checklists.values())):
            found.update((it.id, it) for it in checklist.items)
        return found

    def select(self, ids: Sequence[str]) -> list[Checklist]:
        """The named checklists (all when ``ids`` is empty); unknown ids are a usage error."""
        if not ids:
            return list(self.checklists.values())
        unknown = [i for i in ids if i not in self.checklists]
        if unknown:
            raise InputError(Location("checklist"), f"unknown checklist id {unknown[0]!r}", f"known ids: {', '.join(self.checklists)}")
        return [self.checklists[i] for i in dict.fromkeys(ids)]


def checklist_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(Location(str(folder)), "is not a folder of checklists", "pass a folder that holds <id>.yaml checklist files")
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_catalog(extra_dirs: Iterable[Path] = (), *, builtins: Sequence[str] | None = None, loader: Callable[[Path], Checklist] = load_checklist) -> Catalog:
    """Load the built-in checklists (all, or those named in ``builtins``) and any extra folders.

    ``loader`` loads one file (a caller that keeps parsed files between runs passes its own)."""
    folder = builtin_dir()
    wanted = BUILTIN_IDS if builtins is None else tuple(builtins)
    unknown = [b for b in wanted if b not in BUILTIN_IDS]
    if unknown:
        raise InputError(Location("checklist"), f"unknown built-in checklist {unknown[0]!r}", f"built-ins are: {', '.join(BUILTIN_IDS)}")
    paths = [folder / f"{b}.yaml" for b in wanted]
    for extra in extra_dirs:
        paths.extend(checklist_files(Path(extra)))
    # A file named twice (a folder given twice, by two spellings or a link) is one checklist, not a
    # clash of ids with itself.
    seen: set[object] = set()
    unique: list[Path] = []
    for path in paths:
        key = file_identity(path) or path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    paths = unique
    checklists: dict[str, Checklist] = {}
    owners_of_items: dict[str, str] = {}
    errors: list[InputError] = []
    for path in paths:
        try:
            checklist = loader(path)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        except InputError as exc:
            errors.append(exc)
            continue
        if checklist.id in checklists:
            errors.append(
                InputError(
                    Location(str(path), 1, 1),
                    f"checklist id {checklist.id!r} is already loaded from {checklists[checklist.id].path}",
                    "give the checklist a different id",
                )
            )
            continue
        for item in checklist.items:
            previous = owners_of_items.get(item.id)
            if previous is not None:
                errors.append(
                    InputError(
                        item.location or Location(str(path)),
                        f"item id {item.id!r} is also used by checklist {previous!r}",
                        "item ids are unique across checklists: use another prefix",
                    )
                )
            owners_of_items[item.id] = checklist.id
        checklists[checklist.id] = checklist
    if errors:
        raise InputErrors(errors)
    return Catalog(checklists)
