import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
public import YoiDiagnostics
public import YoiManifest

/// A streaming model client for one `model` section: the scheme's wire format over one
/// AsyncHTTPClient, with the retry, timeout and error rules of DESIGN.md §12.2.
public final class ProviderClient: Sendable {
  public struct Timing: Sendable {
    public var connectTimeout: TimeAmount = .seconds(10)
    /// A stream silent this long is an error.
    public var idleTimeout: TimeAmount = .seconds(120)
    public var maximumAttempts = 5
    /// Retries stop when the next wait would pass this much time since the first attempt.
    public var retryWindow: Double = 60
    /// The first backoff; doubles per attempt, with jitter.
    public var initialBackoff: Double = 0.25
    /// A stream that brings no content (keep-alives and pings do not count) for this many
    /// seconds is an error, even while bytes arrive.
    public var contentIdleTimeout: Double = 120
    /// The most bytes one response's stream may carry (framing included) before it is an
    /// error: a server that streams forever cannot fill memory or keep the run going.
    public var maximumStreamBytes: Int = 64 << 20

    public init() {}
  }

  private let wire: any WireFormat
  private let baseURL: String
  private let credentials: CredentialResolver
  private let http: HTTPClient
  private let timing: Timing

  /// A client for `model`.
  /// - Throws: `ProviderError` when the section names no scheme, endpoint or model id.
  public init(model: ModelSection, credentials: CredentialResolver, timing: Timing = Timing()) throws(ProviderError) {
    guard let scheme = model.scheme else {
      throw ProviderError(
        .credential, "the manifest's model has no scheme; yoi cannot tell which API to speak", help: ["set model.scheme or use a catalog ref"])
    }
    guard let baseURL = model.baseURL, baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
      throw ProviderError(.credential, "the manifest's model has no http(s) base_url", help: ["set model.base_url in the profile"])
    }
    guard let modelID = model.modelID, !modelID.isEmpty, modelID.utf8.count < 512 else {
      throw ProviderError(.credential, "the manifest's model has no model_id")
    }
    wire = WireFormats.format(for: scheme)
    let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    self.baseURL = trimmed

    self.credentials = credentials
    self.timing = timing
    var configuration = HTTPClient.Configuration(
      timeout: .init(connect: timing.connectTimeout, read: timing.idleTimeout), decompression: .disabled)
    configuration.httpVersion = .automatic
    // A refused connection fails at once (yoi's own retry policy decides what is retried),
    // instead of being retried silently for the whole connect timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  /// Reads the credential once at start (DESIGN.md §12.2), so a missing key fails the run
  /// before it records anything; the value is dropped at once and read again per request.
  public func checkCredential() throws(YoiError) {
    do {
      _ = try credentials.credential()
    } catch let error as ProviderError {
      throw error.yoiError
    } catch let error as YoiError {
      throw error
    } catch {
      throw YoiError("the model's credential could not be read: \(error)", code: .providerAuth)
    }
  }

  /// Releases the connection pool; call once when the run ends.
  public func shutdown() async {
    try? await http.shutdown()
  }

  /// Sends `request` and streams the response, calling `onUpdate` for each piece as it
  /// arrives. Retries what §12.2 says is retryable, only while nothing has been streamed.
  /// - Throws: `ProviderError`, or `CancellationError` when the task is cancelled.
  public func send(_ request: ModelRequest, onUpdate: @Sendable (StreamUpdate) -> Void) async throws -> ModelResponse {
    let started = Date()
    var attempt = 0
    while true {
      attempt += 1
      let progress = Progress()
      do {
        return try await sendOnce(request, progress: progress, onUpdate: onUpdate)
      } catch let error as ProviderError {
        // The last failure says how long yoi kept trying, so a user can tell a flaky
        // provider from a down one.
        func final(_ error: ProviderError) -> ProviderError {
          guard attempt > 1 else { return error }
          var error = error
          error.message += " (the last of \(attempt) attempts over \(String(format: "%.1f", Date().timeIntervalSince(started))) s)"
          return error
        }
        guard error.isRetryable, !progress.streamed else { throw final(error) }
        let backoff = timing.initialBackoff * pow(2, Double(attempt - 1)) * Double.random(in: 0.8...1.2)
        let wait = max(error.retryAfter ?? 0, backoff)
        guard attempt < timing.maximumAttempts, Date().timeIntervalSince(started) + wait <= timing.retryWindow else { throw final(error) }
        onUpdate(.retrying(attempt: attempt + 1, limit: timing.maximumAttempts, delay: wait, reason: error.status.map { "HTTP \($0)" } ?? error.code.rawValue))
        try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
      }
    }
  }

  /// Whether any update reached the caller (after that, a retry would repeat output).
  private final class Progress: @unchecked Sendable {
    var streamed = false
  }

  private func sendOnce(_ request: ModelRequest, progress: Progress, onUpdate: @Sendable (StreamUpdate) -> Void) async throws -> ModelResponse {
    // The credential is read here, per request, and dropped with it.
    let credential = try credentials.credential()
    // Per request: a summary request may name another model of the same provider.
    var http = HTTPClientRequest(url: wire.url(baseURL: baseURL, modelID: request.options.modelID))
    http.method = .POST
    http.headers.add(name: "content-type", value: "application/json")
    http.headers.add(name: "accept", value: "text/event-stream")
    http.headers.add(name: "user-agent", value: "yoi")
    for (name, value) in wire.headers(credential) { http.headers.add(name: name, value: value) }
    http.body = .bytes(ByteBuffer(string: WireJSON.compact(wire.body(request))))

    let response: HTTPClientResponse
    do {
      // The deadline bounds the wait for the response head (AHC drops it once the head is in;
      // the body is bounded by the idle timeout): a connect, then up to the idle timeout for a
      // server that sends its headers with the first token.
      response = try await self.http.execute(http, timeout: timing.connectTimeout + timing.idleTimeout)
    } catch {
      throw Self.transportError(error, before: true, endpoint: baseURL, scrub: credential)
    }
    guard (200..<300).contains(response.status.code) else {
      throw await Self.statusError(response, auth: credentials.auth, scrub: credential)
    }
    var parser = ServerSentEventParser()
    var decoder = wire.makeDecoder()
    var received = 0
    var lastContent = Date()
    do {
      for try await buffer in response.body {
        received += buffer.readableBytes
        guard received <= timing.maximumStreamBytes else {
          throw ProviderError(
            .malformedStream, "the model's stream passed \(timing.maximumStreamBytes) bytes in one response; yoi stopped reading it",
            help: ["lower worker.max_tokens, or check the server at model.base_url"])
        }
        for event in try parser.feed(buffer.readableBytesView) {
          for update in try decoder.consume(event) {
            progress.streamed = true
            lastContent = Date()
            onUpdate(update)
          }
        }
        if Date().timeIntervalSince(lastContent) > timing.contentIdleTimeout {
          throw ProviderError(
            .timeout, "the model's stream brought no content for \(Int(timing.contentIdleTimeout)) s (only keep-alives); yoi stopped waiting",
            isRetryable: false)
        }
      }
    } catch let error as ProviderError {
      throw Self.scrubbed(error, credential)
    } catch {
      throw Self.transportError(error, before: !progress.streamed, endpoint: baseURL, scrub: credential)
    }
    return try decoder.finish()
  }

  private static func transportError(_ error: any Error, before: Bool, endpoint: String, scrub credential: Credential) -> any Error {
    if error is CancellationError { return error }
    if let error = error as? HTTPClientError {
      switch error {
      case .cancelled: return CancellationError()
      case .connectTimeout:
        // AsyncHTTPClient already kept trying to connect for the whole connect timeout.
        return ProviderError(
          .timeout, "could not connect to the model provider at \(endpoint) within 10 s", help: ["is the server at model.base_url running?"])
      case .deadlineExceeded:
        return ProviderError(.timeout, "the model provider sent no response for 130 s", isRetryable: true)
      case .readTimeout:
        return ProviderError(.timeout, "the model's stream was silent for 120 s", isRetryable: before)
      case .remoteConnectionClosed:
        return ProviderError(.transport, "the model provider closed the connection mid-response", isRetryable: before)
      default: break
      }
    }
    if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
      return ProviderError(
        .transport, "the model provider refused the connection at \(endpoint)", help: ["is the server at model.base_url running?"])
    }
    return scrubbed(ProviderError(.transport, "the connection to the model provider failed: \(error)", isRetryable: before), credential)
  }

  /// A non-2xx answer: the provider's own message, never the request's headers.
  private static func statusError(_ response: HTTPClientResponse, auth: ModelAuth, scrub credential: Credential) async -> ProviderError {
    let status = Int(response.status.code)
    var body = ""
    if let buffer = try? await response.body.collect(upTo: 64 << 10) { body = String(buffer: buffer) }
    struct ErrorBody: Decodable {
      struct Inner: Decodable {
        var message: String?
        var type: String?
        var status: String?
      }
      var error: Inner?
      var message: String?
    }
    let parsed = try? JSONCoding.decode(ErrorBody.self, from: body)
    let detail = parsed?.error?.message ?? parsed?.message ?? String(body.prefix(300))
    let retryable = [408, 409, 429, 529].contains(status) || status >= 500
    let retryAfter = response.headers.first(name: "retry-after").flatMap(Double.init)
    var help: [String] = []
    if status == 401 || status == 403 { help.append("the provider refused the key: \(auth.fix)") }
    if status == 404 { help.append("check model.base_url and model.model_id") }
    if status == 400, let field = ProfileParameter.named(in: detail) { help.append(field) }
    let error = ProviderError(
      .status, "the model provider answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")", help: help, status: status, isRetryable: retryable,
      retryAfter: retryAfter)
    return scrubbed(error, credential)
  }

  /// Removes the credential from a message (a provider may echo a wrong key back).
  private static func scrubbed(_ error: ProviderError, _ credential: Credential) -> ProviderError {
    var error = error
    error.message = SecretRedaction.redact(credential.secretWords, in: error.message)
    return error
  }
}
