import importlib


def encoder():
    module = importlib.import_module("sentence_transformers")
    return module.SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
