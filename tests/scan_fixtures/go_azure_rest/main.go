package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
)

// No SDK: the REST API of an Azure OpenAI deployment, called with net/http.
func main() {
	resource := os.Getenv("AOAI_RESOURCE")
	url := "https://" + resource + ".openai.azure.com/openai/deployments/" + os.Getenv("AOAI_DEPLOYMENT") +
		"/chat/completions?api-version=2024-10-21"
	req, _ := http.NewRequest("POST", url, bytes.NewBufferString(`{"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("api-key", os.Getenv("AOAI_KEY"))
	resp, err := http.DefaultClient.Do(req)
	fmt.Println(resp, err)
}
