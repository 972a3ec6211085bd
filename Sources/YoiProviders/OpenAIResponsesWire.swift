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
      case message
      case call(ToolCall)
      case reasoning(ReasoningBlock)
    }
    /// Output items by `output_index`; a message's text and a call's arguments grow in
    /// `content` instead, appended in place (rebuilding them per delta was quadratic).
    private var items: [Int: Item] = [:]
    private var content: [Int: String] = [:]
    private var usage: Usage?
    private var status: String?
    private var completed = false

    private struct Event: Decodable {
      struct ItemJSON: Decodable {
        var type: String?
        var id: String?
        var callID: String?
        var name: String?
        var arguments: String?
        var encryptedContent: String?

        enum CodingKeys: String, CodingKey {
          case type, id, callID = "call_id", name, arguments, encryptedContent = "encrypted_content"
        }
      }
      struct Response: Decodable {
        struct IncompleteDetails: Decodable { var reason: String? }
        struct UsageJSON: Decodable {
          var inputTokens: Int64?
          var outputTokens: Int64?
          var inputTokensDetails: OpenAITokenDetails.Input?
          var outputTokensDetails: OpenAITokenDetails.Output?

          enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens", inputTokensDetails = "input_tokens_details",
              outputTokensDetails = "output_tokens_details"
          }
        }
        struct ReportedError: Decodable {
          var code: String?
          var message: String?
        }
        var status: String?
        var incompleteDetails: IncompleteDetails?
        var usageJSON: UsageJSON?
        var error: ReportedError?

        enum CodingKeys: String, CodingKey {
          case status, incompleteDetails = "incomplete_details", usageJSON = "usage", error
        }

        var incompleteReason: String? { incompleteDetails?.reason }
        var usage: Usage? {
          usageJSON.map { usage in
            Usage(
              inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0, cachedInputTokens: usage.inputTokensDetails?.cachedTokens,
              reasoningTokens: usage.outputTokensDetails?.reasoningTokens)
          }
        }
      }
      var type: String?
      var outputIndex: Int?
      var item: ItemJSON?
      var delta: String?
      var arguments: String?
      var response: Response?
      var message: String?
      var code: String?

      enum CodingKeys: String, CodingKey {
        case type, outputIndex = "output_index", item, delta, arguments, response, message, code
      }
    }

    mutating func consume(_ sse: ServerSentEvent) throws(ProviderError) -> [StreamUpdate] {
      let event = try decode(Event.self, sse)
      guard let type = event.type else { throw .malformedStream("an event without a `type`") }
      switch type {
      case "response.output_item.added":
        guard let index = event.outputIndex, let item = event.item else { throw .malformedStream("output_item.added without output_index or item") }
        switch item.type {
        case "message": items[index] = .message
        case "function_call":
          guard let id = item.callID, let name = item.name else { throw .malformedStream("a function_call item without call_id or name") }
          items[index] = .call(ToolCall(id: id, name: name, arguments: ""))
          content[index] = item.arguments ?? ""
          return [.toolCallStarted(id: id, name: name)]
        case "reasoning": items[index] = .reasoning(ReasoningBlock(itemID: item.id, encryptedContent: item.encryptedContent))
        default: break
        }
      case "response.output_text.delta":
        let piece = event.delta ?? ""
        if let index = event.outputIndex {
          if case .message? = items[index] {} else { items[index] = .message }
          content[index, default: ""] += piece
        }
        return [.textDelta(piece)]
      case "response.function_call_arguments.delta":
        guard let index = event.outputIndex, case .call? = items[index] else {
          throw .malformedStream("function call arguments for an output item that is not a started function call")
        }
        content[index, default: ""] += event.delta ?? ""
      case "response.function_call_arguments.done":
        if let index = event.outputIndex, case .call? = items[index], let arguments = event.arguments {
          content[index] = arguments
        }
      case "response.reasoning_summary_text.delta":
        let piece = event.delta ?? ""
        if let index = event.outputIndex, case .reasoning(var block)? = items[index] {
          block.text += piece
          items[index] = .reasoning(block)
        }
        return [.reasoningDelta(piece)]
      case "response.output_item.done":
        if let index = event.outputIndex, let item = event.item, item.type == "reasoning", case .reasoning(var block)? = items[index] {
          block.itemID = item.id ?? block.itemID
          block.encryptedContent = item.encryptedContent ?? block.encryptedContent
          items[index] = .reasoning(block)
        }
      case "response.completed", "response.incomplete":
        completed = true
        status = event.response?.incompleteReason ?? event.response?.status
        if let reported = event.response?.usage { usage = reported }
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
        case .message?: message.text += content[index] ?? ""
        case .call(var call)?:
          call.arguments = content[index] ?? ""
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
