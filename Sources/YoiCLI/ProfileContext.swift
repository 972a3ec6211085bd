import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles

/// The runtime inputs and environment every resolving command shares.
struct RuntimeOptions: ParsableArguments {
  @Option(help: "The Pod name (default: the workspace directory's name, sanitised).")
  var podName: String?

  @Option(help: "The workspace directory (default: the current directory).")
  var workspace: String = "."

  @Option(help: "The launch role: orchestrator, intake, reviewer or coder (default: a normal launch).")
  var role: String?

  @Flag(help: "Trust project profiles without asking (also YOI_TRUST_PROJECT=1).")
  var yes = false

  func inputs() throws -> ResolutionInputs {
    guard let launchRole = LaunchRole.parse(role) else {
      var help = Suggestion.didYouMean(role ?? "", in: LaunchRole.allCases.map(\.rawValue)).map { [$0] } ?? []
      help.append("roles: orchestrator, intake, reviewer, coder (or omit --role for a normal launch)")
      throw CommandFailure([.error("unknown launch role `\(role ?? "")`", code: "E-ROLE", help: help)], exitCode: 2)
    }
    return ResolutionInputs(podName: podName, workspace: workspace, role: launchRole)
  }

  /// The resolver: the user's model catalog, the registries seen from the workspace, trust.
  func resolver() throws -> ProfileResolver {
    try ProfileContext(workspace: workspace, yes: yes).resolver()
  }
}

/// Directories, registries and trust, read once per command.
struct ProfileContext {
  let directories = YoiDirectories.from()
  let workspace: String
  let yes: Bool

  var workspacePath: String { PathLexer.join(FileManager.default.currentDirectoryPath, workspace) }

  func registry() throws -> ProfileRegistry {
    try ProfileRegistry.discover(directories: directories, workspace: workspacePath)
  }

  func resolver() throws -> ProfileResolver {
    let catalog = try ModelCatalogFile.load(configDirectory: directories.config)
    return ProfileResolver(
      catalog: catalog, registry: try registry(), trust: ProjectTrust(dataDirectory: directories.data),
      trustPolicy: trustPolicy)
  }

  var trustPolicy: TrustPolicy {
    if yes || ProcessInfo.processInfo.environment["YOI_TRUST_PROJECT"] == "1" { return .grant }
    guard isatty(0) != 0, isatty(2) != 0 else { return .require }
    return .ask { request in
      let why = request.reason == .firstUse ? "is not trusted yet" : "changed since you trusted it"
      var text = "\(request.entry.qualifiedName) (\(TerminalText.inline(request.entry.path ?? ""))) \(why).\nIt asks for:\n"
      text += request.summary.map { "  \($0)\n" }.joined()
      text += "Trust it? [y/N] "
      Terminal.writeError(text)
      let answer = readLine()?.lowercased() ?? ""
      return answer == "y" || answer == "yes"
    }
  }
}
