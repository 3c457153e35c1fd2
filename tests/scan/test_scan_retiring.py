"""The ``retiring-model`` signal: a model in use whose retirement date is 90 days away or fewer.

The fixture project ``tests/scan_fixtures/retiring_app`` calls ``gpt-4o-2024-08-06`` (shut down
2027-01-14 in the model catalog) and ``gpt-5-2025-08-07`` (shut down 2026-12-11), and names
``gpt-4.1-mini-2025-04-14`` only in a test. The scanner judges dates on the ``today`` it is given,
so every case fixes it.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.core.checklists import load_catalog
from fm_governance.scan import scan_project
from fm_governance.scan.signals import RETIRING_WITHIN_DAYS

FIXTURE = Path(__file__).resolve().parents[1] / "scan_fixtures" / "retiring_app"


def retiring(today: _dt.date) -> dict | None:  # type: ignore[type-arg]
    signals = {s["id"]: s for s in scan_project(FIXTURE, progress=False, today=today).signals}
    return signals.get("retiring-model")


def test_models_retiring_within_90_days_raise_the_signal_with_their_dates_and_items() -> None:
    signal = retiring(_dt.date(2026, 12, 6))
    assert signal is not None
    # GPT-5 retires in 5 days, the GPT-4o snapshot in 39; the test-only GPT-4.1 mini raises nothing.
    assert signal["retires"] == {"gpt-4o-2024-08-06": "2027-01-14", "gpt-5-2025-08-07": "2026-12-11"}
    assert [(e["file"], e["line"], e["value"]) for e in signal["evidence"]] == [
        ("summarise.py", 6, "gpt-4o-2024-08-06"),
        ("summarise.py", 7, "gpt-5-2025-08-07"),
    ]
    assert signal["items"] == ["OC-02", "OC-03", "OC-06"]
    assert signal["title"] == "Model retires within 90 days"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 2027-01-14 minus 91 days: not yet (GPT-5 already is); minus 90: raised.
        (_dt.date(2026, 10, 15), {"gpt-5-2025-08-07": "2026-12-11"}),
        (_dt.date(2026, 10, 16), {"gpt-4o-2024-08-06": "2027-01-14", "gpt-5-2025-08-07": "2026-12-11"}),
        # GPT-5 enters the window on 2026-09-12 (90 days before 2026-12-11).
        (_dt.date(2026, 9, 12), {"gpt-5-2025-08-07": "2026-12-11"}),
        (_dt.date(2026, 9, 11), None),
        # On its retirement day a model is retired (deprecated-model says so), no longer "retiring".
        (_dt.date(2026, 12, 11), {"gpt-4o-2024-08-06": "2027-01-14"}),
        (_dt.date(2027, 1, 14), None),
    ],
)
def test_the_window_is_90_days_judged_on_the_given_day(today: _dt.date, expected: dict | None) -> None:  # type: ignore[type-arg]
    assert RETIRING_WITHIN_DAYS == 90
    signal = retiring(today)
    assert (signal or {}).get("retires") == expected


def test_the_signal_is_defined_and_mapped_to_the_continuity_items_on_retirement_and_migration() -> None:
    catalog = load_catalog()
    mapped = sorted(it.id for c in catalog for it in c.items if "retiring-model" in it.signals)
    assert mapped == ["OC-02", "OC-03", "OC-06"]
    # Mapped in the 1.2.2 patch; 1.3.0 (items added) carries it on.
    assert catalog.get("operational-continuity").version == "1.3.0"  # type: ignore[union-attr]


def test_assess_writes_the_signal_and_the_dates_into_the_inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the command line, on the day the scanner is given (`assess` passes its own date)."""
    import fm_governance.scan as scan_package

    real = scan_package.scan_project

    def on_a_fixed_day(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["today"] = _dt.date(2026, 12, 6)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_package, "scan_project", on_a_fixed_day)
    project = tmp_path / "app"
    shutil.copytree(FIXTURE, project)
    result = CliRunner().invoke(main, ["assess", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "retiring-model" in result.stdout
    inventory = yaml.safe_load((project / "fm-governance.yaml").read_text(encoding="utf-8"))["inventory"]
    models = {m["id"]: m for m in inventory["models"]}
    assert models["gpt-4o-2024-08-06"]["retired"] == "2027-01-14"
    signals = {s["id"]: s for s in inventory["signals"]}
    assert signals["retiring-model"]["items"] == ["OC-02", "OC-03", "OC-06"]
    assert signals["retiring-model"]["evidence"] == ["summarise.py:6", "summarise.py:7"]
    dry = CliRunner().invoke(main, ["assess", str(project), "--dry-run", "--format", "json"], catch_exceptions=False)
    retiring_signal = next(s for s in json.loads(dry.stdout)["signals"] if s["id"] == "retiring-model")
    assert retiring_signal["retires"]["gpt-5-2025-08-07"] == "2026-12-11"
