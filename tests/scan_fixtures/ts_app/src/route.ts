import { generateText } from "ai";
import { openai } from "@ai-sdk/openai";

// Groq is OpenAI-compatible, so the same client reaches it through baseURL.
import OpenAI from "openai";

export const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY });

export async function answer(prompt: string) {
  const { text } = await generateText({ model: openai("gpt-4o-mini"), prompt });
  return text;
}
