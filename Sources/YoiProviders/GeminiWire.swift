import YoiManifest

/// Gemini API (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse`).
struct GeminiWire: WireFormat {
  func url(baseURL: String, modelID: String) -> String {
    baseURL + "/v1beta/models/" + (modelID.addingPercentEncodingForPath) + ":streamGenerateContent?alt=sse"
  }

  func headers(_ credential: Credential) -> [(String, String)] {
    switch credential.kind {
    case .none: return []
    case .apiKey: return [("x-goog-api-key", credential.token)]
    case .codexOAuth: return [("authorization", "Bearer " + credential.token)]
    }
  }

  func body(_ request: ModelRequest) -> JSONValue {
    let options = request.options
    // Gemini alternates user and model turns: adjacent parts of one role share a content.
    var turns: [(role: String, parts: [JSONValue])] = []
    func add(_ role: String, _ parts: [JSONValue]) {
      guard !parts.isEmpty else { return }
      if let last = turns.last, last.role == role { turns[turns.count - 1].parts += parts } else { turns.append((role, parts)) }
    }
    for message in request.messages {
      switch message {
      case .user(let text):
        add("user", [["text": .string(text)]])
      case .toolResults(let results):
        let parts: [JSONValue] = results.map { result in
          [
            "functionResponse": [
              "id": .string(result.callID), "name": .string(result.name),
              "response": result.isError ? ["error": .string(result.content)] : ["output": .string(result.content)],
            ]
          ]
        }
        add("user", parts)
      case .assistant(let reply):
        var parts: [JSONValue] = []
        if !reply.text.isEmpty { parts.append(["text": .string(reply.text)]) }
        parts += reply.toolCalls.map { call in
          WireJSON.object([
            ("functionCall", ["id": .string(call.id), "name": .string(call.name), "args": WireJSON.argumentsObject(call.arguments)]),
            ("thoughtSignature", call.signature.map { .string($0) }),
          ])
        }
        add("model", parts)
      }
    }
    let contents: [JSONValue] = turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    let declarations: [JSONValue] = request.tools.map { tool in
      ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]
    }
    let budget = options.reasoning.flatMap(ReasoningMapping.budget)
    let generation = WireJSON.object([
      ("maxOutputTokens", WireJSON.integer(options.maxTokens)),
      ("temperature", WireJSON.number(options.temperature)),
      ("topP", WireJSON.number(options.topP)),
      ("topK", WireJSON.integer(options.topK)),
      ("stopSequences", options.stopSequences.isEmpty ? nil : .array(options.stopSequences.map { .string($0) })),
      ("thinkingConfig", budget.map { ["thinkingBudget": .integer($0), "includeThoughts": true] }),
    ])
    return WireJSON.object([
      ("systemInstruction", request.system.isEmpty ? nil : ["parts": [["text": .string(request.system)]]]),
      ("contents", .array(contents)),
      ("tools", declarations.isEmpty ? nil : [["functionDeclarations": .array(declarations)]]),
      ("generationConfig", generation == .object(JSONObject()) ? nil : generation),
    ])
  }

  func makeDecoder() -> any StreamDecoder { Decoder() }

  struct Decoder: StreamDecoder {
    private var text = ""
    private var thoughts = ""
    private var calls: [ToolCall] = []
    private var finishReason: String?
    private var usage: Usage?

    private struct Chunk: Decodable {
      struct Part: Decodable {
        struct Call: Decodable {
          var id: String?
          var name: String?
          /// The arguments as the model wrote them.
          var args: JSONValue?
        }
        var text: String?
        var thought: Bool?
        var functionCall: Call?
        var thoughtSignature: String?
      }
      struct Candidate: Decodable {
        struct Content: Decodable { var parts: [Part]? }
        var content: Content?
        var finishReason: String?
        var parts: [Part] { content?.parts ?? [] }
      }
      struct UsageJSON: Decodable {
        var promptTokenCount: Int64?
        var candidatesTokenCount: Int64?
        var thoughtsTokenCount: Int64?
        var cachedContentTokenCount: Int64?

        var usage: Usage {
          Usage(
            inputTokens: promptTokenCount ?? 0, outputTokens: (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0),
            cachedInputTokens: cachedContentTokenCount, reasoningTokens: thoughtsTokenCount)
        }
      }
      struct ReportedError: Decodable {
        var message: String?
        var status: String?
      }
      var candidates: [Candidate]?
      var usageMetadata: UsageJSON?
      var error: ReportedError?
    }

    mutating func consume(_ event: ServerSentEvent) throws(ProviderError) -> [StreamUpdate] {
      let chunk = try decode(Chunk.self, event)
      if let error = chunk.error {
        throw ProviderError(
          .reported, "the provider reported an error: \(error.message ?? "unknown") (\(error.status ?? "error"))",
          isRetryable: error.status == "UNAVAILABLE" || error.status == "RESOURCE_EXHAUSTED")
      }
      if let reported = chunk.usageMetadata { usage = reported.usage }
      guard let candidate = chunk.candidates?.first else { return [] }
      var updates: [StreamUpdate] = []
      for part in candidate.parts {
        if let call = part.functionCall {
          guard let name = call.name else { throw .malformedStream("a functionCall without a name") }
          // Gemini sends each call whole; older versions give it no id.
          let id = call.id ?? "call_\(calls.count + 1)"
          let arguments = call.args.map { WireJSON.compact($0) } ?? "{}"
          calls.append(ToolCall(id: id, name: name, arguments: arguments, signature: part.thoughtSignature))
          updates.append(.toolCallStarted(id: id, name: name))
        } else if let piece = part.text, !piece.isEmpty {
          if part.thought == true {
            thoughts += piece
            updates.append(.reasoningDelta(piece))
          } else {
            text += piece
            updates.append(.textDelta(piece))
          }
        }
      }
      if let reason = candidate.finishReason { finishReason = reason }
      return updates
    }

    func finish() throws(ProviderError) -> ModelResponse {
      guard finishReason != nil else { throw .truncated }
      return ModelResponse(
        message: AssistantMessage(reasoning: thoughts.isEmpty ? [] : [ReasoningBlock(text: thoughts)], text: text, toolCalls: calls),
        stopReason: finishReason, usage: usage)
    }
  }
}

extension String {
  /// A model id as one path segment (`models/gemini-2.5-pro`).
  fileprivate var addingPercentEncodingForPath: String {
    var out = ""
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
      }
    }
    return out
  }

  fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
