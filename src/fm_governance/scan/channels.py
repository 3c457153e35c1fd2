"""Who made each model the scan found, and by which path the project reaches it.

Concentration has three levels that a portfolio measures separately: the *developer* (the lab whose
model it is: openai, anthropic, google, meta, mistral, ...), the *channel* (the lab's own ``api``,
a cloud channel — ``azure``, ``bedrock``, ``vertex`` — a third-party host or router such as
``groq`` or ``openrouter``, or ``self-hosted``) and the provider the code talks to. Running Claude
through Bedrock and through Anthropic's API is one developer on two channels; Llama on Groq and
on one's own GPUs is one developer on two channels as well.

The developer comes from the model catalog's ``maker``; for ids the catalog does not know, from the
id's shape (a Bedrock id names its vendor, ``anthropic.claude-...``; a hub id its organisation,
``meta-llama/...``; a route its provider, ``anthropic/claude-...``) or from a provider that serves
only its own lab's models (``developer:`` in providers.yaml). Unknown stays None: a guess would
distort the concentration figures it feeds.

The channel starts from the provider the model id was credited to (``channel:`` in
providers.yaml). A model credited to a lab's own API (``claude-...`` names Anthropic) is reached
through a cloud instead when the project shows that cloud (Bedrock, Vertex AI, Azure OpenAI) and
nothing that only the lab's own API uses: no API host, no API-key variable, no key, no client of
the lab's own API (``Anthropic()``). SDK packages are not such evidence, since the lab SDKs reach the clouds too (``AnthropicBedrock``,
``AnthropicVertex``, ``AzureOpenAI``).
"""

from __future__ import annotations

import re
from typing import Any

from .catalog import Rules
from .signals import is_live

#: Finding kinds that only a lab's own API uses (its host, its key variable, its key).
_DIRECT_KINDS = frozenset({"endpoint", "base-url", "env-var", "secret"})
#: A lab SDK's client class for a cloud (``AnthropicBedrock``, ``AnthropicVertex``, ``AzureOpenAI``):
#: unlike the lab's own client (``Anthropic()``), constructing it is no sign of the lab's own API.
_CLOUD_CLIENT = re.compile(r"Bedrock|Vertex|Azure")
#: Google findings that show Vertex AI rather than the Gemini API (``vertexai``, ``aiplatform``,
#: ``AnthropicVertex``, a ``vertex_ai/`` route).
_VERTEX = re.compile(r"vertex|aiplatform", re.I)
#: Developers whose models each cloud channel serves under the lab's own model names (as of
#: 2026-12: Bedrock's and Vertex AI's model catalogues; Azure OpenAI serves OpenAI's).
_CLOUD_SERVES: dict[str, frozenset[str]] = {
    "bedrock": frozenset({"anthropic", "meta", "mistral", "cohere", "amazon", "ai21", "deepseek", "writer", "alibaba"}),
    "azure": frozenset({"openai"}),
    "vertex": frozenset({"google", "anthropic", "mistral", "meta"}),
}
#: ``us.anthropic.claude-...``: Bedrock's cross-region prefix, then the vendor.
_BEDROCK_ID = re.compile(r"^(?:(?:us|eu|apac|global)\.)?([a-z0-9-]+)\.")


def add_lineage(models: list[dict[str, Any]], findings: list[dict[str, Any]], compiled: Rules) -> None:
    """Set ``developer`` and ``channel`` on each model entry (in place)."""
    live = [f for f in findings if f["provider"] and is_live(f)]
    clouds = _clouds(live)
    direct = {f["provider"] for f in live if f["kind"] in _DIRECT_KINDS or (f["kind"] == "symbol" and not _CLOUD_CLIENT.search(f["value"]))}
    for model in models:
        developer = _developer(model, compiled)
        model["developer"] = developer
        model["channel"] = _channel(model, developer, clouds, direct, compiled)


def _clouds(live: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for f in live:
        if f["provider"] == "bedrock":
            found.add("bedrock")
        elif f["provider"] == "azure-openai":
            found.add("azure")
        elif f["provider"] == "google" and _VERTEX.search(f["value"]):
            found.add("vertex")
    return found


def _developer(model: dict[str, Any], compiled: Rules) -> str | None:
    catalog = model.get("catalog")
    if catalog and catalog.get("maker"):
        return str(catalog["maker"])
    # A fine-tune's developer is its base model's (a Bedrock custom model names its base).
    bare: str = model.get("base_model") or model["model"]
    head, _, rest = bare.partition("/")
    if model["provider"] == "bedrock":
        m = _BEDROCK_ID.match(bare.lower())
        if m:
            return m.group(1)
    if rest:
        if head.lower() in compiled.hub_org_developers:
            return compiled.hub_org_developers[head.lower()]
        info = compiled.model_info(rest)  # ``anthropic/claude-3.5-sonnet`` through a router
        if info is not None:
            return info.maker
        routed = compiled.litellm.get(head.lower())
        if routed and compiled.providers.get(routed[0], {}).get("developer"):
            return str(compiled.providers[routed[0]]["developer"])
    provider = compiled.providers.get(model["provider"] or "", {})
    lab = provider.get("developer")
    return str(lab) if lab else None


def _channel(model: dict[str, Any], developer: str | None, clouds: set[str], direct: set[str], compiled: Rules) -> str:
    pid = model["provider"] or ""
    if model["id"].lower().startswith(("vertex_ai/", "vertex_ai_beta/")):
        return "vertex"  # a LiteLLM route to Vertex AI
    provider = compiled.providers.get(pid, {})
    channel = provider.get("channel")
    if channel is None:
        roles = {g["role"] for g in provider.get("groups", ())}
        # A hub id (Hugging Face) or a local runtime: weights the project fetches and runs itself.
        channel = "self-hosted" if pid == "huggingface" or (roles & {"self-hosted", "hub"} and "hosted" not in roles) else pid
    if channel != "api" or pid in direct:
        return str(channel)
    serving = sorted(c for c in clouds if developer in _CLOUD_SERVES[c])
    return serving[0] if len(serving) == 1 else "api"
