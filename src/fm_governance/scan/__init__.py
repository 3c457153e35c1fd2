"""The project scanner (no Sphinx import).

It reads a repository and reports how it uses foundation models; ``fm-governance assess`` writes
the result into the assessment's ``inventory`` section. ``signals.yaml`` beside this module is the
list of signal ids that checklist items refer to; ``providers.yaml`` and ``models.yaml`` (each with a
JSON Schema) hold everything the scanner knows about providers, SDKs and models, and
``secrets.yaml`` the credential rules. Every string in a result has credentials redacted and
undecodable bytes and control characters escaped (``redact.py``), so a result can be printed and
written as it is.

Public interface (kept import-light: the CLI imports this module at start-up, and the detectors,
YAML and JSON Schema machinery load only when a scan runs)::

    from fm_governance.scan import scan_project
    result = scan_project(Path("."), progress=None)   # None: a bar only when stderr is a terminal
    result.providers, result.models, result.signals, result.findings, result.skipped
    result.to_json_dict()    # everything, for --format json
    result.to_inventory()    # compact and stable, for the assessment's inventory section
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .result import ScanResult

__all__ = ["ScanResult", "scan_project"]


def scan_project(
    root: Path,
    *,
    progress: bool | None = None,
    workers: int | None = None,
    today: _dt.date | None = None,
    catalog: Any = None,
    exclude: Iterable[Path] = (),
) -> ScanResult:
    """Scan the project at ``root``.

    ``progress``: draw a progress bar on stderr (None: only when stderr is a terminal).
    ``workers``: processes to use (default: up to 2; small trees are always scanned in-process).
    ``today``: the date lifecycle dates are judged against (default: today).
    ``catalog``: an already loaded checklist catalog, to map signals to its items (default: the
    built-in checklists).
    ``exclude``: files not to scan (the CLI passes the assessment it writes; files named
    ``fm-governance.yaml`` are always left out, as they hold the scanner's own output).

    Raises :class:`~fm_governance.core.errors.InputError` when ``root`` is not a folder; a bad
    file inside the tree never raises, it is listed in ``skipped``.
    """
    from .engine import scan_project as _scan

    return _scan(Path(root), progress=progress, workers=workers, today=today, catalog=catalog, exclude=exclude)


def __getattr__(name: str) -> Any:
    if name == "ScanResult":
        from .result import ScanResult

        return ScanResult
    raise AttributeError(name)
