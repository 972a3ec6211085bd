import Foundation
public import YoiManifest

/// A scripted model provider on loopback, for tests and the demo: it speaks each scheme's
/// streaming wire format as the providers' API references describe it, answers requests with
/// scripted turns in order, and records every request. Frames are written in small pieces
/// (cut mid-frame and mid-UTF-8), with keep-alives and unknown events the client must ignore.
public final class StubProvider: @unchecked Sendable {
  /// One scripted answer.
  public enum Turn: Sendable {
    /// A streamed answer: text and/or tool calls (name, arguments as JSON text).
    case reply(text: String, toolCalls: [(name: String, arguments: String)] = [])
    /// An HTTP error status with a JSON body, and optional headers (e.g. Retry-After).
    case status(Int, message: String, headers: [(String, String)] = [])
    /// A 200 whose stream is not the wire format.
    case malformed
    /// A stream that stops mid-answer (after this text) and closes.
    case cutOff(text: String)
    /// Streams `text` repeated `pieces` times, one frame per 50 ms, then finishes.
    case slow(text: String, pieces: Int)
    /// Streams `text` with `interval` microseconds between frames (a steady delta rate).
    case paced(text: String, interval: UInt32)
    /// Answers `text` after `seconds` of silence (a model that takes its time to begin).
    case delayed(text: String, seconds: Double)
    /// Thinks aloud (`reasoning`, streamed as thinking deltas; OpenAI-compatible only), then
    /// answers `text`.
    case thinking(reasoning: String, text: String)
    /// Opens the stream and then sends only SSE keep-alive comments, one per `interval`
    /// microseconds, until the client goes away (a server that never answers).
    case keepAliveOnly(interval: UInt32)
    /// Streams the first frames of an answer, then `text` as content deltas forever, until the
    /// client goes away (a server that never stops).
    case endless(text: String)
  }

  public typealias Request = LoopbackRequest

  public let scheme: ModelScheme
  public var port: UInt16 { listener.port }
  private let listener: LoopbackListener
  private let lock = NSLock()
  private var turns: [Turn]
  private var recorded: [Request] = []
  /// The bytes between writes of a stream (small, so frames are cut everywhere).
  public var pieceSizes = [7, 3, 11, 1, 5, 2, 13]

  public var baseURL: String {
    let root = "http://127.0.0.1:\(port)"
    return scheme == .openaiChat || scheme == .openaiResponses ? root + "/v1" : root
  }

  public var requests: [Request] { lock.withLock { recorded } }

  /// A provider on 127.0.0.1:`port` (0: any free port).
  public init(scheme: ModelScheme, turns: [Turn], port requestedPort: UInt16 = 0) throws {
    self.scheme = scheme
    self.turns = turns
    listener = try LoopbackListener(port: requestedPort)
    listener.start { [weak self] request, client in self?.serve(request, client) }
  }

  /// Picks the answer to a request by its content before the scripted turns are used (nil:
  /// the next scripted turn), e.g. to answer summary requests wherever they come.
  public var chooser: (@Sendable (Request) -> Turn?)? {
    get { lock.withLock { chooserStorage } }
    set { lock.withLock { chooserStorage = newValue } }
  }
  private var chooserStorage: (@Sendable (Request) -> Turn?)?

  public func stop() { listener.stop() }

  deinit { stop() }

  private func serve(_ request: Request, _ client: Int32) {
    let turn: Turn? = lock.withLock {
      recorded.append(request)
      if let chooser = chooserStorage, let chosen = chooser(request) { return chosen }
      return turns.isEmpty ? nil : turns.removeFirst()
    }
    guard let turn else {
      respond(client, status: 500, body: #"{"error":{"message":"the stub provider's script has no more turns"}}"#)
      return
    }
    switch turn {
    case .status(let status, let message, let headers):
      respond(client, status: status, body: errorBody(message, status: status), headers: headers)
    case .malformed:
      writeHead(client)
      writePieces(client, Array("data: {\"this is\": not json\n\n".utf8))
    case .cutOff(let text):
      writeHead(client)
      let frames = WireScript(scheme: scheme, requestIndex: requests.count).frames(text: text, toolCalls: [])
      let bytes = Array(frames.utf8)
      writePieces(client, Array(bytes.prefix(bytes.count * 2 / 3)))
    case .thinking(let reasoning, let text):
      writeHead(client)
      writePieces(client, Array(WireScript(scheme: scheme, requestIndex: requests.count).frames(text: text, toolCalls: [], reasoning: reasoning).utf8))
    case .delayed(let text, let seconds):
      usleep(UInt32(seconds * 1_000_000))
      writeHead(client)
      writePieces(client, Array(WireScript(scheme: scheme, requestIndex: requests.count).frames(text: text, toolCalls: []).utf8))
    case .reply(let text, let calls):
      writeHead(client)
      writePieces(client, Array(WireScript(scheme: scheme, requestIndex: requests.count).frames(text: text, toolCalls: calls).utf8))
    case .slow(let text, let pieces):
      writeHead(client)
      // One frame per 50 ms: a stream that is still going when the client is interrupted.
      let frames = WireScript(scheme: scheme, requestIndex: requests.count).frames(text: String(repeating: text, count: pieces), toolCalls: [])
      for frame in frames.components(separatedBy: "\n\n") where !frame.isEmpty {
        guard send(client, Array((frame + "\n\n").utf8)) else { return }
        usleep(50_000)
      }
    case .keepAliveOnly(let interval):
      writeHead(client)
      while send(client, Array(": keep-alive\n\n".utf8)) { usleep(interval) }
    case .endless(let text):
      writeHead(client)
      // The frames of a long answer, minus the ones that end it, repeated.
      let frames = WireScript(scheme: scheme, requestIndex: requests.count).frames(text: String(repeating: text, count: 64), toolCalls: [])
        .components(separatedBy: "\n\n").filter { !$0.isEmpty }
      let opening = frames.prefix(2).map { $0 + "\n\n" }.joined()
      let middle = frames.dropFirst(2).dropLast(3).map { $0 + "\n\n" }.joined()
      guard send(client, Array(opening.utf8)) else { return }
      let bytes = Array(middle.utf8)
      while send(client, bytes) {}
    case .paced(let text, let interval):
      writeHead(client)
      let frames = WireScript(scheme: scheme, requestIndex: requests.count).frames(text: text, toolCalls: [])
      for frame in frames.components(separatedBy: "\n\n") where !frame.isEmpty {
        guard send(client, Array((frame + "\n\n").utf8)) else { return }
        usleep(interval)
      }
    }
  }

  private func errorBody(_ message: String, status: Int) -> String {
    let quoted = CanonicalJSON.compact(.string(message))
    switch scheme {
    case .anthropic: return #"{"type":"error","error":{"type":"api_error","message":\#(quoted)}}"#
    case .gemini: return #"{"error":{"code":\#(status),"message":\#(quoted),"status":"ERROR"}}"#
    default: return #"{"error":{"message":\#(quoted),"type":"error","code":null}}"#
    }
  }

  private func writeHead(_ client: Int32) {
    _ = send(client, Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n".utf8))
  }

  private func respond(_ client: Int32, status: Int, body: String, headers: [(String, String)] = []) {
    LoopbackListener.respond(client, status: status, contentType: "application/json", body: Array(body.utf8), headers: headers)
  }

  /// Writes `bytes` in small pieces, each its own TCP segment.
  private func writePieces(_ client: Int32, _ bytes: [UInt8]) {
    var offset = 0
    var turn = 0
    while offset < bytes.count {
      let size = min(pieceSizes[turn % pieceSizes.count], bytes.count - offset)
      guard send(client, Array(bytes[offset..<(offset + size)])) else { return }
      offset += size
      turn += 1
    }
  }

  private func send(_ client: Int32, _ bytes: [UInt8]) -> Bool { LoopbackListener.send(client, bytes) }
}

extension StubProvider {
  /// The whole stream the stub would send for one answer (benchmarks parse it offline).
  public static func stream(scheme: ModelScheme, text: String, toolCalls: [(name: String, arguments: String)] = []) -> String {
    WireScript(scheme: scheme, requestIndex: 1).frames(text: text, toolCalls: toolCalls)
  }
}

/// One answer both yoi's clients and the providers' official SDKs must read identically:
/// multi-byte text (cut mid-character by the piecewise writes) and two tool calls whose
/// arguments arrive in many deltas.
public enum FidelitySample {
  public static let text = "Zwei Aufrufe — ünïcødé ✓ 日本語."
  public static let calls: [(name: String, arguments: String)] = [
    (name: "read_file", arguments: #"{"limit":5,"path":"notes/a.txt"}"#),
    (name: "grep", arguments: #"{"glob":"*.swift","pattern":"TODO\\(.*\\)"}"#),
  ]
}
