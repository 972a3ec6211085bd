import Foundation
public import YoiManifest

/// One provider's HTTP API: where a request goes, its headers and body, and how its stream
/// is read. The transport (retries, timeouts, cancellation) is shared by all of them.
protocol WireFormat: Sendable {
  func url(baseURL: String, modelID: String) -> String
  func headers(_ credential: Credential) -> [(String, String)]
  func body(_ request: ModelRequest) -> JSONValue
  func makeDecoder() -> any StreamDecoder
}

/// Reads one response's events into updates and, at the end, the complete response.
protocol StreamDecoder {
  mutating func consume(_ event: ServerSentEvent) throws(ProviderError) -> [StreamUpdate]
  /// The response, once the stream has ended; a stream that ended early is an error.
  func finish() throws(ProviderError) -> ModelResponse
}

extension StreamDecoder {
  /// Reads an event's JSON into a wire model; bad JSON is a malformed stream.
  func decode<T: Decodable>(_ type: T.Type, _ event: ServerSentEvent) throws(ProviderError) -> T {
    let name = event.event.isEmpty ? "a data event" : "a `\(event.event)` event"
    do {
      return try JSONCoding.decode(T.self, from: event.data)
    } catch {
      throw ProviderError.malformedStream(error.isSyntax ? "\(name) is \(error.problem)" : "\(name) is not the JSON its API documents (\(error))")
    }
  }
}

enum WireFormats {
  static func format(for scheme: ModelScheme) -> any WireFormat {
    switch scheme {
    case .anthropic: AnthropicWire()
    case .openaiChat: OpenAIChatWire()
    case .openaiResponses: OpenAIResponsesWire()
    case .gemini: GeminiWire()
    }
  }
}

/// Shared request-building helpers.
enum WireJSON {
  /// A tool call's arguments as an object (for schemes that send them structured); text the
  /// model wrote that is not a JSON object is sent as an empty object (the tool already told
  /// the model its arguments were unparsable).
  static func argumentsObject(_ text: String) -> JSONValue {
    guard case .object(let object)? = try? JSONParser.parse(text.isEmpty ? "{}" : text) else { return .object(JSONObject()) }
    return .object(object)
  }

  static func compact(_ value: JSONValue) -> String { CanonicalJSON.compact(value) }

  /// Members whose value is present.
  static func object(_ members: [(String, JSONValue?)]) -> JSONValue {
    .object(JSONObject(members.compactMap { key, value in value.map { (key: key, value: $0) } }))
  }

  static func number(_ value: Double?) -> JSONValue? { value.map { .number($0) } }
  static func integer(_ value: Int64?) -> JSONValue? { value.map { .integer($0) } }
}

/// Effort names and budgets, mapped between the schemes that take one or the other.
enum ReasoningMapping {
  static func budget(_ setting: ReasoningSetting) -> Int64? {
    switch setting {
    case .budget(let tokens): return tokens > 0 ? tokens : nil
    case .effort(let name):
      switch name {
      case "none": return nil
      case "minimal": return 1024
      case "low": return 2048
      case "medium": return 8192
      default: return 16384  // high, xhigh
      }
    }
  }

  static func effort(_ setting: ReasoningSetting) -> String? {
    switch setting {
    case .effort(let name): return name == "none" ? nil : name
    case .budget(let tokens): return tokens <= 0 ? nil : tokens < 2048 ? "low" : tokens < 12288 ? "medium" : "high"
    }
  }
}

/// Reads a complete response stream offline (benchmarks and tests measure the client's own
/// work with it, without a socket).
public enum StreamReading {
  public static func read(scheme: ModelScheme, bytes: [UInt8]) throws(ProviderError) -> ModelResponse {
    let wire = WireFormats.format(for: scheme)
    var parser = ServerSentEventParser()
    var decoder = wire.makeDecoder()
    for event in try parser.feed(bytes) { _ = try decoder.consume(event) }
    return try decoder.finish()
  }

  /// The request body `scheme` sends for `request`.
  public static func body(scheme: ModelScheme, request: ModelRequest) -> String {
    WireJSON.compact(WireFormats.format(for: scheme).body(request))
  }
}

/// The token breakdowns both OpenAI APIs report inside `usage` (Chat Completions as
/// `prompt_tokens_details`/`completion_tokens_details`, Responses as
/// `input_tokens_details`/`output_tokens_details`).
enum OpenAITokenDetails {
  struct Input: Decodable {
    var cachedTokens: Int64?
    enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
  }

  struct Output: Decodable {
    var reasoningTokens: Int64?
    enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
  }
}
