import Foundation

/// One HTTP/1.1 request as a loopback server received it.
public struct LoopbackRequest: Sendable {
  public var method: String
  public var path: String
  public var headers: [(String, String)]
  public var body: String

  public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// A TCP listener on 127.0.0.1 serving one request per connection, each on its own thread:
/// the plumbing of the scripted provider and the stub web server.
final class LoopbackListener: @unchecked Sendable {
  let port: UInt16
  private let socketDescriptor: Int32
  private let lock = NSLock()
  private var accepting = false
  private var stopped = false

  /// Listens on `address`: an IPv4 address, or an IPv6 one such as `::1`.
  init(port requested: UInt16 = 0, address: String = "127.0.0.1") throws {
    let isIPv6 = address.contains(":")
    socketDescriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var yes: Int32 = 1
    setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    let bound: (ok: Bool, port: UInt16)
    if isIPv6 {
      var socketAddress = sockaddr_in6()
      socketAddress.sin6_family = sa_family_t(AF_INET6)
      inet_pton(AF_INET6, address, &socketAddress.sin6_addr)
      socketAddress.sin6_port = requested.bigEndian
      bound = Self.bind(socketDescriptor, socketAddress, port: \.sin6_port)
    } else {
      var socketAddress = sockaddr_in()
      socketAddress.sin_family = sa_family_t(AF_INET)
      socketAddress.sin_addr.s_addr = inet_addr(address)
      socketAddress.sin_port = requested.bigEndian
      bound = Self.bind(socketDescriptor, socketAddress, port: \.sin_port)
    }
    guard bound.ok, listen(socketDescriptor, 64) == 0 else {
      close(socketDescriptor)
      throw POSIXError(.EADDRINUSE)
    }
    port = bound.port
  }

  /// Binds `descriptor` to `address` (a `sockaddr_in` or `sockaddr_in6`) and reads back the
  /// port the kernel chose.
  private static func bind<Address>(_ descriptor: Int32, _ address: Address, port: KeyPath<Address, in_port_t>) -> (ok: Bool, port: UInt16) {
    var address = address
    let length = socklen_t(MemoryLayout<Address>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) } }
    var named = length
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &named) } }
    return (bound == 0, UInt16(bigEndian: address[keyPath: port]))
  }

  /// Serves every connection with `handler` (which writes the response) until `stop`.
  func start(_ handler: @escaping @Sendable (LoopbackRequest, Int32) -> Void) {
    let descriptor = socketDescriptor
    lock.withLock { accepting = true }
    Thread {
      while true {
        let client = accept(descriptor, nil, nil)
        if client < 0, errno == EINTR || errno == ECONNABORTED { continue }
        guard client >= 0 else {
          // The accepting thread owns the socket from `start` on: closing it here, once accept
          // has failed, means no other thread can close a number the process has since reused.
          close(descriptor)
          return
        }
        var yes: Int32 = 1
        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        Thread {
          if let request = Self.readRequest(client) { handler(request, client) }
          close(client)
        }.start()
      }
    }.start()
  }

  /// Stops accepting; safe to call more than once (an explicit stop, then deinit). A second
  /// close of a descriptor number closes whatever the process opened under it since — another
  /// test's pipe, the provider's client socket — so the socket is closed exactly once.
  func stop() {
    let closeHere: Bool? = lock.withLock {
      if stopped { return nil }
      stopped = true
      return !accepting
    }
    guard let closeHere else { return }
    shutdown(socketDescriptor, Int32(SHUT_RDWR))
    if closeHere { close(socketDescriptor) }
  }

  static func readRequest(_ client: Int32) -> LoopbackRequest? {
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var headerEnd: Int?
    while headerEnd == nil {
      let count = recv(client, &chunk, chunk.count, 0)
      guard count > 0 else { return nil }
      buffer += chunk[0..<count]
      headerEnd = findHeaderEnd(buffer)
    }
    let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
    var lines = head.components(separatedBy: "\r\n")
    let requestLine = lines.removeFirst().split(separator: " ")
    let headers = lines.compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
    var body = Array(buffer[(headerEnd! + 4)...])
    while body.count < length {
      let count = recv(client, &chunk, chunk.count, 0)
      guard count > 0 else { return nil }
      body += chunk[0..<count]
    }
    return LoopbackRequest(
      method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "", headers: headers,
      body: String(decoding: body, as: UTF8.self))
  }

  private static func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
      return index
    }
    return nil
  }

  static func respond(_ client: Int32, status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
    var head = "HTTP/1.1 \(status) Status\r\ncontent-type: \(contentType)\r\ncontent-length: \(body.count)\r\nconnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    _ = send(client, Array((head + "\r\n").utf8) + body)
  }

  @discardableResult
  static func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeBytes { Foundation.send(client, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
      guard count > 0 else { return false }
      offset += count
    }
    return true
  }
}

/// A loopback web server for the web tools' tests: fixed routes, every request recorded.
public final class StubWebServer: @unchecked Sendable {
  public enum Response: Sendable {
    case page(contentType: String, body: String)
    case redirect(to: String)
    /// `bytes` bytes of filler, streamed.
    case huge(bytes: Int)
    case json(status: Int, body: String)
  }

  private let listener: LoopbackListener
  private let lock = NSLock()
  private var routes: [String: Response]
  private var recorded: [LoopbackRequest] = []
  public var port: UInt16 { listener.port }
  public let address: String
  public var requests: [LoopbackRequest] { lock.withLock { recorded } }

  /// A server on `address` (any 127.0.0.0/8 address) serving `routes` by path (without query).
  public init(address: String = "127.0.0.1", routes: [String: Response]) throws {
    self.address = address
    self.routes = routes
    listener = try LoopbackListener(address: address)
    listener.start { [weak self] request, client in self?.serve(request, client) }
  }

  public func url(_ path: String) -> String { "http://\(address.contains(":") ? "[\(address)]" : address):\(port)\(path)" }

  deinit { listener.stop() }

  private func serve(_ request: LoopbackRequest, _ client: Int32) {
    let path = String(request.path.split(separator: "?", maxSplits: 1).first ?? "")
    let response = lock.withLock {
      recorded.append(request)
      return routes[path]
    }
    switch response {
    case .page(let contentType, let body)?:
      LoopbackListener.respond(client, status: 200, contentType: contentType, body: Array(body.utf8))
    case .redirect(let target)?:
      LoopbackListener.respond(client, status: 302, contentType: "text/plain", body: [], headers: [("location", target)])
    case .huge(let size)?:
      let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: \(size)\r\nconnection: close\r\n\r\n"
      guard LoopbackListener.send(client, Array(head.utf8)) else { return }
      let block = [UInt8](repeating: UInt8(ascii: "x"), count: 65536)
      var sent = 0
      while sent < size {
        let count = min(block.count, size - sent)
        guard LoopbackListener.send(client, Array(block[0..<count])) else { return }
        sent += count
      }
    case .json(let status, let body)?:
      LoopbackListener.respond(client, status: status, contentType: "application/json", body: Array(body.utf8))
    case nil:
      LoopbackListener.respond(client, status: 404, contentType: "text/plain", body: Array("not found".utf8))
    }
  }
}
