"""Misses and false labels that hand-labelling the real-repository corpus found (benchmarks/labels.toml).

Each test is a tiny project reproducing one pattern from instructor, vercel/ai or openai-dotnet that
the scanner read wrongly, and what it must say now: the AI SDK's own package imported through a
template literal, a router's ``provider:model`` string taken for an Ollama tag, model ids behind a
provider-named prefix, ids the catalogue did not know, and a short id in a file named after models.
"""

from __future__ import annotations

import pytest

from conftest import scan_files as scan


def models(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each model the scan reports (its bare name) and the provider credited with it."""
    return {m["model"]: m["provider"] for m in result.models}


def used(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["id"] for p in result.providers]


# --------------------------------------------------------------------------- false labels


def test_an_import_built_in_a_template_literal_names_no_package(tmp_path):
    # vercel/ai's docs app writes example code: the package is chosen at run time.
    code = 'const line = `import { ${exportName} } from "@ai-sdk/${pkgName}"`;\n'
    result = scan(tmp_path, {"preview.tsx": code})
    assert used(result) == []


def test_a_literal_ai_sdk_import_still_counts(tmp_path):
    result = scan(tmp_path, {"app.ts": 'import { openai } from "@ai-sdk/openai";\n'})
    assert "openai" in used(result)


def test_a_routers_provider_colon_model_string_is_not_an_ollama_tag(tmp_path):
    # The AI SDK's provider registry takes "provider:model"; "mistral:whatever" names no Ollama model.
    code = "registry.languageModel('mistral:whatever');\nregistry.imageModel('mistral:any');\n"
    result = scan(tmp_path, {"registry.test-d.ts": code})
    assert "ollama" not in used(result)
    assert models(result) == {}


@pytest.mark.parametrize("tag", ["mistral:7b", "mistral:latest", "mistral:instruct", "llama3.2:3b-instruct-q4_K_M", "qwen2.5:7b"])
def test_ollama_tags_with_a_size_or_a_tag_word_are_still_models(tmp_path, tag):
    result = scan(tmp_path, {"main.py": f'MODEL = "{tag}"\n'})
    assert models(result) == {tag: "ollama"}


def test_a_bedrock_looking_host_name_is_not_a_model(tmp_path):
    result = scan(tmp_path, {"config.py": 'HOST = "deepseek.com"\n'})
    assert models(result) == {}


# --------------------------------------------------------------------------- model ids behind a provider's name


def test_a_providers_own_name_before_a_model_it_serves(tmp_path):
    # instructor's KnownModelName: from_provider("writer/palmyra-x5") and friends.
    code = "\n".join(
        [
            "KnownModelName = Literal[",
            '    "writer/palmyra-x5",',
            '    "fireworks/accounts/fireworks/models/qwen3-30b-a3b",',
            '    "vertexai/gemini-2.0-flash-001",',
            "]",
        ]
    )
    result = scan(tmp_path, {"models.py": code + "\n"})
    assert models(result) == {
        "palmyra-x5": "writer",
        "accounts/fireworks/models/qwen3-30b-a3b": "fireworks",
        "gemini-2.0-flash-001": "google",
    }


def test_a_path_under_a_folder_named_like_a_provider_is_not_a_model(tmp_path):
    result = scan(tmp_path, {"build.py": 'SRC = "writer/palmyra-x5.py"\nOUT = "writer/output"\n'})
    assert models(result) == {}


# --------------------------------------------------------------------------- ids the catalogue did not know


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("codex-mini-latest", "openai"),
        ("claude-2", "anthropic"),
        ("command-light", "cohere"),
        ("command-nightly", "cohere"),
        ("gemini-robotics-er-1.5-preview", "google"),
        ("deep-research-pro-preview-12-2025", "google"),
        ("nano-banana-pro-preview", "google"),
        ("us.deepseek.r1-v1:0", "bedrock"),
        ("openai.gpt-oss-120b-1:0", "bedrock"),
        ("us.mistral.pixtral-large-2502-v1:0", "bedrock"),
        ("mixtral-8x7b-32768", "groq"),
        ("gemma2-9b-it", "groq"),
        ("qwen-qwq-32b", "groq"),
        ("qwen-2.5-32b", "groq"),
        ("llama-guard-3-8b", "groq"),
        ("grok-latest", "xai"),
    ],
)
def test_a_model_id_union_member_is_found(tmp_path, model, provider):
    # One line of a TypeScript model-id union, as in vercel/ai's *-options.ts files: no other word
    # on the line says "model".
    result = scan(tmp_path, {"src/options.ts": f"export type ChatModelId =\n  | '{model}'\n  | (string & {{}});\n"})
    assert models(result) == {model: provider}


@pytest.mark.parametrize(
    ("repo", "developer"),
    [
        ("moonshotai/Kimi-K2-Instruct", "moonshot"),
        ("NousResearch/Hermes-3-Llama-3.1-405B", "nous-research"),
        ("01-ai/Yi-34B-Chat", "zero-one-ai"),
        ("openchat/openchat_3.5", "openchat"),
        ("codellama/CodeLlama-34b-Instruct-hf", "meta"),
    ],
)
def test_open_weight_publishers_hub_ids(tmp_path, repo, developer):
    result = scan(tmp_path, {"src/options.ts": f"export type ChatModelId =\n  | '{repo}'\n  | (string & {{}});\n"})
    (model,) = result.models
    assert (model["model"], model["provider"], model["developer"]) == (repo, "huggingface", developer)


# --------------------------------------------------------------------------- short ids


def test_a_short_id_in_a_file_named_after_models_is_a_model(tmp_path):
    # openai-dotnet's generated InternalChatModelIds.cs: `private const string O1Value = "o1";`
    result = scan(tmp_path, {"src/InternalChatModelIds.cs": 'private const string O1Value = "o1";\n'})
    assert models(result) == {"o1": "openai"}


def test_a_short_id_elsewhere_still_needs_a_model_word_on_its_line(tmp_path):
    result = scan(tmp_path, {"src/Levels.cs": 'private const string Level = "o1";\n'})
    assert models(result) == {}


def test_what_a_scan_finds_does_not_depend_on_other_files_or_earlier_scans(tmp_path):
    # The scanner remembers lines that found nothing; the same line finds "o1" in a file named
    # after models and nothing elsewhere, so the memory must tell the two apart, in one scan (the
    # other file read first) and across scans in one process (the memory lives with the rules).
    line = 'private const string Level = "o1";\n'
    first = scan(tmp_path / "before", {"src/Levels.cs": line})
    assert models(first) == {}
    later = scan(tmp_path / "after", {"src/Levels.cs": line, "src/ModelIds.cs": line})
    assert [(f["file"], f["value"]) for f in later.findings if f["kind"] == "model-id"] == [("src/ModelIds.cs", "o1")]
    assert models(scan(tmp_path / "alone", {"src/ModelIds.cs": line})) == {"o1": "openai"}
