import YoiManifest

/// OpenAI Responses (`POST /responses`, streaming), also the Codex sign-in backend.
/// Requests are stateless (`store: false`): the whole conversation is sent each time, with
/// reasoning items carried back as their encrypted content.
struct OpenAIResponsesWire: WireFormat {
  func url(baseURL: String, modelID: String) -> String { baseURL + "/responses" }

  func headers(_ credential: Credential) -> [(String, String)] {
    switch credential.kind {
    case .none: return []
    case .apiKey: return [("authorization", "Bearer " + credential.token)]
    case .codexOAuth:
      return [("authorization", "Bearer " + credential.token)] + (credential.accountID.map { [("chatgpt-account-id", $0)] } ?? [])
    }
  }

  func body(_ request: ModelRequest) -> JSONValue {
    let options = request.options
    var input: [JSONValue] = []
    for message in request.messages {
      switch message {
      case .user(let text):
        input.append(["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]])
      case .toolResults(let results):
        input += results.map { ["type": "function_call_output", "call_id": .string($0.callID), "output": .string($0.content)] }
      case .assistant(let reply):
        for block in reply.reasoning {
          guard let id = block.itemID, let encrypted = block.encryptedContent else { continue }
          let summary: [JSONValue] = block.text.isEmpty ? [] : [["type": "summary_text", "text": .string(block.text)]]
          input.append(["type": "reasoning", "id": .string(id), "summary": .array(summary), "encrypted_content": .string(encrypted)])
        }
        if !reply.text.isEmpty {
          input.append(["type": "message", "role": "assistant", "content": [["type": "output_text", "text": .string(reply.text)]]])
        }
        input += reply.toolCalls.map { ["type": "function_call", "call_id": .string($0.id), "name": .string($0.name), "arguments": .string($0.arguments)] }
      }
    }
    let tools: [JSONValue] = request.tools.map { tool in
      ["type": "function", "name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters, "strict": false]
    }
    let effort = options.reasoning.flatMap(ReasoningMapping.effort)
    return WireJSON.object([
      ("model", .string(options.modelID)),
      ("instructions", request.system.isEmpty ? nil : .string(request.system)),
      ("input", .array(input)),
      ("tools", tools.isEmpty ? nil : .array(tools)),
      ("parallel_tool_calls", tools.isEmpty ? nil : .bool(options.parallelToolCalls)),
      ("stream", true),
      ("store", false),
      ("max_output_tokens", WireJSON.integer(options.maxTokens)),
      ("temperature", WireJSON.number(options.temperature)),
      ("top_p", WireJSON.number(options.topP)),
      ("reasoning", effort.map { ["effort": .string($0), "summary": "auto"] }),
      ("include", effort == nil ? nil : ["reasoning.encrypted_content"]),
    ])
  }

  func makeDecoder() -> any StreamDecoder { Decoder() }

  struct Decoder: StreamDecoder {
    private enum Item {
      case message(String)
      case call(ToolCall)
      case reasoning(ReasoningBlock)
    }
    /// Output items by `output_index`.
    private var items: [Int: Item] = [:]
    private var usage: Usage?
    private var status: String?
    private var completed = false

    private struct Event: Decodable {
      struct ItemJSON: Decodable {
        struct Summary: Decodable { var text: String? }
        var type: String
        var id: String?
        var call_id: String?
        var name: String?
        var arguments: String?
        var encrypted_content: String?
        var summary: [Summary]?
      }
      struct Response: Decodable {
        struct UsageJSON: Decodable {
          struct InputDetails: Decodable { var cached_tokens: Int64? }
          struct OutputDetails: Decodable { var reasoning_tokens: Int64? }
          var input_tokens: Int64?
          var output_tokens: Int64?
          var input_tokens_details: InputDetails?
          var output_tokens_details: OutputDetails?
        }
        struct ErrorJSON: Decodable {
          var code: String?
          var message: String?
        }
        struct Incomplete: Decodable { var reason: String? }
        var status: String?
        var usage: UsageJSON?
        var error: ErrorJSON?
        var incomplete_details: Incomplete?
      }
      var type: String
      var output_index: Int?
      var item: ItemJSON?
      var delta: String?
      var arguments: String?
      var response: Response?
      var message: String?
      var code: String?
    }

    mutating func consume(_ sse: ServerSentEvent) throws(ProviderError) -> [StreamUpdate] {
      let event = try decode(Event.self, sse)
      switch event.type {
      case "response.output_item.added":
        guard let index = event.output_index, let item = event.item else { throw .malformedStream("output_item.added without output_index or item") }
        switch item.type {
        case "message": items[index] = .message("")
        case "function_call":
          guard let id = item.call_id, let name = item.name else { throw .malformedStream("a function_call item without call_id or name") }
          items[index] = .call(ToolCall(id: id, name: name, arguments: item.arguments ?? ""))
          return [.toolCallStarted(id: id, name: name)]
        case "reasoning": items[index] = .reasoning(ReasoningBlock(itemID: item.id, encryptedContent: item.encrypted_content))
        default: break
        }
      case "response.output_text.delta":
        let piece = event.delta ?? ""
        if let index = event.output_index, case .message(let text)? = items[index] {
          items[index] = .message(text + piece)
        } else if let index = event.output_index {
          items[index] = .message(piece)
        }
        return [.textDelta(piece)]
      case "response.function_call_arguments.delta":
        guard let index = event.output_index, case .call(var call)? = items[index] else {
          throw .malformedStream("function call arguments for an output item that is not a started function call")
        }
        call.arguments += event.delta ?? ""
        items[index] = .call(call)
      case "response.function_call_arguments.done":
        if let index = event.output_index, case .call(var call)? = items[index], let arguments = event.arguments {
          call.arguments = arguments
          items[index] = .call(call)
        }
      case "response.reasoning_summary_text.delta":
        let piece = event.delta ?? ""
        if let index = event.output_index, case .reasoning(var block)? = items[index] {
          block.text += piece
          items[index] = .reasoning(block)
        }
        return [.reasoningDelta(piece)]
      case "response.output_item.done":
        if let index = event.output_index, let item = event.item, item.type == "reasoning", case .reasoning(var block)? = items[index] {
          block.itemID = item.id ?? block.itemID
          block.encryptedContent = item.encrypted_content ?? block.encryptedContent
          items[index] = .reasoning(block)
        }
      case "response.completed", "response.incomplete":
        completed = true
        status = event.response?.incomplete_details?.reason ?? event.response?.status
        if let reported = event.response?.usage {
          usage = Usage(
            inputTokens: reported.input_tokens ?? 0, outputTokens: reported.output_tokens ?? 0,
            cachedInputTokens: reported.input_tokens_details?.cached_tokens, reasoningTokens: reported.output_tokens_details?.reasoning_tokens)
        }
      case "response.failed":
        let error = event.response?.error
        throw ProviderError(
          .reported, "the provider reported an error: \(error?.message ?? "the response failed") (\(error?.code ?? "failed"))",
          isRetryable: error?.code == "server_error" || error?.code == "rate_limit_exceeded")
      case "error":
        throw ProviderError(.reported, "the provider reported an error: \(event.message ?? "unknown") (\(event.code ?? "error"))")
      default:
        break  // response.created, in_progress, content_part.*, and event types added later
      }
      return []
    }

    func finish() throws(ProviderError) -> ModelResponse {
      guard completed else { throw .truncated }
      var message = AssistantMessage()
      for index in items.keys.sorted() {
        switch items[index] {
        case .message(let text)?: message.text += text
        case .call(var call)?:
          if call.arguments.isEmpty { call.arguments = "{}" }
          message.toolCalls.append(call)
        case .reasoning(let block)?: message.reasoning.append(block)
        case nil: break
        }
      }
      return ModelResponse(message: message, stopReason: status, usage: usage)
    }
  }
}
