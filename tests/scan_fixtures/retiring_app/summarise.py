"""Summarises support tickets with two OpenAI models: a pinned GPT-4o snapshot and GPT-5."""

from openai import OpenAI

client = OpenAI()
SUMMARY_MODEL = "gpt-4o-2024-08-06"
TRIAGE_MODEL = "gpt-5-2025-08-07"


def summarise(ticket: str) -> str:
    reply = client.chat.completions.create(model=SUMMARY_MODEL, messages=[{"role": "user", "content": ticket}])
    return reply.choices[0].message.content or ""


def triage(ticket: str) -> str:
    reply = client.chat.completions.create(model=TRIAGE_MODEL, messages=[{"role": "user", "content": ticket}])
    return reply.choices[0].message.content or ""
