import YoiManifest

/// OpenAI Chat Completions (`POST /chat/completions`, streaming); also OpenRouter, Ollama,
/// vLLM and llama.cpp servers.
struct OpenAIChatWire: WireFormat {
  func url(baseURL: String, modelID: String) -> String { baseURL + "/chat/completions" }

  func headers(_ credential: Credential) -> [(String, String)] {
    credential.kind == .none ? [] : [("authorization", "Bearer " + credential.token)]
  }

  func body(_ request: ModelRequest) -> JSONValue {
    let options = request.options
    var messages: [JSONValue] = request.system.isEmpty ? [] : [["role": "system", "content": .string(request.system)]]
    for message in request.messages {
      switch message {
      case .user(let text):
        messages.append(["role": "user", "content": .string(text)])
      case .toolResults(let results):
        messages += results.map { ["role": "tool", "tool_call_id": .string($0.callID), "content": .string($0.content)] }
      case .assistant(let reply):
        let calls: [JSONValue] = reply.toolCalls.map { call in
          ["id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
        }
        messages.append(
          WireJSON.object([
            ("role", "assistant"), ("content", reply.text.isEmpty && !calls.isEmpty ? .null : .string(reply.text)),
            ("tool_calls", calls.isEmpty ? nil : .array(calls)),
          ]))
      }
    }
    let tools: [JSONValue] = request.tools.map { tool in
      ["type": "function", "function": ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]]
    }
    return WireJSON.object([
      ("model", .string(options.modelID)),
      ("messages", .array(messages)),
      ("stream", true),
      ("stream_options", ["include_usage": true]),
      ("tools", tools.isEmpty ? nil : .array(tools)),
      ("parallel_tool_calls", tools.isEmpty ? nil : .bool(options.parallelToolCalls)),
      ("max_tokens", WireJSON.integer(options.maxTokens)),
      ("temperature", WireJSON.number(options.temperature)),
      ("top_p", WireJSON.number(options.topP)),
      ("stop", options.stopSequences.isEmpty ? nil : .array(options.stopSequences.map { .string($0) })),
      ("reasoning_effort", options.reasoning.flatMap(ReasoningMapping.effort).map { .string($0) }),
    ])
  }

  func makeDecoder() -> any StreamDecoder { Decoder() }

  struct Decoder: StreamDecoder {
    private var text = ""
    private var reasoning = ""
    /// Tool calls by their `index`, assembled from argument pieces.
    private var calls: [Int: ToolCall] = [:]
    private var finishReason: String?
    private var usage: Usage?
    private var done = false

    private struct Chunk: Decodable {
      struct Choice: Decodable {
        struct Delta: Decodable {
          struct Call: Decodable {
            struct Function: Decodable {
              var name: String?
              var arguments: String?
            }
            var index: Int64?
            var id: String?
            var function: Function?
          }
          var content: String?
          // DeepSeek and vLLM say reasoning_content; OpenRouter and Ollama say reasoning.
          var reasoningContent: String?
          var reasoning: String?
          var toolCalls: [Call]?

          enum CodingKeys: String, CodingKey {
            case content, reasoningContent = "reasoning_content", reasoning, toolCalls = "tool_calls"
          }
        }
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
          case delta, finishReason = "finish_reason"
        }
      }
      struct UsageJSON: Decodable {
        var promptTokens: Int64?
        var completionTokens: Int64?
        var promptTokensDetails: OpenAITokenDetails.Input?
        var completionTokensDetails: OpenAITokenDetails.Output?

        enum CodingKeys: String, CodingKey {
          case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", promptTokensDetails = "prompt_tokens_details",
            completionTokensDetails = "completion_tokens_details"
        }

        var usage: Usage {
          Usage(
            inputTokens: promptTokens ?? 0, outputTokens: completionTokens ?? 0, cachedInputTokens: promptTokensDetails?.cachedTokens,
            reasoningTokens: completionTokensDetails?.reasoningTokens)
        }
      }
      /// The `error` object some compatible servers send mid-stream.
      struct ReportedError: Decodable { var message: String? }
      var choices: [Choice]?
      var usage: UsageJSON?
      var error: ReportedError?
    }

    mutating func consume(_ event: ServerSentEvent) throws(ProviderError) -> [StreamUpdate] {
      if event.data == "[DONE]" {
        done = true
        return []
      }
      let chunk = try decode(Chunk.self, event)
      if let error = chunk.error {
        throw ProviderError(.reported, "the provider reported an error: \(error.message ?? "unknown")")
      }
      if let reported = chunk.usage { usage = reported.usage }
      guard let choice = chunk.choices?.first else { return [] }
      var updates: [StreamUpdate] = []
      if let thinking = choice.delta?.reasoningContent ?? choice.delta?.reasoning, !thinking.isEmpty {
        reasoning += thinking
        updates.append(.reasoningDelta(thinking))
      }
      if let content = choice.delta?.content, !content.isEmpty {
        text += content
        updates.append(.textDelta(content))
      }
      for piece in choice.delta?.toolCalls ?? [] {
        let name = piece.function?.name
        let index = Int(piece.index ?? 0)
        if calls[index] != nil {
          // Appended in place (a copy taken out and put back made long arguments quadratic).
          calls[index]!.arguments += piece.function?.arguments ?? ""
          if let name, calls[index]!.name.isEmpty { calls[index]!.name = name }
        } else {
          guard let id = piece.id, let name else {
            throw .malformedStream("tool call \(index) starts without an id and a function name")
          }
          calls[index] = ToolCall(id: id, name: name, arguments: piece.function?.arguments ?? "")
          updates.append(.toolCallStarted(id: id, name: name))
        }
      }
      if let reason = choice.finishReason { finishReason = reason }
      return updates
    }

    func finish() throws(ProviderError) -> ModelResponse {
      // Some compatible servers end with finish_reason and no [DONE]; both say "complete".
      guard done || finishReason != nil else { throw .truncated }
      let toolCalls = calls.keys.sorted().compactMap { calls[$0] }.map { call in
        var call = call
        if call.arguments.isEmpty { call.arguments = "{}" }
        return call
      }
      return ModelResponse(
        message: AssistantMessage(reasoning: reasoning.isEmpty ? [] : [ReasoningBlock(text: reasoning)], text: text, toolCalls: toolCalls),
        stopReason: finishReason, usage: usage)
    }
  }
}
