"""The checklist catalog as the extension sees it: loaded once per build, cached, and degradable.

The core loader (:func:`fm_governance.core.checklists.load_catalog`) is all-or-nothing, which is
right for the CLI (exit 2 and list every problem). A handbook build should instead say what is
wrong, with the file and line, and still render every checklist that is fine. So on failure this
module reports each located error as an ``fmg.checklist`` warning and falls back to the checklists
that load on their own, skipping any that collide with one already accepted.

The catalog is cached per process, keyed by the files' paths, sizes and modification times: it is
loaded at ``builder-inited`` (main process, where warnings are emitted once) and forked parallel
readers inherit the cache, so a ``-j`` build neither re-reads the YAML nor repeats the warnings.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .. import __version__
from ..core.checklists import BUILTIN_IDS, Catalog, builtin_dir, checklist_files, load_catalog, load_checklist
from ..core.errors import InputError, InputErrors, Location
from ..core.models import Checklist
from ..core.yamlio import write_atomic
from .config import FmgConfig, fmg_config

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedCatalog:
    """What the directives need: the usable checklists, the file each came from, all files read."""

    catalog: Catalog
    files: tuple[str, ...]
    errors: tuple[InputError, ...]

    def file_of(self, checklist: Checklist) -> str:
        return checklist.path


_cache: dict[tuple[object, ...], LoadedCatalog] = {}


def candidate_files(config: FmgConfig, confdir: str | Path) -> tuple[Path, ...]:
    """Every checklist file the configuration points at, in presentation order."""
    wanted = BUILTIN_IDS if config.builtin_checklists is None else config.builtin_checklists
    paths = [builtin_dir() / f"{b}.yaml" for b in wanted]
    for folder in config.checklist_paths(confdir):
        try:
            paths.extend(checklist_files(folder))
        except InputError:  # validated at config-inited; a folder removed since is simply empty
            continue
    return tuple(p.resolve() for p in paths)


def _signature(paths: tuple[Path, ...]) -> tuple[object, ...]:
    parts: list[object] = []
    for p in paths:
        try:
            st = p.stat()
            parts.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            parts.append((str(p), None, None))
    return tuple(parts)


def unexpected(exc: BaseException) -> str:
    """An unexpected exception on one line: its type and message."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def error_location(exc: BaseException, file: str) -> Location:
    """Where in ``file`` an unexpected exception happened: the YAML mark it carries (PyYAML's and
    ruamel.yaml's errors have one), else the file itself."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = getattr(mark, "line", None), getattr(mark, "column", None)
    if isinstance(line, int) and isinstance(column, int):
        return Location(file, line + 1, column + 1)
    return Location(file)


def _guarded(loader: Callable[[Path], Checklist]) -> Callable[[Path], Checklist]:
    """``loader``, with any error that is not already a located :class:`InputError` turned into
    one at the file: whatever a checklist file holds, the build warns and goes on."""

    def load_one(path: Path) -> Checklist:
        try:
            return loader(path)
        except InputError:
            raise
        except Exception as exc:
            logger.debug("fm-governance: reading %s failed", path, exc_info=True)
            raise InputError(
                error_location(exc, str(path)),
                f"cannot be read ({unexpected(exc)})",
                "check the file's YAML; if it is valid, report this fault in fm-governance",
            ) from exc

    return load_one


def _load(config: FmgConfig, confdir: str | Path, paths: tuple[Path, ...], loader: Callable[[Path], Checklist] = load_checklist) -> LoadedCatalog:
    files = tuple(str(p) for p in paths)
    loader = _guarded(loader)
    try:
        catalog = load_catalog(config.checklist_paths(confdir), builtins=config.builtin_checklists, loader=loader)
        return LoadedCatalog(catalog, files, ())
    except InputErrors as exc:
        errors: tuple[InputError, ...] = tuple(exc.errors)
    except InputError as exc:
        errors = (exc,)
    # Degrade: keep every checklist that is valid on its own and does not collide with one
    # already kept (the same uniqueness rules load_catalog enforces across files).
    kept: dict[str, Checklist] = {}
    item_ids: set[str] = set()
    for path in paths:
        try:
            checklist = loader(path)
        except InputError:
            continue
        if checklist.id in kept or item_ids & set(checklist.item_ids):
            continue
        kept[checklist.id] = checklist
        item_ids.update(checklist.item_ids)
    return LoadedCatalog(Catalog(kept), files, errors)


#: confdir of each project by srcdir. ``BuildEnvironment.app`` is deprecated, and directives only
#: see the environment, so the one path they need is recorded at ``builder-inited``.
_confdirs: dict[str, str] = {}


def load(config: Config, confdir: str | Path, parsed: ParsedFiles | None = None) -> LoadedCatalog:
    """The catalog for this project, from the cache when no file changed.

    ``parsed``: checklist files parsed by earlier builds, reused when a file is unchanged and
    updated with what is parsed now.
    """
    fmg = fmg_config(config)
    paths = candidate_files(fmg, confdir)
    if parsed is not None:
        for gone in set(parsed.files) - {str(p) for p in paths}:
            del parsed.files[gone]
            parsed.changed = True
    key = (fmg.checklist_dirs, fmg.builtin_checklists, str(confdir), _signature(paths))
    loaded = _cache.get(key)
    if loaded is None:
        if len(_cache) > 16:  # long-lived processes (tests, sphinx-autobuild) rebuild many times
            _cache.clear()
        loaded = _cache[key] = _load(fmg, confdir, paths, load_checklist if parsed is None else _reusing(parsed))
    return loaded


#: Checklists parsed by earlier builds, in the doctree folder beside Sphinx's own pickles.
PARSED_FILE = "fm-governance-checklists.pickle"


@dataclass
class ParsedFiles:
    """Checklist files parsed by earlier builds: path -> ((mtime_ns, size), Checklist).

    An incremental build then parses only the files that changed — at 200 checklists, parsing and
    validating them all was a fifth of the rebuild. Kept in a file of its own, not in the
    environment, which every parallel reader pickles and sends back. Ignored when Sphinx starts
    from a fresh environment (``-E``, a first build) or the code that parses checklists changed
    (:func:`parser_key`); a file that cannot be read is ignored too.
    """

    path: Path
    files: dict[str, Any]
    changed: bool = False

    @classmethod
    def load(cls, app: Sphinx) -> ParsedFiles:
        path = Path(app.doctreedir) / PARSED_FILE
        files: dict[str, Any] = {}
        if app.env.all_docs:  # an environment saved by an earlier build
            try:
                with path.open("rb") as f:
                    kept = pickle.load(f)
                if isinstance(kept, dict) and kept.get("parser") == parser_key() and isinstance(kept.get("files"), dict):
                    files = {k: v for k, v in kept["files"].items() if _well_formed(v)}
            except Exception:  # missing, truncated, from another Python: parse again
                files = {}
        return cls(path, files)

    def save(self) -> None:
        """Write atomically; a cache that cannot be written (a full disk) is skipped, not fatal."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, pickle.dumps({"parser": parser_key(), "files": self.files}, pickle.HIGHEST_PROTOCOL))
        except OSError as err:
            logger.debug("fm-governance: parsed checklists not saved: %s", err)
        self.changed = False


def _well_formed(entry: Any) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], tuple) and isinstance(entry[1], Checklist)


@functools.cache
def parser_key() -> str:
    """What a parsed checklist depends on besides its file: fm-governance's version and the code and
    data that read and validate checklists (models, loader, schema, signal ids). A change to any
    of them makes earlier parses stale, even within one version."""
    digest = hashlib.sha256(__version__.encode())
    core = Path(__file__).parent.parent / "core"
    for path in sorted([*core.glob("*.py"), *core.glob("schemas/*.json"), core.parent / "scan" / "signals.yaml"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _reusing(parsed: ParsedFiles) -> Callable[[Path], Checklist]:
    def load_one(path: Path) -> Checklist:
        try:
            st = path.stat()
        except OSError:
            return load_checklist(path)  # raises the located "cannot read" error
        signature = (st.st_mtime_ns, st.st_size)
        hit = parsed.files.get(str(path))
        if hit is not None and hit[0] == signature:
            return hit[1]  # type: ignore[no-any-return]
        checklist = load_checklist(path)
        parsed.files[str(path)] = (signature, checklist)
        parsed.changed = True
        return checklist

    return load_one


#: The catalog of the running build, by srcdir. Files do not change during a build, so directives
#: take it from here instead of re-checking every file's timestamp (200 checklists x 200 pages).
_current: dict[str, LoadedCatalog] = {}


def for_env(env: BuildEnvironment) -> LoadedCatalog:
    current = _current.get(str(env.srcdir))
    if current is not None:
        return current
    return load(env.config, confdir(env))


def confdir(env: BuildEnvironment) -> str:
    """The folder of the project's ``conf.py`` (config paths are relative to it)."""
    return _confdirs.get(str(env.srcdir), str(env.srcdir))


def warning_location(error: InputError) -> str:
    """``file:line`` for a Sphinx warning. A file-level error (line unknown) points at line 1:
    Sphinx reads a location without a colon as a document name and appends a source suffix."""
    loc = error.location
    return f"{loc.file}:{loc.line or 1}"


def _on_builder_inited(app: Sphinx) -> None:
    """Load (and warn about) the catalog once, in the main process, before any document is read."""
    _confdirs[str(app.srcdir)] = str(app.confdir)
    parsed = ParsedFiles.load(app)
    loaded = _current[str(app.srcdir)] = load(app.config, app.confdir, parsed)
    parsed.save()
    for error in loaded.errors:
        text = error.message + (f" — {error.fix}" if error.fix else "")
        logger.warning(" ".join(text.split()), type="fmg", subtype="checklist", location=warning_location(error))


def setup_catalog(app: Sphinx) -> None:
    app.connect("builder-inited", _on_builder_inited)
