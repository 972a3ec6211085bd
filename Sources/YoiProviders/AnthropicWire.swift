import YoiManifest

/// Anthropic Messages API (`POST /v1/messages`, streaming).
struct AnthropicWire: WireFormat {
  func url(baseURL: String, modelID: String) -> String { baseURL + "/v1/messages" }

  func headers(_ credential: Credential) -> [(String, String)] {
    var headers = [("anthropic-version", "2023-06-01")]
    switch credential.kind {
    case .none: break
    case .apiKey: headers.append(("x-api-key", credential.token))
    case .codexOAuth: headers.append(("authorization", "Bearer " + credential.token))
    }
    return headers
  }

  func body(_ request: ModelRequest) -> JSONValue {
    let options = request.options
    let thinkingBudget = options.reasoning.flatMap(ReasoningMapping.budget)
    var maxTokens = options.maxTokens ?? 8192
    if let thinkingBudget, maxTokens <= thinkingBudget { maxTokens = thinkingBudget + 4096 }
    var tools: JSONValue?
    if !request.tools.isEmpty {
      tools = .array(request.tools.map { ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.parameters] })
    }
    return WireJSON.object([
      ("model", .string(options.modelID)),
      ("max_tokens", .integer(maxTokens)),
      ("system", request.system.isEmpty ? nil : .string(request.system)),
      ("messages", .array(messages(request.messages))),
      ("tools", tools),
      ("tool_choice", tools == nil ? nil : ["type": "auto", "disable_parallel_tool_use": .bool(!options.parallelToolCalls)]),
      ("stream", true),
      // Anthropic refuses sampling settings alongside extended thinking.
      ("temperature", thinkingBudget == nil ? WireJSON.number(options.temperature) : nil),
      ("top_p", thinkingBudget == nil ? WireJSON.number(options.topP) : nil),
      ("top_k", thinkingBudget == nil ? WireJSON.integer(options.topK) : nil),
      ("stop_sequences", options.stopSequences.isEmpty ? nil : .array(options.stopSequences.map { .string($0) })),
      ("thinking", thinkingBudget.map { ["type": "enabled", "budget_tokens": .integer($0)] }),
    ])
  }

  /// Consecutive user-side items (tool results, then the next prompt) become one user message.
  private func messages(_ conversation: [Message]) -> [JSONValue] {
    var result: [(role: String, blocks: [JSONValue])] = []
    func add(_ role: String, _ blocks: [JSONValue]) {
      guard !blocks.isEmpty else { return }
      if let last = result.last, last.role == role { result[result.count - 1].blocks += blocks } else { result.append((role, blocks)) }
    }
    for message in conversation {
      switch message {
      case .user(let text):
        add("user", [["type": "text", "text": .string(text)]])
      case .toolResults(let results):
        add(
          "user",
          results.map { result in
            ["type": "tool_result", "tool_use_id": .string(result.callID), "content": .string(result.content), "is_error": .bool(result.isError)]
          })
      case .assistant(let reply):
        var blocks: [JSONValue] = reply.reasoning.compactMap { block in
          if let data = block.redactedData { return ["type": "redacted_thinking", "data": .string(data)] }
          guard let signature = block.signature else { return nil }  // unsigned thinking cannot be sent back
          return ["type": "thinking", "thinking": .string(block.text), "signature": .string(signature)]
        }
        if !reply.text.isEmpty { blocks.append(["type": "text", "text": .string(reply.text)]) }
        blocks += reply.toolCalls.map { call in
          ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": WireJSON.argumentsObject(call.arguments)]
        }
        add("assistant", blocks)
      }
    }
    return result.map { ["role": .string($0.role), "content": .array($0.blocks)] }
  }

  func makeDecoder() -> any StreamDecoder { Decoder() }

  struct Decoder: StreamDecoder {
    /// A content block's kind and fixed fields; its growing text is in `content`.
    private enum Block {
      case text
      case toolUse(id: String, name: String)
      case thinking(signature: String)
      case redacted(String)
    }

    private var blocks: [Int: Block] = [:]
    /// Each block's text, tool-call JSON or thinking so far, appended in place: rebuilding the
    /// string for every delta made 10 MB of 7-byte deltas quadratic.
    private var content: [Int: String] = [:]
    private var order: [Int] = []
    private var usage = Usage()
    private var stopReason: String?
    private var stopped = false

    private struct Event: Decodable {
      struct ContentBlock: Decodable {
        var type: String?
        var text: String?
        var id: String?
        var name: String?
        var thinking: String?
        var signature: String?
        var data: String?
      }
      struct Delta: Decodable {
        var type: String?
        var text: String?
        var partialJSON: String?
        var thinking: String?
        var signature: String?
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
          case type, text, partialJSON = "partial_json", thinking, signature, stopReason = "stop_reason"
        }
      }
      struct UsageJSON: Decodable {
        var inputTokens: Int64?
        var outputTokens: Int64?
        var cacheReadInputTokens: Int64?

        enum CodingKeys: String, CodingKey {
          case inputTokens = "input_tokens", outputTokens = "output_tokens", cacheReadInputTokens = "cache_read_input_tokens"
        }
      }
      struct MessageJSON: Decodable {
        var usage: UsageJSON?
      }
      struct ErrorJSON: Decodable {
        var type: String?
        var message: String?
      }
      var type: String?
      var index: Int?
      var message: MessageJSON?
      var contentBlock: ContentBlock?
      var delta: Delta?
      var usage: UsageJSON?
      var error: ErrorJSON?

      enum CodingKeys: String, CodingKey {
        case type, index, message, contentBlock = "content_block", delta, usage, error
      }
    }

    mutating func consume(_ sse: ServerSentEvent) throws(ProviderError) -> [StreamUpdate] {
      let event = try decode(Event.self, sse)
      guard let type = event.type else { throw .malformedStream("an event without a `type`") }
      switch type {
      case "message_start":
        if let start = event.message?.usage {
          usage.inputTokens = start.inputTokens ?? 0
          usage.outputTokens = start.outputTokens ?? 0
          usage.cachedInputTokens = start.cacheReadInputTokens
        }
      case "content_block_start":
        guard let index = event.index, let block = event.contentBlock else { throw .malformedStream("content_block_start without index or block") }
        order.append(index)
        switch block.type {
        case "text":
          blocks[index] = .text
          content[index] = block.text ?? ""
          if let text = block.text, !text.isEmpty { return [.textDelta(text)] }
        case "tool_use":
          guard let id = block.id, let name = block.name else { throw .malformedStream("a tool_use block without id or name") }
          blocks[index] = .toolUse(id: id, name: name)
          content[index] = ""
          return [.toolCallStarted(id: id, name: name)]
        case "thinking":
          blocks[index] = .thinking(signature: block.signature ?? "")
          content[index] = block.thinking ?? ""
        case "redacted_thinking": blocks[index] = .redacted(block.data ?? "")
        default: order.removeLast()  // a block type this client does not know: ignored
        }
      case "content_block_delta":
        guard let index = event.index, let delta = event.delta else { throw .malformedStream("content_block_delta without index or delta") }
        switch (blocks[index], delta.type) {
        case (.text?, "text_delta"):
          let piece = delta.text ?? ""
          content[index, default: ""] += piece
          return [.textDelta(piece)]
        case (.toolUse?, "input_json_delta"):
          content[index, default: ""] += delta.partialJSON ?? ""
        case (.thinking?, "thinking_delta"):
          content[index, default: ""] += delta.thinking ?? ""
          return [.reasoningDelta(delta.thinking ?? "")]
        case (.thinking(let signature)?, "signature_delta"):
          blocks[index] = .thinking(signature: signature + (delta.signature ?? ""))
        case (nil, _): throw .malformedStream("a delta for content block \(index), which was never started")
        default: break  // a delta type this client does not know: ignored
        }
      case "message_delta":
        if let reason = event.delta?.stopReason { stopReason = reason }
        if let output = event.usage?.outputTokens { usage.outputTokens = output }
        if let input = event.usage?.inputTokens { usage.inputTokens = input }
      case "message_stop":
        stopped = true
      case "error":
        let error = event.error
        let overloaded = error?.type == "overloaded_error" || error?.type == "api_error"
        throw ProviderError(.reported, "the provider reported an error: \(error?.message ?? "unknown") (\(error?.type ?? "error"))", isRetryable: overloaded)
      default:
        break  // ping and event types added after this client was written
      }
      return []
    }

    func finish() throws(ProviderError) -> ModelResponse {
      guard stopped else { throw .truncated }
      var message = AssistantMessage()
      for index in order {
        let text = content[index] ?? ""
        switch blocks[index] {
        case .text?: message.text += text
        case .toolUse(let id, let name)?: message.toolCalls.append(ToolCall(id: id, name: name, arguments: text.isEmpty ? "{}" : text))
        case .thinking(let signature)?: message.reasoning.append(ReasoningBlock(text: text, signature: signature.isEmpty ? nil : signature))
        case .redacted(let data)?: message.reasoning.append(ReasoningBlock(redactedData: data))
        case nil: break
        }
      }
      return ModelResponse(message: message, stopReason: stopReason, usage: usage)
    }
  }
}
