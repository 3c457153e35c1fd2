"""The scan result and its two renderings: the full JSON for machines, the compact inventory.

``to_json_dict()`` is what ``assess --dry-run --format json`` prints: every finding, every skipped
path. ``to_inventory()`` is what is written into the assessment's ``inventory:`` section on every
run, so it is small, plain data (lists, dicts, strings, ints) and deterministic: sorted the same way
on every run, with no timestamps or durations, so re-running the scan on an unchanged project does
not change the file. Neither contains a credential's value: the detectors never store one, and every
string the scanner keeps has credentials redacted and unprintable characters escaped before a
result is built (``redact.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Locations kept per provider and per model in the inventory.
INVENTORY_LOCATIONS = 5


def location(f: dict[str, Any]) -> str:
    cell = f.get("cell")
    return f"{f['file']}:{f['line']}" + (f" (cell {cell})" if cell else "")


@dataclass
class ScanResult:
    """What the scanner found in one project."""

    root: str
    providers: list[dict[str, Any]]
    models: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    stats: dict[str, Any] = field(default_factory=dict)
    catalog_as_of: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        """One JSON-ready object: providers, models, signals, findings, skipped and run statistics."""
        return {
            "root": self.root,
            "catalog_as_of": self.catalog_as_of,
            "providers": self.providers,
            "models": self.models,
            "signals": self.signals,
            "findings": self.findings,
            "skipped": self.skipped,
            "stats": self.stats,
        }

    def to_inventory(self) -> dict[str, Any]:
        """The compact, stable summary for the assessment's ``inventory:`` section."""
        providers = [
            {
                "id": p["id"],
                "name": p["name"],
                "roles": p["roles"],
                "evidence": p["locations"][:INVENTORY_LOCATIONS],
            }
            for p in self.providers
        ]
        models = []
        for m in self.models:
            # Who made it (null when unknown) and how it is reached (channels.py): a portfolio measures
            # concentration at the developer, the channel and the provider separately.
            entry: dict[str, Any] = {
                "id": m["id"],
                "provider": m["provider"],
                "developer": m.get("developer"),
                "channel": m.get("channel"),
                "alias": m["alias"],
            }
            if m.get("base_model"):
                entry["base_model"] = m["base_model"]  # a fine-tune: the model it was tuned from
            catalog = m.get("catalog")
            if catalog:
                entry["family"] = catalog["family"]
                entry["weights"] = catalog["weights"]
                entry["licence"] = catalog["licence"]["id"]
                if catalog.get("status"):
                    entry["status"] = catalog["status"]
                lifecycle = catalog.get("lifecycle") or {}
                for key in ("deprecated", "retired"):
                    if lifecycle.get(key):
                        entry[key] = lifecycle[key]
            entry["evidence"] = m["locations"][:INVENTORY_LOCATIONS]
            models.append(entry)
        signals = []
        for s in self.signals:
            # Several findings on one line (two packages on one `RUN pip install`) are one place.
            shown = list(dict.fromkeys(location(e) for e in s["evidence"]))[:INVENTORY_LOCATIONS]
            more = s.get("places", s["count"]) - len(shown)  # the places, over every finding, not shown
            signals.append({"id": s["id"], "items": s["items"], "evidence": shown, **({"more": more} if more > 0 else {})})
        live = sum(1 for f in self.findings if f["context"] in ("code", "config", "dependency", "artifact"))
        return {
            "scanner": {"catalog_as_of": self.catalog_as_of},
            "providers": providers,
            "models": models,
            "signals": signals,
            "findings": {"total": len(self.findings), "in_use": live, "tests_or_prose": len(self.findings) - live},
            "skipped": len(self.skipped),
        }
