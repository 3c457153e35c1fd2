<?php

namespace Acme\Digest;

use Anthropic\Client;
use Aws\BedrockRuntime\BedrockRuntimeClient;

final class Digest
{
    public function viaClaude(string $text): string
    {
        $client = new Client(apiKey: getenv('ANTHROPIC_API_KEY'));
        return (string) $client->messages->create(maxTokens: 256, messages: [['role' => 'user', 'content' => $text]], model: 'claude-sonnet-4-5-20250929');
    }

    public function viaBedrock(string $text): string
    {
        $bedrock = new BedrockRuntimeClient(['region' => 'eu-west-1', 'version' => 'latest']);
        return (string) $bedrock->converse(['modelId' => 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'messages' => []]);
    }
}
