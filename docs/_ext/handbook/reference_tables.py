"""Reference tables generated from the scanner's data files, so the docs cannot drift."""

from __future__ import annotations

from typing import Any

from .generated import GENERATED, write_if_changed


def _write_reference_tables(_app: object) -> None:
    """Reference tables generated from the scanner's data files, so the docs cannot drift."""
    from fm_governance.core.checklists import load_catalog, signal_definitions
    from fm_governance.scan.catalog import provider_table

    GENERATED.mkdir(parents=True, exist_ok=True)
    rows = ["| Id | Provider or library | Role |", "|---|---|---|"]
    rows += [f"| `{p['id']}` | {p['name']} | {', '.join(p['roles'])} |" for p in provider_table()]
    write_if_changed(GENERATED / "providers.md", "\n".join(rows) + "\n")
    items_by_signal: dict[str, list[str]] = {}
    for checklist in load_catalog():
        for item in checklist.items:
            for signal in item.signals:
                items_by_signal.setdefault(signal, []).append(item.id)
    rows = ["| Signal | Meaning | Checklist items |", "|---|---|---|"]
    for signal_id, info in signal_definitions().items():
        items = ", ".join(items_by_signal.get(signal_id, [])) or "–"
        rows.append(f"| `{signal_id}` | {info['title']}: {info['description']} | {items} |")
    write_if_changed(GENERATED / "signals.md", "\n".join(rows) + "\n")


def setup_reference_tables(app: Any) -> None:
    app.connect("builder-inited", _write_reference_tables)
