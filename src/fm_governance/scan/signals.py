"""From findings to signals: the facts that checklist items point at.

A signal is raised only by *live* evidence: findings in code, configuration, dependency manifests
or committed artefacts, at medium or high confidence. Tests and prose are reported as findings but
never raise a signal, with one exception: a committed credential is a leak wherever it sits, so
``committed-credentials`` counts secrets in every context.

Each signal lists its evidence (file and line, capped so a large repository gives a readable
inventory) and the checklist items that name it under ``signals:``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

from ..core.checklists import signal_definitions
from .catalog import Rules

#: Contexts whose findings count as use.
LIVE_CONTEXTS = frozenset({"code", "config", "dependency", "artifact"})
LIVE_CONFIDENCE = frozenset({"high", "medium"})
#: Evidence entries kept per signal (the total is given as ``count``).
MAX_EVIDENCE = 20
#: Licence duties that the open-weight-licence-duties signal is about.
DUTIES = frozenset({"use-policy", "attribution", "naming", "user-threshold", "pass-through-terms", "non-commercial"})
#: Providers whose role is a model provider (not a layer or hub) count for single-provider.
MODEL_ROLES = frozenset({"hosted", "self-hosted"})
#: A model whose retirement date is this many days away or fewer raises ``retiring-model``: enough
#: time to re-validate a successor (OC-03) and rebuild a fine-tune (OC-06), if the work starts now.
RETIRING_WITHIN_DAYS = 90


def is_live(finding: dict[str, Any]) -> bool:
    return finding["context"] in LIVE_CONTEXTS and finding["confidence"] in LIVE_CONFIDENCE and finding["kind"] != "secret"


def _evidence(findings: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], int, int]:
    """The first ``MAX_EVIDENCE`` findings as evidence rows, how many findings there are, and in how
    many places (file, line and notebook cell: several findings can share a line)."""
    rows = sorted(
        {(f["file"], f["line"], f.get("cell") or 0, f["provider"] or "", f["kind"], f["value"]) for f in findings},
    )
    out = []
    for file, line, cell, provider, kind, value in rows[:MAX_EVIDENCE]:
        entry: dict[str, Any] = {"file": file, "line": line}
        if cell:
            entry["cell"] = cell
        entry.update({"provider": provider or None, "kind": kind, "value": value})
        out.append(entry)
    return out, len(rows), len({row[:3] for row in rows})


def derive(findings: list[dict[str, Any]], models: list[dict[str, Any]], rules: Rules, today: _dt.date, items: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The signals raised by ``findings`` (all of them) and the aggregated ``models``."""
    live = [f for f in findings if is_live(f)]
    raised: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}

    def raise_(signal_id: str, evidence: list[dict[str, Any]], **detail: Any) -> None:
        if evidence:
            raised[signal_id] = (evidence, detail)

    hosted = [f for f in live if f["role"] == "hosted"]
    raise_("hosted-provider", hosted, providers=sorted({f["provider"] for f in hosted}))

    model_providers = sorted({f["provider"] for f in live if f["role"] in MODEL_ROLES and f["provider"]})
    if len(model_providers) == 1:
        only = model_providers[0]
        raise_("single-provider", [f for f in live if f["provider"] == only and f["role"] in MODEL_ROLES], providers=model_providers)

    layers = [f for f in live if f["role"] == "abstraction"]
    raise_("abstraction-layer", layers, providers=sorted({f["provider"] for f in layers}))

    floating = [m for m in models if m["alias"] == "floating"]
    raise_("floating-model-alias", _model_findings(live, floating), models=sorted({m["id"] for m in floating}))

    outdated = [m for m in models if (m.get("catalog") or {}).get("status") in ("deprecated", "retired")]
    raise_("deprecated-model", _model_findings(live, outdated), models=sorted({m["id"] for m in outdated}))

    retiring = {m["id"]: day for m in models if (day := retires_within(m, today)) is not None}
    raise_("retiring-model", _model_findings(live, [m for m in models if m["id"] in retiring]), models=sorted(retiring), retires=dict(sorted(retiring.items())))

    fine_tunes = [f for f in live if f["kind"] == "fine-tuned-model"]
    raise_("closed-fine-tune", fine_tunes, models=sorted({f["value"] for f in fine_tunes}))

    duty_models = [
        m for m in models if (m.get("catalog") or {}).get("weights") == "open" and DUTIES & set((m["catalog"].get("licence") or {}).get("duties") or ())
    ]
    raise_("open-weight-licence-duties", _model_findings(live, duty_models), models=sorted({m["id"] for m in duty_models}))

    self_hosted = [f for f in live if f["role"] == "self-hosted"]
    raise_("self-hosted-inference", self_hosted, providers=sorted({f["provider"] for f in self_hosted}))

    downloads = [f for f in live if f["kind"] == "hub-download" and not f.get("pinned")]
    raise_("runtime-model-download", downloads)

    secrets = [f for f in findings if f["kind"] == "secret"]
    raise_("committed-credentials", secrets, kinds=sorted({f["value"] for f in secrets}))

    definitions = signal_definitions()
    out = []
    for signal_id, definition in definitions.items():  # signals.yaml order: stable output
        if signal_id not in raised:
            continue
        evidence, detail = raised[signal_id]
        rows, count, places = _evidence(evidence)
        entry: dict[str, Any] = {
            "id": signal_id,
            "title": definition["title"],
            "items": items.get(signal_id, []),
            "count": count,
            "places": places,
            "evidence": rows,
        }
        entry.update({k: v for k, v in detail.items() if v})
        out.append(entry)
    return out


def retires_within(model: dict[str, Any], today: _dt.date, days: int = RETIRING_WITHIN_DAYS) -> str | None:
    """The model's retirement date (ISO) when it falls after ``today`` and within ``days`` of it.

    A model already past its date is ``deprecated-model``'s business, not this signal's: on the
    retirement day itself requests fail, so "retiring" means strictly after ``today``.
    """
    retired = ((model.get("catalog") or {}).get("lifecycle") or {}).get("retired")
    if not retired:
        return None
    left = (_dt.date.fromisoformat(retired) - today).days
    return str(retired) if 0 < left <= days else None


def _model_findings(live: list[dict[str, Any]], models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = {(m["id"], m["provider"]) for m in models}
    return [f for f in live if f["kind"] in ("model-id", "fine-tuned-model") and (f["value"], f["provider"]) in wanted]


def items_by_signal(catalog: Any = None) -> dict[str, list[str]]:
    """Checklist item ids per signal id, from the loaded checklists (``item.signals``)."""
    if catalog is None:
        from ..core.checklists import load_catalog

        catalog = load_catalog()
    out: dict[str, list[str]] = {}
    for checklist in catalog:
        for item in checklist.items:
            for signal_id in item.signals:
                out.setdefault(signal_id, []).append(item.id)
    return {k: sorted(set(v)) for k, v in out.items()}
