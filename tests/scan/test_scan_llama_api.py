"""Meta's hosted Llama API as a provider: its official SDKs, key variable, host and model ids.

The fixture ``tests/scan_fixtures/llama_api_app`` calls the API three ways: the Python SDK
(``llama-api-client``, ``LlamaAPIClient``), the TypeScript SDK (the npm package of the same name),
and the OpenAI SDK pointed at the API's OpenAI-compatible endpoint on ``api.llama.com``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from fm_governance.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "scan_fixtures" / "llama_api_app"


def assess_json(project: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["assess", str(project), "--dry-run", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_llama_api_is_found_through_both_sdks_and_the_compatible_endpoint(tmp_path: Path) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURE, project)
    data = assess_json(project)
    providers = {p["id"]: p for p in data["providers"]}
    llama = providers["meta-llama-api"]
    assert llama["name"] == "Meta Llama API"
    assert llama["roles"] == ["hosted"]
    assert llama["kinds"] == ["base-url", "dependency", "env-var", "import", "model-id", "symbol"]
    evidence = {(f["file"], f["kind"], f["value"]) for f in data["findings"] if f["provider"] == "meta-llama-api"}
    assert {
        ("requirements.txt", "dependency", "llama-api-client"),
        ("app.py", "import", "llama_api_client"),
        ("app.py", "symbol", "LlamaAPIClient"),
        ("web/package.json", "dependency", "llama-api-client"),
        ("web/index.ts", "import", "llama-api-client"),
        ("web/index.ts", "env-var", "LLAMA_API_KEY"),
        ("compat.py", "base-url", "api.llama.com"),
    } <= evidence


def test_its_models_are_metas_with_their_llama_licences(tmp_path: Path) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURE, project)
    models = {m["id"]: m for m in assess_json(project)["models"]}
    maverick = models["Llama-4-Maverick-17B-128E-Instruct-FP8"]
    assert (maverick["provider"], maverick["developer"], maverick["channel"]) == ("meta-llama-api", "meta", "api")
    assert maverick["catalog"]["licence"]["id"] == "Llama 4 Community License (5 April 2025)"
    assert models["Llama-3.3-70B-Instruct"]["catalog"]["licence"]["id"] == "Llama 3.3 Community License (6 December 2024)"


def test_the_api_in_the_assessments_inventory(tmp_path: Path) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURE, project)
    result = CliRunner().invoke(main, ["assess", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = (project / "fm-governance.yaml").read_text(encoding="utf-8")
    assert "id: meta-llama-api" in text
    assert "name: Meta Llama API" in text


def test_a_hub_repository_of_the_same_name_is_not_the_llama_api(tmp_path: Path) -> None:
    """The API uses Meta's hub repository names; with the organisation they are hub ids, as before."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "models.ts").write_text(
        "export const chat = ['meta-llama/Llama-3.3-70B-Instruct', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8'];\n", encoding="utf-8"
    )
    data = assess_json(project)
    assert [p["id"] for p in data["providers"]] == ["huggingface"]
    assert {m["provider"] for m in data["models"]} == {"huggingface"}
