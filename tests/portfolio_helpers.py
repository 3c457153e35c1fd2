"""Assessment files for portfolio tests, written the way `assess` leaves them (JSON is YAML)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fm_governance.core.checklists import load_catalog

MODEL_PROVIDERS = {
    "gpt-4o-2024-08-06": "openai",
    "claude-3-5-sonnet-20241022": "anthropic",
    "gemini-1.5-pro": "google",
    "mistral-large-latest": "mistral",
}


def assessment(
    name: str | None,
    *,
    criticality: str | None = None,
    owner: str | None = None,
    date: str | None = "2026-11-01",
    models: Sequence[str | dict[str, Any]] = (),
    providers: Sequence[str] = (),
    answers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An assessment of the data-exposure checklist; items not in ``answers`` are open."""
    catalog = load_catalog(())
    checklist = catalog.get("data-exposure")
    assert checklist is not None
    model_entries = [m if isinstance(m, dict) else {"id": m, "provider": MODEL_PROVIDERS.get(m, "openai"), "alias": "pinned"} for m in models]
    hosted = list(dict.fromkeys([*providers, *(m["provider"] for m in model_entries if m.get("provider"))]))
    project: dict[str, Any] = {"name": name, "assessors": [], "date": date}
    if criticality is not None:
        project["criticality"] = criticality
    if owner is not None:
        project["owner"] = owner
    items = {item.id: {"answer": (answers or {}).get(item.id), "notes": None, "evidence": [], "waiver": None} for item in checklist.items}
    for item_id, value in (answers or {}).items():
        if isinstance(value, dict):
            items[item_id] = value
    return {
        "project": project,
        "context": {"modes": []},
        "inventory": {
            "providers": [{"id": p, "name": p, "roles": ["hosted"], "evidence": []} for p in hosted],
            "models": model_entries,
        },
        "checklists": {"data-exposure": {"version": checklist.version, "items": items}},
    }


def write(folder: Path, name: str | None, **kwargs: Any) -> Path:
    """``folder/<name>/fm-governance.yaml`` holding :func:`assessment`."""
    target = folder / (name or "unnamed") / "fm-governance.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(assessment(name, **kwargs), indent=1) + "\n", encoding="utf-8")
    return target


def sample(folder: Path) -> list[Path]:
    """A small organisation: five projects, three critical, one retired model, one waiver due."""
    return [
        write(folder, "payments-assistant", criticality="critical", owner="Payments", models=["gpt-4o-2024-08-06"], answers={"DE-01": "yes", "DE-02": "yes"}),
        write(folder, "claims-triage", criticality="critical", owner="Insurance", models=["gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022"]),
        write(
            folder,
            "fraud-notes",
            criticality="critical",
            owner="Risk",
            models=["claude-3-5-sonnet-20241022"],
            answers={"DE-02": {"answer": "no", "notes": None, "evidence": [], "waiver": {"reason": "pilot", "approved_by": "CRO", "expires": "2026-12-20"}}},
        ),
        write(folder, "hr-faq", criticality="low", owner="People", models=["gemini-1.5-pro"], date="2025-01-15"),
        write(folder, "intranet-search", models=["mistral-large-latest"], date=None),
    ]
