import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiPods
import YoiStore

/// The runtime inputs and environment every resolving command shares.
struct RuntimeOptions: ParsableArguments {
  @Option(help: "The Pod name (default: the workspace directory's name, sanitised).")
  var podName: String?

  @Option(help: "The workspace directory (default: the nearest directory holding .yoi/ or .git, else the current one).")
  var workspace: String?

  @Option(help: "The launch role: orchestrator, intake, reviewer or coder (default: a normal launch).")
  var role: String?

  @Flag(help: "Trust project profiles without asking (also YOI_TRUST_PROJECT=1).")
  var yes = false

  func inputs() throws -> ResolutionInputs {
    ResolutionInputs(podName: podName, workspace: context.workspacePath, role: try SpawnRendering.role(role))
  }

  var context: ProfileContext { ProfileContext(workspace: workspace, yes: yes) }

  /// The resolver: the user's model catalog, the registries seen from the workspace, trust.
  func resolver() throws -> ProfileResolver {
    try context.resolver()
  }
}

/// Directories, registries and trust, read once per command.
struct ProfileContext {
  let directories = YoiDirectories.from()
  /// As given; nil means the project the current directory is in (`WorkspaceRoot`).
  let workspace: String?
  let yes: Bool

  var workspacePath: String {
    let current = FileManager.default.currentDirectoryPath
    return workspace.map { PathLexer.join(current, $0) } ?? WorkspaceRoot.nearest(from: current)
  }

  func registry() throws -> ProfileRegistry {
    try ProfileRegistry.discover(directories: directories, workspace: workspacePath)
  }

  func resolver() throws(YoiError) -> ProfileResolver {
    try Self.resolver(directories: directories, workspace: workspacePath, trustPolicy: trustPolicy)
  }

  static func resolver(directories: YoiDirectories, workspace: String, trustPolicy: TrustPolicy) throws(YoiError) -> ProfileResolver {
    let catalog = try ModelCatalogFile.load(configDirectory: directories.config)
    return ProfileResolver(
      catalog: catalog, registry: try ProfileRegistry.discover(directories: directories, workspace: workspace),
      trust: ProjectTrust(dataDirectory: directories.data), trustPolicy: trustPolicy)
  }

  var trustPolicy: TrustPolicy { Self.trustPolicy(yes: yes) }

  /// `--yes` or `YOI_TRUST_PROJECT=1` grant; a terminal asks; anything else requires trust.
  static func trustPolicy(yes: Bool) -> TrustPolicy {
    if yes || Environment.process[.yoiTrustProject] == "1" { return .grant }
    guard isatty(0) != 0, isatty(2) != 0 else { return .require }
    return .ask { request in
      let why = request.reason == .firstUse ? "is not trusted yet" : "changed since you trusted it"
      Terminal.writeError("\(request.entry.qualifiedName) (\(TerminalText.inline(request.entry.path ?? ""))) \(why).\nIt asks for:\n")
      Terminal.writeLines(request.summary.map { "  \($0)" }, toStandardError: true)
      return Prompt.confirm("Trust it?")
    }
  }
}

/// The one y/N question: the prompt on stderr, the answer from stdin; anything but y/yes
/// (including end of input) is no.
enum Prompt {
  static func confirm(_ question: String) -> Bool {
    Terminal.writeError("\(question) [y/N] ")
    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
    return answer == "y" || answer == "yes"
  }
}

/// The Pod services, wired to this process's directories and terminal.
enum Services {
  /// - Parameter store: the store this process already has open: one connection per process.
  static func pods(store: PodStore? = nil) throws -> PodService {
    let directories = YoiDirectories.from()
    return PodService(
      store: try store ?? Stores.pods(), secrets: Stores.secrets(), trust: ProjectTrust(dataDirectory: directories.data), versions: Stores.versions
    ) { workspace, trustPolicy throws(YoiError) in
      try ProfileContext.resolver(directories: directories, workspace: workspace, trustPolicy: trustPolicy)
    }
  }

  /// How Pods run in this process (one store connection, shared with spawned children).
  static func runs() throws -> PodRuns {
    let directories = YoiDirectories.from()
    let store = try Stores.pods()
    return PodRuns(store: store, secrets: Stores.secrets(), dataDirectory: directories.data, configDirectory: directories.config) {
      try Services.pods(store: store)
    }
  }
}
