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

    private struct Chunk: WireEvent {
      struct Choice {
        struct Delta {
          struct Call {
            var index: Int64?
            var id: String?
            var name: String?
            var arguments: String?

            init(_ json: JSONFields) throws(JSONFields.Mismatch) {
              index = try json.integer("index")
              id = try json.string("id")
              name = try json.fields("function")?.string("name")
              arguments = try json.fields("function")?.string("arguments")
            }
          }
          var content: String?
          var reasoning: String?
          var toolCalls: [Call]

          init(_ json: JSONFields) throws(JSONFields.Mismatch) {
            content = try json.string("content")
            // DeepSeek and vLLM say reasoning_content; OpenRouter and Ollama say reasoning.
            reasoning = try json.string("reasoning_content")
            if reasoning == nil { reasoning = try json.string("reasoning") }
            toolCalls = try json.objects("tool_calls", Call.init)
          }
        }
        var delta: Delta?
        var finishReason: String?

        init(_ json: JSONFields) throws(JSONFields.Mismatch) {
          delta = try json.object("delta", Delta.init)
          finishReason = try json.string("finish_reason")
        }
      }
      var choices: [Choice]
      var usage: Usage? = nil
      /// The `error` object some compatible servers send mid-stream.
      var error: ReportedError? = nil
      struct ReportedError { var message: String? }

      init(_ json: JSONFields) throws(JSONFields.Mismatch) {
        choices = try json.objects("choices", Choice.init)
        if let usage = try json.fields("usage") {
          self.usage = Usage(
            inputTokens: try usage.integer("prompt_tokens") ?? 0, outputTokens: try usage.integer("completion_tokens") ?? 0,
            cachedInputTokens: try usage.fields("prompt_tokens_details")?.integer("cached_tokens"),
            reasoningTokens: try usage.fields("completion_tokens_details")?.integer("reasoning_tokens"))
        }
        if let error = try json.fields("error") { self.error = ReportedError(message: try error.string("message")) }
      }
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
      if let reported = chunk.usage { usage = reported }
      guard let choice = chunk.choices.first else { return [] }
      var updates: [StreamUpdate] = []
      if let thinking = choice.delta?.reasoning, !thinking.isEmpty {
        reasoning += thinking
        updates.append(.reasoningDelta(thinking))
      }
      if let content = choice.delta?.content, !content.isEmpty {
        text += content
        updates.append(.textDelta(content))
      }
      for piece in choice.delta?.toolCalls ?? [] {
        let index = Int(piece.index ?? 0)
        if calls[index] != nil {
          // Appended in place (a copy taken out and put back made long arguments quadratic).
          calls[index]!.arguments += piece.arguments ?? ""
          if let name = piece.name, calls[index]!.name.isEmpty { calls[index]!.name = name }
        } else {
          guard let id = piece.id, let name = piece.name else {
            throw .malformedStream("tool call \(index) starts without an id and a function name")
          }
          calls[index] = ToolCall(id: id, name: name, arguments: piece.arguments ?? "")
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
