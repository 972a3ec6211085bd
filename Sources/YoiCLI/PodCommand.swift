import ArgumentParser
import Foundation
import YoiAgent
import YoiDiagnostics
import YoiLua
import YoiManifest
import YoiProfiles
import YoiPods
import YoiStore
import YoiTools

/// `yoi pod ...`: Pods and their stored snapshots.
struct PodCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pod",
    abstract: "Spawn, run, inspect and re-resolve Pods.",
    subcommands: [
      PodSpawnCommand.self, PodListCommand.self, PodShowCommand.self, PodResumeCommand.self,
      PodReresolveCommand.self, PodRemoveCommand.self, PodSecretsCommand.self, PodRunCommand.self, PodAttachCommand.self, PodLogCommand.self,
      PodTasksCommand.self,
    ]
  )
}

/// Opening the store, with its failure rendered as a diagnostic.
enum Stores {
  static var versions: PodStore.Versions { .init(yoi: YoiCommand.version, lua: LuaSandbox.luaRelease) }

  static func pods() throws -> PodStore {
    let data = YoiDirectories.from().data
    return try PodStore(dataDirectory: data)
  }

  static func secrets() -> SecretStore {
    SecretStore(dataDirectory: YoiDirectories.from().data)
  }

}

struct PodSpawnCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "spawn", abstract: "Resolve a profile and store a new Pod with its snapshot.")

  @Option(help: "The profile (default: the registry default).", completion: NameCompletion.profiles) var profile: String?
  @Option(help: "A TOML manifest file instead of a profile.") var manifest: String?
  @Option(help: "The Pod name (default: the workspace directory's name).") var name: String?
  @Option(help: "The Pod name, as the new-Pod dialog calls it.") var profilePodName: String?
  @Option(help: "The workspace directory (default: the parent's, else the nearest directory holding .yoi/ or .git, else the current one).") var workspace:
    String?
  @Option(help: "The launch role: orchestrator, intake, reviewer or coder.") var role: String?
  @Option(help: "A catalog model in place of the profile's (see `yoi models`), e.g. anthropic/claude-sonnet-4-6.") var model: String?
  @Option(help: "Spawn as a child of this Pod.") var parent: String?
  @Option(help: "For a child: a rule it is granted, PERMISSION:PATH[:exact] (repeatable).") var scope: [String] = []
  @Option(help: "For a child: a rule of the parent's delegation scope it may delegate in turn (repeatable).") var delegate: [String] = []
  @Flag(help: "Trust project profiles without asking.") var yes = false
  @Flag(help: "Print the new Pod as JSON for scripts.") var json = false

  func validate() throws {
    if profile != nil && manifest != nil { throw ValidationError("--manifest conflicts with --profile: a manifest file is the whole configuration") }
    if name != nil && profilePodName != nil { throw ValidationError("give the Pod name once: --name or --profile-pod-name") }
    if parent == nil && !(scope.isEmpty && delegate.isEmpty) { throw ValidationError("--scope and --delegate need --parent") }
    if parent != nil && scope.isEmpty { throw ValidationError("a child Pod needs at least one --scope rule from its parent's delegation scope") }
  }

  func run() throws {
    _ = try SpawnRendering.spawn(
      PodService.SpawnRequest(
        profile: profile, manifestFile: manifest, name: name ?? profilePodName, workspace: workspace, role: try SpawnRendering.role(role),
        parent: parent, scope: try Self.rules(scope, flag: "--scope"), delegate: try Self.rules(delegate, flag: "--delegate"),
        trustPolicy: ProfileContext.trustPolicy(yes: yes), model: model), json: json)
  }

  /// `PERMISSION:PATH[:exact]` options as typed rules; every malformed one is named.
  static func rules(_ texts: [String], flag: String) throws(YoiError) -> [RequestedScopeRule] {
    var problems: [Diagnostic] = []
    let rules = texts.compactMap { text in
      let rule = RequestedScopeRule(parsing: text)
      if rule == nil {
        problems.append(
          .error("\(flag) \(TerminalText.inline(text)): expected PERMISSION:PATH or PERMISSION:PATH:exact, e.g. write:src", code: .delegation))
      }
      return rule
    }
    if !problems.isEmpty { throw YoiError(problems) }
    return rules
  }
}

/// One spawn, shared by `yoi pod spawn` and the new-Pod dialog: the service resolves,
/// validates and stores; this renders the result and its warnings.
enum SpawnRendering {
  static func spawn(_ request: PodService.SpawnRequest, json: Bool = false) throws -> PodService.Spawned {
    let spawned = try Services.pods().spawn(request)
    if !spawned.warnings.isEmpty { Terminal.report(spawned.warnings) }
    if json {
      guard case .object(var object) = spawned.record.json else { return spawned }
      object["digest"] = .string(spawned.digest)
      Terminal.writeExact(CanonicalJSON.pretty(.object(object)))
    } else {
      Terminal.write("spawned \(spawned.record.name) \(spawned.digest)\n")
    }
    return spawned
  }

  static func role(_ text: String?) throws -> LaunchRole {
    guard let role = LaunchRole.parse(text) else {
      var help = Suggestion.didYouMean(text ?? "", in: LaunchRole.allCases.map(\.rawValue)).map { [$0] } ?? []
      help.append("roles: orchestrator, intake, reviewer, coder (or omit --role for a normal launch)")
      throw YoiError([.error("unknown launch role `\(text ?? "")`", code: .role, help: help)], exitStatus: 2)
    }
    return role
  }
}

struct PodListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List Pods.")

  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let store = try Stores.pods()
    let pods = try store.pods()
    let activity = try store.activity()
    if json {
      let rows: [JSONValue] = pods.map { pod in
        guard case .object(var object) = pod.json else { return pod.json }
        let use = activity[pod.name]
        let holder = Self.status(pod.name)
        object["status"] = .string(holder == nil ? "idle" : "running")
        object["pid"] = holder.map { .integer(Int64($0)) } ?? .null
        object["last_event_at"] = use?.lastEventAt.map { .string($0) } ?? .null
        object["model"] = .string(use?.model ?? "?")
        object["events"] = .integer(Int64(use?.events ?? 0))
        object["input_tokens"] = .integer(use?.inputTokens ?? 0)
        object["output_tokens"] = .integer(use?.outputTokens ?? 0)
        return .object(object)
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(rows)))
      return
    }
    if pods.isEmpty {
      Terminal.write("no Pods yet; create one with `yoi pod spawn` or `yoi new`\n")
      return
    }
    var rows = [["NAME", "STATUS", "LAST ACTIVE", "MODEL", "TOKENS", "PROFILE", "PARENT", "WORKSPACE"]]
    for pod in pods {
      let use = activity[pod.name]
      let status = Self.status(pod.name).map { "running (pid \($0))" } ?? "idle"
      rows.append([
        pod.name, status, use?.lastEventAt.map { Self.ago($0) } ?? "never", use?.model ?? "?", use.map { Self.tokens($0.inputTokens + $0.outputTokens) } ?? "0",
        pod.origin.qualifiedName ?? pod.origin.selector ?? "manifest", pod.parent ?? "-", pod.workspace,
      ])
    }
    Terminal.write(TextTable.render(rows))
  }

  /// The pid of the run holding the Pod, if one does.
  static func status(_ pod: String) -> Int32? { RunLock.holder(dataDirectory: YoiDirectories.from().data, pod: pod) }

  /// `12.3k` tokens.
  static func tokens(_ count: Int64) -> String {
    count < 1000 ? "\(count)" : count < 1_000_000 ? String(format: "%.1fk", Double(count) / 1000) : String(format: "%.1fM", Double(count) / 1_000_000)
  }

  /// An ISO 8601 time as how long ago it was (`5m ago`), or the time itself past a week.
  static func ago(_ time: String, now: Date = Date()) -> String {
    guard let date = try? Date(time, strategy: .iso8601) else { return time }
    let seconds = Int(now.timeIntervalSince(date))
    switch seconds {
    case ..<60: return "just now"
    case ..<3600: return "\(seconds / 60)m ago"
    case ..<86_400: return "\(seconds / 3600)h ago"
    case ..<(7 * 86_400): return "\(seconds / 86_400)d ago"
    default: return String(time.prefix(10))
    }
  }
}

struct PodShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a Pod, its snapshot or its history.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Print the current snapshot (the manifest) as JSON.") var snapshot = false
  @Flag(help: "List every snapshot.") var history = false
  @Flag(help: "Print the Pod record and its snapshot as JSON for scripts.") var json = false

  func run() throws {
    let store = try Stores.pods()
    let pod = try store.pod(named: name)
    let manifest = try store.currentManifest(of: name)
    if snapshot {
      Terminal.writeExact(manifest.prettyJSON)
      return
    }
    if json {
      guard case .object(var object) = pod.json else { return }
      object["manifest"] = .object(manifest.json)
      Terminal.writeExact(CanonicalJSON.pretty(.object(object)))
      return
    }
    var lines = [
      "pod:         \(pod.name)",
      "workspace:   \(pod.workspace)",
      "role:        \(pod.role)",
      "from:        \(describeOrigin(pod.origin))",
      "created:     \(pod.createdAt)   updated: \(pod.updatedAt)",
    ]
    if let parent = pod.parent { lines.append("parent:      \(parent)") }
    if !pod.children.isEmpty { lines.append("children:    \(pod.children.joined(separator: ", "))") }
    lines += ManifestSummary(manifest).lines
    for missing in PodStartChecks.unavailable(for: manifest, secrets: Stores.secrets()) { lines.append("missing:     \(missing)") }
    lines.append("snapshot:    \(manifest.digest)")
    if history {
      let snapshots = try store.history(of: name)
      lines.append("history:")
      for item in snapshots {
        lines.append(
          "  \(item.isCurrent ? "*" : " ") \(item.createdAt)  \(item.reason.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(item.digest)  yoi \(item.yoiVersion), \(item.luaVersion)"
        )
      }
    }
    Terminal.writeLines(lines)
  }
}

extension PodRecord {
  /// What `--json` prints for a Pod.
  var json: JSONValue {
    .object(
      JSONObject([
        ("name", .string(name)), ("workspace", .string(workspace)), ("role", .string(role)),
        ("profile", (origin.qualifiedName ?? origin.selector).map(JSONValue.string) ?? .null),
        ("source_path", origin.sourcePath.map(JSONValue.string) ?? .null), ("source_digest", .string(origin.sourceDigest)),
        ("parent", parent.map(JSONValue.string) ?? .null), ("children", .array(children.map(JSONValue.string))),
        ("digest", .string(currentDigest)), ("created_at", .string(createdAt)), ("updated_at", .string(updatedAt)),
      ]))
  }
}

func describeOrigin(_ origin: PodOrigin) -> String {
  if origin.isManifestFile { return "manifest \(origin.sourcePath ?? "?")" }
  var text = origin.qualifiedName ?? origin.selector ?? "?"
  if let selector = origin.selector, selector != text { text += " (selected as \(selector))" }
  if let path = origin.sourcePath { text += " \(path)" }
  return text + " @\(origin.sourceDigest.prefix(12))"
}

struct PodResumeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resume", abstract: "Show the stored snapshot a Pod runs from (never re-evaluates its profile), and how to run it.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Print the manifest as JSON.") var json = false

  func run() throws {
    let store = try Stores.pods()
    let manifest = try store.currentManifest(of: name)
    if json {
      Terminal.writeExact(manifest.prettyJSON)
      return
    }
    let lines =
      ["\(name): stored snapshot \(manifest.digest) (verified; the profile is not evaluated)"]
      + ManifestSummary(manifest).lines
      + ["", "to work in it: yoi pod run \(name) \"TASK\"   (history: yoi pod log \(name))"]
    Terminal.writeLines(lines)
  }
}

struct PodReresolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reresolve", abstract: "Evaluate a Pod's profile again, show the diff, and replace the snapshot on confirmation.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Option(help: "Re-resolve from this profile instead of the recorded one.") var profile: String?
  @Flag(help: "Accept the new snapshot without asking.") var yes = false

  func run() throws {
    let service = try Services.pods()
    let plan = try service.planReresolve(of: name, profile: profile)
    if plan.diff.changes.isEmpty && plan.pendingTrust == nil {
      Terminal.write("no changes: \(name) keeps its snapshot \(plan.current.digest)\n")
      return
    }
    // What changed comes first; the one confirmation then covers the trust too.
    Terminal.writeLines(Self.describe(plan))
    if let pending = plan.pendingTrust {
      Terminal.writeError(
        "\(pending.entry.qualifiedName) \(pending.reason == .firstUse ? "is not trusted yet" : "changed since you trusted it"); accepting trusts it at its current content.\n"
      )
    }
    let accepted = yes || (isatty(0) != 0 && Prompt.confirm("Replace the snapshot of \(name)? The old one stays in history."))
    guard accepted else {
      var help = ["run again with --yes to accept these changes"]
      if let pending = plan.pendingTrust { help.append("review \(pending.entry.path ?? pending.entry.qualifiedName) first: accepting also trusts it") }
      throw YoiError(
        Diagnostic(
          .error, code: plan.pendingTrust == nil ? .reresolveNotApplied : .trust, message: "the snapshot of \(name) was not replaced",
          help: help, notes: ["what would change:\n" + Self.describe(plan).joined(separator: "\n")]))
    }
    try service.apply(plan)
    Terminal.write("replaced the snapshot of \(name): \(plan.current.digest.prefix(12)) -> \(plan.source.manifest.digest)\n")
  }

  static func describe(_ plan: PodService.ReresolvePlan) -> [String] {
    let changes = plan.diff.changes
    var lines = ["re-resolving \(plan.name) changes \(changes.count) field\(changes.count == 1 ? "" : "s"):"]
    lines += changes.map { "  \(plan.authorityChanges.contains($0.path) ? "!" : " ") \($0.description)" }
    if !plan.authorityChanges.isEmpty { lines.append("  ! = authority change (scope, delegation, model provider, secrets, features)") }
    return lines
  }
}

struct PodRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove a Pod, its snapshots and its transcript.",
    discussion: "Asks first on a terminal, saying how many transcript events go with it; scripts pass --yes.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Remove without asking (for scripts).") var yes = false

  func run() throws {
    let pod = try PodName(name)
    let store = try Stores.pods()
    _ = try store.pod(named: pod.rawValue)
    let events = try store.activity()[pod.rawValue]?.events ?? 0
    let what = "Pod \(name) and its \(events) transcript event\(events == 1 ? "" : "s")"
    if !yes {
      guard isatty(0) != 0 else {
        throw YoiError(
          "not removed: removing \(what) needs confirming, and there is no terminal to ask", code: .usage,
          help: ["pass --yes to remove it from a script"])
      }
      guard Prompt.confirm("Remove \(what)? This cannot be undone.") else {
        throw YoiError("\(name) was not removed", code: .usage)
      }
    }
    // A Pod being run is not removed under its runner.
    let lock = try RunLock(dataDirectory: YoiDirectories.from().data, pod: pod)
    try store.remove(named: pod.rawValue)
    withExtendedLifetime(lock) {}
    Terminal.write("removed \(what)\n")
  }
}

struct PodTasksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "tasks", abstract: "Show a Pod's task list (feature.task).")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Print the list as JSON for scripts.") var json = false

  func run() throws {
    let list = try TaskList.stored(of: name, in: Stores.pods())
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(JSONCoding.encode(list)))
      return
    }
    Terminal.write(list.rendered + "\n")
  }
}

struct PodSecretsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "secrets", abstract: "Show which secrets a Pod references, and whether each is stored.")

  @Argument(help: "The Pod.", completion: NameCompletion.pods) var name: String
  @Flag(help: "Print JSON for scripts (each referenced id and whether it is stored).") var json = false

  func run() throws {
    let store = try Stores.pods()
    let manifest = try store.currentManifest(of: name)
    let references = ManifestSummary(manifest).secretReferences
    if references.isEmpty && !json {
      Terminal.write("\(name) references no secrets\n")
      return
    }
    let secrets = Stores.secrets()
    let stored = try Set(secrets.ids())
    if json {
      Terminal.writeExact(CanonicalJSON.pretty(.array(references.map { .object(JSONObject([("id", .string($0)), ("present", .bool(stored.contains($0)))])) })))
      return
    }
    var rows = [["SECRET", "STATUS"]]
    for reference in references { rows.append([reference, stored.contains(reference) ? "present" : "missing"]) }
    Terminal.write(TextTable.render(rows))
    let missing = references.filter { !stored.contains($0) }
    if !missing.isEmpty {
      throw YoiError(missing.map { .error("secret `\($0)` is missing", code: .secretMissing, help: ["store it with `yoi secret set \($0)`"]) })
    }
  }
}
