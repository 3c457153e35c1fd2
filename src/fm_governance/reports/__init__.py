"""Renderers of a scored assessment, one module per output format, all fed by one report model.

:mod:`.model` builds a :class:`~.model.Report` once from a scored
:class:`~fm_governance.core.scoring.Result`, the policy applied and the gate's verdict: the verdict
sentence, what blocks approval, the to-do list per owner role, items grouped by status, expiring
waivers and the inventory as tables. Each renderer lays that model out for one format and escapes
the text from files for it; no renderer decides anything the model already decided.
"""

from __future__ import annotations

from .model import Report, build, catalog_lookup, fmt_score, sorted_for_attention

__all__ = ["Report", "build", "catalog_lookup", "fmt_score", "sorted_for_attention"]
