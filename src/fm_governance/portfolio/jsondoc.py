"""The portfolio as JSON (``portfolio --format json``), described by ``portfolio.schema.json``.

Keys are a contract: added, never renamed; the schema ships in the package and a test validates
every document against it. Fractions are 0–1 (``share``), the HHI is 0–10,000, dates are
``YYYY-MM-DD``; ``null`` means "not measurable" (no critical projects, no known developer), never 0.
Strings are exactly as the files hold them, written by
:func:`~fm_governance.core.escaping.json_text` (lossless and safe to print).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from importlib import resources
from typing import Any

from .. import __version__
from ..core.escaping import json_text
from .model import HHI_SOURCE, HHI_SOURCE_URL, HIGHLY_CONCENTRATED, Portfolio

SCHEMA_FILE = "portfolio.schema.json"


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document :func:`render` writes."""
    data: dict[str, Any] = json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return data


def _day(value: _dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def to_dict(portfolio: Portfolio) -> dict[str, Any]:
    settings = portfolio.settings
    return {
        "tool": {"name": "fm-governance", "version": __version__},
        "as_of": portfolio.today.isoformat(),
        "headline": portfolio.headline(),
        "complete": portfolio.complete,
        "settings": {
            "spof_threshold": settings.spof_threshold,
            "max_age_days": settings.max_age_days,
            "waiver_days": settings.waiver_days,
            "retire_days": list(settings.retire_days),
        },
        "counts": {
            "projects": len(portfolio.projects),
            "critical": portfolio.critical_count,
            "excluded": len(portfolio.excluded),
            "by_criticality": dict(portfolio.criticality),
        },
        "hhi_bands": {"highly_concentrated_above": HIGHLY_CONCENTRATED, "source": HHI_SOURCE, "url": HHI_SOURCE_URL},
        "levels": [
            {
                "id": level.id,
                "title": level.title,
                "known": level.known,
                "critical_known": level.critical_known,
                "hhi": _round(level.hhi, 1),
                "band": level.band,
                "hhi_critical": _round(level.hhi_critical, 1),
                "band_critical": level.band_critical,
                "shares": [
                    {
                        "name": s.name,
                        "projects": s.projects,
                        "critical": s.critical,
                        "share": _round(s.share),
                        "critical_share": _round(s.critical_share),
                        "weighted": _round(s.weighted),
                        "weighted_critical": _round(s.weighted_critical),
                    }
                    for s in level.shares
                ],
            }
            for level in portfolio.levels
        ],
        "single_points_of_failure": [
            {"level": s.level, "name": s.name, "critical": s.critical, "critical_total": s.critical_total, "share": _round(s.share)}
            for s in portfolio.single_points
        ],
        "retirements": [
            {
                "model": r.model_id,
                "developer": r.developer or None,
                "status": r.status,
                "window": r.window,
                "deprecated": _day(r.deprecated),
                "retired": _day(r.retired),
                "days": r.days,
                "projects": list(r.projects),
                "critical": r.critical,
            }
            for r in portfolio.retirements
        ],
        "open_items": {
            "by_owner": [{"owner": c.name, "critical": c.critical, "high": c.high, "projects": c.projects} for c in portfolio.open_by_owner],
            "by_area": [{"area": c.name, "critical": c.critical, "high": c.high, "projects": c.projects} for c in portfolio.open_by_area],
        },
        "scores": {
            "bands": [{"band": name, "projects": n} for name, n in portfolio.scores.bands],
            "unscored": portfolio.scores.unscored,
            "median": portfolio.scores.median,
            "mean": portfolio.scores.mean,
            "lowest": portfolio.scores.lowest,
        },
        "waivers_expiring": [
            {"project": w.project, "item": w.item_id, "expires": w.expires.isoformat(), "days": w.days, "approved_by": w.approved_by}
            for w in portfolio.waivers_due
        ],
        "stale": [{"project": s.project, "path": s.path, "date": _day(s.date), "age_days": s.age_days} for s in portfolio.stale],
        "projects": [
            {
                "name": p.name,
                "path": p.path,
                "criticality": p.criticality,
                "owner": p.owner or None,
                "date": _day(p.date),
                "score": p.score,
                "developers": list(p.values("developer")),
                "channels": list(p.values("channel")),
                "providers": list(p.values("provider")),
                "models": [
                    {
                        "id": m.id,
                        "provider": m.provider or None,
                        "developer": m.developer or None,
                        "channel": m.channel or None,
                        "deprecated": _day(m.deprecated),
                        "retired": _day(m.retired),
                    }
                    for m in p.models
                ],
                "open_critical": p.open_critical,
                "open_high": p.open_high,
            }
            for p in portfolio.projects
        ],
        "duplicates": [{"name": d.name, "kept": d.kept, "dropped": list(d.dropped)} for d in portfolio.duplicates],
        "excluded": [{"path": e.path, "errors": list(e.errors)} for e in portfolio.excluded],
    }


def render(portfolio: Portfolio) -> str:
    return json_text(to_dict(portfolio), indent=2) + "\n"
