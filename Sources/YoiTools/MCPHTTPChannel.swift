import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import YoiManifest
import YoiProviders

/// Streamable HTTP (MCP 2025-06-18): each message is a POST; a response is JSON, or an event
/// stream carrying it; the session id the server gives at initialise goes with every later
/// request. Headers (with their secrets resolved) are sent to this URL only.
final class HTTPChannel: MCPChannel, @unchecked Sendable {
  private let name: String
  private let url: String
  private let headers: [(String, String)]
  private let client: HTTPClient
  private let lock = NSLock()
  private var nextID: Int64 = 0
  private var session: String?
  private let notifications: MCPNotificationHandler
  /// A response is read up to this many bytes.
  static let responseLimit = 16 << 20

  init(name: String, url: String, headers: [(String, String)], notifications: @escaping MCPNotificationHandler) {
    self.name = name
    self.notifications = notifications
    self.url = url
    self.headers = headers
    var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
    configuration.connectionPool.retryConnectionEstablishment = false
    client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  var isDead: Bool { false }

  private func post(_ message: JSONValue) async throws -> HTTPClientResponse {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    request.headers.add(name: "accept", value: "application/json, text/event-stream")
    request.headers.add(name: "mcp-protocol-version", value: MCPConnection.protocolVersion)
    if let session = lock.withLock({ session }) { request.headers.add(name: "mcp-session-id", value: session) }
    for (header, value) in headers { request.headers.add(name: header, value: value) }
    request.body = .bytes(ByteBuffer(string: CanonicalJSON.compact(message)))
    do {
      return try await client.execute(request, timeout: .seconds(300))
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      throw MCPFailure(message: "MCP server `\(name)` at \(url) cannot be reached: \(error)", exited: true)
    }
  }

  func notify(_ method: String, _ params: JSONValue) async {
    await send(["jsonrpc": "2.0", "method": .string(method), "params": params])
  }

  /// Posts a message that expects no answer (a notification, or a reply to the server).
  private func send(_ message: JSONValue) async {
    if let response = try? await post(message) { _ = try? await response.body.collect(upTo: 1 << 16) }
  }

  func request(_ method: String, _ params: JSONValue) async throws -> JSONValue {
    let id = lock.withLock {
      nextID += 1
      return nextID
    }
    return try await withTaskCancellationHandler {
      try await exchange(id: id, method: method, params: params)
    } onCancel: {
      Task { await self.notify("notifications/cancelled", ["requestId": .integer(id), "reason": "the turn was cancelled"]) }
    }
  }

  private func exchange(id: Int64, method: String, params: JSONValue) async throws -> JSONValue {
    let response = try await post(["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params])
    if let given = response.headers.first(name: "mcp-session-id") { lock.withLock { session = given } }
    // A session the server no longer knows is gone: a restart starts a new one.
    if response.status == .notFound, lock.withLock({ session }) != nil {
      throw MCPFailure(message: "MCP server `\(name)` no longer knows this session", exited: true)
    }
    guard (200..<300).contains(Int(response.status.code)) else {
      throw MCPFailure(message: "MCP server `\(name)` answered HTTP \(response.status.code) to \(method)")
    }
    let isStream = response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") ?? false
    if !isStream {
      let body = try await response.body.collect(upTo: Self.responseLimit)
      return try answer(String(buffer: body), id: id)
    }
    // An event stream: the response is the message with this id; others are read past.
    var parser = ServerSentEventParser()
    for try await chunk in response.body {
      let events: [ServerSentEvent]
      do {
        events = try parser.feed(chunk.readableBytesView)
      } catch {
        throw MCPFailure(message: "MCP server `\(name)` sent a malformed event stream")
      }
      for event in events {
        guard case .object(let message)? = try? JSONParser.parse(event.data) else { continue }
        if message["id"] == .integer(id), message["method"] == nil { return try MCPConnection.result(of: message, server: name) }
        // What the server sends on the way: a request of its own is answered, a notification
        // (progress, list changes) goes to the connection.
        if case .string(let method)? = message["method"] {
          if let reply = mcpReply(to: message) {
            Task { await self.send(reply) }
          } else {
            notifications(method, message["params"] ?? .null)
          }
        }
      }
    }
    throw MCPFailure(message: "MCP server `\(name)` ended its stream without answering \(method)")
  }

  /// The result in `text` when it is the response to `id`.
  private func answer(_ text: String, id: Int64) throws -> JSONValue {
    guard case .object(let message)? = try? JSONParser.parse(text), message["id"] == .integer(id) else {
      throw MCPFailure(message: "MCP server `\(name)` did not answer request \(id)")
    }
    return try MCPConnection.result(of: message, server: name)
  }

  func close() async {
    // A session the server gave is ended explicitly, as the transport asks.
    if let session = lock.withLock({ session }) {
      var request = HTTPClientRequest(url: url)
      request.method = .DELETE
      request.headers.add(name: "mcp-session-id", value: session)
      for (header, value) in headers { request.headers.add(name: header, value: value) }
      _ = try? await client.execute(request, timeout: .seconds(2))
    }
    try? await client.shutdown()
  }
}
