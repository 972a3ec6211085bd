public import YoiManifest

/// A tool call the model made: its arguments exactly as the model wrote them (JSON text,
/// untrusted; the tool decides whether it parses).
public struct ToolCall: Sendable, Hashable, Codable {
  public var id: String
  public var name: String
  public var arguments: String
  /// Gemini's `thoughtSignature` for the part that carried this call, sent back verbatim.
  public var signature: String?

  public init(id: String, name: String, arguments: String, signature: String? = nil) {
    self.id = id
    self.name = name
    self.arguments = arguments
    self.signature = signature
  }
}

/// What a tool returned, as the model will see it (already capped).
public struct ToolResult: Sendable, Hashable, Codable {
  public var callID: String
  public var name: String
  public var content: String
  public var isError: Bool

  enum CodingKeys: String, CodingKey {
    case callID = "call_id", name, content, isError = "is_error"
  }

  public init(callID: String, name: String, content: String, isError: Bool) {
    self.callID = callID
    self.name = name
    self.content = content
    self.isError = isError
  }
}

/// A reasoning (thinking) block, kept so it can be sent back as each API requires:
/// Anthropic's signed thinking, OpenAI Responses' reasoning items.
public struct ReasoningBlock: Sendable, Hashable, Codable {
  /// The readable text or summary, when the provider shows one.
  public var text: String
  /// Anthropic's `signature` of a thinking block.
  public var signature: String?
  /// Anthropic's `redacted_thinking` data.
  public var redactedData: String?
  /// The OpenAI Responses reasoning item id and its encrypted content.
  public var itemID: String?
  public var encryptedContent: String?

  enum CodingKeys: String, CodingKey {
    case text, signature, redactedData = "redacted_data", itemID = "item_id", encryptedContent = "encrypted_content"
  }

  public init(text: String = "", signature: String? = nil, redactedData: String? = nil, itemID: String? = nil, encryptedContent: String? = nil) {
    self.text = text
    self.signature = signature
    self.redactedData = redactedData
    self.itemID = itemID
    self.encryptedContent = encryptedContent
  }
}

/// One assistant turn: reasoning, text, tool calls.
public struct AssistantMessage: Sendable, Hashable, Codable {
  public var reasoning: [ReasoningBlock]
  public var text: String
  public var toolCalls: [ToolCall]

  enum CodingKeys: String, CodingKey {
    case reasoning, text, toolCalls = "tool_calls"
  }

  public init(reasoning: [ReasoningBlock] = [], text: String = "", toolCalls: [ToolCall] = []) {
    self.reasoning = reasoning
    self.text = text
    self.toolCalls = toolCalls
  }
}

/// The conversation as every scheme sees it; each client maps it to its wire format.
public enum Message: Sendable, Hashable {
  case user(String)
  case assistant(AssistantMessage)
  case toolResults([ToolResult])
}

/// A function the model may call, with its arguments' JSON schema.
public struct ToolDefinition: Sendable, Hashable {
  public var name: String
  public var description: String
  public var parameters: JSONValue

  public init(name: String, description: String, parameters: JSONValue) {
    self.name = name
    self.description = description
    self.parameters = parameters
  }
}

/// The sampling settings of `worker` and the model id, per request.
public struct GenerationOptions: Sendable, Hashable {
  public var modelID: String
  public var maxTokens: Int64?
  public var temperature: Double?
  public var topP: Double?
  public var topK: Int64?
  public var stopSequences: [String]
  public var reasoning: ReasoningSetting?
  public var parallelToolCalls: Bool

  public init(
    modelID: String, maxTokens: Int64? = nil, temperature: Double? = nil, topP: Double? = nil, topK: Int64? = nil, stopSequences: [String] = [],
    reasoning: ReasoningSetting? = nil, parallelToolCalls: Bool = false
  ) {
    self.modelID = modelID
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.topP = topP
    self.topK = topK
    self.stopSequences = stopSequences
    self.reasoning = reasoning
    self.parallelToolCalls = parallelToolCalls
  }
}

/// One request: the system prompt, the conversation, the tools offered.
public struct ModelRequest: Sendable {
  public var system: String
  public var messages: [Message]
  public var tools: [ToolDefinition]
  public var options: GenerationOptions

  public init(system: String, messages: [Message], tools: [ToolDefinition], options: GenerationOptions) {
    self.system = system
    self.messages = messages
    self.tools = tools
    self.options = options
  }
}

/// Token counts the provider reported for one response.
public struct Usage: Sendable, Hashable, Codable {
  public var inputTokens: Int64
  public var outputTokens: Int64
  public var cachedInputTokens: Int64?
  public var reasoningTokens: Int64?

  enum CodingKeys: String, CodingKey {
    case inputTokens = "input_tokens", outputTokens = "output_tokens", cachedInputTokens = "cached_input_tokens", reasoningTokens = "reasoning_tokens"
  }

  public init(inputTokens: Int64 = 0, outputTokens: Int64 = 0, cachedInputTokens: Int64? = nil, reasoningTokens: Int64? = nil) {
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.cachedInputTokens = cachedInputTokens
    self.reasoningTokens = reasoningTokens
  }
}

/// A complete response.
public struct ModelResponse: Sendable, Hashable {
  public var message: AssistantMessage
  /// The provider's reason, verbatim (`end_turn`, `tool_calls`, `STOP`, ...).
  public var stopReason: String?
  public var usage: Usage?
}

/// What arrives while a response streams.
public enum StreamUpdate: Sendable, Hashable {
  case textDelta(String)
  case reasoningDelta(String)
  case toolCallStarted(id: String, name: String)
  /// The request failed in a way worth retrying: attempt `attempt` of at most `limit` follows
  /// after `delay` seconds (people see it, so a wait is never silent).
  case retrying(attempt: Int, limit: Int, delay: Double, reason: String)
}
