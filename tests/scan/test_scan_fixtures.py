"""The fixture projects under tests/scan_fixtures/: exact providers, model ids and signals.

Each fixture is a small, realistic project in one ecosystem. The assertions are exact on purpose:
a new rule that adds a provider or signal to a fixture is a behaviour change someone has to look at.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from fm_governance.scan import scan_project

FIXTURES = Path(__file__).resolve().parents[1] / "scan_fixtures"
TODAY = _dt.date(2026, 11, 22)


def scan(name: str):
    return scan_project(FIXTURES / name, progress=False, today=TODAY)


def ids(rows):
    return [r["id"] for r in rows]


def test_python_project():
    result = scan("python_app")
    assert ids(result.providers) == ["anthropic", "huggingface", "litellm", "sentence-transformers"]
    assert [(m["id"], m["provider"]) for m in result.models] == [
        ("anthropic/claude-sonnet-4-5-20250929", "anthropic"),
        ("claude-3-5-sonnet-20241022", "anthropic"),
        ("claude-3-opus-latest", "anthropic"),
        ("sentence-transformers/all-MiniLM-L6-v2", "huggingface"),
    ]
    assert ids(result.signals) == [
        "hosted-provider",
        "abstraction-layer",
        "floating-model-alias",
        "deprecated-model",
        "self-hosted-inference",
        "runtime-model-download",
    ]
    by_id = {m["id"]: m for m in result.models}
    assert by_id["claude-3-opus-latest"]["alias"] == "floating"
    assert by_id["claude-3-5-sonnet-20241022"]["alias"] == "pinned"
    assert by_id["claude-3-5-sonnet-20241022"]["catalog"]["status"] == "retired"
    assert by_id["anthropic/claude-sonnet-4-5-20250929"]["model"] == "claude-sonnet-4-5-20250929"


def test_python_project_marks_tests_and_prose():
    result = scan("python_app")
    by_value = {(f["file"], f["value"]): f for f in result.findings}
    # OpenAI appears only in a test; Mistral and Groq only in the docs: found, marked, not "used".
    assert by_value[("tests/test_chat.py", "openai")]["context"] == "test"
    assert by_value[("docs/index.md", "mistral-large-latest")]["context"] == "prose"
    assert "openai" not in ids(result.providers) and "mistral" not in ids(result.providers)
    # An import inside a function and an importlib string are both imports.
    assert by_value[("src/app/chat.py", "litellm")]["kind"] == "import"
    assert by_value[("src/app/embed.py", "sentence_transformers")]["kind"] == "import"
    chat = by_value[("src/app/chat.py", "anthropic")]
    assert (chat["line"], chat["confidence"], chat["context"]) == (5, "high", "code")


def test_typescript_project():
    result = scan("ts_app")
    assert ids(result.providers) == ["groq", "openai", "vercel-ai-sdk"]
    assert [(m["id"], m["provider"], m["alias"]) for m in result.models] == [("gpt-4o-mini", "openai", "floating")]
    assert ids(result.signals) == ["hosted-provider", "abstraction-layer", "floating-model-alias"]
    base_url = [f for f in result.findings if f["kind"] == "base-url"]
    assert [(f["provider"], f["file"], f["line"]) for f in base_url] == [("groq", "src/route.ts", 7)]


def test_notebook():
    result = scan("notebook")
    assert ids(result.providers) == ["huggingface"]
    assert [(m["id"], m["provider"]) for m in result.models] == [("meta-llama/Llama-3.1-8B-Instruct", "huggingface")]
    assert ids(result.signals) == ["single-provider", "open-weight-licence-duties", "self-hosted-inference", "runtime-model-download"]
    # The Markdown cell's Cohere model is prose; the code cell's lines are numbered within the cell.
    cohere = [f for f in result.findings if f["provider"] == "cohere"]
    assert [(f["context"], f["cell"], f["line"]) for f in cohere] == [("prose", 1, 2)]
    imports = [f for f in result.findings if f["kind"] == "import"]
    assert [(f["value"], f["cell"], f["line"], f["context"]) for f in imports] == [("transformers", 2, 2, "code")]


def test_compose_file():
    result = scan("compose")
    assert ids(result.providers) == ["huggingface", "ollama", "vllm"]
    assert [(m["id"], m["provider"]) for m in result.models] == [("llama3.2", "ollama"), ("mistralai/Mistral-7B-Instruct-v0.3", "huggingface")]
    assert ids(result.signals) == ["open-weight-licence-duties", "self-hosted-inference"]
    images = sorted((f["provider"], f["line"]) for f in result.findings if f["kind"] == "container-image")
    assert images == [("ollama", 3), ("vllm", 7)]


def test_go_module():
    result = scan("go_app")
    assert ids(result.providers) == ["openai", "openrouter"]
    assert [(m["id"], m["provider"], m["kind"]) for m in result.models] == [("ft:gpt-4o-mini-2024-07-18:acme::9abcDEF1", "openai", "fine-tuned-model")]
    # The fine-tune inherits its base snapshot's lifecycle (deprecated 2026-10-14, retired 2027-01-14).
    assert ids(result.signals) == ["hosted-provider", "deprecated-model", "retiring-model", "closed-fine-tune"]
    deps = [(f["file"], f["line"], f["value"]) for f in result.findings if f["kind"] == "dependency"]
    assert deps == [("go.mod", 6, "github.com/openai/openai-go")]


@pytest.mark.parametrize("name", ["fp_agent", "fp_prose", "fp_highlighter"])
def test_false_positive_fixtures_report_nothing(name):
    result = scan(name)
    assert result.findings == []
    assert result.providers == [] and result.models == [] and result.signals == []


def test_signals_carry_checklist_items():
    result = scan("python_app")
    by_id = {s["id"]: s for s in result.signals}
    assert "VL-03" in by_id["abstraction-layer"]["items"]
    assert "OC-02" in by_id["deprecated-model"]["items"]
    evidence = by_id["deprecated-model"]["evidence"]
    assert [(e["file"], e["line"], e["value"]) for e in evidence] == [
        ("src/app/chat.py", 7, "claude-3-5-sonnet-20241022"),
        ("src/app/chat.py", 8, "claude-3-opus-latest"),
    ]


# --------------------------------------------------------------------------- one project per language


def evidence(result, provider):
    """(file, line, kind) of every live finding for ``provider``."""
    return sorted((f["file"], f["line"], f["kind"]) for f in result.findings if f["provider"] == provider and f["context"] != "test")


def test_dotnet_project_with_azure_openai_in_its_csproj():
    result = scan("dotnet_app")
    assert ids(result.providers) == ["azure-openai"]
    assert evidence(result, "azure-openai") == [
        ("Program.cs", 1, "import"),
        ("Program.cs", 6, "env-var"),
        ("Program.cs", 7, "symbol"),
        ("Program.cs", 8, "model-id"),
        ("SupportBot.csproj", 9, "dependency"),
    ]
    # `using OpenAI.Chat;` is the OpenAI library that Azure.AI.OpenAI builds on: kept, marked as the way to Azure.
    via = [(f["file"], f["line"], f["value"]) for f in result.findings if f.get("via") == "azure-openai"]
    assert via == [("Program.cs", 3, "OpenAI.Chat")]
    assert [(m["id"], m["provider"]) for m in result.models] == [("gpt-4o-mini", "azure-openai")]
    assert result.skipped == []


def test_java_maven_project():
    result = scan("java_maven")
    assert ids(result.providers) == ["anthropic"]
    assert evidence(result, "anthropic") == [
        ("pom.xml", 13, "dependency"),
        ("src/main/java/com/acme/Triage.java", 3, "import"),
        ("src/main/java/com/acme/Triage.java", 4, "import"),
        ("src/main/java/com/acme/Triage.java", 5, "import"),
        ("src/main/java/com/acme/Triage.java", 11, "model-id"),
    ]


def test_kotlin_gradle_project():
    result = scan("kotlin_gradle")
    # Spring AI's OpenAI starter names both the layer and the provider; the commented-out
    # Anthropic dependency (line 10) is not a declaration.
    assert ids(result.providers) == ["google", "openai", "spring-ai"]
    deps = [(f["provider"], f["line"], f["value"]) for f in result.findings if f["kind"] == "dependency"]
    assert deps == [
        ("spring-ai", 7, "org.springframework.ai:spring-ai-bom"),
        ("openai", 8, "org.springframework.ai:spring-ai-starter-model-openai"),
        ("spring-ai", 8, "org.springframework.ai:spring-ai-starter-model-openai"),
        ("google", 9, "com.google.genai:google-genai"),
    ]
    assert evidence(result, "google") == [
        ("build.gradle.kts", 9, "dependency"),
        ("src/main/kotlin/App.kt", 1, "import"),
        ("src/main/kotlin/App.kt", 5, "model-id"),
    ]


def test_go_rest_client_of_azure_openai():
    result = scan("go_azure_rest")
    assert ids(result.providers) == ["azure-openai"]
    found = sorted((f["file"], f["line"], f["kind"], f["value"]) for f in result.findings)
    assert found == [("main.go", 13, "endpoint", ".openai.azure.com"), ("main.go", 13, "endpoint", "/openai/deployments/")]


def test_ruby_project():
    result = scan("ruby_app")
    assert ids(result.providers) == ["anthropic"]
    assert evidence(result, "anthropic") == [
        ("Gemfile", 4, "dependency"),
        ("app/summariser.rb", 1, "import"),
        ("app/summariser.rb", 5, "env-var"),
        ("app/summariser.rb", 9, "model-id"),
    ]
    # The spec's `require "openai"` is test code; the commented-out gem is prose.
    assert [(f["provider"], f["file"], f["context"]) for f in result.findings if f["provider"] == "openai"] == [("openai", "spec/summariser_spec.rb", "test")]


def test_php_project():
    result = scan("php_app")
    assert ids(result.providers) == ["anthropic", "bedrock"]
    assert evidence(result, "anthropic") == [
        ("composer.json", 7, "dependency"),
        ("src/Digest.php", 5, "import"),
        ("src/Digest.php", 12, "env-var"),
        ("src/Digest.php", 13, "model-id"),
    ]
    assert evidence(result, "bedrock") == [
        ("src/Digest.php", 6, "import"),
        ("src/Digest.php", 6, "symbol"),
        ("src/Digest.php", 18, "symbol"),
        ("src/Digest.php", 19, "model-id"),
    ]
    # "google/cloud-storage" is a Composer package the manifest declares, not a Hugging Face model.
    assert not any(f["value"] == "google/cloud-storage" for f in result.findings)


def test_rust_project():
    result = scan("rust_app")
    assert ids(result.providers) == ["bedrock", "openai"]
    deps = [(f["provider"], f["line"], f["value"]) for f in result.findings if f["kind"] == "dependency"]
    # A renamed crate (`[dependencies.bedrock] package = "aws-sdk-bedrockruntime"`) is the crate it names.
    assert deps == [("openai", 7, "async-openai"), ("bedrock", 10, "aws-sdk-bedrockruntime")]
    assert evidence(result, "openai") == [("Cargo.toml", 7, "dependency"), ("src/main.rs", 1, "import"), ("src/main.rs", 6, "model-id")]
