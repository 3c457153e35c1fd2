"""The accuracy comparison of ``benchmarks/real_bench.py --accuracy``: hand labels against a scan.

The published recall and false-label figures (benchmarks/README.md, the scanner reference) come from
this comparison, so its counting is tested here on a small labelled tree, without the real corpus
and without timings.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from fm_governance.scan import scan_project

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def real_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_bench", BENCHMARKS / "real_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_bench"] = module
    spec.loader.exec_module(module)
    return module


LABELS = """
[[repo]]
name = "acme/app"
must_providers = [
  { id = "openai", evidence = "requirements.txt:1" },
  { id = "mistral", evidence = "nowhere: a provider the scan will miss" },
]
may_providers = [
  { id = "anthropic", evidence = "examples/summarise.py:1" },
]
must_models = [
  { id = "gpt-4o-mini", evidence = "app.py:3" },
  { id = "Claude-3-5-Haiku-20241022", evidence = "examples/summarise.py:2 (case differs from the scan's)" },
  { id = "gpt-5.4-nano", evidence = "nowhere: an id the scan will miss" },
]
"""

TREE = {
    "requirements.txt": "openai==1.50.0\n",
    "app.py": 'from openai import OpenAI\nclient = OpenAI()\nreply = client.chat.completions.create(model="gpt-4o-mini", messages=[])\n',
    "examples/summarise.py": 'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-haiku-20241022", messages=[])\n',
    "search.py": "import cohere\nco = cohere.Client()\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel, text in TREE.items():
        path = tmp_path / "acme" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "acme"


def test_compare_counts_found_missed_and_false_labels(real_bench, tree):
    (label,) = tomllib.loads(LABELS)["repo"]
    result = scan_project(tree, progress=False)
    got = real_bench.compare(label, (p["id"] for p in result.providers), result.models)
    assert got.providers_found == ["openai"]
    assert got.providers_missed == ["mistral"]
    # anthropic is `may` (an example): neither required nor false; cohere is in neither list.
    assert got.false_providers == ["cohere"]
    assert got.models_found == ["gpt-4o-mini", "Claude-3-5-Haiku-20241022"]
    assert got.models_missed == ["gpt-5.4-nano"]


def test_a_model_counts_by_its_routed_id_or_its_bare_name(real_bench):
    label = {"name": "x", "must_providers": [], "must_models": [{"id": "claude-3-5-haiku-20241022"}, {"id": "openrouter/auto"}]}
    models = [
        {"id": "anthropic/claude-3-5-haiku-20241022", "model": "claude-3-5-haiku-20241022"},
        {"id": "openrouter/auto", "model": "auto"},
    ]
    got = real_bench.compare(label, [], models)
    assert got.models_found == ["claude-3-5-haiku-20241022", "openrouter/auto"]
    assert got.false_providers == []


def test_the_table_has_a_row_per_repository_and_an_overall_row(real_bench, tree, tmp_path):
    labels = tmp_path / "labels.toml"
    labels.write_text(LABELS + '\n[[repo]]\nname = "acme/unscanned"\nmust_providers = []\n')
    table = real_bench.accuracy({"acme/app": tree}, labels).splitlines()
    assert table[2] == "| acme/app | 1/2 | cohere | 2/3 (66.7%) | mistral, gpt-5.4-nano |"
    assert table[3] == "| **overall (1 repositories)** | 1/2 (50.0%) | 1 in 1 repositories | 2/3 (66.7%) | 2 |"
    assert len(table) == 4  # a labelled repository that was not scanned has no row
