import YoiDiagnostics

/// The runtime inputs of a resolution: what no profile may decide.
public struct ManifestInputs: Sendable, Hashable {
  public var podName: String
  /// Absolute, normalised workspace directory.
  public var workspace: String
  public var role: LaunchRole
  /// Where relative paths in the configuration are resolved (the profile's directory, or
  /// the workspace for builtins).
  public var baseDirectory: String
  /// `profile` provenance to record, or nil for `--manifest` files.
  public var provenance: ProvenanceSection?
  /// For a child Pod: its parent and the scopes it was granted, which replace the launch policy.
  public var delegation: DelegatedScopes?
  /// A catalog model chosen at spawn (`--model`): it replaces the profile's model whole.
  public var model: String?

  public init(
    podName: String, workspace: String, role: LaunchRole, baseDirectory: String, provenance: ProvenanceSection?,
    delegation: DelegatedScopes? = nil, model: String? = nil
  ) {
    self.model = model
    self.podName = podName
    self.workspace = workspace
    self.role = role
    self.baseDirectory = baseDirectory
    self.provenance = provenance
    self.delegation = delegation
  }
}

/// What a parent granted a child: exactly these rules, nothing from the launch policy.
public struct DelegatedScopes: Sendable, Hashable {
  public var parent: String
  public var scope: ScopeRules
  public var delegation: ScopeRules

  public init(parent: String, scope: ScopeRules, delegation: ScopeRules) {
    self.parent = parent
    self.scope = scope
    self.delegation = delegation
  }
}

/// The `PodManifestConfig → PodManifest` boundary: a validated, all-optional configuration
/// plus runtime inputs become a complete manifest with every default filled in and every
/// cross-field rule checked. All problems are collected.
public struct PodManifestBuilder {
  public var catalog: ModelCatalog

  public init(catalog: ModelCatalog = .builtin) {
    self.catalog = catalog
  }

  /// The manifest, or every problem found.
  public func build(_ config: PodManifestConfig, inputs: ManifestInputs) -> Result<PodManifest, ManifestProblems> {
    var problems: [ConfigProblem] = []
    let base = inputs.baseDirectory

    if !PodName.isValid(inputs.podName) {
      problems.append(
        ConfigProblem(
          path: "pod.name", message: "invalid Pod name \"\(inputs.podName)\"",
          help: ["use letters, digits, `.`, `_` and `-` (not `.` or `..`)"]))
    }
    // The document is assembled from the configuration with the schema's defaults, then
    // decoded into the typed sections; the manifest is those sections encoded.
    var document = JSONObject()
    document["pod"] = ["name": .string(inputs.podName), "parent": inputs.delegation.map { .string($0.parent) } ?? .null, "prompt_pack": .null]
    var modelConfig = config["model"]?.objectValue ?? JSONObject()
    if let chosen = inputs.model {
      if catalog.models[chosen] == nil {
        var help = Suggestion.didYouMean(chosen, in: Array(catalog.models.keys)).map { [$0] } ?? []
        help.append("`yoi models` lists the catalog; add a model to <config>/models.toml")
        problems.append(ConfigProblem(path: "model.ref", message: "--model \(chosen) is not in the model catalog", help: help))
      }
      modelConfig = JSONObject([(key: "ref", value: .string(chosen))])
    }
    let model = buildModel(modelConfig, base: base, problems: &problems)
    document["model"] = .object(model)
    for name in ["worker", "session", "feature"] {
      document[name] = .object(ConfigSchema.manifestSchema(of: name).completing(config[name]?.objectValue ?? JSONObject(), resolvingAgainst: base))
    }
    if let servers = config["mcp"]?.objectValue?["servers"], case .array(let items) = servers {
      problems += Self.checkServers(items)
    }
    for name in ["memory", "web", "skills", "mcp"] {
      // Memory switched on without a `memory` section runs with the section's defaults, which
      // the snapshot then records.
      let memoryDefaults: JSONValue? = name == "memory" && Self.enables(config, "memory") ? .object(JSONObject()) : nil
      document[name] =
        (config[name] ?? memoryDefaults).map {
          .object(ConfigSchema.manifestSchema(of: name).completing($0.objectValue ?? JSONObject(), resolvingAgainst: base))
        } ?? .null
    }
    document["permissions"] =
      config["permissions"].map { permissions in
        if permissions.objectValue?["default_action"] == nil {
          problems.append(
            ConfigProblem(
              path: "permissions.default_action", message: "permissions needs a default_action (what happens to a call no rule matches)",
              help: ["add default_action = \"ask\" (or \"allow\" / \"deny\"), or use a preset"]))
        }
        return .object(ConfigSchema.permissions.completing(permissions.objectValue ?? JSONObject(), resolvingAgainst: base))
      } ?? .null
    document["compaction"] = config["compaction"].map { buildCompaction($0.objectValue ?? JSONObject(), model: model, problems: &problems) } ?? .null

    let policy = inputs.delegation.map { ($0.scope, $0.delegation) } ?? LaunchPolicy.rules(for: inputs.role, workspace: inputs.workspace)
    let scope = LaunchPolicy.narrow(policy.0, by: Self.intent(config["scope"]), workspace: inputs.workspace)
    let delegation = LaunchPolicy.narrow(policy.1, by: Self.intent(config["delegation_scope"]), workspace: inputs.workspace)
    document["scope"] = JSONCoding.encode(scope)
    document["delegation_scope"] = JSONCoding.encode(delegation)
    document["profile"] = inputs.provenance.map { JSONCoding.encode($0, nils: .null) } ?? .null

    guard problems.isEmpty else { return .failure(ManifestProblems(problems: problems)) }
    let sections: ManifestSections
    do {
      sections = try JSONCoding.decode(ManifestSections.self, from: .object(document))
    } catch {
      // The configuration was validated against the schema, and the defaults come from it:
      // a failure here is a bug in yoi, reported rather than trapped.
      return .failure(ManifestProblems(problems: [ConfigProblem(path: "", message: "yoi built a manifest it cannot read (a bug): \(error)")]))
    }

    // Cross-field rules, checked at resolve time rather than at Pod start.
    if sections.feature.isEnabled(.memory), sections.memory == nil {
      problems.append(
        ConfigProblem(
          path: "feature.memory", message: "feature.memory is enabled but there is no `memory` section",
          help: ["add memory = { ... } or set feature.memory = { enabled = false }"]))
    }
    if sections.feature.isEnabled(.pods), delegation.allow.isEmpty, let parent = inputs.delegation?.parent {
      problems.append(
        ConfigProblem(
          path: "feature.pods",
          message: "feature.pods is enabled but the child was granted no delegation scope by \(parent), so it could never spawn a Pod",
          help: ["grant part of the parent's delegation scope with --delegate PERMISSION:PATH, or use a profile with feature.pods = { enabled = false }"]))
    } else if sections.feature.isEnabled(.pods), delegation.allow.isEmpty {
      let role = inputs.role == .normal ? "this launch" : "the \(inputs.role.rawValue) role"
      problems.append(
        ConfigProblem(
          path: "feature.pods",
          message: "feature.pods is enabled but \(role) grants no delegation scope, so the Pod could never spawn a child",
          help: ["set feature.pods = { enabled = false }, or launch without --role \(inputs.role.rawValue)"]))
    }
    if let compaction = sections.compaction, let threshold = compaction.threshold, let request = compaction.requestThreshold, threshold > request {
      problems.append(
        ConfigProblem(
          path: "compaction.threshold",
          message: "compaction.threshold (\(threshold)) must not exceed compaction.request_threshold (\(request))"))
    }
    return problems.isEmpty ? .success(PodManifest(sections: sections)) : .failure(ManifestProblems(problems: problems))
  }

  /// MCP server names: `[a-z0-9_-]{1,32}`, unique (tools are `mcp__NAME__TOOL`); a command is
  /// a program at least; a URL is http(s).
  static func checkServers(_ items: [JSONValue]) -> [ConfigProblem] {
    var problems: [ConfigProblem] = []
    var seen: Set<String> = []
    for (index, item) in items.enumerated() {
      let path = "mcp.servers[\(index + 1)]"
      guard case .object(let server) = item else { continue }
      if case .string(let name)? = server["name"] {
        let valid =
          (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
        if !valid {
          problems.append(ConfigProblem(path: path + ".name", message: "`\(name)` is not a server name: lowercase letters, digits, `_` and `-`, at most 32"))
        } else if !seen.insert(name).inserted {
          problems.append(ConfigProblem(path: path + ".name", message: "a second server named `\(name)`; server names are unique"))
        }
      }
      if case .array(let command)? = server["command"], command.isEmpty {
        problems.append(ConfigProblem(path: path + ".command", message: "the command is empty; give the program and its arguments"))
      }
      if case .string(let url)? = server["url"], !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
        problems.append(ConfigProblem(path: path + ".url", message: "`\(url)` is not an http(s) URL"))
      }
    }
    return problems
  }

  /// Whether the configuration turns `feature` on.
  static func enables(_ config: PodManifestConfig, _ feature: String) -> Bool {
    guard case .object(let features)? = config["feature"], case .object(let section)? = features[feature] else { return false }
    return section["enabled"] == .bool(true)
  }

  /// The model section: the catalog fills what a catalog ref leaves out, the schema the rest.
  private func buildModel(_ config: JSONObject, base: String, problems: inout [ConfigProblem]) -> JSONObject {
    var model = config
    if case .string(let ref)? = config["ref"] {
      let providerName = ModelCatalog.provider(of: ref)
      let provider = catalog.providers[providerName]
      if provider == nil, config["scheme"] == nil || config["base_url"] == nil {
        problems.append(
          ConfigProblem(
            path: "model.ref", message: "unknown model provider \"\(providerName)\"",
            help: ["set model.scheme and model.base_url for it, or use one of: \(catalog.providers.keys.sorted().joined(separator: ", "))"]))
      }
      model["scheme"] = config["scheme"] ?? provider.map { .string($0.scheme) }
      model["base_url"] = config["base_url"] ?? provider.map { .string($0.baseURL) }
      model["model_id"] = config["model_id"] ?? .string(String(ref.drop { $0 != "/" }.dropFirst()))
      model["auth"] = config["auth"] ?? provider.map { JSONCoding.encode($0.auth) }
      let known = catalog.models[ref]
      model["context_window"] = config["context_window"] ?? known.map { .integer($0.contextWindow) }
      // The catalog says whether the model reasons; a profile's own flag wins.
      if let known, case .object(var flags) = config["capability"] ?? .object(JSONObject()), flags["reasoning"] == nil {
        flags["reasoning"] = .bool(known.reasoning)
        model["capability"] = .object(flags)
      }
    } else if case .string(let scheme)? = config["scheme"], case .string = config["model_id"] {
      // An inline model: a scheme and a model id are a model, no catalog ref needed.
      model["base_url"] = config["base_url"] ?? ModelCatalog.officialEndpoints[scheme].map(JSONValue.string)
    } else {
      let path = config["scheme"] != nil ? "model.model_id" : config["model_id"] != nil ? "model.scheme" : "model.ref"
      problems.append(
        ConfigProblem(
          path: path,
          message: config["scheme"] != nil || config["model_id"] != nil
            ? "an inline model needs both `scheme` and `model_id`" : "a model is required",
          help: [
            "name a catalog model: model = yoi.models.catalog(\"anthropic/claude-sonnet-4-6\") (or import builtin:default)",
            "or write one inline: model = { scheme = \"openai_chat\", model_id = \"qwen3-coder\", base_url = \"http://127.0.0.1:11434/v1\" }",
          ]))
    }
    return ConfigSchema.model.completing(model, resolvingAgainst: base)
  }

  /// Fills token defaults; turns a ratio preset into token counts of the model's window.
  private func buildCompaction(_ config: JSONObject, model: JSONObject, problems: inout [ConfigProblem]) -> JSONValue {
    guard config["kind"] == "ratio" else { return .object(ConfigSchema.compactionTokens.completing(config, resolvingAgainst: nil)) }
    var counts = JSONObject()
    let window = model["context_window"]?.integerValue
    let maximum = model["max_context_window"]?.integerValue
    let effective: Int64? =
      switch (window, maximum) {
      case (let window?, let maximum?): min(window, maximum)
      case (let window?, nil): window
      case (nil, let maximum?): maximum
      case (nil, nil): nil
      }
    if let effective {
      for field in ConfigSchema.compactionRatio.fields {
        if case .number(let fraction)? = config[field.name] {
          counts[field.name] = .integer(Int64((Double(effective) * fraction).rounded(.down)))
        }
      }
    } else {
      let ref = model["ref"]?.stringValue ?? "this model"
      problems.append(
        ConfigProblem(
          path: "compaction", message: "compaction ratios need the model's context window, and \(ref) is not in the model catalog",
          help: [
            "use yoi.compact.tokens { threshold = ..., request_threshold = ... } with explicit token counts",
            "or set model.context_window (e.g. model = { ref = \"\(ref)\", context_window = 200000 })",
          ]))
    }
    return .object(ConfigSchema.compactionTokens.completing(counts, resolvingAgainst: nil))
  }

  static func intent(_ value: JSONValue?) -> ScopeIntent? {
    guard case .object(let object)? = value, case .string(let raw)? = object["intent"], let kind = ScopeIntent.Kind(rawValue: raw)
    else { return nil }
    let denyWrite: [String] = if case .array(let items)? = object["deny_write"] { items.compactMap(\.stringValue) } else { [] }
    return ScopeIntent(kind: kind, denyWrite: denyWrite)
  }

}

/// Problems found while building a manifest.
public struct ManifestProblems: Error, Sendable {
  public var problems: [ConfigProblem]
}

extension JSONValue {
  var integerValue: Int64? {
    if case .integer(let number) = self { return number }
    return nil
  }

  var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }
}
