use async_openai::{types::CreateChatCompletionRequestArgs, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new();
    let request = CreateChatCompletionRequestArgs::default().model("gpt-4.1-mini").build()?;
    let response = client.chat().create(request).await?;
    println!("{:?}", response);
    Ok(())
}
