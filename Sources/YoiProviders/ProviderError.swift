public import YoiDiagnostics

/// Why a model request failed, with what the retry loop needs to decide on another attempt.
/// Messages never hold request headers or a secret value. It stays inside the runtime: what
/// leaves it is `yoiError`.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    /// The provider answered with an HTTP error status.
    case status
    /// The connection failed or dropped.
    case transport
    /// The stream broke the wire format, or ended before the response did.
    case malformedStream
    /// No byte for the idle timeout, or no connection within the connect timeout.
    case timeout
    /// The provider reported an error inside the stream.
    case reported
    /// The credential could not be read.
    case credential
  }

  public var kind: Kind
  public var message: String
  public var help: [String]
  /// The HTTP status, for `.status`.
  public var status: Int?
  /// Whether another attempt may succeed (DESIGN.md §12.2: 408/409/429/5xx, overloaded, drops).
  public var isRetryable: Bool
  /// The server's `Retry-After`, in seconds.
  public var retryAfter: Double?

  public init(_ kind: Kind, _ message: String, help: [String] = [], status: Int? = nil, isRetryable: Bool = false, retryAfter: Double? = nil) {
    self.kind = kind
    self.message = message
    self.help = help
    self.status = status
    self.isRetryable = isRetryable
    self.retryAfter = retryAfter
  }

  static func malformedStream(_ detail: String) -> ProviderError {
    ProviderError(.malformedStream, "the model's response stream is malformed: \(detail)")
  }

  static let truncated = ProviderError(.malformedStream, "the model's response stream ended before the response was complete", isRetryable: true)

  public var code: DiagnosticCode {
    switch kind {
    case .status, .reported: .provider
    case .transport, .timeout: .providerConnection
    case .malformedStream: .providerStream
    case .credential: .providerAuth
    }
  }

  /// The error as yoi reports it.
  public var yoiError: YoiError { YoiError(message, code: code, help: help) }
  public var description: String { message }
}

/// The profile field behind a request parameter a provider refused: servers answer 400 with
/// "Unrecognized request argument supplied: reasoning_effort" or "Unsupported parameter:
/// 'top_p'", which names the wire, not the profile.
enum ProfileParameter {
  private static let fields: [(parameters: [String], help: String)] = [
    (
      ["reasoning_effort", "reasoning", "thinking", "thinkingConfig", "thinking_config", "thinkingBudget", "budget_tokens"],
      "this model takes no reasoning parameter: set model.capability.reasoning = false in the profile's model, or remove worker.reasoning"
    ),
    (["temperature"], "this model refuses a temperature: remove worker.temperature from the profile"),
    (["top_p", "topP"], "this model refuses top_p: remove worker.top_p from the profile"),
    (["top_k", "topK"], "this model refuses top_k: remove worker.top_k from the profile"),
    (["stop", "stop_sequences", "stopSequences"], "this model refuses stop sequences: remove worker.stop_sequences from the profile"),
    (["parallel_tool_calls"], "this model refuses parallel tool calls: set model.capability.parallel_tool_calls = false"),
    (["max_tokens", "max_output_tokens", "maxOutputTokens"], "this model refuses the output limit: lower or remove worker.max_tokens"),
  ]

  /// How servers say that they do not take a parameter (lowercased).
  private static let refusals = [
    "unrecognized", "unsupported", "not supported", "does not support", "unknown name", "unknown parameter", "extra inputs", "not permitted",
  ]

  /// The help line for the first parameter `message` names as a whole word, when the message
  /// says the parameter is not taken (not when it says its value is out of range).
  static func named(in message: String) -> String? {
    let lowercased = message.lowercased()
    guard refusals.contains(where: lowercased.contains) else { return nil }
    let words = Set(message.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
    return fields.first { $0.parameters.contains(where: words.contains) }?.help
  }
}
