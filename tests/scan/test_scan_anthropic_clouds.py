"""Claude through Bedrock or Vertex AI: the contracted provider is the cloud, Anthropic the developer.

The ``anthropic`` SDK (Python) carries ``AnthropicBedrock`` and ``AnthropicVertex`` besides the
client of Anthropic's own API, so importing it is no evidence that the project uses Anthropic's API.
A project that reaches Claude only through a cloud client lists the cloud as the provider (and
Anthropic as each model's ``developer``); one that also constructs ``Anthropic()`` lists both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from fm_governance.cli import main


def scan(root: Path, files: dict[str, str]) -> dict[str, Any]:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(root), "--dry-run", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def providers(data: dict[str, Any]) -> list[str]:
    return [p["id"] for p in data["providers"]]


def models(data: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    return {m["id"]: (m["provider"], m["developer"], m["channel"]) for m in data["models"]}


BEDROCK_APP = """\
from anthropic import AnthropicBedrock

client = AnthropicBedrock(aws_region="us-east-1")
reply = client.messages.create(model="anthropic.claude-3-5-sonnet-20241022-v2:0", max_tokens=100, messages=[])
"""

VERTEX_APP = """\
from anthropic import AnthropicVertex

client = AnthropicVertex(region="us-east5", project_id="my-project")
reply = client.messages.create(model="claude-3-5-sonnet-v2@20241022", max_tokens=100, messages=[])
"""


def test_claude_only_through_anthropic_bedrock_is_bedrock_not_anthropic(tmp_path: Path) -> None:
    data = scan(tmp_path / "app", {"app.py": BEDROCK_APP, "requirements.txt": "anthropic>=0.40\n"})
    assert providers(data) == ["bedrock"]
    assert models(data) == {"anthropic.claude-3-5-sonnet-20241022-v2:0": ("bedrock", "anthropic", "bedrock")}
    # The package findings are kept, marked as the way to Bedrock, and do not count as use.
    package = [(f["kind"], f["confidence"], f.get("via")) for f in data["findings"] if f["provider"] == "anthropic"]
    assert sorted(package) == [("dependency", "low", "bedrock"), ("import", "low", "bedrock")]
    assert {"hosted-provider", "single-provider"} <= {s["id"] for s in data["signals"]}


def test_claude_only_through_anthropic_vertex_is_google_with_the_model_credited_to_vertex(tmp_path: Path) -> None:
    data = scan(tmp_path / "app", {"app.py": VERTEX_APP, "requirements.txt": "anthropic[vertex]>=0.40\n"})
    assert providers(data) == ["google"]
    assert models(data) == {"claude-3-5-sonnet-v2@20241022": ("google", "anthropic", "vertex")}


def test_a_direct_client_as_well_keeps_anthropic_beside_the_cloud(tmp_path: Path) -> None:
    app = """\
from anthropic import Anthropic, AnthropicBedrock

direct = Anthropic()
bedrock = AnthropicBedrock()
a = direct.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=100, messages=[])
b = bedrock.messages.create(model="anthropic.claude-3-5-sonnet-20241022-v2:0", max_tokens=100, messages=[])
"""
    data = scan(tmp_path / "app", {"app.py": app, "requirements.txt": "anthropic\n"})
    assert providers(data) == ["anthropic", "bedrock"]
    # The direct client is the evidence for Anthropic's API, and it decides the bare id's channel.
    assert models(data) == {
        "anthropic.claude-3-5-sonnet-20241022-v2:0": ("bedrock", "anthropic", "bedrock"),
        "claude-3-5-sonnet-20241022": ("anthropic", "anthropic", "api"),
    }
    assert ("symbol", "Anthropic", 3) in {(f["kind"], f["value"], f["line"]) for f in data["findings"] if f["provider"] == "anthropic"}


def test_typescript_new_anthropic_is_a_direct_client(tmp_path: Path) -> None:
    app = """\
import Anthropic from "@anthropic-ai/sdk";
import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";

const direct = new Anthropic();
const vertex = new AnthropicVertex({ region: "us-east5" });
"""
    package = '{"name": "app", "dependencies": {"@anthropic-ai/sdk": "^0.30.0", "@anthropic-ai/vertex-sdk": "^0.6.0"}}\n'
    data = scan(tmp_path / "app", {"app.ts": app, "package.json": package})
    assert providers(data) == ["anthropic", "google"]


def test_the_api_key_variable_keeps_anthropic_too(tmp_path: Path) -> None:
    app = BEDROCK_APP + 'key = os.environ["ANTHROPIC_API_KEY"]\n'
    data = scan(tmp_path / "app", {"app.py": "import os\n" + app})
    assert providers(data) == ["anthropic", "bedrock"]


def test_the_word_anthropic_is_not_a_client(tmp_path: Path) -> None:
    app = 'from anthropic import Anthropic\n\nLABEL = "Anthropic"\nclient: Anthropic | None = None\n'
    data = scan(tmp_path / "app", {"app.py": app})
    assert [f for f in data["findings"] if f["kind"] == "symbol"] == []


def test_both_clouds_credit_a_vertex_style_id_to_vertex_and_leave_a_bare_id_undecided(tmp_path: Path) -> None:
    app = BEDROCK_APP + VERTEX_APP.replace("client", "other") + 'fallback = "claude-3-5-haiku-20241022"\n'
    data = scan(tmp_path / "app", {"app.py": app, "requirements.txt": "anthropic\n"})
    found = models(data)
    assert found["claude-3-5-sonnet-v2@20241022"][0] == "google"
    assert found["claude-3-5-haiku-20241022"] == ("anthropic", "anthropic", "api")
    assert {f.get("via") for f in data["findings"] if f["provider"] == "anthropic" and f["kind"] != "model-id"} == {"bedrock, google"}
