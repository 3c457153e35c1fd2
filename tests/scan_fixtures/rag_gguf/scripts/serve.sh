#!/bin/sh
ollama pull llama3.1:8b
ollama run qwen2.5:7b "hello"
vllm serve Qwen/Qwen3-8B --port 8000
llama-server -m models/phi-4-Q4_K_M.gguf --port 8080
text-generation-launcher --model-id tiiuae/falcon-7b-instruct
python -m vllm.entrypoints.openai.api_server --model mistralai/Mistral-7B-Instruct-v0.3
