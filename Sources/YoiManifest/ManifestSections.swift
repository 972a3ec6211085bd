/// Typed, read-only views of a resolved manifest's sections, for the code that acts on a
/// manifest (services, and the runtime to come) instead of indexing JSON by string paths.
///
/// The canonical JSON stays the stored form and the digest input; these are read from it
/// (`PodManifest.sections`). Each view lists the keys it reads (`keys`), and a test checks
/// them against `ConfigSchema`, so the schema stays the single source of the field set.
public struct ManifestSections: Sendable, Hashable, Codable {
  public var pod: PodSection
  public var model: ModelSection
  public var worker: WorkerSection
  public var scope: ScopeRules
  public var delegationScope: ScopeRules
  public var session: SessionSection
  public var permissions: PermissionsSection?
  public var feature: FeatureSection
  public var compaction: CompactionSection?
  public var memory: MemorySection?
  public var web: WebSection?
  public var skills: SkillsSection?
  /// Where a profile-resolved manifest came from (name and description of the profile).
  public var profile: ProvenanceSection?

  init(_ json: JSONObject) {
    pod = PodSection(json["pod"].object)
    model = ModelSection(json["model"].object)
    worker = WorkerSection(json["worker"].object)
    scope = ScopeRules(json["scope"].object)
    delegationScope = ScopeRules(json["delegation_scope"].object)
    session = SessionSection(recordEventTrace: json["session"].object["record_event_trace"].bool ?? false)
    permissions = json["permissions"].optionalObject.map(PermissionsSection.init)
    feature = FeatureSection(json["feature"].object)
    compaction = json["compaction"].optionalObject.map(CompactionSection.init)
    memory = json["memory"].optionalObject.map(MemorySection.init)
    web = json["web"].optionalObject.map(WebSection.init)
    skills = json["skills"].optionalObject.map { SkillsSection(directories: $0["directories"].array.compactMap(\.string)) }
    profile = json["profile"].optionalObject.map { ProvenanceSection(name: $0["name"].string, description: $0["description"].string) }
  }
}

extension PodManifest {
  /// The manifest's sections as typed values.
  public var sections: ManifestSections { ManifestSections(json) }
}

public struct PodSection: Sendable, Hashable, Codable {
  public var name: String
  public var parent: String?
  public var promptPack: String?
  static let keys = ["name", "parent", "prompt_pack"]

  init(_ json: JSONObject) {
    name = json["name"].string ?? ""
    parent = json["parent"].string
    promptPack = json["prompt_pack"].string
  }
}

/// A provider's wire protocol (DESIGN.md §12.2).
public enum ModelScheme: String, Sendable, Hashable, Codable, CaseIterable {
  case anthropic
  case openaiChat = "openai_chat"
  case openaiResponses = "openai_responses"
  case gemini
}

/// How a provider request is authenticated; never a plaintext secret.
public enum ModelAuth: Sendable, Hashable, Codable {
  case none
  /// A file whose trimmed contents are the key (an absolute path after resolution).
  case apiKeyFile(String)
  /// The access token in `$CODEX_HOME/auth.json`.
  case codexOAuth
  /// An id in the encrypted secret store.
  case secretReference(String)

  init(_ json: JSONObject) {
    switch json["kind"].string {
    case "api_key": self = .apiKeyFile(json["file"].string ?? "")
    case "codex_oauth": self = .codexOAuth
    case "secret_ref": self = .secretReference(json["ref"].string ?? "")
    default: self = .none
    }
  }
}

public struct ModelSection: Sendable, Hashable, Codable {
  public var ref: String?
  public var scheme: ModelScheme?
  public var baseURL: String?
  public var modelID: String?
  public var auth: ModelAuth
  public var capability: [String: Bool]
  public var contextWindow: Int64?
  public var maxContextWindow: Int64?
  static let keys = ["ref", "scheme", "base_url", "model_id", "auth", "capability", "context_window", "max_context_window"]

  /// An inline model (for tests, benchmarks and summary models built at run time).
  public init(scheme: ModelScheme, baseURL: String, modelID: String, auth: ModelAuth, capability: [String: Bool] = [:], contextWindow: Int64? = nil) {
    self.scheme = scheme
    self.baseURL = baseURL
    self.modelID = modelID
    self.auth = auth
    self.capability = capability
    self.contextWindow = contextWindow
  }

  init(_ json: JSONObject) {
    ref = json["ref"].string
    scheme = json["scheme"].string.flatMap(ModelScheme.init(rawValue:))
    baseURL = json["base_url"].string
    modelID = json["model_id"].string
    auth = ModelAuth(json["auth"].object)
    capability = Dictionary(uniqueKeysWithValues: json["capability"].object.compactMap { member in (member.value as JSONValue?).bool.map { (member.key, $0) } })
    contextWindow = json["context_window"].integer
    maxContextWindow = json["max_context_window"].integer
  }
}

/// `worker.reasoning`: an effort name or a token budget.
public enum ReasoningSetting: Sendable, Hashable, Codable {
  case effort(String)
  case budget(Int64)
}

public struct WorkerSection: Sendable, Hashable, Codable {
  public var instruction: String
  public var language: String?
  public var maxTokens: Int64?
  public var maxTurns: Int64?
  public var temperature: Double?
  public var topP: Double?
  public var topK: Int64?
  public var stopSequences: [String]
  public var reasoning: ReasoningSetting?
  public var toolOutput: ToolOutputLimits
  public var fileUploadMaxBytes: Int64
  static let keys = [
    "instruction", "language", "max_tokens", "max_turns", "temperature", "top_p", "top_k", "stop_sequences", "reasoning", "tool_output", "file_upload",
  ]

  public struct ToolOutputLimits: Sendable, Hashable, Codable {
    public var defaultMaxBytes: Int64
    public var perTool: [String: Int64]

    public init(defaultMaxBytes: Int64, perTool: [String: Int64]) {
      self.defaultMaxBytes = defaultMaxBytes
      self.perTool = perTool
    }

    /// The cap for `tool`'s output in bytes.
    public func maxBytes(for tool: String) -> Int64 { perTool[tool] ?? defaultMaxBytes }
  }

  init(_ json: JSONObject) {
    instruction = json["instruction"].string ?? "$yoi/default"
    language = json["language"].string
    maxTokens = json["max_tokens"].integer
    maxTurns = json["max_turns"].integer
    temperature = json["temperature"].number
    topP = json["top_p"].number
    topK = json["top_k"].integer
    stopSequences = json["stop_sequences"].array.compactMap(\.string)
    reasoning = json["reasoning"].string.map(ReasoningSetting.effort) ?? json["reasoning"].integer.map(ReasoningSetting.budget)
    let output = json["tool_output"].object
    toolOutput = ToolOutputLimits(
      defaultMaxBytes: output["default_max_bytes"].integer ?? 65536,
      perTool: Dictionary(
        uniqueKeysWithValues: output["per_tool"].object.compactMap { member in (member.value as JSONValue?).integer.map { (member.key, $0) } }))
    fileUploadMaxBytes = json["file_upload"].object["max_bytes"].integer ?? 262_144
  }
}

public struct SessionSection: Sendable, Hashable, Codable {
  public var recordEventTrace: Bool
}

/// What happens to a tool call (DESIGN.md §12.6).
public enum PermissionAction: String, Sendable, Hashable, Codable {
  case allow, ask, deny
}

public struct PermissionsSection: Sendable, Hashable, Codable {
  public struct Rule: Sendable, Hashable, Codable {
    public var tool: String
    public var pattern: String
    public var action: PermissionAction
  }

  public var defaultAction: PermissionAction
  public var rules: [Rule]
  static let keys = ["default_action", "rule"]

  init(_ json: JSONObject) {
    defaultAction = json["default_action"].string.flatMap(PermissionAction.init(rawValue:)) ?? .deny
    rules = json["rule"].array.compactMap { item in
      guard case .object(let rule) = item, let tool = rule["tool"].string,
        let action = rule["action"].string.flatMap(PermissionAction.init(rawValue:))
      else { return nil }
      return Rule(tool: tool, pattern: rule["pattern"].string ?? "*", action: action)
    }
  }
}

public struct FeatureSection: Sendable, Hashable, Codable {
  public var task: Bool
  public var memory: Bool
  public var web: Bool
  public var pods: Bool
  public var ticketOrchestration: Bool
  public var ticket: Bool
  /// `read_only` or `lifecycle`.
  public var ticketAccess: String?
  static let keys = ["task", "memory", "web", "pods", "ticket_orchestration", "ticket"]

  init(_ json: JSONObject) {
    func enabled(_ name: String) -> Bool { json[name].object["enabled"].bool ?? false }
    task = enabled("task")
    memory = enabled("memory")
    web = enabled("web")
    pods = enabled("pods")
    ticketOrchestration = enabled("ticket_orchestration")
    ticket = enabled("ticket")
    ticketAccess = json["ticket"].object["access"].string
  }
}

/// Token counts of a compaction policy (ratios are resolved to counts when the manifest is
/// built); nil where the policy leaves a threshold unset.
public struct CompactionSection: Sendable, Hashable, Codable {
  public var tokens: [String: Int64]
  public var model: String?
  static let keys = ConfigSchema.compactionTokenDefaults.map(\.0) + ["model"]

  /// The count for `name` (one of `ConfigSchema.compactionTokenDefaults`), if set.
  public subscript(name: String) -> Int64? { tokens[name] }
  public var threshold: Int64? { tokens["threshold"] }
  public var requestThreshold: Int64? { tokens["request_threshold"] }

  init(_ json: JSONObject) {
    tokens = Dictionary(uniqueKeysWithValues: ConfigSchema.compactionTokenDefaults.compactMap { name, _ in json[name].integer.map { (name, $0) } })
    model = json["model"].string
  }
}

public struct MemorySection: Sendable, Hashable, Codable {
  public var workspaceRoot: String?
  public var settings: [String: String]
  static let keys = ConfigSchema.memory.names

  init(_ json: JSONObject) {
    workspaceRoot = json["workspace_root"].string
    settings = Dictionary(
      uniqueKeysWithValues: json.compactMap { member in
        member.key == "workspace_root" || member.value == .null ? nil : (member.key, CanonicalJSON.compact(member.value))
      })
  }
}

public struct WebSection: Sendable, Hashable, Codable {
  public struct Search: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var apiKeySecret: String?
    public var timeoutSeconds: Int64?
    public var baseURL: String?
  }

  public struct Fetch: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var timeoutSeconds: Int64?
    public var redirectLimit: Int64?
    public var maxResponseBytes: Int64?
    public var maxOutputBytes: Int64?
    public var allowPrivateAddresses: Bool
  }

  public var enabled: Bool
  public var allowPrivateAddresses: Bool
  public var search: Search
  public var fetch: Fetch
  static let keys = ["enabled", "allow_private_addresses", "search", "fetch"]

  init(_ json: JSONObject) {
    enabled = json["enabled"].bool ?? false
    allowPrivateAddresses = json["allow_private_addresses"].bool ?? false
    let search = json["search"].object
    self.search = Search(
      enabled: search["enabled"].bool ?? false, apiKeySecret: search["api_key_secret"].string,
      timeoutSeconds: search["timeout_secs"].integer, baseURL: search["base_url"].string)
    let fetch = json["fetch"].object
    self.fetch = Fetch(
      enabled: fetch["enabled"].bool ?? false, timeoutSeconds: fetch["timeout_secs"].integer, redirectLimit: fetch["redirect_limit"].integer,
      maxResponseBytes: fetch["max_response_bytes"].integer, maxOutputBytes: fetch["max_output_bytes"].integer,
      allowPrivateAddresses: fetch["allow_private_addresses"].bool ?? false)
  }
}

public struct ProvenanceSection: Sendable, Hashable, Codable {
  public var name: String?
  public var description: String?
}

public struct SkillsSection: Sendable, Hashable, Codable {
  public var directories: [String]
}

extension ScopeRules {
  /// The rules of a manifest's `scope` or `delegation_scope` section.
  init(_ json: JSONObject) {
    func read(_ list: String) -> [ScopeRule] {
      json[list].array.compactMap { item in
        guard case .object(let rule) = item, let target = rule["target"].string,
          let permission = rule["permission"].string.flatMap(ScopeRule.Permission.init(rawValue:))
        else { return nil }
        return ScopeRule(target: target, permission: permission, recursive: rule["recursive"].bool ?? true)
      }
    }
    self.init(allow: read("allow"), deny: read("deny"))
  }
}

extension Optional where Wrapped == JSONValue {
  var bool: Bool? {
    if case .bool(let flag)? = self { return flag }
    return nil
  }

  var number: Double? {
    switch self {
    case .number(let number)?: number
    case .integer(let number)?: Double(number)
    default: nil
    }
  }

  /// The object, or nil for null or absent (an optional section).
  var optionalObject: JSONObject? {
    if case .object(let object)? = self { return object }
    return nil
  }
}
