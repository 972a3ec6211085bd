import Foundation
public import YoiDiagnostics
import YoiManifest

/// `yoi profile new`: writes a commented starter profile that imports its base and registers
/// it, creating the registry file and directories if needed and keeping the rest of an
/// existing registry file as it was.
public struct ProfileScaffold {
  public enum Destination {
    case user(configDirectory: String)
    case project(workspace: String)
  }

  public struct Created {
    public var profilePath: String
    public var registryPath: String
    public var qualifiedName: String
  }

  public let name: String
  public let base: String

  public init(name: String, base: String) {
    self.name = name
    self.base = base
  }

  /// Creates the profile and its registry entry.
  /// - Throws: `YoiError` for a bad name or base, an existing file or entry, or I/O errors.
  public func create(in destination: Destination) throws(YoiError) -> Created {
    guard ProfileName.isValid(name) else {
      throw YoiError("profile name `\(TerminalText.inline(name))` is not valid: \(ProfileName.rule)", code: .new)
    }
    let baseName = base.hasPrefix("builtin:") ? String(base.dropFirst("builtin:".count)) : base
    guard BuiltinProfiles.entry(baseName) != nil else {
      var help = Suggestion.closest(to: baseName, in: BuiltinProfiles.names).map { ["did you mean `builtin:\($0)`?"] } ?? []
      help.append("a new profile imports a builtin: \(BuiltinProfiles.names.joined(separator: ", "))")
      throw YoiError("--from must name a builtin profile, got `\(base)`", code: .new, help: help)
    }
    let (directory, source): (String, ProfileSelector.RegistrySource) =
      switch destination {
      case .user(let config): (config, .user)
      case .project(let workspace): (PathLexer.join(workspace, ".yoi"), .project)
      }
    let registryPath = directory + "/profiles.toml"
    let relative = "profiles/\(name).lua"
    let profilePath = PathLexer.join(directory, relative)
    let existing = FileManager.default.contents(atPath: registryPath).map { String(decoding: $0, as: UTF8.self) }
    if existing != nil {
      let registry = try RegistryFile.read(registryPath, source: source)
      if registry.entries.contains(where: { $0.name == name }) {
        throw YoiError("\(source.rawValue):\(name) is already registered in \(registryPath)", code: .new)
      }
    }
    if FileManager.default.fileExists(atPath: profilePath) {
      throw YoiError("\(profilePath) already exists", code: .new, help: ["choose another name, or register the existing file by hand"])
    }
    var registryText = existing ?? "# yoi profile registry: names for profile files (paths relative to this file).\n"
    if !registryText.hasSuffix("\n") { registryText += "\n" }
    registryText += "\n[profile.\(name)]\npath = \"\(relative)\"\ndescription = \"\(name) (from builtin:\(baseName))\"\n"
    do {
      try FileManager.default.createDirectory(atPath: PathLexer.dirname(profilePath), withIntermediateDirectories: true)
      try Data(starter(baseName: baseName, qualified: "\(source.rawValue):\(name)").utf8).write(
        to: URL(fileURLWithPath: profilePath), options: .withoutOverwriting)
      try Data(registryText.utf8).write(to: URL(fileURLWithPath: registryPath), options: .atomic)
    } catch {
      throw YoiError("cannot write the new profile: \(error.localizedDescription)", code: .new)
    }
    return Created(profilePath: profilePath, registryPath: registryPath, qualifiedName: "\(source.rawValue):\(name)")
  }

  func starter(baseName: String, qualified: String) -> String {
    """
    -- \(name): a yoi profile.
    --   check it:  yoi profile check \(qualified)
    --   see it:    yoi profile show \(qualified)
    --   use it:    yoi pod spawn --profile \(qualified)
    local yoi = require("yoi")

    -- Start from builtin:\(baseName) and change what you need. Assigning a field replaces
    -- it whole: there is no hidden merge.
    local p = yoi.profile.import("builtin:\(baseName)")

    p.slug = "\(name)"
    p.description = "\(name) (from builtin:\(baseName))"

    -- The model and how hard it thinks:
    -- p.model = yoi.models.catalog("anthropic/claude-sonnet-4-6")
    -- p.worker.reasoning = "medium"

    -- Compaction as fractions of the model's context window:
    -- p.compaction = yoi.compact.ratio { threshold = 0.5, request = 0.75, worker = 0.25 }

    -- File access is an intent; the launch role decides the concrete rules:
    -- p.scope = yoi.scope.workspace_write { deny_write = { ".git" } }

    -- Secrets are references, never values (store them with `yoi secret set ID`):
    -- p.model.auth = yoi.secret("providers/anthropic/default")

    return p

    """
  }
}
