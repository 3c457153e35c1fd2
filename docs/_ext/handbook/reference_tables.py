"""Reference tables generated from the scanner's data files, so the docs cannot drift.

Each table is keyed on a hash of what it is made from and rebuilt only when that changes. The
provider table needs the scanner's validated rules, and validating them imports jsonschema, which
in a development install (where ``rfc3987-syntax`` compiles its grammars on import) costs more than
a second: without the key every build, even one where nothing changed, paid it. The signal table
is keyed apart, on the checklists and the signal list, so editing a checklist does not rebuild
the provider table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .generated import GENERATED, write_keyed

HERE = Path(__file__).resolve()


def provider_rows() -> dict[Path, str]:
    from fm_governance.scan.catalog import provider_table

    rows = ["| Id | Provider or library | Role |", "|---|---|---|"]
    rows += [f"| `{p['id']}` | {p['name']} | {', '.join(p['roles'])} |" for p in provider_table()]
    return {GENERATED / "providers.md": "\n".join(rows) + "\n"}


def signal_rows() -> dict[Path, str]:
    from fm_governance.core.checklists import load_catalog, signal_definitions

    items_by_signal: dict[str, list[str]] = {}
    for checklist in load_catalog():
        for item in checklist.items:
            for signal in item.signals:
                items_by_signal.setdefault(signal, []).append(item.id)
    rows = ["| Signal | Meaning | Checklist items |", "|---|---|---|"]
    for signal_id, info in signal_definitions().items():
        items = ", ".join(items_by_signal.get(signal_id, [])) or "–"
        rows.append(f"| `{signal_id}` | {info['title']}: {info['description']} | {items} |")
    return {GENERATED / "signals.md": "\n".join(rows) + "\n"}


def _write_reference_tables(_app: object) -> None:
    import fm_governance
    from fm_governance.core.checklists import builtin_dir

    package = Path(fm_governance.__file__).resolve().parent
    # The scanner's code and data make the provider table; the checklists, the checklist loader and
    # the signal list make the signal table.
    write_keyed(GENERATED / "providers.key", [package / "scan", package / "core", HERE], provider_rows)
    write_keyed(GENERATED / "signals.key", [builtin_dir(), package / "core", package / "scan" / "signals.yaml", HERE], signal_rows)


def setup_reference_tables(app: Any) -> None:
    app.connect("builder-inited", _write_reference_tables)
