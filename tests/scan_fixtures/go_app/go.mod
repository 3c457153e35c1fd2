module example.com/summarise

go 1.22

require (
	github.com/openai/openai-go v0.1.0-alpha.40
	github.com/google/uuid v1.6.0
)
