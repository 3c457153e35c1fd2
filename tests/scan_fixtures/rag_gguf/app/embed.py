from llama_cpp import Llama
from sentence_transformers import SentenceTransformer
from vllm import LLM

encoder = SentenceTransformer("multi-qa-MiniLM-L6-cos-v1")
scout = LLM(model="Llama-4-Scout-17B-16E-Instruct-FP8", tensor_parallel_size=8)
local = Llama(model_path="./models/phi-4-Q4_K_M.gguf")


def embed(client, text):
    return client.embeddings(model="nomic-embed-text", prompt=text)
