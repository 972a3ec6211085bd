import Foundation
import Glibc
public import YoiDiagnostics
public import YoiManifest
import YoiProviders
import YoiSandbox
public import YoiStore
public import YoiTools

/// The secret store hands values to provider clients, and only to them.
/// Builds a runnable agent from a Pod's stored snapshot. It reads the snapshot verbatim
/// (digest verified) and never sees a profile: this module cannot import one.
public struct PodRunner: Sendable {
  public let loop: AgentLoop
  /// The snapshot's sections and the Pod's workspace, for a session's header.
  public let sections: ManifestSections
  public let workspace: String
  /// One-line notes for the person running it (features this runtime does not offer yet).
  public let notes: [String]
  private let provider: ProviderClient
  private let store: PodStore
  /// Extraction and consolidation, with `feature.memory`.
  private let memoryWorkers: MemoryWorkers?
  /// The MCP servers started for this run or session, stopped by `shutdown`.
  public let mcpConnections: [MCPConnection]

  public init(
    pod name: String, store: PodStore, secrets: any SecretSource, approval: any ApprovalHandler = HeadlessApproval(),
    children launcher: (any ChildPodLauncher)? = nil, protectedDirectories: [String] = [], configDirectory: String? = nil,
    environment: Environment = .process, workspaceGate: WorkspaceGate? = nil
  ) async throws {
    let record = try store.pod(named: name)
    let manifest = try store.currentManifest(of: name)
    let sections = manifest.sections
    self.sections = sections
    workspace = record.workspace
    let instruction = try Prompts.text(for: sections.worker.instruction)
    // yoi's own data and config (the Pod store, the sealed secrets, trust records) and the
    // Codex sign-in are out of every tool's reach, whatever the workspace (§12.5).
    self.store = store
    // The memory directory is written by the memory tools alone: read-only to the file tools
    // and the shell (§12.9).
    let memory = sections.feature.isEnabled(.memory) ? sections.memory : nil
    let memoryStore = memory.map { MemoryStore(root: $0.workspaceRoot ?? MemoryStore.defaultRoot(workspace: record.workspace)) }
    // So is the tickets directory, written by the ticket tools alone (§12.11), whether or not
    // this Pod has them.
    let ticketStore = TicketStore(root: TicketStore.defaultRoot(workspace: record.workspace))
    let scope = ScopeChecker(
      rules: sections.scope, workspace: record.workspace, unreachable: protectedDirectories + [CredentialResolver.codexHome(environment)],
      readOnly: (memoryStore.map { [$0.root] } ?? []) + [ticketStore.root])
    // The shell runs only under Landlock (with namespaces where the system allows them);
    // without it the tool is not offered, and a weaker layout is said once.
    var shell: ToolBox.ShellSettings?
    var notes: [String] = []
    if ShellSandbox.abi == nil {
      notes.append("the shell tool is not offered: this kernel has no Landlock, and yoi never runs a command unconfined")
    } else if let helper = Self.sandboxHelper {
      let mode = ShellSandbox.expectedMode(forceLandlock: environment[.yoiSandbox] == "landlock")
      if case .landlockOnly(let reason) = mode {
        notes.append(
          "the shell runs under Landlock alone (\(reason)): it cannot create entries directly in a directory holding a denied path (often the workspace root), and background processes, unix sockets and UDP are confined less than with namespaces; see docs/running.md"
        )
      }
      shell = ToolBox.ShellSettings(
        helper: helper, mode: ShellMode(mode), allowNetwork: sections.feature.isEnabled(.web),
        searchPath: (environment[.path] ?? "").split(separator: ":").map(String.init))
    } else {
      notes.append("the shell tool is not offered: the sandbox helper \(ShellSandbox.helperName) is not installed beside yoi")
    }
    let web = sections.feature.isEnabled(.web) ? sections.web.map { WebSettings(section: $0, secrets: secrets) } : nil
    let children =
      sections.feature.isEnabled(.pods)
      ? launcher.map { ToolBox.ChildSettings(parent: name, launcher: $0, taskTokenLimit: sections.compaction?.workerContextMaxTokens) } : nil
    // The task list goes on from the last one stored (ids are never reused).
    let tasks = sections.feature.isEnabled(.task) ? try TaskList.stored(of: name, in: store) : nil
    var memorySettings: MemorySettings?
    if let memory, let memoryStore {
      memorySettings = MemorySettings(
        store: memoryStore, resultLimit: Int(memory.queryResultLimit), excerptLines: Int(memory.queryExcerptLines), author: name)
    }
    // Skills: found at each start; a broken one is said once and skipped, never fatal.
    let skills = SkillCatalog.discover(
      roots: SkillCatalog.roots(manifest: sections.skills?.directories ?? [], workspace: record.workspace, configDirectory: configDirectory))
    if !skills.report.isEmpty { notes.append(skills.report.joined(separator: "; ")) }
    // The stream caps (§12.2), adjustable for slow local models and for tests.
    var timing = ProviderClient.Timing()
    if let seconds = environment[.yoiStreamIdleSeconds].flatMap(Double.init), seconds > 0 { timing.contentIdleTimeout = seconds }
    if let bytes = environment[.yoiStreamMaxBytes].flatMap(Int.init), bytes > 0 { timing.maximumStreamBytes = bytes }
    provider = try ProviderClient(
      model: sections.model, credentials: CredentialResolver(auth: sections.model.auth, secrets: secrets, environment: environment), timing: timing)
    // MCP servers start in parallel, confined like the shell; one that fails is named in one
    // line and its tools are absent (§12.10).
    var connections: [MCPConnection] = []
    if let servers = sections.mcp?.servers, !servers.isEmpty {
      // A server may be the workspace's own program: it starts once the worktree is complete.
      _ = await workspaceGate?.wait()
      func seconds(_ key: EnvironmentKey, default value: Double) -> Duration {
        .milliseconds(Int64((environment[key].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? value) * 1000))
      }
      let started = await MCPServers.start(
        servers,
        launch: MCPServers.Launch(
          scope: scope, shell: shell, webEnabled: sections.feature.isEnabled(.web), secrets: secrets, environment: environment,
          startTimeout: seconds(.yoiMCPStartSeconds, default: 10), callIdleLimit: seconds(.yoiMCPCallIdleSeconds, default: 300)))
      connections = started.connections
      notes += started.failures
    }
    mcpConnections = connections
    let tools = ToolBox(
      scope: scope, permissions: PermissionPolicy(sections.permissions), limits: sections.worker.toolOutput, approval: approval, shell: shell, web: web,
      children: children, tasks: tasks, skills: skills,
      memory: memorySettings,
      tickets: sections.feature.isEnabled(.ticket)
        ? TicketSettings(
          store: ticketStore, author: name, access: sections.feature.ticketAccess,
          orchestration: sections.feature.isEnabled(.ticketOrchestration) && sections.feature.ticketAccess == .lifecycle) : nil,
      mcp: connections, workspaceGate: workspaceGate)
    notes += tools.notes
    let worker = sections.worker
    // A server whose model does not reason refuses the parameter (HTTP 400), so it is sent
    // only to a model that declares it (catalog models do).
    let reasons = sections.model.capability["reasoning"] ?? false
    if worker.reasoning != nil, !reasons {
      notes.append(
        "worker.reasoning is not sent: the model does not declare model.capability.reasoning (set it in the profile's model if this model reasons)")
    }
    let options = GenerationOptions(
      modelID: sections.model.modelID ?? "", maxTokens: worker.maxTokens, temperature: worker.temperature, topP: worker.topP, topK: worker.topK,
      stopSequences: worker.stopSequences, reasoning: reasons ? worker.reasoning : nil,
      parallelToolCalls: sections.model.capability["parallel_tool_calls"] ?? false)
    var system =
      instruction + "\n\n"
      + Prompts.context(workspace: scope.workspace, scope: sections.scope, tools: tools.definitions.map(\.name), language: worker.language)
    if let section = skills.promptSection { system += "\n\n" + section }
    if let memory, memory.injectSummary, let summary = memoryStore?.summaryForPrompt() {
      system += "\n\n# Memory (MEMORY.md)\nWhat earlier sessions recorded; memory_search and memory_read find more.\n\n" + summary
    }
    // AGENTS.md, read at each start: the run records which files (and versions) it was given.
    var startEvents: [TranscriptEvent] = []
    if worker.projectInstructions {
      let instructions = ProjectInstructions.load(workspace: record.workspace)
      if let section = instructions.promptSection {
        system += "\n\n" + section
        startEvents.append(.instructions(instructions.files))
      }
    }
    // A summary model of the same provider is asked through the same endpoint and credential;
    // `compaction.model` names it as "provider/model_id".
    let compactor = sections.compaction.map { policy in
      Compactor(policy: policy, summaryModelID: policy.model.map { String($0.split(separator: "/", maxSplits: 1).last ?? Substring($0)) } ?? options.modelID)
    }
    loop = AgentLoop(
      podName: name, store: store, provider: provider, tools: tools, system: system, options: options, maxTurns: worker.maxTurns,
      parallelToolCalls: options.parallelToolCalls, compactor: compactor, startEvents: startEvents)
    if let memory, let memoryStore {
      memoryWorkers = MemoryWorkers(
        podName: name, store: store, provider: provider, options: options, section: memory, memory: memoryStore, limits: worker.toolOutput)
    } else {
      memoryWorkers = nil
    }
    // Orchestration is `ticket_assign`: it needs the tickets (with lifecycle access) and children.
    var offered: Set<Feature> = launcher == nil ? [.web, .task, .memory, .ticket] : [.web, .pods, .task, .memory, .ticket]
    if launcher != nil, sections.feature.isEnabled(.pods), sections.feature.isEnabled(.ticket), sections.feature.ticketAccess == .lifecycle {
      offered.insert(.ticketOrchestration)
    }
    if sections.feature.isEnabled(.ticketOrchestration) && !offered.contains(.ticketOrchestration) && launcher != nil {
      offered.insert(.ticketOrchestration)
      notes.append("ticket_assign is not offered: feature.ticket_orchestration needs feature.pods and feature.ticket with lifecycle access")
    }
    let unavailable = Feature.allCases.filter { sections.feature.isEnabled($0) && !offered.contains($0) }.map(\.rawValue)
    if !unavailable.isEmpty {
      let plural = unavailable.count > 1
      notes.append(
        "feature.\(unavailable.joined(separator: ", feature.")) \(plural ? "are" : "is") enabled, but the runtime does not offer \(plural ? "their" : "its") tools yet"
      )
    }
    self.notes = notes
  }

  /// The sandbox helper installed beside this process's binary.
  static var sandboxHelper: String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    let executable = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let helper = PathLexer.dirname(executable) + "/" + ShellSandbox.helperName
    return access(helper, X_OK) == 0 ? helper : nil
  }

  public func run(prompt: String, observer: any RunObserver) async throws -> RunOutcome {
    let outcome = try await loop.run(prompt: prompt, observer: observer)
    // The memory workers run after a task that finished; their own failures are recorded in
    // their events and never fail the task.
    if case .finished = outcome, let memoryWorkers {
      try await memoryWorkers.afterRun { event in
        let seq = try store.appendEvent(to: loop.podName, kind: event.kind, body: event.body)
        observer.recorded(event, seq: seq)
      }
    }
    return outcome
  }

  /// Releases the HTTP client; call when done.
  public func shutdown() async {
    await provider.shutdown()
    await loop.tools.shutdown()
    await withTaskGroup(of: Void.self) { group in
      for connection in mcpConnections { group.addTask { await connection.stop() } }
    }
  }
}

/// One runner per Pod (DESIGN.md §12.1): an exclusive `flock` on `<data>/runs/<pod>.lock`,
/// holding the runner's pid. The kernel drops it when the process dies, so a lock left by
/// a dead process is simply taken.
public final class RunLock: Sendable {
  private let descriptor: Int32

  public init(dataDirectory: String, pod: PodName) throws(YoiError) {
    let directory = dataDirectory + "/runs"
    guard FileLock.createPrivateDirectory(dataDirectory), FileLock.createPrivateDirectory(directory) else {
      throw YoiError("cannot create \(directory)", code: .podBusy)
    }
    let path = directory + "/" + pod.rawValue + ".lock"
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw YoiError("cannot open the run lock \(path): \(String(cString: strerror(errno)))", code: .podBusy) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      var buffer = [UInt8](repeating: 0, count: 32)
      let count = pread(descriptor, &buffer, buffer.count, 0)
      close(descriptor)
      let holder = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
      throw YoiError(
        "Pod \(pod) is busy: another run (pid \(holder)) is using it", code: .podBusy,
        help: ["wait for it to finish, or stop it (kill -INT \(holder))"])
    }
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = pwrite(descriptor, pid, pid.count, 0)
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// The pid of the process holding `pod`'s run lock, if any. Read from /proc/locks (the
  /// kernel's table), never by taking the lock: a probe that took it, however briefly, could
  /// make a starting run fail as busy.
  public static func holder(dataDirectory: String, pod: String) -> Int32? {
    var info = stat()
    guard stat(dataDirectory + "/runs/" + pod + ".lock", &info) == 0,
      let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)
    else { return nil }
    // `1: FLOCK  ADVISORY  WRITE 4242 00:2b:1234567 0 EOF`: the pid, then major:minor:inode.
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 6, fields[1] == "FLOCK", let pid = Int32(fields[4]) else { continue }
      let device = fields[5].split(separator: ":")
      guard device.count == 3, UInt64(device[2]) == UInt64(info.st_ino) else { continue }
      return pid
    }
    return nil
  }
}

/// SIGINT and SIGTERM cancel the run's task instead of killing the process, so the
/// `cancelled` event is recorded and the terminal is left clean.
public final class SignalCancellation: @unchecked Sendable {
  private var sources: [any DispatchSourceSignal] = []
  private let lock = NSLock()
  private var received: Int32?

  public init(cancel: @escaping @Sendable () -> Void) {
    for number in [SIGINT, SIGTERM] {
      Glibc.signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        self?.lock.withLock { if self?.received == nil { self?.received = number } }
        cancel()
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The signal that arrived, if any.
  public var receivedSignal: Int32? { lock.withLock { received } }

  deinit { for source in sources { source.cancel() } }
}
