"""The scanner's data files: valid, consistent, sourced, and fully covered by the prefilter."""

from __future__ import annotations

import datetime as _dt
import re
import sys

import pytest

from fm_governance.core.checklists import signal_definitions
from fm_governance.core.errors import InputErrors
from fm_governance.scan import catalog as catalog_module
from fm_governance.scan.catalog import Prefilter, _load_validated, rules

REQUIRED_PROVIDERS = {
    "openai", "azure-openai", "anthropic", "google", "bedrock", "mistral", "cohere", "groq", "together", "fireworks",
    "deepseek", "xai", "perplexity", "openrouter", "voyage", "cerebras", "replicate", "huggingface",
    "sentence-transformers", "ollama", "vllm", "llama-cpp", "lm-studio", "litellm", "langchain", "llamaindex",
    "vercel-ai-sdk", "instructor", "semantic-kernel", "spring-ai", "langchain4j", "writer", "deepinfra",
}  # fmt: skip


def test_every_required_provider_is_defined_with_a_kebab_case_id():
    providers = rules().providers
    assert set(providers) >= REQUIRED_PROVIDERS
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", pid) for pid in providers)


def _covered(text: str) -> bool:
    low = text.lower()
    return any(stem in low for stem in rules().prefilter.stems)


def test_every_literal_name_is_covered_by_a_prefilter_stem():
    data = _load_validated("providers.yaml", "providers.schema.json")
    missing = []
    for provider in data["providers"]:
        for group in provider["groups"]:
            # Names matched on a line of code (imports, symbols, variables) must hold a stem; package
            # names in manifests need none (manifests are parsed whole).
            for key in ("python", "env", "symbols", "rust", "go", "java", "dotnet", "php", "ruby"):
                for name in group.get(key, ()):
                    if not _covered(name.rstrip("*")):
                        missing.append((provider["id"], key, name))
            for name in group.get("npm", ()):
                # an import of a short package ("ai") is only seen in quotes
                if not _covered(name.rstrip("*")) and not _covered(f'"{name}"'):
                    missing.append((provider["id"], "npm", name))
    assert missing == []


SAMPLES = [
    # (rule kind, text that must match, provider)
    ("hosts", "https://api.openai.com/v1", "openai"),
    ("hosts", "https://my-res.openai.azure.com/", "azure-openai"),
    ("hosts", 'fmt.Sprintf("https://%s.openai.azure.com", name)', "azure-openai"),
    ("hosts", '"https://" + name + ".openai.azure.com"', "azure-openai"),
    ("hosts", "https://x.cognitiveservices.azure.com/openai/deployments/gpt/chat/completions", "azure-openai"),
    ("hosts", "https://api.deepinfra.com/v1/openai", "deepinfra"),
    ("hosts", "https://api.writer.com/v1/chat", "writer"),
    ("hosts", "https://generativelanguage.googleapis.com/v1beta", "google"),
    ("hosts", "https://us-central1-aiplatform.googleapis.com", "google"),
    ("hosts", "https://bedrock-runtime.us-east-1.amazonaws.com", "bedrock"),
    ("hosts", 'boto3.client("bedrock-runtime")', "bedrock"),
    ("hosts", "https://api.mistral.ai/v1", "mistral"),
    ("hosts", "https://api.cohere.com/v2", "cohere"),
    ("hosts", "https://api.groq.com/openai/v1", "groq"),
    ("hosts", "https://api.together.xyz/v1", "together"),
    ("hosts", "https://api.fireworks.ai/inference/v1", "fireworks"),
    ("hosts", "https://api.deepseek.com", "deepseek"),
    ("hosts", "https://api.x.ai/v1", "xai"),
    ("hosts", "https://api.perplexity.ai", "perplexity"),
    ("hosts", "https://openrouter.ai/api/v1", "openrouter"),
    ("hosts", "https://api.voyageai.com/v1", "voyage"),
    ("hosts", "https://api.cerebras.ai/v1", "cerebras"),
    ("hosts", "https://api.replicate.com/v1", "replicate"),
    ("hosts", "https://router.huggingface.co/v1", "huggingface"),
    ("hosts", "http://localhost:11434/v1", "ollama"),
    ("hosts", "http://localhost:1234/v1", "lm-studio"),
    ("images", "image: ghcr.io/huggingface/text-generation-inference:2.4", "huggingface"),
    ("images", "FROM ghcr.io/ggml-org/llama.cpp:server", "llama-cpp"),
    ("images", "image: ghcr.io/berriai/litellm:main", "litellm"),
    ("commands", "vllm serve meta-llama/Llama-3.1-8B-Instruct", "vllm"),
    ("commands", "ollama pull llama3.2", "ollama"),
    ("commands", "lms load qwen2.5-7b", "lm-studio"),
    ("commands", "./llama-server -m model.gguf", "llama-cpp"),
    ("downloads", 'AutoModel.from_pretrained("x")', "huggingface"),
    ("downloads", 'hf_hub_download(repo_id="x")', "huggingface"),
    ("model_ids", "gpt-4o-2024-08-06", "openai"),
    ("model_ids", "o3-mini", "openai"),
    ("model_ids", "claude-sonnet-4-5-20250929", "anthropic"),
    ("model_ids", "gemini-2.5-flash", "google"),
    ("model_ids", "anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock"),
    ("model_ids", "mistral-large-latest", "mistral"),
    ("model_ids", "command-r-plus", "cohere"),
    ("model_ids", "llama-3.1-8b-instant", "groq"),
    ("model_ids", "accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks"),
    ("model_ids", "deepseek-reasoner", "deepseek"),
    ("model_ids", "grok-4", "xai"),
    ("model_ids", "sonar-pro", "perplexity"),
    ("model_ids", "voyage-3-large", "voyage"),
    ("model_ids", "palmyra-x5", "writer"),
    ("model_ids", "qwen2.5:7b", "ollama"),
    ("model_ids", "Llama-4-Maverick-17B-128E-Instruct-FP8", "meta-llama-api"),
    ("hosts", "https://api.llama.com/v1", "meta-llama-api"),
    ("fine_tunes", "ft:gpt-4o-mini-2024-07-18:acme::9abc", "openai"),
    ("fine_tunes", "arn:aws:bedrock:us-east-1:123456789012:custom-model/my-model", "bedrock"),
    ("fine_tunes", "tunedModels/my-model-123", "google"),
]


@pytest.mark.parametrize(("kind", "text", "provider"), SAMPLES)
def test_regex_rules_match_and_are_covered_by_the_prefilter(kind, text, provider):
    compiled = rules()
    regex = getattr(compiled, kind)
    payloads = getattr(
        compiled,
        {
            "hosts": "host_hits",
            "images": "image_hits",
            "commands": "command_hits",
            "downloads": "download_hits",
            "model_ids": "model_hits",
            "fine_tunes": "fine_tune_hits",
        }[kind],
    )
    match = regex.fullmatch(text) if kind in ("model_ids", "fine_tunes") else regex.search(text)
    assert match, text
    assert catalog_module.group_payload(match, payloads)[0] == provider
    assert _covered(text)


def test_secret_patterns_are_covered_by_the_prefilter():
    data = _load_validated("secrets.yaml", "secrets.schema.json")
    prefixes = {
        "anthropic-api-key": "sk-ant-api03-",
        "openrouter-api-key": "sk-or-v1-",
        "openai-api-key": "sk-proj-",
        "huggingface-token": "hf_",
        "google-api-key": "AIza",
        "aws-access-key-id": "AKIA",
        "groq-api-key": "gsk_",
        "xai-api-key": "xai-",
        "replicate-api-token": "r8_",
        "perplexity-api-key": "pplx-",
        "github-token": "ghp_",
        "json-web-token": "eyJ",
    }
    assert {s["kind"] for s in data["shapes"]} == set(prefixes)
    assert all(_covered(p) for p in prefixes.values())
    # the credential rules run only on text holding one of their own stems
    credentials = rules().credentials
    assert all(any(stem in p.lower() for stem in credentials.shape_stems) for p in prefixes.values())
    for name in ("aws_secret_access_key", "API_TOKEN", "client_secret", "apiKey", "AWS_SECRET_ACCESS_KEY"):
        assert _covered(name), name
        assert any(stem in name.lower() for stem in credentials.name_stems), name
        at = min(name.lower().find(stem) for stem in credentials.name_stems if stem in name.lower())
        assert credentials.assignment_at(f"{name} = 'Zx81kQ0pLm2Vb7Nc4Rt6Yh9Wd'".encode(), at), name
    assert [n["near"] for n in data["neighbours"]] == ["aws-access-key-id"]


def test_regex_fallback_finds_the_same_positions(monkeypatch):
    text = b'import openai\nx = "gpt-4o"\nnothing here\nfrom langchain_anthropic import ChatAnthropic\n'
    fast = rules().prefilter
    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    slow = Prefilter(fast.stems)
    assert slow.engine == "regex"
    # Aho-Corasick reports non-overlapping leftmost matches, the regex leftmost-longest: the lines
    # they point at are what matters.
    assert {text.count(b"\n", 0, p) for p in slow.positions(text.lower())} == {text.count(b"\n", 0, p) for p in fast.positions(text.lower())} == {0, 1, 3}


def test_model_catalog_entries_are_sourced_and_ordered():
    data = _load_validated("models.yaml", "models.schema.json")
    for entry in data["models"]:
        re.compile(entry["match"])
        lifecycle = entry.get("lifecycle")
        if lifecycle:
            dates = [_dt.date.fromisoformat(lifecycle[k]) for k in ("released", "deprecated", "retired") if k in lifecycle]
            assert dates == sorted(dates), entry["match"]
            assert lifecycle["source"].startswith("https://")
        licence = entry["licence"]
        if entry["weights"] == "open":
            assert "duties" in licence and "as_of" in licence, entry["match"]
            if licence["duties"]:
                assert licence["duties_source"].startswith("https://")


@pytest.mark.parametrize(
    ("model_id", "family", "status", "alias"),
    [
        # The undated alias is not among the ids the 2026-10-14 deprecation lists; its snapshots are.
        ("gpt-4o", "GPT-4o", None, "floating"),
        # Deprecated 2026-10-14, shut down 2027-01-14: dates from consistent secondary reports,
        # marked `evidence: secondary` in the catalog.
        ("gpt-4o-2024-08-06", "GPT-4o", "deprecated", "pinned"),
        ("gpt-4o-mini-2024-07-18", "GPT-4o mini", "deprecated", "pinned"),
        ("gpt-4.1-nano-2025-04-14", "GPT-4.1", None, "pinned"),
        # Deprecated 2026-04-22, shut down 2026-10-23 (the deprecations page's recorded history).
        ("gpt-3.5-turbo", "GPT-3.5 Turbo", "retired", "floating"),
        # Where OpenAI's lifecycle dates for an id were not read, none are recorded: the catalog
        # says "not known to be deprecated", never a guessed date.
        ("gpt-4.5-preview", "GPT-4.5", None, "unknown"),
        ("gpt-5-codex-mini", "GPT-5 / o-series specialised variants", None, "unknown"),
        # Notified 2026-06-11, shut down 2026-12-11 (OpenAI deprecations page, read 2026-12-06).
        ("gpt-5-mini", "GPT-5", "deprecated", "floating"),
        ("gpt-5-2025-08-07", "GPT-5", "deprecated", "pinned"),
        ("claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", "retired", "pinned"),
        ("claude-3-opus-20240229", "Claude 3 Opus", "retired", "pinned"),
        ("claude-3-5-sonnet-latest", "Claude 3.5 Sonnet", "retired", "floating"),
        ("meta-llama/Llama-3.3-70B-Instruct", "Llama 3", None, "unknown"),
        ("llama3.2:3b", "Llama 3", None, "unknown"),
        ("gemma-2-9b-it", "Gemma", None, "unknown"),
    ],
)
def test_model_lookup(model_id, family, status, alias):
    compiled = rules()
    info = compiled.model_info(model_id)
    assert info is not None and info.family == family
    assert info.status_on(_dt.date(2026, 11, 22)) == status
    assert compiled.alias_kind(model_id) == alias


@pytest.mark.parametrize(
    ("model_id", "licence_file", "may_improve_other_models"),
    [
        # Meta Llama 3 (18 April 2024), section 1.b.v: outputs must not improve any other LLM.
        ("meta-llama/Meta-Llama-3-8B-Instruct", "models/llama3/LICENSE", False),
        ("llama3:8b", "models/llama3/LICENSE", False),
        ("llama3-70b-8192", "models/llama3/LICENSE", False),
        # 3.1, 3.2 and 3.3 dropped that clause; each version has its own licence file.
        ("meta-llama/Llama-3.1-8B-Instruct", "models/llama3_1/LICENSE", True),
        ("meta-llama/Meta-Llama-3.1-70B-Instruct", "models/llama3_1/LICENSE", True),
        ("llama-3.1-8b-instant", "models/llama3_1/LICENSE", True),
        ("llama3.2:3b", "models/llama3_2/LICENSE", True),
        ("meta-llama/Llama-3.3-70B-Instruct", "models/llama3_3/LICENSE", True),
    ],
)
def test_each_llama_3_version_maps_to_its_own_licence(model_id, licence_file, may_improve_other_models):
    licence = rules().model_info(model_id).licence
    assert licence["url"].endswith(licence_file)
    assert ("must not be used to improve any other large language model" in licence["note"]) is not (may_improve_other_models)


def test_deprecation_is_judged_on_the_given_day():
    info = rules().model_info("claude-3-7-sonnet-20250219")  # deprecated 2025-10-28, retired 2026-02-19
    assert info.status_on(_dt.date(2025, 11, 1)) == "deprecated"
    assert info.status_on(_dt.date(2025, 10, 27)) is None
    assert info.status_on(_dt.date(2026, 2, 19)) == "retired"


def test_invalid_data_gives_located_errors(monkeypatch):
    real = catalog_module._data_text

    def fake(name):
        if name == "models.yaml":
            return 'version: 1\nas_of: "2026-11-22"\nalias_rules: {floating: [], pinned: []}\nmodels:\n  - match: x\n    maker: Not Kebab\n    family: X\n    weights: open\n    licence: {id: MIT, url: "https://x"}\n'
        return real(name)

    monkeypatch.setattr(catalog_module, "_data_text", fake)
    with pytest.raises(InputErrors) as info:
        _load_validated("models.yaml", "models.schema.json")
    assert "models.yaml:6:" in str(info.value)


def test_signal_ids_match_signals_yaml():
    from fm_governance.core.checklists import known_signals

    assert set(signal_definitions()) == set(known_signals())
