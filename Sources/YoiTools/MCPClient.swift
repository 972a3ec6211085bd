import Foundation
public import YoiManifest
import YoiProviders
public import YoiSandbox
public import YoiDiagnostics

// The official Swift SDK (modelcontextprotocol/swift-sdk) is not used: its stdio transport
// takes file descriptors of a process it does not start or stop, so the sandbox helper, the
// process group and the close → SIGTERM → SIGKILL sequence would live beside it anyway, and its
// HTTP transport is built on URLSession, which the static release build does not link. What is
// needed of the protocol (initialize, tools/list with cursors, tools/call with progress,
// cancellation, list changes, ping) is a few JSON-RPC messages, written here over yoi's own JSON.

/// A tool an MCP server offers, as listed.
public struct MCPToolInfo: Sendable, Hashable {
  public var name: String
  public var description: String
  public var inputSchema: JSONValue
}

/// Why an MCP server could not do what was asked; the message names the server.
public struct MCPFailure: Error, Sendable {
  public var message: String
  /// The server is gone (its process ended, or its HTTP endpoint no longer answers): a restart
  /// may bring it back.
  public var exited = false
}

/// How requests reach a server: a confined process's stdin and stdout, or Streamable HTTP.
/// Messages the server sends on its own (notifications) go to the handler given at creation.
protocol MCPChannel: Sendable {
  /// A request's result (a JSON-RPC error is an `MCPFailure`).
  func request(_ method: String, _ params: JSONValue) async throws -> JSONValue
  func notify(_ method: String, _ params: JSONValue) async
  var isDead: Bool { get }
  func close() async
}

/// A notification from a server: its method and params.
typealias MCPNotificationHandler = @Sendable (String, JSONValue) -> Void

/// The answer yoi gives a request a server sends: `ping` is answered, anything else (sampling,
/// roots, elicitation) is a method yoi does not offer.
func mcpReply(to message: JSONObject) -> JSONValue? {
  guard let id = message["id"], case .string(let method)? = message["method"] else { return nil }
  if method == "ping" { return ["jsonrpc": "2.0", "id": id, "result": [:]] }
  return ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": .string("yoi does not offer \(method)")]]
}

/// Races `operation` against `limit`: its value, or nil when the time ran out first (the
/// operation is then cancelled, never waited for).
func withinLimit<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
  try await withThrowingTaskGroup(of: T?.self) { group in
    group.addTask { try await operation() }
    group.addTask {
      try? await Task.sleep(for: limit)
      return nil
    }
    defer { group.cancelAll() }
    return try await group.next() ?? nil
  }
}

/// One MCP server for the length of a run (DESIGN.md §12.10): its channel, the tools it lists,
/// and the one restart a run allows when it dies.
public final class MCPConnection: @unchecked Sendable {
  public let server: MCPServer
  private let launch: MCPServers.Launch
  private let lock = NSLock()
  private var channel: (any MCPChannel)?
  private var listed: [MCPToolInfo] = []
  /// Bumped whenever `listed` changes, so the tool box knows to rebuild.
  private var listVersion = 0
  /// The server said its tool list changed; it is read again before the next turn.
  private var listChanged = false
  private var restarts = 0
  private var restarting: Task<Void, any Error>?
  /// When each call in flight last showed life (its start, then each progress notification).
  private var activity: [Int64: ContinuousClock.Instant] = [:]
  private var nextToken: Int64 = 0

  public static let protocolVersion = "2025-06-18"
  /// A run restarts a dead server once; after that its tools report it gone.
  static let restartLimit = 1

  init(server: MCPServer, launch: MCPServers.Launch) {
    self.server = server
    self.launch = launch
  }

  /// The tools the server lists now.
  public var tools: [MCPToolInfo] { lock.withLock { listed } }
  var toolsVersion: Int { lock.withLock { listVersion } }

  /// Whether the server can no longer answer (its process ended).
  public var isDead: Bool { lock.withLock { channel }?.isDead ?? true }

  /// Starts (or restarts) the server and runs the handshake, within the start timeout; a server
  /// that fails or hangs is stopped, never waited for.
  func open() async throws {
    let channel = try MCPServers.channel(for: server, launch: launch) { [weak self] method, params in self?.received(method, params) }
    lock.withLock { self.channel = channel }
    do {
      guard try await withinLimit(launch.startTimeout, { try await self.handshake(channel) }) != nil else {
        throw MCPFailure(message: "MCP server `\(server.name)` did not initialise within \(launch.startTimeout); its tools are absent")
      }
    } catch {
      await channel.close()
      throw error as? MCPFailure ?? MCPFailure(message: "MCP server `\(server.name)`: \(error)")
    }
  }

  /// initialize, initialized, then every page of tools/list.
  private func handshake(_ channel: any MCPChannel) async throws {
    _ = try await channel.request(
      "initialize",
      ["protocolVersion": .string(Self.protocolVersion), "capabilities": [:], "clientInfo": ["name": "yoi", "version": "0.1.0"]])
    await channel.notify("notifications/initialized", [:])
    try await list(channel)
  }

  /// A server's list is read up to this many pages and tools: a server whose cursors never
  /// end gets no more of a run's time.
  static let listPageLimit = 50
  static let toolLimit = 1000

  private func list(_ channel: any MCPChannel) async throws {
    var cursor: String?
    var found: [MCPToolInfo] = []
    var pages = 0
    repeat {
      pages += 1
      let result = try await channel.request("tools/list", cursor.map { ["cursor": .string($0)] } ?? [:])
      guard case .object(let page) = result, case .array(let items)? = page["tools"] else {
        throw MCPFailure(message: "MCP server `\(server.name)` answered tools/list without a tool list")
      }
      for case .object(let tool) in items where found.count < Self.toolLimit {
        guard case .string(let name)? = tool["name"] else { continue }
        let description = if case .string(let text)? = tool["description"] { text } else { "" }
        found.append(MCPToolInfo(name: name, description: description, inputSchema: tool["inputSchema"] ?? ["type": "object"]))
      }
      cursor = if case .string(let next)? = page["nextCursor"], !next.isEmpty { next } else { nil }
    } while cursor != nil && found.count < Self.toolLimit && pages < Self.listPageLimit
    lock.withLock {
      if found != listed { listVersion += 1 }
      listed = found
    }
  }

  /// What the server says on its own: progress keeps a call alive; a list change is read
  /// before the next turn. Other notifications (logging, resources) are read past.
  private func received(_ method: String, _ params: JSONValue) {
    switch method {
    case "notifications/progress":
      guard case .object(let object) = params, case .integer(let token)? = object["progressToken"] else { return }
      lock.withLock { if activity[token] != nil { activity[token] = .now } }
    case "notifications/tools/list_changed":
      lock.withLock { listChanged = true }
    default: break
    }
  }

  /// Reads the tool list again if the server said it changed; a failure keeps the old list.
  func refreshTools() async {
    let channel: (any MCPChannel)? = lock.withLock {
      defer { listChanged = false }
      return listChanged ? self.channel : nil
    }
    guard let channel, !channel.isDead else { return }
    // Bounded like the start: a server that stalls here holds up the next turn no longer.
    _ = try? await withinLimit(launch.startTimeout) { try await self.list(channel) }
  }

  /// What a call returned: its text, whether the server called it an error, and whether the
  /// server had to be restarted first.
  public struct CallResult: Sendable {
    public var text: String
    public var isError: Bool
    public var restarted: Bool
  }

  /// Calls `tool`. A server found dead is restarted first (once per run); one that dies during
  /// the call is restarted for later calls, and this call fails: it may have had effects, so it
  /// is not repeated behind the model's back. A call with no answer and no progress for the
  /// idle limit fails and is cancelled at the server.
  public func call(_ tool: String, arguments: JSONValue) async throws -> CallResult {
    var restarted = false
    if isDead {
      try await restart(because: "had exited")
      restarted = true
    }
    do {
      var result = try await callOnce(tool, arguments: arguments)
      result.restarted = restarted
      return result
    } catch let failure as MCPFailure where failure.exited {
      do {
        try await restart(because: "exited during the call")
      } catch let again as MCPFailure {
        throw MCPFailure(message: "\(failure.message); \(again.message)")
      }
      throw MCPFailure(
        message:
          "MCP server `\(server.name)` exited during the call to \(tool); it was restarted (a new process: what it held is gone), and the call was not repeated"
      )
    }
  }

  private func callOnce(_ tool: String, arguments: JSONValue) async throws -> CallResult {
    guard let channel = lock.withLock({ channel }) else { throw MCPFailure(message: "MCP server `\(server.name)` is not running", exited: true) }
    let token = lock.withLock {
      nextToken += 1
      activity[nextToken] = .now
      return nextToken
    }
    defer { lock.withLock { activity[token] = nil } }
    let params: JSONValue = ["name": .string(tool), "arguments": arguments, "_meta": ["progressToken": .integer(token)]]
    let idle = launch.callIdleLimit
    let answer = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
      group.addTask { try await channel.request("tools/call", params) }
      // The watchdog: nil once the call has shown no life (answer or progress) for `idle`.
      group.addTask {
        while true {
          guard let last = self.lock.withLock({ self.activity[token] }) else { return nil }
          let deadline = last + idle
          if ContinuousClock.now >= deadline { return nil }
          try await Task.sleep(until: deadline)
        }
      }
      defer { group.cancelAll() }
      return try await group.next() ?? nil
    }
    guard let answer else {
      throw MCPFailure(message: "MCP server `\(server.name)` neither answered \(tool) nor reported progress for \(idle); the call was cancelled")
    }
    guard case .object(let object) = answer else { return CallResult(text: "", isError: false, restarted: false) }
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
    return CallResult(text: parts.joined(separator: "\n"), isError: object["isError"] == .bool(true), restarted: false)
  }

  /// Restarts the server once per run; concurrent callers share the one attempt.
  private func restart(because reason: String) async throws {
    let attempt: Task<Void, any Error> = lock.withLock {
      if let running = restarting { return running }
      guard restarts < Self.restartLimit else {
        let name = server.name
        return Task {
          throw MCPFailure(message: "MCP server `\(name)` \(reason) and was already restarted once this run; its tools do not work for the rest of it")
        }
      }
      restarts += 1
      let attempt = Task {
        defer { self.lock.withLock { self.restarting = nil } }
        if let old = self.lock.withLock({ self.channel }) { await old.close() }
        do {
          try await self.open()
        } catch let failure as MCPFailure {
          throw MCPFailure(message: "MCP server `\(self.server.name)` \(reason), and restarting it failed: \(failure.message)")
        }
      }
      restarting = attempt
      return attempt
    }
    try await attempt.value
  }

  /// Stops the server (a process: stdin closed → SIGTERM → SIGKILL).
  public func stop() async {
    let channel = lock.withLock {
      defer { self.channel = nil }
      return self.channel
    }
    await channel?.close()
  }

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

  init(name: String, process: ServerProcess, cleanup: @escaping @Sendable () -> Void, notifications: @escaping MCPNotificationHandler) {
    self.name = name
    self.process = process
    self.cleanup = cleanup
    let lines = process.lines
    Task { [weak self] in
      for await line in lines { self?.receive(line, notifications) }
      self?.end()
    }
  }

  var isDead: Bool { lock.withLock { ended } }

  private func receive(_ line: [UInt8], _ notifications: MCPNotificationHandler) {
    guard case .object(let message)? = try? JSONParser.parse(String(decoding: line, as: UTF8.self)) else { return }
    if case .string(let method)? = message["method"] {
      // A request from the server is answered; a notification goes to the connection.
      if let reply = mcpReply(to: message) { _ = send(reply) } else { notifications(method, message["params"] ?? .null) }
      return
    }
    guard case .integer(let id)? = message["id"] else { return }
    guard let continuation = lock.withLock({ pending.removeValue(forKey: id) }) else { return }
    do {
      continuation.resume(returning: try MCPConnection.result(of: message, server: name))
    } catch {
      continuation.resume(throwing: error)
    }
  }

  private var exited: MCPFailure { MCPFailure(message: "MCP server `\(name)` exited", exited: true) }

  private func end() {
    let waiting = lock.withLock {
      ended = true
      defer { pending = [:] }
      return Array(pending.values)
    }
    for continuation in waiting { continuation.resume(throwing: exited) }
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
          continuation.resume(throwing: exited)
          return
        }
        if !send(["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params]) {
          if let waiting = lock.withLock({ pending.removeValue(forKey: id) }) {
            waiting.resume(throwing: MCPFailure(message: "MCP server `\(name)` no longer reads its input", exited: true))
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
    /// The shell's sandbox (nil: this machine has none, and stdio servers do not start).
    public var shell: ToolBox.ShellSettings?
    /// `feature.web`: network for every server.
    public var webEnabled: Bool
    public var secrets: any SecretSource
    public var environment: Environment
    public var startTimeout: Duration
    /// A call that neither answers nor reports progress for this long is cancelled.
    public var callIdleLimit: Duration

    public init(
      scope: ScopeChecker, shell: ToolBox.ShellSettings?, webEnabled: Bool, secrets: any SecretSource, environment: Environment,
      startTimeout: Duration, callIdleLimit: Duration
    ) {
      self.callIdleLimit = callIdleLimit
      self.scope = scope
      self.shell = shell
      self.webEnabled = webEnabled
      self.secrets = secrets
      self.environment = environment
      self.startTimeout = startTimeout
    }
  }

  /// Starts every server in parallel; a server that fails (or takes longer than the timeout
  /// to initialise and list its tools) is one line in `failures` and is stopped.
  public static func start(_ servers: [MCPServer], launch: Launch) async -> (connections: [MCPConnection], failures: [String]) {
    await withTaskGroup(of: (Int, Result<MCPConnection, MCPFailure>).self) { group in
      for (index, server) in servers.enumerated() {
        group.addTask {
          let connection = MCPConnection(server: server, launch: launch)
          do {
            try await connection.open()
            return (index, .success(connection))
          } catch {
            return (index, .failure(error as? MCPFailure ?? MCPFailure(message: "MCP server `\(server.name)`: \(error)")))
          }
        }
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

  /// A new channel to `server`: a confined process, or an HTTP endpoint.
  static func channel(for server: MCPServer, launch: Launch, notifications: @escaping MCPNotificationHandler) throws(MCPFailure) -> any MCPChannel {
    server.transport == .stdio
      ? try spawn(server, launch: launch, notifications: notifications) : try connect(server, launch: launch, notifications: notifications)
  }

  /// The confined process: the Pod's scope plus the server's own paths, a private TMPDIR, only
  /// the declared environment (secrets resolved now), network only when allowed.
  static func spawn(_ server: MCPServer, launch: Launch, notifications: @escaping MCPNotificationHandler) throws(MCPFailure) -> any MCPChannel {
    guard let shell = launch.shell else {
      throw MCPFailure(
        message: "MCP server `\(server.name)` is not started: a stdio server runs only inside the shell's sandbox, which this machine does not offer")
    }
    let home = launch.environment.home
    func expanded(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst(1) : path }
    var rules = launch.scope.rules
    rules.allow += (server.read ?? []).map { ScopeRule(target: expanded($0), permission: .read, recursive: true) }
    rules.allow += (server.write ?? []).map { ScopeRule(target: expanded($0), permission: .write, recursive: true) }
    let scope = launch.scope.with(rules)
    var template = Array("/tmp/yoi-mcp-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw MCPFailure(message: "MCP server `\(server.name)`: cannot create a temporary directory") }
    let temporary = String(cString: made)
    let namespaces = shell.mode.current == .namespaces
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
        shell.helper, layout.helperArguments(program: command, directory: directory),
        environment: variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, directory: directory)
      return StdioChannel(name: server.name, process: process, cleanup: cleanup, notifications: notifications)
    } catch {
      cleanup()
      throw MCPFailure(message: "MCP server `\(server.name)`: \(error.message)")
    }
  }

  /// A Streamable HTTP server: its headers resolved now.
  static func connect(_ server: MCPServer, launch: Launch, notifications: @escaping MCPNotificationHandler) throws(MCPFailure) -> any MCPChannel {
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
    return HTTPChannel(name: server.name, url: server.url ?? "", headers: headers, notifications: notifications)
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
    do {
      let result = try await connection.call(remoteName, arguments: value)
      if result.isError { throw ToolFailure(result.text.isEmpty ? "the MCP tool reported an error" : result.text) }
      let restarted = result.restarted ? " (the server had exited and was restarted)" : ""
      return ToolRun(text: result.text, note: "\(result.text.utf8.count) bytes\(restarted)")
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

/// The MCP tools as the model sees them now: built from each server's list, and built again
/// before a turn when a server said its list changed (or came back from a restart with another).
final class ServedTools: @unchecked Sendable {
  private let connections: [MCPConnection]
  /// The names of yoi's own tools, which a server's tool never takes.
  private let taken: Set<String>
  private let lock = NSLock()
  private var versions: [Int] = []
  private var byName: [String: MCPTool] = [:]
  private var ordered: [ToolDefinition] = []
  /// What the first build dropped.
  private(set) var notes: [String] = []

  init(_ connections: [MCPConnection], taken: Set<String>) {
    self.connections = connections
    self.taken = taken
    notes = build()
  }

  var definitions: [ToolDefinition] { lock.withLock { ordered } }
  func tool(named name: String) -> MCPTool? { lock.withLock { byName[name] } }

  /// Reads changed lists again; rebuilds when any server's list is not what was built from.
  func refresh() async {
    for connection in connections { await connection.refreshTools() }
    if connections.map(\.toolsVersion) != lock.withLock({ versions }) { _ = build() }
  }

  @discardableResult
  private func build() -> [String] {
    let versions = connections.map(\.toolsVersion)
    let (tools, notes) = MCPTool.tools(connections, taken: taken)
    lock.withLock {
      self.versions = versions
      byName = Dictionary(tools.map { ($0.toolName, $0) }, uniquingKeysWith: { first, _ in first })
      ordered = tools.map(\.toolDefinition)
    }
    return notes
  }
}
