"""Answer support questions from the help centre with retrieval-augmented generation."""

import os

import chromadb
from openai import OpenAI

MODEL = "gpt-4o-2024-08-06"  # pinned snapshot, not a moving alias

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
articles = chromadb.PersistentClient(path="./index").get_or_create_collection("help-centre")


def answer(question: str) -> str:
    hits = articles.query(query_texts=[question], n_results=4)
    context = "\n\n".join(hits["documents"][0])
    response = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Answer only from the help-centre articles provided."},
            {"role": "user", "content": f"Articles:\n{context}\n\nQuestion: {question}"},
        ],
    )
    return response.choices[0].message.content or ""
