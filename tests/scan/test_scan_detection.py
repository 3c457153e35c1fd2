"""Detection matrix: one small file per place the issue says to look, and what must come out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fm_governance.scan import scan_project


def found(tmp_path: Path, files: dict[str, str]) -> set[tuple[str | None, str, str, int]]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = scan_project(tmp_path, progress=False)
    return {(f["provider"], f["kind"], f["context"], f["line"]) for f in result.findings}


CASES = {
    # ---- Python manifests
    "requirements with extras": (
        {"requirements-dev.txt": "# tools\nanthropic[bedrock]>=0.40\nrequests\n"},
        {("anthropic", "dependency", "dependency", 2), ("bedrock", "dependency", "dependency", 2)},
    ),
    "setup.py": (
        {"setup.py": 'from setuptools import setup\nsetup(name="x", install_requires=["cohere>=5", "click"])\n'},
        {("cohere", "dependency", "dependency", 2)},
    ),
    "setup.cfg": ({"setup.cfg": "[options]\ninstall_requires =\n    mistralai>=1.0\n"}, {("mistral", "dependency", "dependency", 3)}),
    "Pipfile": ({"Pipfile": '[packages]\ngroq = "*"\n'}, {("groq", "dependency", "dependency", 2)}),
    "poetry pyproject": ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nvoyageai = "^0.3"\n'}, {("voyage", "dependency", "dependency", 3)}),
    "uv lock is low confidence": ({"uv.lock": 'version = 1\n\n[[package]]\nname = "openai"\nversion = "1.0"\n'}, {("openai", "lockfile", "dependency", 4)}),
    # ---- JavaScript manifests and locks
    "package-lock": (
        {"package-lock.json": '{"packages": {"node_modules/@anthropic-ai/sdk": {"version": "0.30.0"}}}\n'},
        {("anthropic", "lockfile", "dependency", 1)},
    ),
    "yarn.lock": ({"yarn.lock": '"@mistralai/mistralai@^1.0.0":\n  version "1.0.0"\n'}, {("mistral", "lockfile", "dependency", 1)}),
    "pnpm-lock": ({"pnpm-lock.yaml": "packages:\n\n  groq-sdk@0.8.0:\n    resolution: {}\n"}, {("groq", "lockfile", "dependency", 3)}),
    # ---- Go, Rust, Java
    "Cargo.toml": (
        {"Cargo.toml": '[package]\nname = "x"\n\n[dependencies]\nasync-openai = "0.26"\nserde = "1"\n'},
        {("openai", "dependency", "dependency", 5)},
    ),
    "rust use": ({"src/main.rs": "use ollama_rs::Ollama;\n"}, {("ollama", "import", "code", 1)}),
    "pom.xml": (
        {
            "pom.xml": "<project><dependencies>\n<dependency>\n  <groupId>dev.langchain4j</groupId>\n  <artifactId>langchain4j-open-ai</artifactId>\n</dependency>\n</dependencies></project>\n"
        },
        # LangChain4j is its own abstraction layer; its OpenAI module names the provider too.
        {("langchain4j", "dependency", "dependency", 3), ("openai", "dependency", "dependency", 3)},
    ),
    "gradle": (
        {"build.gradle.kts": 'dependencies {\n    implementation("com.anthropic:anthropic-java:1.0.0")\n}\n'},
        {("anthropic", "dependency", "dependency", 2)},
    ),
    "go import block": ({"main.go": 'package main\n\nimport (\n\t"fmt"\n\tgenai "google.golang.org/genai"\n)\n'}, {("google", "import", "code", 5)}),
    # ---- imports, symbols, clients
    "python langchain provider package": (
        {"app.py": "from langchain_openai import ChatOpenAI\n"},
        {("openai", "import", "code", 1), ("langchain", "import", "code", 1)},
    ),
    "python dynamic import": ({"app.py": "import importlib\nmod = importlib.import_module('replicate')\n"}, {("replicate", "import", "code", 2)}),
    "azure openai through the openai package": (
        {"app.py": "from openai import AzureOpenAI\nclient = AzureOpenAI(azure_endpoint='https://acme.openai.azure.com/')\n"},
        {
            ("openai", "import", "code", 1),
            ("azure-openai", "symbol", "code", 1),
            ("azure-openai", "symbol", "code", 2),
            ("azure-openai", "base-url", "code", 2),
        },
    ),
    "bedrock through boto3": ({"app.py": 'import boto3\nbrt = boto3.client("bedrock-runtime")\n'}, {("bedrock", "endpoint", "code", 2)}),
    "js require": ({"index.js": 'const Replicate = require("replicate");\n'}, {("replicate", "import", "code", 1)}),
    "js dynamic import": ({"index.mjs": 'const { Mistral } = await import("@mistralai/mistralai");\n'}, {("mistral", "import", "code", 1)}),
    # ---- env vars, endpoints, base urls
    "env example": ({".env.example": "DEEPSEEK_API_KEY=\nXAI_API_KEY=\n"}, {("deepseek", "env-var", "config", 1), ("xai", "env-var", "config", 2)}),
    "openai client pointed at another provider": (
        {"app.py": 'from openai import OpenAI\nc = OpenAI(base_url="https://api.cerebras.ai/v1")\n'},
        {("openai", "import", "code", 1), ("cerebras", "base-url", "code", 2)},
    ),
    "plain endpoint": ({"call.sh": "curl https://api.perplexity.ai/chat/completions\n"}, {("perplexity", "endpoint", "code", 1)}),
    # ---- model ids in config, LiteLLM routes
    "litellm proxy config": (
        {
            "litellm.yaml": "model_list:\n  - model_name: fast\n    litellm_params:\n      model: fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct\n"
        },
        {("fireworks", "model-id", "config", 4)},
    ),
    "toml model id": ({"config.toml": '[llm]\nmodel = "gemini-2.5-pro"\n'}, {("google", "model-id", "config", 2)}),
    "together route": ({"route.py": 'M = "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"\n'}, {("together", "model-id", "code", 1)}),
    # ---- containers, commands, weights
    "dockerfile": ({"Dockerfile": "FROM ghcr.io/huggingface/text-generation-inference:2.4\n"}, {("huggingface", "container-image", "config", 1)}),
    "k8s manifest": ({"deploy/vllm.yaml": "containers:\n  - name: vllm\n    image: vllm/vllm-openai:latest\n"}, {("vllm", "container-image", "config", 3)}),
    "lm studio command": (
        {"scripts/serve.sh": "lms server start\nlms load qwen2.5-7b-instruct\n"},
        {("lm-studio", "command", "code", 1), ("lm-studio", "command", "code", 2)},
    ),
    "safetensors weights": ({"models/adapter.safetensors": "weights"}, {("huggingface", "weights-file", "artifact", 0)}),
    # ---- tests and prose are marked
    "test folder": ({"tests/test_x.py": "import anthropic\n"}, {("anthropic", "import", "test", 1)}),
    "python comment": ({"app.py": "# we used to import openai here\nx = 1\n"}, set()),
    "js comment mentioning a model": ({"app.ts": '// switch to "gpt-4o" later\n'}, {("openai", "model-id", "prose", 1)}),
    "rst prose": (
        {"docs/index.rst": "Run ``ollama pull llama3.2`` first.\n"},
        {("ollama", "command", "prose", 1), ("ollama", "hub-download", "prose", 1), ("ollama", "model-id", "prose", 1)},
    ),
    "readme install": ({"README.md": "pip install instructor\n"}, {("instructor", "install-command", "prose", 1)}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_detection(tmp_path, case):
    files, expected = CASES[case]
    assert found(tmp_path, files) == expected


def test_notebook_markdown_is_prose_and_code_counts(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["Uses `claude-3-7-sonnet-20250219`\n"], "metadata": {}},
            {"cell_type": "code", "source": ["import anthropic\n", 'm = "claude-3-7-sonnet-20250219"\n'], "metadata": {}, "outputs": []},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    result = scan_project(tmp_path, progress=False)
    rows = {(f["kind"], f["context"], f["cell"], f["line"]) for f in result.findings}
    assert rows == {("model-id", "prose", 1, 1), ("import", "code", 2, 1), ("model-id", "code", 2, 2)}
    assert [p["id"] for p in result.providers] == ["anthropic"]
    assert [s["id"] for s in result.signals] == ["hosted-provider", "single-provider", "deprecated-model"]


def test_pinned_download_does_not_raise_the_download_signal(tmp_path):
    (tmp_path / "load.py").write_text(
        'from transformers import AutoModel\nm = AutoModel.from_pretrained("google/gemma-2-2b", revision="0123456789abcdef0123456789abcdef01234567")\n'
    )
    result = scan_project(tmp_path, progress=False)
    assert "runtime-model-download" not in [s["id"] for s in result.signals]
    assert "open-weight-licence-duties" in [s["id"] for s in result.signals]


def test_lockfile_alone_does_not_make_a_provider_used(tmp_path):
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "openai"\nversion = "1.0"\n')
    result = scan_project(tmp_path, progress=False)
    assert result.providers == []
    assert [f["confidence"] for f in result.findings] == ["low"]


def test_azure_openai_through_the_openai_package_is_azure_only(tmp_path):
    (tmp_path / "requirements.txt").write_text("openai>=1.40\n")
    (tmp_path / "app.py").write_text(
        "import os\nfrom openai import AzureOpenAI\n\nclient = AzureOpenAI(azure_endpoint=os.environ['AZURE_OPENAI_ENDPOINT'])\nclient.chat.completions.create(model=\"gpt-4o\", messages=[])\n"
    )
    result = scan_project(tmp_path, progress=False)
    assert [p["id"] for p in result.providers] == ["azure-openai"]
    assert [(m["id"], m["provider"]) for m in result.models] == [("gpt-4o", "azure-openai")]
    assert "single-provider" in [s["id"] for s in result.signals]
    shared = [f for f in result.findings if f.get("via") == "azure-openai"]
    assert sorted((f["file"], f["kind"]) for f in shared) == [("app.py", "import"), ("requirements.txt", "dependency")]


def test_openai_specific_evidence_keeps_openai(tmp_path):
    (tmp_path / "app.py").write_text("from openai import AzureOpenAI, OpenAI\nkey = os.environ['OPENAI_API_KEY']\n")
    result = scan_project(tmp_path, progress=False)
    assert [p["id"] for p in result.providers] == ["azure-openai", "openai"]


def test_secret_printed_in_a_notebook_output_is_found(tmp_path):
    key = "gsk_" + "Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h1J3k5L7z9X2c4V6b8N1m3"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["print(os.environ['GROQ_API_KEY'])\n"],
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [key + "\n"]}],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "leak.ipynb").write_text(json.dumps(nb))
    result = scan_project(tmp_path, progress=False)
    secrets = [(f["value"], f["cell"], f["line"], f.get("output")) for f in result.findings if f["kind"] == "secret"]
    assert secrets == [("groq-api-key", 1, 1, True)]
    assert key not in json.dumps(result.to_json_dict())


def test_dependency_line_is_the_declaration_not_a_mention(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndescription = "helpers around anthropic"\ndependencies = [\n  "anthropic>=0.40",\n]\n')
    result = scan_project(tmp_path, progress=False)
    assert [(f["kind"], f["line"]) for f in result.findings] == [("dependency", 5)]


@pytest.mark.parametrize(
    "text",
    [
        'cells = {"o1": 1, "o3": 2}\n',  # short ids only count next to the word "model"
        "steps:\n  - uses: azure/login@v2\n  - uses: openai/setup@v1\n",  # CI actions are not LiteLLM routes
        "services:\n  gpu:\n    image: nvidia/cuda\n",  # an image, not a hub model
        'TOOLS = ["gemini-cli", "claude-code-router"]\n',  # product names, not model ids
    ],
)
def test_lookalikes_are_not_models(tmp_path, text):
    (tmp_path / "x.yaml" if text.startswith(("steps", "services")) else tmp_path / "x.py").write_text(text)
    assert scan_project(tmp_path, progress=False).findings == []


def test_short_model_id_next_to_model_counts(tmp_path):
    (tmp_path / "x.py").write_text('resp = client.responses.create(model="o3", input="hi")\n')
    assert [(f["provider"], f["value"]) for f in scan_project(tmp_path, progress=False).findings] == [("openai", "o3")]


def test_java_and_kotlin_imports(tmp_path):
    (tmp_path / "App.java").write_text("import com.anthropic.client.AnthropicClient;\nimport java.util.List;\n")
    (tmp_path / "Chat.kt").write_text("import dev.langchain4j.model.openai.OpenAiChatModel\n")
    found = {(f["provider"], f["file"], f["line"]) for f in scan_project(tmp_path, progress=False).findings}
    assert found == {("anthropic", "App.java", 1), ("langchain4j", "Chat.kt", 1), ("openai", "Chat.kt", 1)}


def test_manifests_are_also_read_as_configuration(tmp_path):
    (tmp_path / "package.json").write_text('{\n  "name": "x",\n  "scripts": {"models": "ollama pull llama3.2"}\n}\n')
    (tmp_path / "pyproject.toml").write_text('[tool.bot]\nmodel = "mistral-small-latest"\n')
    found = {(f["provider"], f["kind"], f["file"], f["line"], f["context"]) for f in scan_project(tmp_path, progress=False).findings}
    assert found == {
        ("ollama", "command", "package.json", 3, "config"),
        ("ollama", "hub-download", "package.json", 3, "config"),
        ("ollama", "model-id", "package.json", 3, "config"),  # the tag after "ollama pull"
        ("mistral", "model-id", "pyproject.toml", 2, "config"),
    }
