"""Open-weight models: Hugging Face URLs and repo ids, GGUF files, Ollama tags, serving commands'
model arguments and weight loaders, each mapped to its family and licence by the model catalog."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest

from fm_governance.scan import scan_project
from fm_governance.scan.catalog import catalog_keys, rules

FIXTURES = Path(__file__).resolve().parents[1] / "scan_fixtures"
TODAY = _dt.date(2026, 12, 6)


def _models(path: Path) -> dict[str, tuple[str, str, str | None, str | None]]:
    """id -> (provider, first location, family, licence id)."""
    result = scan_project(path, progress=False, today=TODAY)
    out = {}
    for m in result.models:
        cat = m["catalog"]
        out[m["id"]] = (m["provider"], m["locations"][0], cat and cat["family"], cat and cat["licence"]["id"])
    return out


def test_rag_app_with_gguf_urls_reports_every_model_with_family_and_licence():
    assert _models(FIXTURES / "rag_gguf") == {
        # Hugging Face GGUF download URLs (huggingface.co and hf.co), re-published by quantisers
        "TheBloke/Llama-2-7B-Chat-GGUF": ("huggingface", "app/models.py:4", "Llama 2", "Llama 2 Community License (18 July 2023)"),
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF": ("huggingface", "app/models.py:5", "Llama 3", "Llama 3.1 Community License (23 July 2024)"),
        "TheBloke/Mistral-7B-Instruct-v0.2-GGUF": ("huggingface", "app/models.py:6", "Mistral / Mixtral open models", "Apache-2.0"),
        "Qwen/Qwen2.5-7B-Instruct-GGUF": ("huggingface", "app/models.py:7", "Qwen2.5", "Apache-2.0"),
        "Qwen/Qwen2.5-3B-Instruct-GGUF": ("huggingface", "app/models.py:8", "Qwen2.5", "Qwen Research License Agreement (19 September 2024)"),
        "unsloth/Qwen3-8B-GGUF": ("huggingface", "app/models.py:9", "Qwen3", "Apache-2.0"),
        "microsoft/Phi-3-mini-4k-instruct-gguf": ("huggingface", "app/models.py:10", "Phi-3", "MIT"),
        "bartowski/gemma-2-9b-it-GGUF": ("huggingface", "app/models.py:11", "Gemma", "Gemma Terms of Use"),
        "TheBloke/falcon-7b-instruct-GGUF": ("huggingface", "app/models.py:12", "Falcon", "Apache-2.0"),
        "unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF": ("huggingface", "app/models.py:13", "DeepSeek-R1", "MIT"),
        # weight loaders: sentence-transformers' bare names, vLLM's LLM(model=...), llama-cpp-python
        "multi-qa-MiniLM-L6-cos-v1": ("huggingface", "app/embed.py:5", None, None),
        "Llama-4-Scout-17B-16E-Instruct-FP8": ("huggingface", "app/embed.py:6", "Llama 4", "Llama 4 Community License (5 April 2025)"),
        "phi-4-Q4_K_M.gguf": ("llama-cpp", "app/embed.py:7", "Phi-4", "MIT"),
        "nomic-embed-text": ("ollama", "app/embed.py:11", "Nomic Embed", "Apache-2.0"),
        # Ollama tags and the model arguments of serving commands
        "llama3.1:8b": ("ollama", "scripts/serve.sh:2", "Llama 3", "Llama 3.1 Community License (23 July 2024)"),
        "qwen2.5:7b": ("ollama", "scripts/serve.sh:3", "Qwen2.5", "Apache-2.0"),
        "Qwen/Qwen3-8B": ("vllm", "scripts/serve.sh:4", "Qwen3", "Apache-2.0"),
        "tiiuae/falcon-7b-instruct": ("huggingface", "scripts/serve.sh:6", "Falcon", "Apache-2.0"),
        "mistralai/Mistral-7B-Instruct-v0.3": ("vllm", "scripts/serve.sh:7", "Mistral / Mixtral open models", "Apache-2.0"),
    }


def test_gguf_url_keeps_the_file_name(tmp_path):
    (tmp_path / "dl.py").write_text('URL = "https://huggingface.co/TheBloke/Llama-2-7B-Chat-GGUF/resolve/main/llama-2-7b-chat.Q4_K_M.gguf"\n')
    [finding] = [f for f in scan_project(tmp_path, progress=False).findings if f["kind"] == "model-id"]
    assert (finding["value"], finding["artifact"], finding["context"]) == ("TheBloke/Llama-2-7B-Chat-GGUF", "llama-2-7b-chat.Q4_K_M.gguf", "code")


@pytest.mark.parametrize(
    "text",
    [
        "See https://huggingface.co/docs/hub/gguf and https://huggingface.co/datasets/squad/viewer\n",  # site pages
        "python -m pytest tests\n",  # "-m" names a module, not a model
        'model = AutoModel.from_pretrained("./checkpoints/last")\n',  # a local path
        'tok = AutoTokenizer.from_pretrained(name, device_map="auto")\n',  # a variable and a keyword
        "Run `ollama serve` first.\n",  # serve takes no model
    ],
)
def test_lookalikes_are_not_open_weight_models(tmp_path, text):
    (tmp_path / "x.py").write_text(text)
    assert [f for f in scan_project(tmp_path, progress=False).findings if f["kind"] == "model-id"] == []


def test_hosted_model_in_a_loader_call_keeps_its_provider(tmp_path):
    (tmp_path / "x.py").write_text('llm = LLM(model="gpt-4o")\n')
    assert [(f["provider"], f["value"]) for f in scan_project(tmp_path, progress=False).findings] == [("openai", "gpt-4o")]


@pytest.mark.parametrize(
    ("model_id", "keys"),
    [
        ("TheBloke/Llama-2-7B-Chat-GGUF", ["thebloke/llama-2-7b-chat-gguf", "llama-2-7b-chat-gguf", "llama-2-7b-chat"]),
        ("qwen2.5:7b", ["qwen2.5:7b", "qwen2.5-7b", "qwen2.5"]),
        ("llama-2-7b-chat.Q4_K_M.gguf", ["llama-2-7b-chat.q4_k_m.gguf", "llama-2-7b-chat"]),
        ("ft:gpt-4o-mini:acme::abc", ["ft:gpt-4o-mini:acme::abc", "gpt-4o-mini"]),  # and its base model
        ("gpt-4o", ["gpt-4o"]),
    ],
)
def test_catalog_keys(model_id, keys):
    assert catalog_keys(model_id) == keys


def test_qwen_sizes_with_other_licences_are_left_unknown():
    # Qwen2.5-72B is not Apache 2.0 and was not read here: no licence is better than a wrong one.
    assert rules().model_info("Qwen/Qwen2.5-72B-Instruct") is None
    assert rules().model_info("qwen2.5:3b").licence["duties"] == ["non-commercial"]
    assert rules().model_info("qwen3.5:9b") is None  # a later release, not Qwen3


def test_inventory_json_lists_open_weight_models(tmp_path):
    (tmp_path / "serve.sh").write_text("ollama pull qwen3:8b\n")
    models = json.loads(json.dumps(scan_project(tmp_path, progress=False, today=TODAY).to_json_dict()))["models"]
    assert [(m["id"], m["catalog"]["family"], m["catalog"]["weights"]) for m in models] == [("qwen3:8b", "Qwen3", "open")]


def test_hub_id_with_no_other_keyword_is_found(tmp_path):
    # The line holds no provider word: the hub organisation with its slash is the prefilter's stem.
    (tmp_path / "config.py").write_text('EMBEDDING_MODEL = os.getenv("EMBEDDING_MODEL", "microsoft/harrier-oss-v1-0.6b")\n')
    assert [(f["provider"], f["value"]) for f in scan_project(tmp_path, progress=False).findings] == [("huggingface", "microsoft/harrier-oss-v1-0.6b")]


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"(?:localhost|127\.0\.0\.1|ollama):11434", {":11434"}),
        (r"[\w-]+\.endpoints\.huggingface\.cloud", {".endpoints.huggingface.cloud"}),
        (r"\bollama (?:pull|run)\b", {"ollama "}),
        (r"(?:openai|anthropic)\b", {"openai", "anthropic"}),
        (r"[\w-]+(?:x)?", None),  # nothing every match must contain: no gate
    ],
)
def test_required_literals_of_a_rule(pattern, literals):
    from fm_governance.scan.catalog import _required_literals

    assert _required_literals(pattern) == literals


def test_every_host_image_command_and_download_rule_has_a_gate():
    # A rule with no literal would turn its gate off and make every line pay for the full pattern.
    r = rules()
    assert None not in (r.host_gate, r.image_gate, r.command_gate, r.download_gate)


def test_ollama_tag_at_the_end_of_a_sentence_leaves_the_full_stop(tmp_path):
    (tmp_path / ".env.example").write_text("# smaller: OLLAMA_MODEL=qwen3.5:2b.\nOLLAMA_MODEL=qwen3.5:4b\n")
    found = {(f["value"], f["line"]) for f in scan_project(tmp_path, progress=False).findings if f["kind"] == "model-id"}
    assert found == {("qwen3.5:2b", 1), ("qwen3.5:4b", 2)}


def test_loader_call_quoted_in_a_json_data_file_is_not_a_model(tmp_path):
    # A documentation dump: the call is text about code, not the project loading weights.
    (tmp_path / "docs.json").write_text('[{"text": "model = SentenceTransformer(\'all-MiniLM-L6-v2\')"}]\n')
    assert [f for f in scan_project(tmp_path, progress=False).findings if f["kind"] == "model-id"] == []


def test_a_project_path_under_a_provider_named_folder_is_not_a_route(tmp_path):
    (tmp_path / "App.slnx").write_text('<Solution>\n  <Project Path="OpenAI/src/OpenAI.csproj" />\n</Solution>\n')
    assert [f for f in scan_project(tmp_path, progress=False).findings if f["kind"] == "model-id"] == []
