require "anthropic"

class Summariser
  def initialize
    @client = Anthropic::Client.new(api_key: ENV["ANTHROPIC_API_KEY"])
  end

  def call(text)
    @client.messages.create(max_tokens: 512, model: "claude-3-5-haiku-latest", messages: [{role: "user", content: text}])
  end
end
