using Azure.AI.OpenAI;
using Azure.Identity;
using OpenAI.Chat;

// The deployment is named after the model it serves.
var endpoint = new Uri(Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT")!);
AzureOpenAIClient azureClient = new(endpoint, new DefaultAzureCredential());
ChatClient chat = azureClient.GetChatClient("gpt-4o-mini");
ChatCompletion reply = chat.CompleteChat("Summarise the ticket.");
Console.WriteLine(reply.Content[0].Text);
