from llama_api_client import LlamaAPIClient

client = LlamaAPIClient()
reply = client.chat.completions.create(model="Llama-4-Maverick-17B-128E-Instruct-FP8", messages=[{"role": "user", "content": "Hi"}])
