"""The public interface: import-light, JSON and inventory shapes, every signal reachable."""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
import sys
from pathlib import Path

from fm_governance.core.checklists import signal_definitions
from fm_governance.core.yamlio import dump_text, load_text
from fm_governance.scan import ScanResult, scan_project
from fm_governance.scan.catalog import provider_table
from fm_governance.scan.signals import items_by_signal

FIXTURES = Path(__file__).resolve().parents[1] / "scan_fixtures"


def test_importing_the_package_loads_nothing_heavy():
    code = "import sys, fm_governance.scan as s; print(sorted(m for m in sys.modules if m.startswith(('fm_governance.scan.', 'jsonschema', 'ruamel', 'ahocorasick'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_dict_is_one_object_with_the_contract_keys():
    result = scan_project(FIXTURES / "python_app", progress=False)
    assert isinstance(result, ScanResult)
    data = json.loads(json.dumps(result.to_json_dict()))
    assert {"providers", "models", "signals", "findings", "skipped"} <= set(data)
    finding = data["findings"][0]
    assert {"provider", "kind", "file", "line", "confidence", "context"} <= set(finding)
    assert all(p["id"] == p["id"].lower() for p in data["providers"])


def test_inventory_survives_a_yaml_round_trip():
    inventory = scan_project(FIXTURES / "notebook", progress=False, today=_dt.date(2026, 11, 22)).to_inventory()
    text = dump_text({"inventory": inventory})
    assert "!!" not in text  # plain data only: no Python tags
    assert json.loads(json.dumps(load_text(text, "x.yaml")["inventory"], default=str)) == json.loads(json.dumps(inventory))
    assert inventory["signals"][0] == {
        "id": "single-provider",
        "items": items_by_signal()["single-provider"],  # from the checklists, which other work extends
        "evidence": ["explore.ipynb:1 (cell 2)", "explore.ipynb:2 (cell 2)"],
    }


def test_every_signal_is_raised_by_some_fixture(tmp_path):
    raised: set[str] = set()
    for fixture in (p for p in FIXTURES.iterdir() if p.is_dir()):
        raised |= {s["id"] for s in scan_project(fixture, progress=False, today=_dt.date(2026, 11, 22)).signals}
    (tmp_path / "k.py").write_text('KEY = "hf_' + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cD1fG3" + '"\n')
    raised |= {s["id"] for s in scan_project(tmp_path, progress=False).signals}
    assert raised == set(signal_definitions())


def test_provider_table_lists_canonical_ids():
    table = provider_table()
    assert [p["id"] for p in table] == sorted(p["id"] for p in table)
    assert {"id": "ollama", "name": "Ollama", "roles": ["self-hosted"]} in table


def test_a_signals_inventory_evidence_names_each_location_once(tmp_path: Path) -> None:
    """Two packages on one `RUN pip install` line are two findings but one place to look: the
    inventory lists each file:line once, and counts as "more" only the places it does not show."""
    from conftest import scan_files

    docker = 'FROM python:3.11\nRUN pip install vllm transformers accelerate\nCMD ["python", "-m", "vllm.entrypoints.openai.api_server"]\n'
    result = scan_files(tmp_path, {"Dockerfile": docker})
    raw = next(s for s in result.signals if s["id"] == "self-hosted-inference")
    assert [(e["file"], e["line"]) for e in raw["evidence"]].count(("Dockerfile", 2)) > 1  # the scanner keeps every finding
    signal = next(s for s in result.to_inventory()["signals"] if s["id"] == "self-hosted-inference")
    assert signal["evidence"] == ["Dockerfile:2", "Dockerfile:3"] and "more" not in signal
    many = scan_files(tmp_path / "many", {f"svc{n}/Dockerfile": docker for n in range(4)})
    signal = next(s for s in many.to_inventory()["signals"] if s["id"] == "self-hosted-inference")
    assert len(signal["evidence"]) == len(set(signal["evidence"])) == 5 and signal["more"] == 3  # 8 places, 5 shown
    # Past the scanner's cap of evidence rows (20 findings here are 36), places are still counted once.
    lots = scan_files(tmp_path / "lots", {f"svc{n:02}/Dockerfile": docker for n in range(12)})
    signal = next(s for s in lots.to_inventory()["signals"] if s["id"] == "self-hosted-inference")
    assert signal["more"] == 24 - 5
