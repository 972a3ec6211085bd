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
  public var provenance: JSONValue?
  /// For a child Pod: its parent and the scopes it was granted, which replace the launch policy.
  public var delegation: DelegatedScopes?

  public init(
    podName: String, workspace: String, role: LaunchRole, baseDirectory: String, provenance: JSONValue?,
    delegation: DelegatedScopes? = nil
  ) {
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
    var out = JSONObject()

    if !Self.isValidPodName(inputs.podName) {
      problems.append(
        ConfigProblem(
          path: "pod.name", message: "invalid Pod name \"\(inputs.podName)\"",
          help: ["use letters, digits, `.`, `_` and `-` (not `.` or `..`)"]))
    }
    out["pod"] = ["name": .string(inputs.podName), "parent": inputs.delegation.map { .string($0.parent) } ?? .null, "prompt_pack": .null]

    let model = buildModel(config["model"].object, problems: &problems)
    out["model"] = .object(model)
    out["worker"] = .object(buildWorker(config["worker"].object))

    let policy = inputs.delegation.map { ($0.scope, $0.delegation) } ?? LaunchPolicy.rules(for: inputs.role, workspace: inputs.workspace)
    let scope = LaunchPolicy.narrow(policy.0, by: Self.intent(config["scope"]), workspace: inputs.workspace)
    let delegation = LaunchPolicy.narrow(policy.1, by: Self.intent(config["delegation_scope"]), workspace: inputs.workspace)
    out["scope"] = scope.json
    out["delegation_scope"] = delegation.json

    out["session"] = ["record_event_trace": config["session"].object["record_event_trace"] ?? false]
    out["permissions"] =
      config["permissions"].map { permissions in
        var object = permissions.object
        if object["default_action"] == nil {
          problems.append(
            ConfigProblem(
              path: "permissions.default_action", message: "permissions needs a default_action (what happens to a call no rule matches)",
              help: ["add default_action = \"ask\" (or \"allow\" / \"deny\"), or use a preset"]))
        }
        if object["rule"] == nil { object["rule"] = .array([]) }
        return .object(object)
      } ?? .null

    let feature = buildFeature(config["feature"].object)
    out["feature"] = .object(feature)
    out["compaction"] = config["compaction"].map { buildCompaction($0.object, model: model, problems: &problems) } ?? .null
    out["memory"] = config["memory"].map { .object(buildMemory($0.object, base: inputs.baseDirectory)) } ?? .null
    out["web"] = config["web"].map { .object(buildWeb($0.object)) } ?? .null
    out["skills"] =
      config["skills"].map { skills in
        let directories = skills.object["directories"].array.compactMap(\.string).map { JSONValue.string(PathLexer.join(inputs.baseDirectory, $0)) }
        return ["directories": .array(directories)]
      } ?? .null
    out["profile"] = inputs.provenance ?? .null

    // Cross-field rules, checked at resolve time rather than at Pod start.
    if feature["memory"].object["enabled"] == .bool(true), out["memory"] == .null {
      problems.append(
        ConfigProblem(
          path: "feature.memory", message: "feature.memory is enabled but there is no `memory` section",
          help: ["add memory = { ... } or set feature.memory = { enabled = false }"]))
    }
    if feature["pods"].object["enabled"] == .bool(true), delegation.allow.isEmpty, let parent = inputs.delegation?.parent {
      problems.append(
        ConfigProblem(
          path: "feature.pods",
          message: "feature.pods is enabled but the child was granted no delegation scope by \(parent), so it could never spawn a Pod",
          help: ["grant part of the parent's delegation scope with --delegate PERMISSION:PATH, or use a profile with feature.pods = { enabled = false }"]))
    } else if feature["pods"].object["enabled"] == .bool(true), delegation.allow.isEmpty {
      let role = inputs.role == .normal ? "this launch" : "the \(inputs.role.rawValue) role"
      problems.append(
        ConfigProblem(
          path: "feature.pods",
          message: "feature.pods is enabled but \(role) grants no delegation scope, so the Pod could never spawn a child",
          help: ["set feature.pods = { enabled = false }, or launch without --role \(inputs.role.rawValue)"]))
    }
    return problems.isEmpty ? .success(PodManifest(json: out)) : .failure(ManifestProblems(problems: problems))
  }

  private func buildModel(_ config: JSONObject, problems: inout [ConfigProblem]) -> JSONObject {
    guard case .string(let ref)? = config["ref"] else {
      // An inline model: a scheme and a model id are a model, no catalog ref needed.
      if case .string(let scheme)? = config["scheme"], case .string = config["model_id"] {
        var model = JSONObject()
        model["ref"] = .null
        model["scheme"] = .string(scheme)
        model["base_url"] = config["base_url"] ?? ModelCatalog.officialEndpoints[scheme].map(JSONValue.string) ?? .null
        model["model_id"] = config["model_id"]
        model["auth"] = config["auth"] ?? ["kind": "none"]
        model["capability"] = config["capability"] ?? .object(JSONObject())
        model["context_window"] = config["context_window"] ?? .null
        model["max_context_window"] = config["max_context_window"] ?? .null
        return model
      }
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
      return JSONObject()
    }
    let providerName = ModelCatalog.provider(of: ref)
    let provider = catalog.providers[providerName]
    if provider == nil, config["scheme"] == nil || config["base_url"] == nil {
      problems.append(
        ConfigProblem(
          path: "model.ref", message: "unknown model provider \"\(providerName)\"",
          help: ["set model.scheme and model.base_url for it, or use one of: \(catalog.providers.keys.sorted().joined(separator: ", "))"]))
    }
    var model = JSONObject()
    model["ref"] = .string(ref)
    model["scheme"] = config["scheme"] ?? provider.map { .string($0.scheme) } ?? .null
    model["base_url"] = config["base_url"] ?? provider.map { .string($0.baseURL) } ?? .null
    model["model_id"] = config["model_id"] ?? .string(String(ref.drop { $0 != "/" }.dropFirst()))
    model["auth"] = config["auth"] ?? provider?.auth ?? ["kind": "none"]
    model["capability"] = config["capability"] ?? .object(JSONObject())
    model["context_window"] = config["context_window"] ?? catalog.contextWindows[ref].map(JSONValue.integer) ?? .null
    model["max_context_window"] = config["max_context_window"] ?? .null
    return model
  }

  private func buildWorker(_ config: JSONObject) -> JSONObject {
    var worker = config
    for key in ["language", "max_tokens", "max_turns", "temperature", "top_p", "top_k", "reasoning"] where worker[key] == nil {
      worker[key] = .null
    }
    if worker["instruction"] == nil { worker["instruction"] = "$yoi/default" }
    if worker["stop_sequences"] == nil { worker["stop_sequences"] = .array([]) }
    var toolOutput = config["tool_output"].object
    if toolOutput["default_max_bytes"] == nil { toolOutput["default_max_bytes"] = 65536 }
    if toolOutput["per_tool"] == nil { toolOutput["per_tool"] = .object(JSONObject()) }
    worker["tool_output"] = .object(toolOutput)
    var upload = config["file_upload"].object
    if upload["max_bytes"] == nil { upload["max_bytes"] = 262144 }
    worker["file_upload"] = .object(upload)
    return worker
  }

  private func buildFeature(_ config: JSONObject) -> JSONObject {
    var feature = JSONObject()
    for name in ["task", "memory", "web", "pods", "ticket_orchestration"] {
      feature[name] = ["enabled": config[name].object["enabled"] ?? false]
    }
    let ticket = config["ticket"].object
    feature["ticket"] = ["enabled": ticket["enabled"] ?? false, "access": ticket["access"] ?? "lifecycle"]
    return feature
  }

  /// Fills token defaults; turns a ratio preset into token counts of the model's window.
  private func buildCompaction(_ config: JSONObject, model: JSONObject, problems: inout [ConfigProblem]) -> JSONValue {
    var compaction = JSONObject()
    for (name, fallback) in ConfigSchema.compactionTokenDefaults {
      compaction[name] = config[name] ?? fallback.map(JSONValue.integer) ?? .null
    }
    compaction["model"] = config["model"] ?? .null
    if config["kind"] == "ratio" {
      let window = model["context_window"].integer
      let maximum = model["max_context_window"].integer
      let effective: Int64? =
        switch (window, maximum) {
        case (let window?, let maximum?): min(window, maximum)
        case (let window?, nil): window
        case (nil, let maximum?): maximum
        case (nil, nil): nil
        }
      if let effective {
        for name in ConfigSchema.compactionRatioFields {
          if case .number(let fraction)? = config[name] {
            compaction[name] = .integer(Int64((Double(effective) * fraction).rounded(.down)))
          }
        }
      } else {
        let ref = model["ref"].string ?? "this model"
        problems.append(
          ConfigProblem(
            path: "compaction", message: "compaction ratios need the model's context window, and \(ref) is not in the model catalog",
            help: [
              "use yoi.compact.tokens { threshold = ..., request_threshold = ... } with explicit token counts",
              "or set model.context_window (e.g. model = { ref = \"\(ref)\", context_window = 200000 })",
            ]))
      }
    }
    if let threshold = compaction["threshold"].integer, let request = compaction["request_threshold"].integer, threshold > request {
      problems.append(
        ConfigProblem(
          path: "compaction.threshold",
          message: "compaction.threshold (\(threshold)) must not exceed compaction.request_threshold (\(request))"))
    }
    return .object(compaction)
  }

  private func buildMemory(_ config: JSONObject, base: String) -> JSONObject {
    var memory = JSONObject()
    for field in ConfigSchema.memory.fields { memory[field.name] = config[field.name] ?? .null }
    if case .string(let root)? = config["workspace_root"] { memory["workspace_root"] = .string(PathLexer.join(base, root)) }
    return memory
  }

  private func buildWeb(_ config: JSONObject) -> JSONObject {
    var web = JSONObject()
    web["enabled"] = config["enabled"] ?? false
    web["allow_private_addresses"] = config["allow_private_addresses"] ?? false
    for (section, schema) in [("search", ConfigSchema.web.field("search")), ("fetch", ConfigSchema.web.field("fetch"))] {
      guard case .object(let fields)? = schema?.type else { continue }
      var out = JSONObject()
      let given = config[section].object
      for field in fields.fields {
        if case .boolean = field.type { out[field.name] = given[field.name] ?? false } else { out[field.name] = given[field.name] ?? .null }
      }
      if section == "search", out["provider"] == .null { out["provider"] = "brave" }
      web[section] = .object(out)
    }
    return web
  }

  static func intent(_ value: JSONValue?) -> ScopeIntent? {
    guard case .object(let object)? = value, case .string(let raw)? = object["intent"], let kind = ScopeIntent.Kind(rawValue: raw)
    else { return nil }
    return ScopeIntent(kind: kind, denyWrite: object["deny_write"].array.compactMap(\.string))
  }

  /// `[A-Za-z0-9._-]+`, not `.` or `..`.
  public static func isValidPodName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".."
      && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
  }
}

/// Problems found while building a manifest.
public struct ManifestProblems: Error, Sendable {
  public var problems: [ConfigProblem]
}

extension Optional where Wrapped == JSONValue {
  var object: JSONObject {
    if case .object(let object)? = self { return object }
    return JSONObject()
  }

  var array: [JSONValue] {
    if case .array(let items)? = self { return items }
    return []
  }

  var integer: Int64? {
    if case .integer(let number)? = self { return number }
    return nil
  }

  var string: String? {
    if case .string(let text)? = self { return text }
    return nil
  }
}

extension JSONValue {
  var object: JSONObject {
    if case .object(let object) = self { return object }
    return JSONObject()
  }

  var string: String? {
    if case .string(let text) = self { return text }
    return nil
  }
}
