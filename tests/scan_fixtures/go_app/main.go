package main

import (
	"context"
	"fmt"

	"github.com/openai/openai-go"
	"github.com/openai/openai-go/option"
)

func main() {
	client := openai.NewClient(option.WithBaseURL("https://openrouter.ai/api/v1"))
	resp, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: openai.F("ft:gpt-4o-mini-2024-07-18:acme::9abcDEF1"),
	})
	fmt.Println(resp, err)
}
