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
