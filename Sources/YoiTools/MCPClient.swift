import Foundation
public import YoiManifest
import YoiProviders
public import YoiSandbox
public import YoiDiagnostics

// The official Swift SDK (modelcontextprotocol/swift-sdk) is not used: its stdio transport
// takes file descriptors of a process it does not start or stop, so the sandbox helper, the
// process group and the close → SIGTERM → SIGKILL sequence would live beside it anyway, and its
// HTTP transport is built on URLSession, which the static release build does not link. What is
// needed of the protocol (initialize, tools/list with cursors, tools/call, cancellation) is a
// few JSON-RPC messages, written here over yoi's own JSON.

/// A tool an MCP server offers, as listed.
public struct MCPToolInfo: Sendable, Hashable {
  public var name: String
  public var description: String
  public var inputSchema: JSONValue
}

/// Why an MCP server could not do what was asked; the message names the server.
public struct MCPFailure: Error, Sendable {
  public var message: String
}

/// How requests reach a server: a confined process's stdin and stdout, or Streamable HTTP.
protocol MCPChannel: Sendable {
  /// A request's result (a JSON-RPC error is an `MCPFailure`).
  func request(_ method: String, _ params: JSONValue) async throws -> JSONValue
  func notify(_ method: String, _ params: JSONValue) async
  var isDead: Bool { get }
  func close() async
}

/// One running MCP server (DESIGN.md §12.10): its channel and the tools it listed.
public final class MCPConnection: @unchecked Sendable {
  public let server: MCPServer
  public private(set) var tools: [MCPToolInfo] = []
  let channel: any MCPChannel

  public static let protocolVersion = "2025-06-18"

  init(server: MCPServer, channel: any MCPChannel) {
    self.server = server
    self.channel = channel
  }

  /// Whether the server can no longer answer (its process ended).
  public var isDead: Bool { channel.isDead }

  /// initialize, initialized, then every page of tools/list.
  func handshake() async throws {
    _ = try await channel.request(
      "initialize",
      ["protocolVersion": .string(Self.protocolVersion), "capabilities": [:], "clientInfo": ["name": "yoi", "version": "0.1.0"]])
    await channel.notify("notifications/initialized", [:])
    var cursor: String?
    var listed: [MCPToolInfo] = []
    repeat {
      let result = try await channel.request("tools/list", cursor.map { ["cursor": .string($0)] } ?? [:])
      guard case .object(let page) = result, case .array(let items)? = page["tools"] else {
        throw MCPFailure(message: "MCP server `\(server.name)` answered tools/list without a tool list")
      }
      for case .object(let tool) in items {
        guard case .string(let name)? = tool["name"] else { continue }
        let description = if case .string(let text)? = tool["description"] { text } else { "" }
        listed.append(MCPToolInfo(name: name, description: description, inputSchema: tool["inputSchema"] ?? ["type": "object"]))
      }
      cursor = if case .string(let next)? = page["nextCursor"], !next.isEmpty { next } else { nil }
    } while cursor != nil && listed.count < 1000
    tools = listed
  }

  /// Calls `tool`: its text content, and whether the server said it is an error.
  public func call(_ tool: String, arguments: JSONValue) async throws -> (text: String, isError: Bool) {
    let result = try await channel.request("tools/call", ["name": .string(tool), "arguments": arguments])
    guard case .object(let object) = result else { return ("", false) }
    var parts: [String] = []
    if case .array(let content)? = object["content"] {
      for case .object(let item) in content {
        switch item["type"] {
        case .string("text")?: if case .string(let text)? = item["text"] { parts.append(text) }
        case .string(let kind)?: parts.append("[\(kind) content: not shown]")
        default: break
        }
      }
    }
    return (parts.joined(separator: "\n"), object["isError"] == .bool(true))
  }

  /// Stops the server (a process: stdin closed → SIGTERM → SIGKILL).
  public func stop() async { await channel.close() }

  /// A JSON-RPC response's result, or its error as a failure naming `server`.
  static func result(of message: JSONObject, server: String) throws(MCPFailure) -> JSONValue {
    if case .object(let error)? = message["error"] {
      let text = if case .string(let text)? = error["message"] { text } else { "an error" }
      throw MCPFailure(message: "MCP server `\(server)` answered: \(text)")
    }
    return message["result"] ?? .null
  }
}

/// A confined process spoken to with one JSON-RPC message per line.
final class StdioChannel: MCPChannel, @unchecked Sendable {
  private let name: String
  private let process: ServerProcess
  private let cleanup: @Sendable () -> Void
  private let lock = NSLock()
  private var nextID: Int64 = 0
  private var pending: [Int64: CheckedContinuation<JSONValue, any Error>] = [:]
  private var ended = false

  init(name: String, process: ServerProcess, cleanup: @escaping @Sendable () -> Void) {
    self.name = name
    self.process = process
    self.cleanup = cleanup
    let lines = process.lines
    Task { [weak self] in
      for await line in lines { self?.receive(line) }
      self?.end()
    }
  }

  var isDead: Bool { lock.withLock { ended } }

  private func receive(_ line: [UInt8]) {
    guard case .object(let message)? = try? JSONParser.parse(String(decoding: line, as: UTF8.self)) else { return }
    // Notifications and requests from the server (progress, logging, list changes) are read past.
    guard case .integer(let id)? = message["id"], message["method"] == nil else { return }
    guard let continuation = lock.withLock({ pending.removeValue(forKey: id) }) else { return }
    do {
      continuation.resume(returning: try MCPConnection.result(of: message, server: name))
    } catch {
      continuation.resume(throwing: error)
    }
  }

  private func end() {
    let waiting = lock.withLock {
      ended = true
      defer { pending = [:] }
      return Array(pending.values)
    }
    for continuation in waiting { continuation.resume(throwing: MCPFailure(message: "MCP server `\(name)` exited")) }
  }

  private func send(_ message: JSONValue) -> Bool {
    process.send(Array(CanonicalJSON.compact(message).utf8))
  }

  func notify(_ method: String, _ params: JSONValue) async {
    _ = send(["jsonrpc": "2.0", "method": .string(method), "params": params])
  }

  /// Cancelling the task tells the server (`notifications/cancelled`).
  func request(_ method: String, _ params: JSONValue) async throws -> JSONValue {
    let id = lock.withLock {
      nextID += 1
      return nextID
    }
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
        let accepted = lock.withLock { () -> Bool in
          guard !ended else { return false }
          pending[id] = continuation
          return true
        }
        guard accepted else {
          continuation.resume(throwing: MCPFailure(message: "MCP server `\(name)` exited"))
          return
        }
        if !send(["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params]) {
          if let waiting = lock.withLock({ pending.removeValue(forKey: id) }) {
            waiting.resume(throwing: MCPFailure(message: "MCP server `\(name)` no longer reads its input"))
          }
        }
      }
    } onCancel: {
      _ = send(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": .integer(id), "reason": "the turn was cancelled"]])
      if let waiting = lock.withLock({ pending.removeValue(forKey: id) }) { waiting.resume(throwing: CancellationError()) }
    }
  }

  func close() async {
    await process.stop()
    cleanup()
  }
}

/// Starting the servers a manifest declares, confined like the shell.
public enum MCPServers {
  /// How a server's process is confined and what it is given.
  public struct Launch: Sendable {
    public var scope: ScopeChecker
    public var shell: ToolBox.ShellSettings
    /// `feature.web`: network for every server.
    public var webEnabled: Bool
    public var secrets: any SecretSource
    public var environment: Environment
    public var startTimeout: Duration

    public init(
      scope: ScopeChecker, shell: ToolBox.ShellSettings, webEnabled: Bool, secrets: any SecretSource, environment: Environment, startTimeout: Duration
    ) {
      self.scope = scope
      self.shell = shell
      self.webEnabled = webEnabled
      self.secrets = secrets
      self.environment = environment
      self.startTimeout = startTimeout
    }
  }

  /// Starts every stdio server in parallel; a server that fails (or takes longer than the
  /// timeout to initialise and list its tools) is one line in `failures` and is stopped.
  public static func start(_ servers: [MCPServer], launch: Launch) async -> (connections: [MCPConnection], failures: [String]) {
    await withTaskGroup(of: (Int, Result<MCPConnection, MCPFailure>).self) { group in
      for (index, server) in servers.enumerated() {
        group.addTask { (index, await startOne(server, launch: launch)) }
      }
      var results: [(Int, Result<MCPConnection, MCPFailure>)] = []
      for await result in group { results.append(result) }
      var connections: [MCPConnection] = []
      var failures: [String] = []
      for (_, result) in results.sorted(by: { $0.0 < $1.0 }) {
        switch result {
        case .success(let connection): connections.append(connection)
        case .failure(let failure): failures.append(failure.message)
        }
      }
      return (connections, failures)
    }
  }

  static func startOne(_ server: MCPServer, launch: Launch) async -> Result<MCPConnection, MCPFailure> {
    let connection: MCPConnection
    do {
      connection = server.transport == .stdio ? try spawn(server, launch: launch) : try connect(server, launch: launch)
    } catch {
      return .failure(error)
    }
    // The handshake races the timeout; a server that hangs is stopped, never waited for.
    let finished = await withTaskGroup(of: Result<Void, MCPFailure>?.self) { group in
      group.addTask {
        do {
          try await connection.handshake()
          return .success(())
        } catch let error as MCPFailure {
          return .failure(error)
        } catch {
          return .failure(MCPFailure(message: "MCP server `\(server.name)`: \(error)"))
        }
      }
      group.addTask {
        try? await Task.sleep(for: launch.startTimeout)
        return nil
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
    switch finished {
    case .success?: return .success(connection)
    case .failure(let failure)?:
      await connection.stop()
      return .failure(failure)
    case nil:
      await connection.stop()
      return .failure(MCPFailure(message: "MCP server `\(server.name)` did not initialise within \(launch.startTimeout); its tools are absent"))
    }
  }

  /// The confined process: the Pod's scope plus the server's own paths, a private TMPDIR, only
  /// the declared environment (secrets resolved now), network only when allowed.
  static func spawn(_ server: MCPServer, launch: Launch) throws(MCPFailure) -> MCPConnection {
    let home = launch.environment.home
    func expanded(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst(1) : path }
    var rules = launch.scope.rules
    rules.allow += (server.read ?? []).map { ScopeRule(target: expanded($0), permission: .read, recursive: true) }
    rules.allow += (server.write ?? []).map { ScopeRule(target: expanded($0), permission: .write, recursive: true) }
    let scope = launch.scope.with(rules)
    var template = Array("/tmp/yoi-mcp-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw MCPFailure(message: "MCP server `\(server.name)`: cannot create a temporary directory") }
    let temporary = String(cString: made)
    let namespaces = launch.shell.mode.current == .namespaces
    let (layout, reservations) = ShellPolicy.layout(
      scope: scope, temporaryDirectory: temporary, allowNetwork: server.network == true || launch.webEnabled, namespaces: namespaces)
    let reserved = Reservations.shared.reserve(reservations)
    let cleanup: @Sendable () -> Void = {
      Reservations.shared.release(reserved)
      try? FileManager.default.removeItem(atPath: temporary)
    }
    // Only what the profile declared, each reference resolved now.
    var variables: [String: String] = [:]
    for name in server.env?.inherit ?? [] { if let value = launch.environment.credentialVariable(name) { variables[name] = value } }
    for (name, value) in server.env?.set ?? [:] {
      switch value {
      case .literal(let text): variables[name] = text
      case .reference(let auth):
        guard let resolved = resolve(auth, launch: launch) else {
          cleanup()
          throw MCPFailure(message: "MCP server `\(server.name)`: \(auth.reference) for \(name) is not available (\(auth.fix))")
        }
        variables[name] = resolved
      }
    }
    let sandboxHome = namespaces ? "/tmp" : temporary
    variables["HOME"] = variables["HOME"] ?? sandboxHome
    variables["TMPDIR"] = sandboxHome
    let searchPath = (variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    variables["PATH"] = variables["PATH"] ?? searchPath.joined(separator: ":")
    var command = server.command ?? []
    guard let program = command.first else { throw MCPFailure(message: "MCP server `\(server.name)` has no command") }
    if !program.contains("/") {
      guard let found = searchPath.map({ $0 + "/" + program }).first(where: { access($0, X_OK) == 0 }) else {
        cleanup()
        throw MCPFailure(message: "MCP server `\(server.name)`: `\(program)` is not on its PATH")
      }
      command[0] = found
    }
    let directory = server.cwd ?? launch.scope.workspace
    do {
      let process = try ServerProcess.start(
        launch.shell.helper, layout.helperArguments(program: command, directory: directory),
        environment: variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, directory: directory)
      return MCPConnection(server: server, channel: StdioChannel(name: server.name, process: process, cleanup: cleanup))
    } catch {
      cleanup()
      throw MCPFailure(message: "MCP server `\(server.name)`: \(error.message)")
    }
  }

  /// A Streamable HTTP server: its headers resolved now.
  static func connect(_ server: MCPServer, launch: Launch) throws(MCPFailure) -> MCPConnection {
    var headers: [(String, String)] = []
    for (name, value) in (server.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
      switch value {
      case .literal(let text): headers.append((name, text))
      case .reference(let auth):
        guard let resolved = resolve(auth, launch: launch) else {
          throw MCPFailure(message: "MCP server `\(server.name)`: \(auth.reference) for the \(name) header is not available (\(auth.fix))")
        }
        headers.append((name, resolved))
      }
    }
    return MCPConnection(server: server, channel: HTTPChannel(name: server.name, url: server.url ?? "", headers: headers))
  }

  /// A reference's value, read as a model's key is (the stored secret first, a blank variable
  /// is unset, a damaged store is not passed over).
  static func resolve(_ auth: ModelAuth, launch: Launch) -> String? {
    (try? CredentialResolver(auth: auth, secrets: launch.secrets, environment: launch.environment).credential())?.value
  }
}

/// One MCP tool as the model sees it: `mcp__<server>__<tool>`, its description marked as the
/// server's; the subject permission patterns see is the arguments as compact JSON.
public struct MCPTool: FileTool {
  static let name = "mcp"
  static let definition = ToolDefinition(name: "mcp", description: "", parameters: ["type": "object"])
  let connection: MCPConnection
  let remoteName: String
  let toolName: String
  let toolDefinition: ToolDefinition
  var subjectIsPath: Bool { false }

  /// The model's name for `tool` of `server` (for people, as the model sees it).
  public static func displayName(server: String, tool: String) -> String { name(server: server, tool: tool) }

  /// The model's name for `tool` of `server`: parts cut to `[A-Za-z0-9_-]`, at most 64 in all.
  static func name(server: String, tool: String) -> String {
    let clean = tool.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" }
    return String(("mcp__\(server)__" + String(clean)).prefix(64))
  }

  /// Whether an input schema is one yoi passes on: an object root, depth ≤ 16, ≤ 512 nodes.
  static func isBounded(_ schema: JSONValue) -> Bool {
    guard case .object(let root) = schema, root["type"] == nil || root["type"] == "object" else { return false }
    var nodes = 0
    func walk(_ value: JSONValue, _ depth: Int) -> Bool {
      nodes += 1
      guard nodes <= 512, depth <= 16 else { return false }
      switch value {
      case .object(let object): return object.allSatisfy { walk($0.value, depth + 1) }
      case .array(let items): return items.allSatisfy { walk($0, depth + 1) }
      default: return true
      }
    }
    return walk(schema, 0)
  }

  func subject(_ arguments: String) throws(ToolFailure) -> String {
    guard let value = try? JSONParser.parse(arguments.isEmpty ? "{}" : arguments), case .object = value else {
      throw ToolFailure("invalid arguments for \(toolName): expected a JSON object")
    }
    return CanonicalJSON.compact(value)
  }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let value = (try? JSONParser.parse(arguments.isEmpty ? "{}" : arguments)) ?? .object(JSONObject())
    if connection.isDead { throw ToolFailure("MCP server `\(connection.server.name)` has exited; its tools do not work for the rest of this run") }
    do {
      let result = try await connection.call(remoteName, arguments: value)
      if result.isError { throw ToolFailure(result.text.isEmpty ? "the MCP tool reported an error" : result.text) }
      return ToolRun(text: result.text, note: "\(result.text.utf8.count) bytes")
    } catch let failure as ToolFailure {
      throw failure
    } catch let failure as MCPFailure {
      throw ToolFailure(failure.message)
    } catch {
      throw ToolFailure("MCP server `\(connection.server.name)`: the call was cancelled")
    }
  }

  /// The tools of `connections`, and a note for each dropped one.
  static func tools(_ connections: [MCPConnection], taken: Set<String>) -> (tools: [MCPTool], notes: [String]) {
    var tools: [MCPTool] = []
    var notes: [String] = []
    var names = taken
    for connection in connections {
      for info in connection.tools {
        let name = Self.name(server: connection.server.name, tool: info.name)
        guard names.insert(name).inserted else {
          notes.append("MCP tool \(info.name) of `\(connection.server.name)` is dropped: its name \(name) is taken")
          continue
        }
        guard isBounded(info.inputSchema) else {
          notes.append("MCP tool \(info.name) of `\(connection.server.name)` is dropped: its input schema is not a bounded object")
          continue
        }
        let description = "[from MCP server \(connection.server.name)] " + String(info.description.prefix(2000))
        tools.append(
          MCPTool(
            connection: connection, remoteName: info.name, toolName: name,
            toolDefinition: ToolDefinition(name: name, description: description, parameters: info.inputSchema)))
      }
    }
    return (tools, notes)
  }
}
