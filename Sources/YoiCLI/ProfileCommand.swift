import ArgumentParser
import Foundation
import YoiDiagnostics
import YoiManifest
import YoiProfiles

/// `yoi profile ...`: work with profiles.
struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Resolve and check profiles.",
    subcommands: [ProfileResolveCommand.self, ProfileCheckCommand.self]
  )
}

/// The runtime inputs every resolving command takes.
struct RuntimeOptions: ParsableArguments {
  @Option(help: "The Pod name (default: the workspace directory's name, sanitised).")
  var podName: String?

  @Option(help: "The workspace directory (default: the current directory).")
  var workspace: String = "."

  @Option(help: "The launch role: orchestrator, intake, reviewer or coder (default: a normal launch).")
  var role: String?

  func inputs() throws -> ResolutionInputs {
    guard let launchRole = LaunchRole.parse(role) else {
      var help = Suggestion.didYouMean(role ?? "", in: LaunchRole.allCases.map(\.rawValue)).map { [$0] } ?? []
      help.append("roles: orchestrator, intake, reviewer, coder (or omit --role for a normal launch)")
      Terminal.report([.error("unknown launch role `\(role ?? "")`", code: "E-ROLE", help: help)])
      throw ExitCode(2)
    }
    return ResolutionInputs(podName: podName, workspace: workspace, role: launchRole)
  }

  /// A resolver with the model catalog of the user's config directory.
  func resolver() throws -> ProfileResolver {
    let directories = YoiDirectories.from()
    let catalog = try Terminal.reporting { () throws(ProfileError) in
      try ModelCatalogFile.load(configDirectory: directories.config)
    }
    return ProfileResolver(catalog: catalog)
  }
}

struct ProfileResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve",
    abstract: "Print the PodManifest a profile resolves to, as JSON."
  )

  @Argument(help: "The profile: a name, builtin:NAME, or a path to a .lua file.")
  var selector: String

  @OptionGroup var runtime: RuntimeOptions

  @Flag(help: "Print only the manifest's sha256 digest.")
  var digest = false

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    let resolved = try Terminal.reporting { () throws(ProfileError) in
      try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
    }
    Terminal.write(digest ? resolved.manifest.digest + "\n" : resolved.manifest.prettyJSON)
  }
}

struct ProfileCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate profiles and report every problem."
  )

  @Argument(help: "Profiles to check.")
  var selectors: [String]

  @OptionGroup var runtime: RuntimeOptions

  func run() throws {
    let inputs = try runtime.inputs()
    let resolver = try runtime.resolver()
    var failed = false
    for selector in selectors {
      do {
        let resolved = try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs)
        Terminal.writeError("ok: \(selector) (\(resolved.manifest.digest.prefix(12)))\n")
      } catch {
        failed = true
        Terminal.report(error.diagnostics)
      }
    }
    if failed { throw ExitCode(1) }
  }
}
