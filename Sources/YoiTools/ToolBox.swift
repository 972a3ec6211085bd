import Foundation
public import YoiManifest
public import YoiProviders
public import YoiSandbox

/// What a tool call produced: the text the model reads (already capped) and a one-line note
/// for people watching the run.
public struct ToolOutcome: Sendable, Hashable {
  public var content: String
  public var isError: Bool
  public var note: String
  /// What the call changed that the transcript keeps as an event of its own.
  public var record: ToolRecord? = nil
  /// The file a write or an edit changed (shown as a diff; not stored).
  public var change: FileChange? = nil
}

/// The model-visible tools of a Pod (DESIGN.md §12.4), confined to the manifest's scope
/// (§12.5) and permissions (§12.6). Every refusal is an outcome the model reads, never a throw.
public struct ToolBox: Sendable {
  /// The scope at this moment (lending to a child narrows it until the child ends).
  public var scope: ScopeChecker { scopeHolder.current }
  private let scopeHolder: ScopeHolder
  private let permissions: PermissionPolicy
  private let limits: WorkerSection.ToolOutputLimits
  /// A child's worktree still checking out: every call waits for it (nil: complete).
  private let workspaceGate: WorkspaceGate?
  private let approval: any ApprovalHandler
  private let tools: [String: any FileTool]
  private let webClient: WebClient?
  private let taskBoard: TaskBoard?
  /// The MCP servers' tools, which may change between turns.
  private let served: ServedTools?
  /// What building the tools dropped (MCP tools with taken names or unbounded schemas).
  public let notes: [String]
  /// The task list as it stands (nil: `feature.task` is off).
  public var tasks: TaskList? { taskBoard?.current }
  /// yoi's own tools' definitions, in a stable order.
  private let ownDefinitions: [ToolDefinition]
  /// The definitions offered to the model: yoi's own, then the MCP servers' as they stand.
  public var definitions: [ToolDefinition] { ownDefinitions + (served?.definitions ?? []) }

  /// How the `shell` tool runs: the `yoi-sandbox` helper, the sandbox mode this machine gives,
  /// and whether the network is reachable (`feature.web`). It is confined to the Pod's scope as
  /// it stands at each call.
  public struct ShellSettings: Sendable {
    public var helper: String
    public var mode: ShellMode
    public var allowNetwork: Bool
    /// The user's `PATH` entries; a call keeps those it can see (system directories, readable
    /// scope), so a toolchain under a granted `~/.cargo` or `~/.local` is found.
    public var searchPath: [String]

    public init(helper: String, mode: ShellMode, allowNetwork: Bool, searchPath: [String] = []) {
      self.helper = helper
      self.mode = mode
      self.allowNetwork = allowNetwork
      self.searchPath = searchPath
    }
  }

  /// `spawn_pod` (with `feature.pods`): the Pod it runs for and who starts the children.
  public struct ChildSettings: Sendable {
    public var parent: String
    public var launcher: any ChildPodLauncher
    public var taskTokenLimit: Int64?

    public init(parent: String, launcher: any ChildPodLauncher, taskTokenLimit: Int64?) {
      self.parent = parent
      self.launcher = launcher
      self.taskTokenLimit = taskTokenLimit
    }
  }

  /// The tools for a Pod; `shell` only with `shell` settings (a kernel with Landlock).
  public init(
    scope: ScopeChecker, permissions: PermissionPolicy, limits: WorkerSection.ToolOutputLimits, approval: any ApprovalHandler,
    shell: ShellSettings? = nil, web: WebSettings? = nil, children: ChildSettings? = nil, tasks: TaskList? = nil,
    skills: SkillCatalog? = nil, memory: MemorySettings? = nil, tickets: TicketSettings? = nil, mcp: [MCPConnection] = [],
    workspaceGate: WorkspaceGate? = nil
  ) {
    scopeHolder = ScopeHolder(scope)
    self.workspaceGate = workspaceGate
    self.permissions = permissions
    self.limits = limits
    self.approval = approval
    var available: [any FileTool] = [ReadFileTool(), ListDirectoryTool(), GlobTool(), GrepTool()]
    // Write tools exist only when some rule grants write.
    if scope.grantsWrite { available += [WriteFileTool(), EditFileTool()] }
    if let shell {
      available.append(
        ShellTool(
          helper: shell.helper, mode: shell.mode, allowNetwork: shell.allowNetwork, searchPath: shell.searchPath,
          outputLimit: Int(clamping: limits.maxBytes(for: ShellTool.name)) * 2))
    }
    // Web tools only with feature.web and the tool's own switch; one client for both.
    var webClient: WebClient?
    if let web, web.section.fetch.enabled || web.section.search.enabled {
      let client = WebClient()
      webClient = client
      if web.section.fetch.enabled {
        available.append(
          WebFetchTool(client: client, fetch: web.section.fetch, allowPrivate: web.section.allowPrivateAddresses || web.section.fetch.allowPrivateAddresses))
      }
      // Search needs its key: without one the tool is not offered (the model cannot call a
      // tool that can only fail), and `pod show` says what is missing.
      if web.section.search.enabled, let id = web.section.search.apiKeySecret, web.secrets.isStored(id) {
        available.append(WebSearchTool(client: client, search: web.section.search, secrets: web.secrets))
      }
    }
    self.webClient = webClient
    // The task tools (`feature.task`) share one board, started from the stored list.
    taskBoard = tasks.map(TaskBoard.init)
    if let board = taskBoard {
      available += [TaskCreateTool(board: board), TaskUpdateTool(board: board), TaskListTool(board: board)] as [any FileTool]
    }
    if let skills, !skills.skills.isEmpty { available.append(SkillTool(catalog: skills, scope: scopeHolder)) }
    if let memory { available += memory.tools() }
    if let tickets { available += tickets.tools() }
    if let children {
      available.append(
        SpawnPodTool(
          parent: children.parent, launcher: children.launcher, taskTokenLimit: children.taskTokenLimit, scopeHolder: scopeHolder, shell: shell))
      if let tickets, tickets.orchestration {
        available.append(TicketAssignTool(tickets: tickets, launcher: children.launcher, shell: shell, scopeHolder: scopeHolder))
      }
    }
    served = mcp.isEmpty ? nil : ServedTools(mcp, taken: Set(available.map(\.toolName)))
    notes = served?.notes ?? []
    tools = Dictionary(uniqueKeysWithValues: available.map { ($0.toolName, $0) })
    ownDefinitions = available.map(\.toolDefinition)
  }

  /// The tools of a memory worker (DESIGN.md §12.9): the memory tools and, for extraction, the
  /// new part of the transcript to read; no file system, no shell, no web. Nothing to ask.
  public init(memoryWorker memory: MemorySettings, transcript: String?, limits: WorkerSection.ToolOutputLimits) {
    scopeHolder = ScopeHolder(ScopeChecker(rules: ScopeRules(), workspace: "/"))
    permissions = PermissionPolicy(nil)
    self.limits = limits
    approval = HeadlessApproval()
    webClient = nil
    workspaceGate = nil
    taskBoard = nil
    served = nil
    notes = []
    var available = memory.tools()
    if let transcript { available.append(TranscriptReadTool(text: transcript)) }
    tools = Dictionary(uniqueKeysWithValues: available.map { ($0.toolName, $0) })
    ownDefinitions = available.map(\.toolDefinition)
  }

  /// Brings the MCP tools up to date before a turn (a server said its list changed).
  public func refresh() async { await served?.refresh() }

  /// Releases the web tools' HTTP client.
  public func shutdown() async { await webClient?.shutdown() }

  /// Runs `call`: decodes its arguments, asks the permission policy, runs it under scope,
  /// caps its output.
  public func run(_ call: ToolCall) async -> ToolOutcome {
    if let checkoutFailure = await workspaceGate?.wait() {
      return failure(call, "the workspace is incomplete: its checkout failed (\(checkoutFailure))")
    }
    guard let tool = tools[call.name] ?? served?.tool(named: call.name) else {
      let known = definitions.map(\.name).joined(separator: ", ")
      return failure(call, "unknown tool `\(call.name)`; the tools are: \(known)")
    }
    let context = ToolContext(scope: scope)
    let subject: String
    do {
      subject = try tool.subject(call.arguments)
    } catch {
      return failure(call, error.message)
    }
    // A path is matched in the canonical form the scope uses (§12.6): `./docs/x`,
    // `sub/../docs/x`, `//docs/x` and a symlink into `docs` are all `docs/x`.
    let canonical = tool.subjectIsPath ? context.canonicalPath(subject) : subject
    let relative = tool.subjectIsPath ? context.displayPath(canonical) : subject
    let decision = permissions.decide(tool: call.name, subjects: tool.subjectIsPath ? [relative, canonical] : [subject])
    // The person reading stderr sees the call once, then why: `shell make test: refused by …`.
    let shown = "\(call.name) \(relative.count > 80 ? relative.prefix(79) + "…" : relative)"
    switch decision.action {
    case .deny:
      return failure(
        call, "refused by \(decision.reason): \(call.name) on \(subject) is not permitted for this Pod", note: "\(shown): refused by \(decision.reason)")
    case .ask:
      guard approval.canAsk else {
        return failure(
          call, "refused: \(call.name) on \(subject) needs a person's approval (\(decision.reason)), and a headless run cannot ask (it fails closed)",
          note: "\(shown): refused, \(decision.reason) asks a person and a headless run cannot ask")
      }
      // A write or an edit is shown as the diff it would make before the answer.
      let change = tool.change(call.arguments, context)
      guard await approval.approve(tool: call.name, subject: subject, reason: decision.reason, change: change) else {
        return failure(call, "refused: the user declined \(call.name) on \(subject) (\(decision.reason))", note: "\(shown): declined (\(decision.reason))")
      }
    case .allow:
      break
    }
    do {
      let output = try await tool.run(call.arguments, context)
      return ToolOutcome(
        content: cap(output.text, tool: call.name), isError: false, note: "\(shown)\(output.note.isEmpty ? "" : ": " + output.note)",
        record: output.record, change: output.change)
    } catch {
      return failure(call, error.message, note: "\(shown): \(error.message)")
    }
  }

  /// A failure the model reads, and its one-line note for people (by default the tool and the
  /// message). yoi's own directories are named, never spelled out: where the store and the
  /// key live is none of the model's business.
  private func failure(_ call: ToolCall, _ message: String, note: String? = nil) -> ToolOutcome {
    func hidingDataDirectory(_ text: String) -> String {
      var text = text
      for directory in scope.unreachable.sorted(by: { $0.count > $1.count }) where text.contains(directory) {
        text = text.replacingOccurrences(of: directory, with: "<yoi's data directory>")
      }
      return text
    }
    let message = hidingDataDirectory(message)
    return ToolOutcome(content: cap("error: " + message, tool: call.name), isError: true, note: hidingDataDirectory(note ?? "\(call.name): \(message)"))
  }

  /// Cuts `text` to the tool's byte cap at a character boundary, saying how much was cut.
  func cap(_ text: String, tool: String) -> String {
    ToolOutputCap.cap(text, maxBytes: Int(clamping: limits.maxBytes(for: tool)))
  }
}

enum ToolOutputCap {
  static func cap(_ text: String, maxBytes: Int) -> String {
    let total = text.utf8.count
    guard total > maxBytes else { return text }
    var end = text.utf8.index(text.utf8.startIndex, offsetBy: max(0, maxBytes))
    while end > text.startIndex && !text.unicodeScalars.indices.contains(end) { end = text.utf8.index(before: end) }
    return String(text[..<end]) + "\n[output truncated: \(text.utf8.distance(from: text.utf8.startIndex, to: end)) of \(total) bytes shown]"
  }
}

/// What a tool sees of the Pod.
struct ToolContext {
  var scope: ScopeChecker

  /// `path` as written if relative, else relative to the workspace when inside it.
  func displayPath(_ path: String) -> String {
    guard path.hasPrefix("/") else { return path }
    return PathLexer.isInside(path, directory: scope.workspace) ? String(path.dropFirst(scope.workspace.count + 1)) : path
  }

  /// `path` as the scope checker sees it (symlinks resolved, `.` and `..` gone), or lexically
  /// normalised when it climbs through directories that do not exist.
  func canonicalPath(_ path: String) -> String {
    scope.resolve(path)?.path ?? PathLexer.normalize(path.hasPrefix("/") ? path : scope.workspace + "/" + path)
  }

  /// `path` resolved and checked for at least `needed` access.
  func resolve(_ path: String, for needed: Access) throws(ToolFailure) -> String {
    guard !path.isEmpty else { throw ToolFailure("`path` is empty") }
    guard let resolved = scope.resolve(path) else {
      throw ToolFailure("\(path) climbs with `..` through directories that do not exist; no access")
    }
    guard resolved.access >= needed else {
      let what = needed == .write ? "writable" : "readable"
      let have = resolved.access == .read ? " (it is read-only for this Pod)" : ""
      throw ToolFailure("\(resolved.path) is outside this Pod's \(what) scope\(have)")
    }
    return resolved.path
  }
}

struct ToolRun {
  var text: String
  var note: String = ""
  var record: ToolRecord? = nil
  var change: FileChange? = nil
}

/// One file tool: its model-facing definition, the subject its permission rules match, and
/// its work.
protocol FileTool: Sendable {
  static var name: String { get }
  static var definition: ToolDefinition { get }
  /// The name the model calls it by (the static one, but for tools a server names).
  var toolName: String { get }
  var toolDefinition: ToolDefinition { get }
  func subject(_ arguments: String) throws(ToolFailure) -> String
  /// Whether the subject is a path (matched workspace-relative and absolute) or text (a command).
  var subjectIsPath: Bool { get }
  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun
  /// What the call would change in a file, to show before an `ask` is answered (nil: not a
  /// file change, or one that would fail).
  func change(_ arguments: String, _ context: ToolContext) -> FileChange?
}

extension FileTool {
  var subjectIsPath: Bool { true }
  func change(_ arguments: String, _ context: ToolContext) -> FileChange? { nil }
  var toolName: String { Self.name }
  var toolDefinition: ToolDefinition { Self.definition }

  /// Decodes the model's argument JSON, or says what was wrong with it.
  func decode<T: Decodable>(_ type: T.Type, _ arguments: String) throws(ToolFailure) -> T {
    do {
      return try JSONCoding.decode(T.self, from: arguments.isEmpty ? "{}" : arguments)
    } catch {
      let problem = error.path.isEmpty ? error.problem : "`\(error.path)` \(error.problem.hasPrefix("is ") ? "" : "— ")\(error.problem)"
      throw ToolFailure("invalid arguments for \(Self.name): \(problem)")
    }
  }

  static func schema(_ properties: [(String, String, String)], required: [String]) -> JSONValue {
    let members: [(key: String, value: JSONValue)] = properties.map { name, type, description in
      (key: name, value: ["type": .string(type), "description": .string(description)])
    }
    return ["type": "object", "properties": .object(JSONObject(members)), "required": .array(required.map { .string($0) })]
  }
}

struct PathArguments: Decodable { var path: String }
