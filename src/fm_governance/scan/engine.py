"""Running a scan: list the files, scan them (in parallel when it pays), aggregate, derive signals.

Parallelism: per-file work is CPU-bound Python, so threads would not help; a process pool over
chunks of files does. Workers are forked after the rules are compiled, so they inherit them instead
of re-reading the YAML. Small projects (the common case for a person running ``assess``) are scanned
in-process, because starting workers costs more than it saves below a few hundred files.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import InputError, Location
from ..core.files import is_temporary_name
from .catalog import Rules, fine_tune_base, rules
from .channels import add_lineage
from .detect import scan_file
from .files import FileKind, classify, list_files
from .redact import clean, clean_findings, clean_skipped
from .result import ScanResult, location
from .signals import derive, is_live, items_by_signal

#: Below this many files the scan runs in-process.
PARALLEL_MIN_FILES = 400


def _scan_chunk(root: str, rels: list[str]) -> tuple[list[dict[str, Any]], list[tuple[str, str]], int]:
    compiled = rules()
    findings: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    total = 0
    for rel in rels:
        f, s, n = scan_file(root, rel, compiled)
        findings.extend(f)
        skipped.extend(s)
        total += n
    return findings, skipped, total


class Progress:
    """A progress bar (``rich.progress``) on stderr while a scan runs; silent when not enabled.

    The caller decides ``enabled``: only when stderr is a terminal, so logs and pipes never get bar
    frames. The bar is transient (it clears itself when the scan ends) and holds no text from the
    scanned files, only counts.
    """

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 0
        self._bar: Any = None
        if self.enabled:
            # Imported here: rich's progress machinery is not needed by a scan without a bar.
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            console = Console(file=stream or sys.stderr, force_terminal=True, highlight=False, emoji=False, markup=False)
            self._bar = RichProgress(
                TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), TimeElapsedColumn(), console=console, transient=True
            )
            self._task = self._bar.add_task("scanning", total=total)
            self._bar.start()

    def advance(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _chunks(files: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(files), n):
        yield files[i : i + n]


def scan_project(
    root: Path,
    *,
    progress: bool | None = None,
    workers: int | None = None,
    today: _dt.date | None = None,
    catalog: Any = None,
    exclude: Iterable[Path] = (),
) -> ScanResult:
    """Scan ``root`` and return what it uses. See :mod:`fm_governance.scan` for the contract."""
    started = time.perf_counter()
    root = Path(root)
    if not root.is_dir():
        raise InputError(Location(str(root)), "is not a folder", "pass the project's root folder to scan")
    compiled = rules()
    listing = list_files(root)
    # Assessment files are the scanner's own output (their inventory names every provider and
    # model found): scanning them would feed each run's result into the next.
    excluded = _relative_paths(root, exclude)
    # Temporary files of fm-governance's own writes (a crashed write leaves one) are its output too.
    own = [f for f in listing.files if (n := f.rsplit("/", 1)[-1]) == ASSESSMENT_NAME or is_temporary_name(n) or f in excluded]
    # Not listed in `skipped` either: whether the file exists yet must not change the inventory.
    files = [f for f in listing.files if f not in set(own)] if own else listing.files
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    show = sys.stderr.isatty() if progress is None else progress
    bar = Progress(len(files), show and len(files) >= 200)

    findings: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = list(listing.skipped)
    nbytes = 0
    root_s = str(root)
    used_workers = 1
    pending = files
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        used_workers = workers
        size = max(50, min(500, len(files) // (workers * 8) or 1))
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        done: set[int] = set()
        chunks = list(_chunks(files, size))
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
                futures = [pool.submit(_scan_chunk, root_s, chunk) for chunk in chunks]
                for index, future in enumerate(futures):
                    f, s, n = future.result()
                    findings.extend(f)
                    skipped.extend(s)
                    nbytes += n
                    done.add(index)
                    bar.advance(len(chunks[index]))
            pending = []
        except (BrokenProcessPool, OSError):
            # A worker died (out of memory, killed) or processes cannot be started here (some
            # sandboxes): finish what is left in this process rather than lose the scan.
            used_workers = 1
            pending = [rel for index, chunk in enumerate(chunks) if index not in done for rel in chunk]
    for chunk in _chunks(pending, 100):
        f, s, n = _scan_chunk(root_s, chunk)
        findings.extend(f)
        skipped.extend(s)
        nbytes += n
        bar.advance(len(chunk))
    bar.close()

    findings, own = _leave_out_own_packages(findings)
    # The boundary: from here on, nothing the scanner keeps holds a credential, an undecodable byte
    # or a control character (see redact.py).
    findings = clean_findings(findings, compiled.credentials)
    skipped = clean_skipped(skipped, compiled.credentials)
    findings.sort(key=lambda f: (f["file"], f["line"], f.get("cell") or 0, f["provider"] or "", f["kind"], f["value"]))
    _attribute_shared_sdk(findings)
    _attribute_anthropic_clouds(findings)
    models = _aggregate_models(findings, compiled, today or _dt.date.today())
    add_lineage(models, findings, compiled)
    providers = _aggregate_providers(findings, compiled)
    try:
        items = items_by_signal(catalog)
    except InputError:
        items = {}  # a broken custom checklist must not hide the scan; `check` reports it
    signals = derive(findings, models, compiled, today or _dt.date.today(), items)
    return ScanResult(
        root=clean(root_s, compiled.credentials),
        providers=providers,
        models=models,
        signals=signals,
        findings=findings,
        skipped=[{"path": p, "reason": r} for p, r in sorted(set(skipped))],
        stats={
            "files_listed": len(files),
            "bytes_read": nbytes,
            "listing": listing.method,
            "prefilter": compiled.prefilter.engine,
            "workers": used_workers,
            "seconds": round(time.perf_counter() - started, 3),
            "own_packages": [clean(name, compiled.credentials) for name in own],
        },
        catalog_as_of=compiled.as_of,
    )


#: Manifest and lock formats (``files.classify``), and code comment styles, by package ecosystem.
_FORMAT_ECOSYSTEMS = {
    **dict.fromkeys(("pyproject", "setup.py", "setup.cfg", "pipfile", "pipfile.lock", "requirements", "conda"), ("pypi",)),
    "toml-lock": ("pypi", "cargo"),
    **dict.fromkeys(("package.json", "npm-lock", "yarn-lock", "pnpm-lock"), ("npm",)),
    "cargo": ("cargo",),
    **dict.fromkeys(("go.mod", "go.sum"), ("go",)),
    **dict.fromkeys(("msbuild", "packages.config", "nuget-lock"), ("nuget",)),
    **dict.fromkeys(("composer", "composer-lock"), ("composer",)),
    **dict.fromkeys(("gemfile", "gemspec", "gemfile-lock"), ("gem",)),
}
_LANG_ECOSYSTEMS = {"python": ("pypi",), "js": ("npm",), "rust": ("cargo",), "go": ("go",), "csharp": ("nuget",), "php": ("composer",), "ruby": ("gem",)}
#: Findings that say "this package is used"; the project's own package is not.
_PACKAGE_KINDS = frozenset({"dependency", "lockfile", "import", "install-command"})


def _leave_out_own_packages(findings: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Drop the ``project-name`` records and every finding that names one of those packages.

    A project's own package is not a dependency of itself: the ``instructor`` repository imports
    ``instructor`` in its examples, a monorepo's packages depend on each other. A finding is the
    project's own when it names a package (or, for an import, a module under it) that a manifest in
    the tree builds, in the same ecosystem (install commands: any ecosystem). Returns the findings
    kept and the own package names, for ``stats``.
    """
    own: dict[str, set[str]] = {}
    for f in findings:
        if f["kind"] == "project-name":
            own.setdefault(f["ecosystem"], set()).add(_canonical(f["ecosystem"], f["value"]))
    if not own:
        return findings, []
    kept = []
    kinds: dict[str, FileKind] = {}  # classify() once per file, not once per finding
    for f in findings:
        if f["kind"] == "project-name":
            continue
        if f["kind"] in _PACKAGE_KINDS:
            kind = kinds.get(f["file"])
            if kind is None:
                kind = kinds[f["file"]] = classify(f["file"])
            if _is_own(f, own, kind):
                continue
        kept.append(f)
    return kept, sorted({name for names in own.values() for name in names})


def _canonical(ecosystem: str, name: str) -> str:
    if ecosystem in ("pypi", "cargo"):
        return re.sub(r"[-_.]+", "-", name).lower()
    return name if ecosystem == "go" else name.lower()


def _is_own(f: dict[str, Any], own: dict[str, set[str]], kind: FileKind) -> bool:
    value: str = f["value"]
    if f["kind"] == "install-command":
        ecosystems: tuple[str, ...] = tuple(own)
    elif f["kind"] == "import":
        ecosystems = _LANG_ECOSYSTEMS.get(kind.lang, ())
    else:
        ecosystems = _FORMAT_ECOSYSTEMS.get(kind.fmt, ())
    for ecosystem in ecosystems:
        names = own.get(ecosystem)
        if not names:
            continue
        if ecosystem == "go":
            if any(value == name or value.startswith(name + "/") for name in names):
                return True
            continue
        if _canonical(ecosystem, value) in names:
            return True
        if f["kind"] == "import":
            # ``import instructor.patch``, ``using Acme.Sdk.Chat;``: a module under the own package.
            parts = re.split(r"[.\\/]", value)
            if any(_canonical(ecosystem, ".".join(parts[:i])) in names for i in range(1, len(parts))):
                return True
    return False


def _relative_paths(root: Path, paths: Iterable[Path]) -> set[str]:
    """``paths`` as the listing names them (relative to ``root``, ``/``-separated), when inside it.

    Each excluded path is resolved once, here, instead of resolving every listed file: resolving a
    file raises on a symlink loop (``RuntimeError`` before Python 3.13), and one loop anywhere in the
    tree must not stop the scan. ``os.path.realpath`` never raises for a loop.
    """
    out: set[str] = set()
    # Both the path as given (a symlink in the tree that is the output) and its target.
    for base, resolve in ((os.path.abspath(root), os.path.abspath), (os.path.realpath(root), os.path.realpath)):
        for path in paths:
            rel = os.path.relpath(resolve(path), base)
            if rel != os.curdir and rel != os.pardir and not rel.startswith(os.pardir + os.sep):
                out.add(rel.replace(os.sep, "/"))
    return out


#: The assessment file name (fm_governance.core.assessment.DEFAULT_FILENAME; not imported, to keep
#: the scanner independent of the core's YAML machinery).
ASSESSMENT_NAME = "fm-governance.yaml"

#: Evidence that names only an OpenAI SDK, which Azure OpenAI is also reached through: the Python
#: and JavaScript ``openai`` packages, the ``OpenAI`` NuGet package and its namespaces (which
#: ``Azure.AI.OpenAI`` builds on), openai-go (configured for Azure by its ``azure`` package) and
#: openai-java (which has Azure options of its own).
_SHARED_SDK_KINDS = frozenset({"dependency", "import", "install-command", "lockfile"})
_SHARED_SDK = re.compile(r"openai|OpenAI(?:\.[\w.]+)?|github\.com/openai/openai-go(?:/v\d+)?(?:/[\w/]+)?|com\.openai(?::openai-java|\.[\w.]+)?")


def _attribute_shared_sdk(findings: list[dict[str, Any]]) -> None:
    """Credit Azure OpenAI, not OpenAI, when the ``openai`` package is only the way to reach Azure.

    ``from openai import AzureOpenAI`` is the standard way to call Azure OpenAI, so a project with
    Azure evidence whose only OpenAI evidence is that package (and model names, which on Azure are
    deployment names) does not use OpenAI's own platform. The findings stay, at low confidence and
    marked ``via``, so nothing is hidden; any OpenAI-specific evidence (its endpoint, its env vars, a
    key) keeps OpenAI in the list.
    """
    if not any(f["provider"] == "azure-openai" and is_live(f) for f in findings):
        return
    openai = [f for f in findings if f["provider"] == "openai" and is_live(f)]
    if not openai or not all((f["kind"] in _SHARED_SDK_KINDS and _SHARED_SDK.fullmatch(f["value"])) or f["kind"] == "model-id" for f in openai):
        return
    for f in openai:
        if f["kind"] == "model-id":
            f["provider"] = "azure-openai"
        else:
            f["confidence"] = "low"
            f["via"] = "azure-openai"


#: The Anthropic SDKs' cloud clients, and the provider each reaches (Vertex AI is ``google``'s).
_ANTHROPIC_CLOUD_CLIENTS = {"AnthropicBedrock": "bedrock", "AsyncAnthropicBedrock": "bedrock", "AnthropicVertex": "google", "AsyncAnthropicVertex": "google"}
#: The Anthropic SDK packages that also carry those clients (Python ``anthropic``, TypeScript
#: ``@anthropic-ai/sdk``), as manifests, locks, imports and install commands name them.
_ANTHROPIC_SDK = re.compile(r"anthropic|@anthropic-ai/sdk")
#: Vertex AI names a Claude snapshot ``claude-…@YYYYMMDD``; Anthropic's API and Bedrock do not.
_VERTEX_CLAUDE = re.compile(r"claude-[\w.-]*@\d{8}")


def _attribute_anthropic_clouds(findings: list[dict[str, Any]]) -> None:
    """Credit Bedrock or Vertex AI, not Anthropic's API, when the ``anthropic`` SDK is only the way
    to reach them.

    ``from anthropic import AnthropicBedrock`` (or ``AnthropicVertex``) is how Claude is called on
    a cloud: the contract is with AWS or Google, and Anthropic is the model's developer (the
    inventory's ``developer``), not a provider the project uses. When a project constructs such a
    client and its only Anthropic evidence is the SDK package and Claude model ids, the package
    findings stay, at low confidence and marked ``via`` the cloud, and a model id is credited to
    the cloud when there is one (with both clouds, a ``claude-…@date`` id is Vertex AI's naming;
    other ids stay Anthropic's, as it cannot be told where they are sent). Any sign of Anthropic's
    own API — a direct client (``Anthropic()``), its host, its key variable, a key — keeps Anthropic.
    """
    live = [f for f in findings if is_live(f)]
    clouds = sorted({_ANTHROPIC_CLOUD_CLIENTS[f["value"]] for f in live if f["kind"] == "symbol" and f["value"] in _ANTHROPIC_CLOUD_CLIENTS})
    if not clouds:
        return
    anthropic = [f for f in live if f["provider"] == "anthropic"]
    if not anthropic or not all((f["kind"] in _SHARED_SDK_KINDS and _ANTHROPIC_SDK.fullmatch(f["value"])) or f["kind"] == "model-id" for f in anthropic):
        return
    for f in anthropic:
        if f["kind"] == "model-id":
            if len(clouds) == 1:
                f["provider"] = clouds[0]
            elif "google" in clouds and _VERTEX_CLAUDE.fullmatch(f["value"]):
                f["provider"] = "google"
        else:
            f["confidence"] = "low"
            f["via"] = ", ".join(clouds)


def _aggregate_providers(findings: list[dict[str, Any]], compiled: Rules) -> list[dict[str, Any]]:
    by_id: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        if f["provider"] and is_live(f):
            by_id.setdefault(f["provider"], []).append(f)
    out = []
    for pid in sorted(by_id):
        rows = by_id[pid]
        out.append(
            {
                "id": pid,
                "name": compiled.providers[pid]["name"] if pid in compiled.providers else pid,
                "roles": sorted({f["role"] for f in rows}),
                "kinds": sorted({f["kind"] for f in rows}),
                "confidence": "high" if any(f["confidence"] == "high" for f in rows) else "medium",
                "count": len(rows),
                "locations": sorted(dict.fromkeys(location(f) for f in rows), key=_loc_key),
            }
        )
    return out


def _loc_key(loc: str) -> tuple[str, int]:
    file, _, rest = loc.rpartition(":") if " (cell" not in loc else loc.partition(" (cell")[0].rpartition(":")
    try:
        return file, int(rest)
    except ValueError:
        return loc, 0


def _aggregate_models(findings: list[dict[str, Any]], compiled: Rules, today: _dt.date) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in findings:
        if f["kind"] in ("model-id", "fine-tuned-model") and is_live(f):
            groups.setdefault((f["value"], f["provider"]), []).append(f)
    out = []
    for (value, provider), rows in sorted(groups.items()):
        bare = rows[0].get("model") or value
        info = compiled.model_info(bare)
        entry: dict[str, Any] = {
            "id": value,
            "provider": provider,
            "model": bare,
            "kind": rows[0]["kind"],
            "alias": "pinned" if rows[0]["kind"] == "fine-tuned-model" else compiled.alias_kind(bare),
            "locations": sorted(dict.fromkeys(location(f) for f in rows), key=_loc_key),
            "catalog": None,
        }
        base = fine_tune_base(bare) if rows[0]["kind"] == "fine-tuned-model" else None
        if base:
            # The catalog entry (and so the lifecycle and the retirement signals) is the base
            # model's: a fine-tune is served on its base and retires with it.
            entry["base_model"] = base
        if info is not None:
            entry["catalog"] = {
                "maker": info.maker,
                "family": info.family,
                "weights": info.weights,
                "licence": info.licence,
                "lifecycle": info.lifecycle,
                "status": info.status_on(today),
            }
        out.append(entry)
    return out
