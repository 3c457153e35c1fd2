"""Every model in the inventory names its developer (the lab) and the channel it is reached by.

A portfolio measures concentration at three levels: the developer, the channel (the lab's own API,
a cloud such as Bedrock, Vertex AI or Azure, a third-party host, or self-hosted) and the provider.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fm_governance.scan import scan_project


def lineage(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str | None, str | None, str]]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = scan_project(tmp_path, progress=False)
    inventory = {m["id"]: m for m in result.to_inventory()["models"]}
    for m in result.models:  # the full result and the inventory agree
        assert (inventory[m["id"]]["developer"], inventory[m["id"]]["channel"]) == (m["developer"], m["channel"])
    return [(m["id"], m["provider"], m["developer"], m["channel"]) for m in result.models]


CASES = {
    "claude through the bedrock sdk, by its bedrock id": (
        {"app.py": 'import boto3\nbrt = boto3.client("bedrock-runtime")\nbrt.converse(modelId="us.anthropic.claude-3-5-sonnet-20240620-v1:0")\n'},
        [("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", "anthropic", "bedrock")],
    ),
    "claude through the anthropic sdk's bedrock client": (
        {"app.py": 'from anthropic import AnthropicBedrock\nclient = AnthropicBedrock()\nclient.messages.create(model="claude-3-5-sonnet-20241022")\n'},
        # The provider contracted is the cloud (test_scan_anthropic_clouds.py); Anthropic is the developer.
        [("claude-3-5-sonnet-20241022", "bedrock", "anthropic", "bedrock")],
    ),
    "claude through anthropic's own api (its key variable)": (
        {
            "app.py": 'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-3-5-sonnet-20241022")\n',
            ".env.example": "ANTHROPIC_API_KEY=\n",
        },
        [("claude-3-5-sonnet-20241022", "anthropic", "anthropic", "api")],
    ),
    "claude through the anthropic sdk's vertex client, by its vertex id": (
        {
            "app.py": 'from anthropic import AnthropicVertex\nclient = AnthropicVertex(region="us-east5")\nclient.messages.create(model="claude-3-5-sonnet-v2@20241022")\n'
        },
        [("claude-3-5-sonnet-v2@20241022", "google", "anthropic", "vertex")],
    ),
    "gemini through vertex ai": (
        {"app.py": 'import vertexai\nfrom vertexai.generative_models import GenerativeModel\nm = GenerativeModel("gemini-2.5-pro")\n'},
        [("gemini-2.5-pro", "google", "google", "vertex")],
    ),
    "gpt-4o through azure openai": (
        {"app.py": 'from openai import AzureOpenAI\nclient = AzureOpenAI()\nclient.chat.completions.create(model="gpt-4o")\n'},
        [("gpt-4o", "azure-openai", "openai", "azure")],
    ),
    "gpt-4o through openai's api": (
        {"app.py": 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o")\n'},
        [("gpt-4o", "openai", "openai", "api")],
    ),
    "routes: a third-party host, a router, a local runtime, a cloud route": (
        {
            "routes.py": (
                'FAST = "groq/llama-3.3-70b-versatile"\n'
                'SMART = "openrouter/anthropic/claude-3.5-sonnet"\n'
                'LOCAL = "ollama/llama3.2"\n'
                'CLOUD = "vertex_ai/gemini-2.0-flash"\n'
            )
        },
        [
            ("groq/llama-3.3-70b-versatile", "groq", "meta", "groq"),
            ("ollama/llama3.2", "ollama", "meta", "self-hosted"),
            ("openrouter/anthropic/claude-3.5-sonnet", "openrouter", "anthropic", "openrouter"),
            ("vertex_ai/gemini-2.0-flash", "google", "google", "vertex"),
        ],
    ),
    "hub weights run by the project": (
        {"load.py": 'from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-Instruct-v0.3")\n'},
        [("mistralai/Mistral-7B-Instruct-v0.3", "huggingface", "mistral", "self-hosted")],
    ),
    "a hub id of an organisation that is not a lab has no developer": (
        {"load.py": 'from transformers import AutoModel\nm = AutoModel.from_pretrained("TheBloke/some-model-GGUF")\n'},
        [("TheBloke/some-model-GGUF", "huggingface", None, "self-hosted")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_developer_and_channel(tmp_path, case):
    files, expected = CASES[case]
    assert lineage(tmp_path, files) == expected


def test_two_clouds_that_could_both_serve_a_model_leave_the_labs_own_api(tmp_path):
    # Bedrock and Vertex AI both serve Claude; with no sign of which one this call uses, the
    # scanner does not pick one.
    files = {
        "app.py": 'from anthropic import AnthropicBedrock, AnthropicVertex\nclient.messages.create(model="claude-3-5-sonnet-20241022")\n',
    }
    assert lineage(tmp_path, files) == [("claude-3-5-sonnet-20241022", "anthropic", "anthropic", "api")]


def test_assess_writes_developer_and_channel_and_an_inventory_without_them_still_checks(tmp_path):
    from click.testing import CliRunner

    from fm_governance.cli import main

    project = tmp_path / "app"
    project.mkdir()
    (project / "app.py").write_text('from openai import AzureOpenAI\nclient = AzureOpenAI()\nclient.chat.completions.create(model="gpt-4o")\n')
    runner = CliRunner()
    assert runner.invoke(main, ["assess", str(project)]).exit_code == 0
    assessment = project / "fm-governance.yaml"
    text = assessment.read_text()
    assert "developer: openai" in text and "channel: azure" in text
    # An inventory written before these fields existed is still a valid assessment.
    old = "\n".join(line for line in text.splitlines() if not line.strip().startswith(("developer:", "channel:"))) + "\n"
    assessment.write_text(old)
    result = runner.invoke(main, ["check", str(assessment)])
    assert result.exit_code in (0, 1), result.output
