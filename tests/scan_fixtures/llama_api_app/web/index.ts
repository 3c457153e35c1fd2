import LlamaAPIClient from 'llama-api-client';

const client = new LlamaAPIClient({ apiKey: process.env['LLAMA_API_KEY'] });
const reply = await client.chat.completions.create({ model: 'Llama-3.3-70B-Instruct', messages: [] });
