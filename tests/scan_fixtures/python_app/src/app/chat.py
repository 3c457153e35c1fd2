"""Answers support questions."""

import os

from anthropic import Anthropic

MODEL = "claude-3-5-sonnet-20241022"
FALLBACK = "claude-3-opus-latest"


def client() -> Anthropic:
    return Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])


def route(prompt: str) -> str:
    import litellm  # imported lazily: only the router needs it

    response = litellm.completion(model="anthropic/claude-sonnet-4-5-20250929", messages=[{"role": "user", "content": prompt}])
    return response.choices[0].message.content
