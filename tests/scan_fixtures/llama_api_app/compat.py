import os

from openai import OpenAI

# The Llama API's OpenAI-compatible endpoint, reached through the OpenAI SDK.
client = OpenAI(base_url="https://api.llama.com/compat/v1/", api_key=os.environ["LLAMA_API_KEY"])
reply = client.chat.completions.create(model="Llama-4-Maverick-17B-128E-Instruct-FP8", messages=[])
