import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiLua
import YoiManifest
import YoiProfiles
import YoiStore

/// `yoi pod ...`: Pods and their stored snapshots.
struct PodCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pod",
    abstract: "Spawn, inspect, resume and re-resolve Pods.",
    subcommands: [PodSpawnCommand.self, PodListCommand.self, PodShowCommand.self, PodResumeCommand.self,
                  PodReresolveCommand.self, PodRemoveCommand.self, PodSecretsCommand.self]
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

/// What `spawn` and `reresolve` resolve: a profile or a manifest file, with the record of where it came from.
struct PodSourceResolution {
  var manifest: PodManifest
  var origin: PodOrigin

  static func resolve(profile: String?, manifestFile: String?, inputs: ResolutionInputs, context: ProfileContext) throws -> PodSourceResolution {
    let resolver = try context.resolver()
    return try { () throws(ProfileError) -> PodSourceResolution in
      if let manifestFile {
        let manifest = try ManifestFile.resolve(manifestFile, inputs: inputs, resolver: resolver)
        let path = PathLexer.join(resolver.workingDirectory, manifestFile)
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return PodSourceResolution(manifest: manifest, origin: PodOrigin(
          selector: nil, qualifiedName: nil, sourcePath: path, sourceDigest: SHA256.hex(text.utf8), isManifestFile: true))
      }
      let selector = profile ?? "default"
      let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
      let sourcePath: String? = if case .file(let path) = resolved.source.origin { path } else { nil }
      return PodSourceResolution(manifest: resolved.manifest, origin: PodOrigin(
        selector: selector, qualifiedName: resolved.entry?.qualifiedName, sourcePath: sourcePath, sourceDigest: resolved.contentDigest))
    }()
  }
}

struct PodSpawnCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "spawn", abstract: "Resolve a profile and store a new Pod with its snapshot.")

  @Option(help: "The profile (default: the registry default).") var profile: String?
  @Option(help: "A TOML manifest file instead of a profile.") var manifest: String?
  @Option(help: "The Pod name (default: the workspace directory's name).") var name: String?
  @Option(help: "The Pod name, as the new-Pod dialog calls it.") var profilePodName: String?
  @Option(help: "The workspace directory (default: the current directory, or the parent's).") var workspace: String?
  @Option(help: "The launch role: orchestrator, intake, reviewer or coder.") var role: String?
  @Option(help: "Spawn as a child of this Pod.") var parent: String?
  @Option(help: "For a child: a rule it is granted, PERMISSION:PATH[:exact] (repeatable).") var scope: [String] = []
  @Option(help: "For a child: a rule of the parent's delegation scope it may delegate in turn (repeatable).") var delegate: [String] = []
  @Flag(help: "Trust project profiles without asking.") var yes = false

  func validate() throws {
    if profile != nil && manifest != nil { throw ValidationError("--manifest conflicts with --profile: a manifest file is the whole configuration") }
    if name != nil && profilePodName != nil { throw ValidationError("give the Pod name once: --name or --profile-pod-name") }
    if parent == nil && !(scope.isEmpty && delegate.isEmpty) { throw ValidationError("--scope and --delegate need --parent") }
    if parent != nil && scope.isEmpty { throw ValidationError("a child Pod needs at least one --scope rule from its parent's delegation scope") }
  }

  func run() throws {
    let request = PodSpawnRequest(
      profile: profile, manifest: manifest, name: name ?? profilePodName, workspace: workspace, role: role,
      parent: parent, scope: scope, delegate: delegate, yes: yes)
    let (record, digest) = try request.perform()
    Terminal.write("spawned \(record.name) \(digest)\n")
  }
}

/// One spawn, shared by `yoi pod spawn` and the new-Pod dialog: resolve, validate, and store
/// the Pod with its snapshot (and, for a child, the parent's new scope) in one transaction.
struct PodSpawnRequest {
  var profile: String?
  var manifest: String?
  var name: String?
  var workspace: String?
  var role: String?
  var parent: String?
  var scope: [String] = []
  var delegate: [String] = []
  var yes = false

  func perform() throws -> (PodRecord, String) {
    let store = try Stores.pods()
    var parentRecord: PodRecord?
    var parentManifest: PodManifest?
    if let parent {
      parentRecord = try store.pod(named: parent)
      parentManifest = try store.currentManifest(of: parent)
    }
    let workspacePath = PathLexer.join(FileManager.default.currentDirectoryPath, workspace ?? parentRecord?.workspace ?? ".")
    let runtime = try RuntimeOptions.parse(["--workspace", workspacePath] + (role.map { ["--role", $0] } ?? []))
    var inputs = try runtime.inputs()
    inputs.podName = name
    var parentAfter: PodManifest?
    if let parent, let parentManifest {
      let delegated = try grant(parent: parent, parentManifest: parentManifest, workspace: workspacePath)
      inputs.delegation = delegated.scopes
      parentAfter = delegated.parentAfter
    }
    let context = ProfileContext(workspace: workspacePath, yes: yes)
    let resolution = try PodSourceResolution.resolve(profile: profile, manifestFile: manifest, inputs: inputs, context: context)
    let record = try store.spawn( PodStore.Spawn( name: resolution.manifest.podName, workspace: workspacePath, role: inputs.role.rawValue, origin: resolution.origin, manifest: resolution.manifest, parent: parent.map { ($0, parentAfter) }), versions: Stores.versions)
    return (record, resolution.manifest.digest)
  }

  /// Validates the requested rules against the parent's delegation scope.
  private func grant(parent: String, parentManifest: PodManifest, workspace: String) throws -> (scopes: DelegatedScopes, parentAfter: PodManifest?) {
    let parentDelegation = Delegation.rules(in: parentManifest, section: "delegation_scope")
    var problems: [Diagnostic] = []
    func parse(_ texts: [String], flag: String) -> [ScopeRule] {
      texts.compactMap { text in
        guard let rule = Delegation.parseRule(text, workspace: workspace) else {
          problems.append(.error("\(flag) \(text): expected PERMISSION:PATH or PERMISSION:PATH:exact, e.g. write:src", code: "E-DELEGATION"))
          return nil
        }
        if let problem = Delegation.problem(delegating: rule, from: parentDelegation) {
          problems.append(.error("\(flag) \(text): \(problem)", code: "E-DELEGATION",
                                 help: ["a child can only get what \(parent) may delegate; see `yoi pod show \(parent)`"]))
          return nil
        }
        return rule
      }
    }
    let granted = parse(scope, flag: "--scope")
    let delegated = parse(delegate, flag: "--delegate")
    if !problems.isEmpty {
      throw CommandFailure(problems)
    }
    let scopes = DelegatedScopes(
      parent: parent, scope: Delegation.childScope(granted: granted, parent: parentDelegation),
      delegation: ScopeRules(allow: delegated, deny: parentDelegation.deny))
    let parentScope = Delegation.rules(in: parentManifest, section: "scope")
    let after = Delegation.parentScopeAfterDelegating(granted, scope: parentScope)
    return (scopes, after == parentScope ? nil : parentManifest.withScope(after))
  }
}

struct PodListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List Pods.")

  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let store = try Stores.pods()
    let pods = try store.pods()
    if json {
      let items: [JSONValue] = pods.map { pod in
        .object(JSONObject([
          ("name", .string(pod.name)), ("workspace", .string(pod.workspace)), ("role", .string(pod.role)),
          ("profile", (pod.origin.qualifiedName ?? pod.origin.selector).map(JSONValue.string) ?? .null),
          ("source_path", pod.origin.sourcePath.map(JSONValue.string) ?? .null),
          ("parent", pod.parent.map(JSONValue.string) ?? .null), ("children", .array(pod.children.map(JSONValue.string))),
          ("created_at", .string(pod.createdAt)), ("updated_at", .string(pod.updatedAt)),
        ]))
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(items)))
      return
    }
    if pods.isEmpty {
      Terminal.write("no Pods yet; create one with `yoi pod spawn` or `yoi new`\n")
      return
    }
    var rows = [["NAME", "PROFILE", "ROLE", "PARENT", "WORKSPACE"]]
    for pod in pods {
      rows.append([pod.name, pod.origin.qualifiedName ?? pod.origin.selector ?? "manifest", pod.role, pod.parent ?? "-", pod.workspace])
    }
    Terminal.write(TextTable.render(rows))
  }
}

struct PodShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a Pod, its snapshot or its history.")

  @Argument(help: "The Pod.") var name: String
  @Flag(help: "Print the current snapshot (the manifest) as JSON.") var snapshot = false
  @Flag(help: "List every snapshot.") var history = false

  func run() throws {
    let store = try Stores.pods()
    let pod = try store.pod(named: name)
    let manifest = try store.currentManifest(of: name)
    if snapshot {
      Terminal.writeExact(manifest.prettyJSON)
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
    lines.append("snapshot:    \(manifest.digest)")
    if history {
      let snapshots = try store.history(of: name)
      lines.append("history:")
      for item in snapshots {
        lines.append("  \(item.isCurrent ? "*" : " ") \(item.createdAt)  \(item.reason.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(item.digest)  yoi \(item.yoiVersion), \(item.luaVersion)")
      }
    }
    Terminal.writeLines(lines)
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
    commandName: "resume", abstract: "Load a Pod's stored snapshot verbatim (never re-evaluates its profile).")

  @Argument(help: "The Pod.") var name: String
  @Flag(help: "Print the manifest as JSON.") var json = false

  func run() throws {
    let store = try Stores.pods()
    let manifest = try store.currentManifest(of: name)
    if json {
      Terminal.writeExact(manifest.prettyJSON)
      return
    }
    let lines = ["resuming \(name) from its stored snapshot \(manifest.digest) (verified; the profile is not evaluated)"]
      + ManifestSummary(manifest).lines
    Terminal.writeLines(lines)
  }
}

struct PodReresolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reresolve", abstract: "Evaluate a Pod's profile again, show the diff, and replace the snapshot on confirmation.")

  @Argument(help: "The Pod.") var name: String
  @Option(help: "Re-resolve from this profile instead of the recorded one.") var profile: String?
  @Flag(help: "Accept the new snapshot without asking.") var yes = false

  /// Changes to these fields change what the Pod may do or reach; they are highlighted.
  static let authorityPaths = ["scope", "delegation_scope", "model.ref", "model.base_url", "model.scheme", "model.auth", "feature", "web.search.api_key_secret", "web.allow_private_addresses", "web.fetch.allow_private_addresses", "permissions"]

  func run() throws {
    let store = try Stores.pods()
    let pod = try store.pod(named: name)
    let current = try store.currentManifest(of: name)
    guard let role = LaunchRole(rawValue: pod.role) else {
      throw CommandFailure(.error("\(name) records the launch role `\(pod.role)`, which this yoi does not know", code: "E-STORE"))
    }
    var inputs = ResolutionInputs(podName: pod.name, workspace: pod.workspace, role: role)
    if let parent = pod.parent {
      // A child keeps exactly what it was granted.
      inputs.delegation = DelegatedScopes(
        parent: parent, scope: Delegation.rules(in: current, section: "scope"), delegation: Delegation.rules(in: current, section: "delegation_scope"))
    }
    let context = ProfileContext(workspace: pod.workspace, yes: yes)
    let manifestFile = profile == nil && pod.origin.isManifestFile ? pod.origin.sourcePath : nil
    let resolution = try PodSourceResolution.resolve(
      profile: profile ?? pod.origin.selector, manifestFile: manifestFile, inputs: inputs, context: context)
    let diff = ManifestDiff(from: current, to: resolution.manifest)
    if diff.changes.isEmpty {
      Terminal.write("no changes: \(name) keeps its snapshot \(current.digest)\n")
      return
    }
    let authority = Set(diff.touches(Self.authorityPaths).map(\.path))
    var text = "re-resolving \(name) changes \(diff.changes.count) field\(diff.changes.count == 1 ? "" : "s"):\n"
    text += diff.changes.map { "  \(authority.contains($0.path) ? "!" : " ") \($0.description)\n" }.joined()
    if !authority.isEmpty {
      text += "  ! = authority change (scope, delegation, model provider, secrets, features)\n"
    }
    Terminal.write(text)
    var accepted = yes
    if !accepted && isatty(0) != 0 {
      Terminal.writeError("Replace the snapshot of \(name)? The old one stays in history. [y/N] ")
      let answer = readLine()?.lowercased() ?? ""
      accepted = answer == "y" || answer == "yes"
    }
    guard accepted else {
      throw CommandFailure([Diagnostic(.error, code: "E-RERESOLVE-NOT-APPLIED", message: "the snapshot of \(name) was not replaced",
                                  help: ["run again with --yes to accept these changes"])])
    }
    try store.replaceSnapshot(of: name, with: resolution.manifest, origin: resolution.origin, reason: .reresolve, versions: Stores.versions)
    Terminal.write("replaced the snapshot of \(name): \(current.digest.prefix(12)) -> \(resolution.manifest.digest)\n")
  }
}

struct PodRemoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a Pod and its snapshots.")

  @Argument(help: "The Pod.") var name: String

  func run() throws {
    let store = try Stores.pods()
    try store.remove(named: name)
    Terminal.write("removed \(name)\n")
  }
}

struct PodSecretsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "secrets", abstract: "Show which secrets a Pod references, and whether each is stored.")

  @Argument(help: "The Pod.") var name: String

  func run() throws {
    let store = try Stores.pods()
    let manifest = try store.currentManifest(of: name)
    let references = ManifestSummary(manifest).secretReferences
    if references.isEmpty {
      Terminal.write("\(name) references no secrets\n")
      return
    }
    let secrets = Stores.secrets()
    let stored = try Set(secrets.ids())
    var rows = [["SECRET", "STATUS"]]
    for reference in references { rows.append([reference, stored.contains(reference) ? "present" : "missing"]) }
    Terminal.write(TextTable.render(rows))
    let missing = references.filter { !stored.contains($0) }
    if !missing.isEmpty {
      throw CommandFailure(missing.map { .error("secret `\($0)` is missing", code: "E-SECRET-MISSING", help: ["store it with `yoi secret set \($0)`"]) })
    }
  }
}
