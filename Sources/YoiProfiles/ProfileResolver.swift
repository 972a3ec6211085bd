public import Foundation
public import YoiDiagnostics
public import YoiLua
public import YoiManifest

/// What a resolution needs beyond the profile: the runtime inputs no profile may decide.
public struct ResolutionInputs: Sendable, Hashable {
  /// The Pod name; nil means the workspace's sanitised basename.
  public var podName: String?
  /// The workspace directory (absolute or relative to the working directory).
  public var workspace: String
  public var role: LaunchRole
  /// For a child Pod: what its parent granted (replaces the launch policy).
  public var delegation: DelegatedScopes?
  /// A catalog model ref that replaces the profile's model (`--model`), recorded in provenance.
  public var model: String?

  public init(podName: String? = nil, workspace: String, role: LaunchRole = .normal, delegation: DelegatedScopes? = nil, model: String? = nil) {
    self.model = model
    self.podName = podName
    self.workspace = workspace
    self.role = role
    self.delegation = delegation
  }

  /// The Pod name where none is given: the basename with each character outside
  /// `[A-Za-z0-9._-]` replaced by `-`, or `workspace` if nothing alphanumeric is left.
  public static func defaultPodName(forWorkspace workspace: String) -> String {
    let base = PathLexer.basename(workspace)
    let sanitised = String(
      base.unicodeScalars.map { scalar -> Character in
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
  /// The registry entry, when the selector named one.
  public var entry: RegistryEntry?
  /// The local modules the profile loaded.
  var modules: [ModuleLocator.Module]
  /// sha256 over the profile file and every local module it loaded: what trust pins.
  /// Computed when asked (only trust asks), not on every resolve.
  public var contentDigest: String { ProfileResolver.contentDigest(profile: source.text, modules: modules) }
}

/// What a project profile asks for, shown before the user trusts it.
public struct TrustRequest: Sendable {
  public enum Reason: Sendable { case firstUse, changed }
  public var entry: RegistryEntry
  public var reason: Reason
  public var manifest: PodManifest
  public var digest: String

  /// The lines a confirmation shows: model, provider URL, secret references, scope intent, features.
  public var summary: [String] { ManifestSummary(manifest).lines }
}

/// How to treat a project profile that is not trusted yet.
public enum TrustPolicy: Sendable {
  /// Fail with a diagnostic saying how to trust it.
  case require
  /// Trust it and record that (`--yes`, `YOI_TRUST_PROJECT=1`).
  case grant
  /// Ask (an interactive confirmation); true trusts and records it.
  case ask(@Sendable (TrustRequest) -> Bool)
}

/// Selector + runtime inputs → validated `PodManifest`. In-process, no Lua state survives.
public struct ProfileResolver: Sendable {
  public var catalog: ModelCatalog
  public var limits: LuaLimits
  /// The working directory relative selectors and workspaces are taken from.
  public var workingDirectory: String
  /// The registries; nil means builtins only.
  public var registry: ProfileRegistry?
  public var trust: ProjectTrust?
  public var trustPolicy: TrustPolicy

  public init(
    catalog: ModelCatalog = .builtin, limits: LuaLimits = .default,
    workingDirectory: String = FileManager.default.currentDirectoryPath,
    registry: ProfileRegistry? = nil, trust: ProjectTrust? = nil, trustPolicy: TrustPolicy = .require
  ) {
    self.catalog = catalog
    self.limits = limits
    self.workingDirectory = workingDirectory
    self.registry = registry
    self.trust = trust
    self.trustPolicy = trustPolicy
  }

  /// Finds the profile a selector names, and its registry entry.
  /// - Throws: `YoiError` for unknown or ambiguous names, `.nix` paths and unreadable files.
  public func source(for selector: ProfileSelector) throws(YoiError) -> (ProfileSource, RegistryEntry?) {
    if case .path(let path) = selector {
      if path.hasSuffix(".nix") {
        throw YoiError(
          "\(path): Nix profiles are no longer evaluated", code: .profileNix,
          help: [
            "port it to Lua: `yoi profile new NAME` writes a starter profile that imports its base",
            "or write the complete manifest as TOML and pass it with --manifest FILE.toml",
          ])
      }
      try Self.requireLuaFile(path)
      return (try ProfileSource.file(path, relativeTo: workingDirectory), nil)
    }
    let entry: RegistryEntry
    if let registry {
      entry = try registry.entry(for: selector)
    } else {
      let name: String =
        switch selector {
        case .default: "default"
        case .qualified(.builtin, let name), .bare(let name): name
        case .qualified(let source, let name): "\(source.rawValue):\(name)"
        case .path(let path): path
        }
      guard BuiltinProfiles.entry(name) != nil else {
        var help = Suggestion.closest(to: name, in: BuiltinProfiles.names).map { ["did you mean `builtin:\($0)`?"] } ?? []
        help.append("builtin profiles: \(BuiltinProfiles.names.joined(separator: ", "))")
        throw YoiError("unknown profile `\(name)`", code: .selector, help: help)
      }
      entry = RegistryEntry(source: .builtin, name: name, path: nil, description: BuiltinProfiles.descriptions[name], declaredIn: nil)
    }
    guard let path = entry.path else {
      guard let builtin = ProfileSource.builtin(entry.name) else {
        throw YoiError("unknown builtin profile `\(entry.name)`", code: .selector)
      }
      return (builtin, entry)
    }
    try Self.requireLuaFile(path)
    return (try ProfileSource.file(path, relativeTo: workingDirectory), entry)
  }

  /// Profiles are `.lua` files: anything else is refused before it is read, instead of being
  /// parsed as Lua into a confusing syntax error.
  static func requireLuaFile(_ path: String) throws(YoiError) {
    guard !path.hasSuffix(".lua") else { return }
    throw YoiError(
      "\(TerminalText.inline(path)) is not a profile: profiles are Lua files ending in .lua", code: .profileNotLua,
      help: ["write the profile in Lua (`yoi profile new NAME` writes a starter), or pass a complete manifest with --manifest FILE.toml"])
  }

  /// Resolves the profile a selector names.
  public func resolve(_ selector: ProfileSelector, inputs: ResolutionInputs) throws(YoiError) -> ResolvedProfile {
    let (source, entry) = try source(for: selector)
    return try resolve(source, inputs: inputs, entry: entry)
  }

  /// Evaluates `source` and builds its manifest for `inputs`; project profiles must be trusted.
  /// - Throws: `YoiError` with every problem located in the profile.
  public func resolve(_ source: ProfileSource, inputs: ResolutionInputs, entry: RegistryEntry? = nil) throws(YoiError) -> ResolvedProfile {
    let resolved = try resolveUntrusted(source, inputs: inputs, entry: entry)
    if let entry, entry.source == .project { try checkTrust(resolved, entry: entry) }
    return resolved
  }

  /// Resolves without the trust gate, and says whether using the result needs trust first.
  /// For previews (the new-Pod dialog shows what a profile asks for before it is trusted);
  /// nothing is recorded.
  public func preview(_ selector: ProfileSelector, inputs: ResolutionInputs) throws(YoiError) -> (ResolvedProfile, TrustRequest?) {
    let (source, entry) = try source(for: selector)
    let resolved = try resolveUntrusted(source, inputs: inputs, entry: entry)
    guard let entry, entry.source == .project, let path = entry.path else { return (resolved, nil) }
    let recorded = trust?.trustedDigest(for: path)
    let digest = resolved.contentDigest
    if recorded == digest { return (resolved, nil) }
    return (resolved, TrustRequest(entry: entry, reason: recorded == nil ? .firstUse : .changed, manifest: resolved.manifest, digest: digest))
  }

  private func resolveUntrusted(_ source: ProfileSource, inputs: ResolutionInputs, entry: RegistryEntry?) throws(YoiError) -> ResolvedProfile {
    let evaluation = try ProfileEvaluator(limits: limits).evaluateWithModules(source)
    let decoder = ProfileDecoder(source: source)
    let config = try decoder.decode(evaluation.value)
    let manifest = try build(config, source: source, decoder: decoder, inputs: inputs, entry: entry)
    return ResolvedProfile(manifest: manifest, source: source, entry: entry, modules: evaluation.modules)
  }

  private func build(
    _ config: PodManifestConfig, source: ProfileSource, decoder: ProfileDecoder, inputs: ResolutionInputs, entry: RegistryEntry?
  ) throws(YoiError) -> PodManifest {
    let workspace = PathLexer.join(workingDirectory, inputs.workspace)
    var provenance = Self.provenance(source: source, config: config, entry: entry)
    provenance.modelOverride = inputs.model
    let manifestInputs = ManifestInputs(
      podName: inputs.podName ?? ResolutionInputs.defaultPodName(forWorkspace: workspace),
      workspace: workspace, role: inputs.role,
      baseDirectory: source.directory ?? workspace, provenance: provenance, delegation: inputs.delegation, model: inputs.model)
    switch PodManifestBuilder(catalog: catalog).build(config, inputs: manifestInputs) {
    case .success(let manifest): return manifest
    case .failure(let failure):
      throw YoiError(decoder.diagnostics(for: failure.problems))
    }
  }

  private func checkTrust(_ resolved: ResolvedProfile, entry: RegistryEntry) throws(YoiError) {
    guard let trust, let path = entry.path else {
      throw YoiError("\(entry.qualifiedName) needs trust, but no data directory is configured", code: .trust)
    }
    let recorded = trust.trustedDigest(for: path)
    let digest = resolved.contentDigest
    if recorded == digest { return }
    let request = TrustRequest(entry: entry, reason: recorded == nil ? .firstUse : .changed, manifest: resolved.manifest, digest: digest)
    let granted: Bool =
      switch trustPolicy {
      case .grant: true
      case .require: false
      case .ask(let confirm): confirm(request)
      }
    if granted {
      try trust.trust(path: path, digest: digest)
      return
    }
    let why = recorded == nil ? "has not been trusted yet" : "changed since you trusted it"
    throw YoiError([
      Diagnostic(
        code: .trust, message: "project profile \(entry.qualifiedName) \(why)",
        location: entry.declaredIn,
        help: [
          "a project registry comes with the repository (its entries may only name files inside the project); review \(path), then run `yoi profile trust \(entry.qualifiedName)`",
          "or pass --yes (or set YOI_TRUST_PROJECT=1) in scripts",
        ],
        notes: ["it asks for:\n" + request.summary.joined(separator: "\n")])
    ])
  }

  /// What trust pins: sha256 over the profile's text and each local module's path (relative
  /// to the profile's directory, so the digest is the same from any working directory) and
  /// text, each part framed by its length. Lua comments may hold NUL, so separators alone let
  /// a trusted file pass for a different file plus a new module.
  static func contentDigest(profile: String, modules: [ModuleLocator.Module]) -> String {
    var input = Array("yoi-trust-v2\n".utf8)
    func frame(_ text: String) {
      input += Array("\(text.utf8.count):".utf8)
      input += Array(text.utf8)
      input.append(UInt8(ascii: ","))
    }
    frame(profile)
    for module in modules {
      frame(module.relativePath)
      frame(module.text)
    }
    return SHA256.hex(input)
  }

  static func provenance(source: ProfileSource, config: PodManifestConfig, entry: RegistryEntry?) -> ProvenanceSection {
    let recorded: ProvenanceSection.Source? =
      if let entry {
        ProvenanceSection.Source(kind: "registry", source: entry.source.rawValue, name: entry.name, path: entry.path)
      } else if case .file(let path) = source.origin {
        ProvenanceSection.Source(kind: "path", path: path)
      } else {
        nil
      }
    let stem: String =
      switch source.origin {
      case .builtin(let name): name
      case .file(let path): String(PathLexer.basename(path).split(separator: ".").first ?? "")
      }
    let slug: String? = if case .string(let slug)? = config["slug"] { slug } else { nil }
    let description: String? = if case .string(let text)? = config["description"] { text } else { nil }
    return ProvenanceSection(source: recorded, name: slug ?? entry?.name ?? stem, description: description)
  }

}
