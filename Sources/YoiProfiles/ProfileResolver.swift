import Foundation
import YoiDiagnostics
import YoiLua
import YoiManifest

/// What a resolution needs beyond the profile: the runtime inputs no profile may decide.
public struct ResolutionInputs: Sendable, Hashable {
  /// The Pod name; nil means the workspace's sanitised basename.
  public var podName: String?
  /// The workspace directory (absolute or relative to the working directory).
  public var workspace: String
  public var role: LaunchRole

  public init(podName: String? = nil, workspace: String, role: LaunchRole = .normal) {
    self.podName = podName
    self.workspace = workspace
    self.role = role
  }

  /// The Pod name where none is given: the basename with each character outside
  /// `[A-Za-z0-9._-]` replaced by `-`, or `workspace` if nothing alphanumeric is left.
  public static func defaultPodName(forWorkspace workspace: String) -> String {
    let base = PathLexer.basename(workspace)
    let sanitised = String(base.unicodeScalars.map { scalar -> Character in
      scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
        ? Character(scalar) : "-"
    })
    let hasAlphanumeric = sanitised.unicodeScalars.contains { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    return hasAlphanumeric ? sanitised : "workspace"
  }
}

/// A resolved profile: the manifest and where it came from.
public struct ResolvedProfile: Sendable {
  public var manifest: PodManifest
  public var source: ProfileSource
}

/// Selector + runtime inputs → validated `PodManifest`. In-process, no Lua state survives.
public struct ProfileResolver: Sendable {
  public var catalog: ModelCatalog
  public var limits: LuaLimits
  /// The working directory relative selectors and workspaces are taken from.
  public var workingDirectory: String

  public init(catalog: ModelCatalog = .builtin, limits: LuaLimits = .default,
              workingDirectory: String = FileManager.default.currentDirectoryPath) {
    self.catalog = catalog
    self.limits = limits
    self.workingDirectory = workingDirectory
  }

  /// Finds the profile a selector names.
  /// - Throws: `ProfileError` for unknown names, `.nix` paths and unreadable files.
  public func source(for selector: ProfileSelector) throws(ProfileError) -> ProfileSource {
    switch selector {
    case .default:
      return try builtin("default")
    case .qualified(.builtin, let name), .bare(let name):
      return try builtin(name)
    case .qualified(let registry, let name):
      throw .single("\(registry.rawValue):\(name): the \(registry.rawValue) registry is not available yet", code: "E-SELECTOR",
                    help: ["use builtin:NAME or a path to a .lua file"])
    case .path(let path):
      if path.hasSuffix(".nix") {
        throw .single(
          "\(path): Nix profiles are no longer evaluated", code: "E-PROFILE-NIX",
          help: ["port it to Lua: `yoi profile new NAME` writes a starter profile that imports its base",
                 "or write the complete manifest as TOML and pass it with --manifest FILE.toml"])
      }
      return try ProfileSource.file(path, relativeTo: workingDirectory)
    }
  }

  private func builtin(_ name: String) throws(ProfileError) -> ProfileSource {
    guard let source = ProfileSource.builtin(name) else {
      var help = Suggestion.closest(to: name, in: BuiltinProfiles.names).map { ["did you mean `builtin:\($0)`?"] } ?? []
      help.append("builtin profiles: \(BuiltinProfiles.names.joined(separator: ", "))")
      throw .single("unknown profile `\(name)`", code: "E-SELECTOR", help: help)
    }
    return source
  }

  /// Evaluates `source` and builds its manifest for `inputs`.
  /// - Throws: `ProfileError` with every problem located in the profile.
  public func resolve(_ source: ProfileSource, inputs: ResolutionInputs, registryName: String? = nil) throws(ProfileError) -> ResolvedProfile {
    let value = try ProfileEvaluator(limits: limits).evaluate(source)
    let decoder = ProfileDecoder(source: source)
    let config = try decoder.decode(value)
    let workspace = PathLexer.join(workingDirectory, inputs.workspace)
    let provenance = Self.provenance(source: source, config: config, registryName: registryName)
    let manifestInputs = ManifestInputs(
      podName: inputs.podName ?? ResolutionInputs.defaultPodName(forWorkspace: workspace),
      workspace: workspace, role: inputs.role,
      baseDirectory: source.directory ?? workspace, provenance: provenance)
    switch PodManifestBuilder(catalog: catalog).build(config, inputs: manifestInputs) {
    case .success(let manifest): return ResolvedProfile(manifest: manifest, source: source)
    case .failure(let failure):
      var diagnostics = decoder.diagnostics(for: failure.problems)
      // A Pod name comes from the command line, not the file: no location.
      for index in diagnostics.indices where failure.problems[index].path == "pod.name" {
        diagnostics[index].location = nil
        diagnostics[index].sourceLine = nil
      }
      throw ProfileError(diagnostics)
    }
  }

  /// Resolves the profile a selector names.
  public func resolve(_ selector: ProfileSelector, inputs: ResolutionInputs) throws(ProfileError) -> ResolvedProfile {
    let registryName: String? = switch selector {
    case .default: "default"
    case .qualified(_, let name), .bare(let name): name
    case .path: nil
    }
    return try resolve(try source(for: selector), inputs: inputs, registryName: registryName)
  }

  static func provenance(source: ProfileSource, config: JSONObject, registryName: String?) -> JSONValue {
    let sourceJSON: JSONValue = switch source.origin {
    case .builtin(let name): ["kind": "registry", "source": "builtin", "name": .string(name)]
    case .file(let path): ["kind": "path", "path": .string(path)]
    }
    let stem: String = switch source.origin {
    case .builtin(let name): name
    case .file(let path): String(PathLexer.basename(path).split(separator: ".").first ?? "")
    }
    let name = config["slug"] ?? registryName.map(JSONValue.string) ?? .string(stem)
    return ["source": sourceJSON, "name": name, "description": config["description"] ?? .null]
  }
}
