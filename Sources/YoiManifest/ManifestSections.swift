/// The content of a resolved manifest (DESIGN.md §4), typed. A `PodManifest` holds one; its
/// canonical JSON is this value encoded (`JSONCoding`, nils written as `null`), so the digest
/// covers exactly what the runtime reads.
///
/// No type here declares a default: every member is required when decoding. Defaults live in
/// `ConfigSchema`, and the builder (and the snapshot reader, for snapshots older than a field)
/// fills them in before the typed value is decoded.
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
  /// MCP servers (DESIGN.md §12.10); nil when the profile declares none.
  public var mcp: MCPSection?
  /// Where a profile-resolved manifest came from (nil for a `--manifest` file).
  public var profile: ProvenanceSection?

  enum CodingKeys: String, CodingKey {
    case pod, model, worker, scope, delegationScope = "delegation_scope", session, permissions, feature, compaction, memory, web, skills, mcp,
      profile
  }

  // `mcp` is written only when declared, so a snapshot of a profile without servers keeps
  // the bytes it had before servers existed.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(pod, forKey: .pod)
    try container.encode(model, forKey: .model)
    try container.encode(worker, forKey: .worker)
    try container.encode(scope, forKey: .scope)
    try container.encode(delegationScope, forKey: .delegationScope)
    try container.encode(session, forKey: .session)
    try container.encodeIfPresent(permissions, forKey: .permissions)
    try container.encode(feature, forKey: .feature)
    try container.encodeIfPresent(compaction, forKey: .compaction)
    try container.encodeIfPresent(memory, forKey: .memory)
    try container.encodeIfPresent(web, forKey: .web)
    try container.encodeIfPresent(skills, forKey: .skills)
    if let mcp { try container.encode(mcp, forKey: .mcp) }
    try container.encodeIfPresent(profile, forKey: .profile)
  }
}

public struct PodSection: Sendable, Hashable, Codable {
  public var name: String
  public var parent: String?
  public var promptPack: String?

  enum CodingKeys: String, CodingKey {
    case name, parent, promptPack = "prompt_pack"
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
  /// An id in the encrypted secret store, and the variable read when it is not stored.
  case secretReference(String, environment: String? = nil)
  /// An environment variable, read when each request is built.
  case environment(String)

  private enum CodingKeys: String, CodingKey {
    case kind, file, ref, env, name
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let kind = try container.decode(String.self, forKey: .kind)
    switch kind {
    case "none": self = .none
    case "api_key": self = .apiKeyFile(try container.decode(String.self, forKey: .file))
    case "codex_oauth": self = .codexOAuth
    case "secret_ref":
      self = .secretReference(try container.decode(String.self, forKey: .ref), environment: try container.decodeIfPresent(String.self, forKey: .env))
    case "env": self = .environment(try container.decode(String.self, forKey: .name))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container, debugDescription: "unknown auth kind `\(kind)` (expected \(ConfigSchema.authKinds.joined(separator: ", ")))")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .none: try container.encode("none", forKey: .kind)
    case .apiKeyFile(let file):
      try container.encode("api_key", forKey: .kind)
      try container.encode(file, forKey: .file)
    case .codexOAuth: try container.encode("codex_oauth", forKey: .kind)
    case .secretReference(let id, let variable):
      try container.encode("secret_ref", forKey: .kind)
      try container.encode(id, forKey: .ref)
      // Written only when set, so a snapshot without a fallback keeps its bytes.
      if let variable { try container.encode(variable, forKey: .env) }
    case .environment(let variable):
      try container.encode("env", forKey: .kind)
      try container.encode(variable, forKey: .name)
    }
  }
}

/// How a credential is named, and what fixes a refused one, for people (never a value).
extension ModelAuth {
  /// How the credential is named, for people (never a value).
  public var reference: String {
    switch self {
    case .none: "none"
    case .apiKeyFile(let file): "key file \(file)"
    case .codexOAuth: "Codex sign-in"
    case .secretReference(let id, nil): "secret \(id)"
    case .secretReference(let id, let variable?): "secret \(id) (else $\(variable))"
    case .environment(let variable): "environment variable \(variable)"
    }
  }

  /// What puts a refused credential right, as a command or a variable to set (never a value).
  public var fix: String {
    switch self {
    case .none: "model.auth is none, so no key was sent; give the model an auth in the profile and re-resolve the Pod"
    case .apiKeyFile(let path): "put the right key in \(path)"
    case .codexOAuth: "sign in again with Codex CLI (`codex login`)"
    case .secretReference(let id, nil): "store the right key with `yoi secret set \(id)`"
    case .secretReference(let id, let variable?):
      "store the right key with `yoi secret set \(id)` (a stored key is used before \(variable)), or correct \(variable)"
    case .environment(let variable): "set \(variable) to the right key"
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

  enum CodingKeys: String, CodingKey {
    case ref, scheme, baseURL = "base_url", modelID = "model_id", auth, capability, contextWindow = "context_window",
      maxContextWindow = "max_context_window"
  }

  /// An inline model (for tests, benchmarks and summary models built at run time).
  public init(scheme: ModelScheme, baseURL: String, modelID: String, auth: ModelAuth, capability: [String: Bool] = [:], contextWindow: Int64? = nil) {
    self.scheme = scheme
    self.baseURL = baseURL
    self.modelID = modelID
    self.auth = auth
    self.capability = capability
    self.contextWindow = contextWindow
  }
}

/// `worker.reasoning`: an effort name or a token budget.
public enum ReasoningSetting: Sendable, Hashable, Codable {
  case effort(String)
  case budget(Int64)

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let budget = try? container.decode(Int64.self) {
      self = .budget(budget)
    } else {
      self = .effort(try container.decode(String.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .effort(let effort): try container.encode(effort)
    case .budget(let budget): try container.encode(budget)
    }
  }
}

public struct WorkerSection: Sendable, Hashable, Codable {
  public var instruction: String
  public var language: String?
  public var maxTokens: Int64?
  public var maxTurns: Int64
  public var temperature: Double?
  public var topP: Double?
  public var topK: Int64?
  public var stopSequences: [String]
  public var reasoning: ReasoningSetting?
  /// Whether `AGENTS.md` files reach the system prompt (DESIGN.md §12.9).
  public var projectInstructions: Bool
  public var toolOutput: ToolOutputLimits
  public var fileUpload: FileUpload

  enum CodingKeys: String, CodingKey {
    case instruction, language, maxTokens = "max_tokens", maxTurns = "max_turns", temperature, topP = "top_p", topK = "top_k",
      stopSequences = "stop_sequences", reasoning, projectInstructions = "project_instructions", toolOutput = "tool_output", fileUpload = "file_upload"
  }

  public struct ToolOutputLimits: Sendable, Hashable, Codable {
    public var defaultMaxBytes: Int64
    public var perTool: [String: Int64]

    enum CodingKeys: String, CodingKey {
      case defaultMaxBytes = "default_max_bytes", perTool = "per_tool"
    }

    public init(defaultMaxBytes: Int64, perTool: [String: Int64]) {
      self.defaultMaxBytes = defaultMaxBytes
      self.perTool = perTool
    }

    /// The cap for `tool`'s output in bytes.
    public func maxBytes(for tool: String) -> Int64 { perTool[tool] ?? defaultMaxBytes }
  }

  public struct FileUpload: Sendable, Hashable, Codable {
    public var maxBytes: Int64

    enum CodingKeys: String, CodingKey {
      case maxBytes = "max_bytes"
    }
  }
}

public struct SessionSection: Sendable, Hashable, Codable {
  public var recordEventTrace: Bool

  enum CodingKeys: String, CodingKey {
    case recordEventTrace = "record_event_trace"
  }
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

  enum CodingKeys: String, CodingKey {
    case defaultAction = "default_action", rules = "rule"
  }
}

/// A capability a profile switches on in its `feature` section.
public enum Feature: String, Sendable, Hashable, Codable, CaseIterable {
  case task
  case memory
  case web
  case pods
  case ticketOrchestration = "ticket_orchestration"
  case ticket

  /// One line for docs and editor stubs.
  public var summary: String {
    switch self {
    case .task: "task tracking"
    case .memory: "long-term memory (needs a memory section)"
    case .web: "web search and fetch"
    case .pods: "spawning child Pods (needs a delegation scope)"
    case .ticketOrchestration: "orchestrating tickets"
    case .ticket: "tickets"
    }
  }
}

/// `feature.ticket.access`.
public enum TicketAccess: String, Sendable, Hashable, Codable, CaseIterable {
  case readOnly = "read_only"
  case lifecycle
}

/// Which features are on; written as `{"task": {"enabled": true}, ...}`.
public struct FeatureSection: Sendable, Hashable, Codable {
  public var enabled: Set<Feature>
  public var ticketAccess: TicketAccess

  public init(enabled: Set<Feature>, ticketAccess: TicketAccess) {
    self.enabled = enabled
    self.ticketAccess = ticketAccess
  }

  public func isEnabled(_ feature: Feature) -> Bool { enabled.contains(feature) }

  private struct Switch: Codable {
    var enabled: Bool
    /// Only `ticket` has an access level; the other features have no such member.
    var access: TicketAccess?

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(enabled, forKey: .enabled)
      if let access { try container.encode(access, forKey: .access) }
    }
  }

  private struct FeatureKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ feature: Feature) { stringValue = feature.rawValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: FeatureKey.self)
    enabled = []
    ticketAccess = .lifecycle
    for feature in Feature.allCases {
      let entry = try container.decode(Switch.self, forKey: FeatureKey(feature))
      if entry.enabled { enabled.insert(feature) }
      if feature == .ticket {
        guard let access = entry.access else {
          throw DecodingError.keyNotFound(
            FeatureKey(feature), .init(codingPath: container.codingPath + [FeatureKey(feature)], debugDescription: "access is missing"))
        }
        ticketAccess = access
      }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: FeatureKey.self)
    for feature in Feature.allCases {
      try container.encode(Switch(enabled: isEnabled(feature), access: feature == .ticket ? ticketAccess : nil), forKey: FeatureKey(feature))
    }
  }
}

/// A compaction policy in token counts (a ratio policy is turned into counts when the
/// manifest is built); nil where the policy leaves a threshold unset. The fields are those of
/// `ConfigSchema.compactionTokens`, which holds their defaults.
public struct CompactionSection: Sendable, Hashable, Codable {
  public var pruneProtectedTokens: Int64
  public var pruneMinSavings: Int64
  public var threshold: Int64?
  public var requestThreshold: Int64?
  public var retainedTokens: Int64
  public var overviewTargetTokens: Int64
  public var overviewWarningTokens: Int64
  public var overviewDeadlineTokens: Int64
  public var workerContextMaxTokens: Int64
  public var finishWarningRemainingTokens: Int64
  public var finalReserveTokens: Int64
  public var workerMaxTurns: Int64
  public var summaryTargetTokens: Int64
  public var summaryMaxTokens: Int64
  public var autoReadBudgetTokens: Int64
  public var resultContextMaxTokens: Int64
  /// The model that writes summaries; the Pod's own when nil.
  public var model: String?

  enum CodingKeys: String, CodingKey {
    case pruneProtectedTokens = "prune_protected_tokens", pruneMinSavings = "prune_min_savings", threshold,
      requestThreshold = "request_threshold", retainedTokens = "retained_tokens", overviewTargetTokens = "overview_target_tokens",
      overviewWarningTokens = "overview_warning_tokens", overviewDeadlineTokens = "overview_deadline_tokens",
      workerContextMaxTokens = "worker_context_max_tokens", finishWarningRemainingTokens = "finish_warning_remaining_tokens",
      finalReserveTokens = "final_reserve_tokens", workerMaxTurns = "worker_max_turns", summaryTargetTokens = "summary_target_tokens",
      summaryMaxTokens = "summary_max_tokens", autoReadBudgetTokens = "auto_read_budget_tokens",
      resultContextMaxTokens = "result_context_max_tokens", model
  }
}

public struct MemorySection: Sendable, Hashable, Codable {
  /// The memory directory (absolute once resolved).
  /// nil: `<workspace>/.yoi/memory`.
  public var workspaceRoot: String?
  public var queryResultLimit: Int64
  public var queryExcerptLines: Int64
  public var injectSummary: Bool
  public var language: String?
  public var extractModel: String?
  public var extractThreshold: Int64
  public var extractWorkerMaxTurns: Int64
  public var consolidationModel: String?
  public var consolidationThresholdFiles: Int64
  public var consolidationThresholdBytes: Int64

  enum CodingKeys: String, CodingKey {
    case workspaceRoot = "workspace_root", queryResultLimit = "query_result_limit", queryExcerptLines = "query_excerpt_lines",
      injectSummary = "inject_summary", language, extractModel = "extract_model", extractThreshold = "extract_threshold",
      extractWorkerMaxTurns = "extract_worker_max_turns", consolidationModel = "consolidation_model",
      consolidationThresholdFiles = "consolidation_threshold_files", consolidationThresholdBytes = "consolidation_threshold_bytes"
  }
}

public struct WebSection: Sendable, Hashable, Codable {
  public struct Search: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var provider: String
    public var apiKeySecret: String?
    public var timeoutSeconds: Int64
    public var baseURL: String
    public var country: String?
    public var searchLanguage: String?
    public var interfaceLanguage: String?
    public var safesearch: String?

    enum CodingKeys: String, CodingKey {
      case enabled, provider, apiKeySecret = "api_key_secret", timeoutSeconds = "timeout_secs", baseURL = "base_url", country,
        searchLanguage = "search_lang", interfaceLanguage = "ui_lang", safesearch
    }
  }

  public struct Fetch: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var timeoutSeconds: Int64
    public var redirectLimit: Int64
    public var maxResponseBytes: Int64
    public var maxOutputBytes: Int64
    public var allowPrivateAddresses: Bool

    enum CodingKeys: String, CodingKey {
      case enabled, timeoutSeconds = "timeout_secs", redirectLimit = "redirect_limit", maxResponseBytes = "max_response_bytes",
        maxOutputBytes = "max_output_bytes", allowPrivateAddresses = "allow_private_addresses"
    }
  }

  public var enabled: Bool
  public var allowPrivateAddresses: Bool
  public var search: Search
  public var fetch: Fetch

  enum CodingKeys: String, CodingKey {
    case enabled, allowPrivateAddresses = "allow_private_addresses", search, fetch
  }
}

/// The profile a manifest was resolved from, as the resolver recorded it.
public struct ProvenanceSection: Sendable, Hashable, Codable {
  /// How the profile was selected: `kind` "registry" (with `source`, `name`, maybe `path`) or
  /// "path" (with `path`); nil for a builtin selected by name.
  public struct Source: Sendable, Hashable, Codable {
    public var kind: String
    public var source: String?
    public var name: String?
    public var path: String?

    public init(kind: String, source: String? = nil, name: String? = nil, path: String? = nil) {
      self.kind = kind
      self.source = source
      self.name = name
      self.path = path
    }

    // Members that do not apply to the kind are left out rather than written as null.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(kind, forKey: .kind)
      if let source { try container.encode(source, forKey: .source) }
      if let name { try container.encode(name, forKey: .name) }
      if let path { try container.encode(path, forKey: .path) }
    }
  }

  public var source: Source?
  public var name: String
  public var description: String?
  /// The catalog model chosen at spawn (`--model`) in place of the profile's own.
  public var modelOverride: String?

  enum CodingKeys: String, CodingKey {
    case source, name, description, modelOverride = "model_override"
  }

  public init(source: Source?, name: String, description: String?, modelOverride: String? = nil) {
    self.source = source
    self.name = name
    self.description = description
    self.modelOverride = modelOverride
  }

  // Written only when set, so a snapshot spawned without `--model` keeps its bytes.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(source, forKey: .source)
    try container.encode(name, forKey: .name)
    try container.encodeIfPresent(description, forKey: .description)
    if let modelOverride { try container.encode(modelOverride, forKey: .modelOverride) }
  }
}

public struct SkillsSection: Sendable, Hashable, Codable {
  /// Absolute skill directories.
  public var directories: [String]
}

/// A header or environment value of an MCP server: a literal, or a reference resolved when the
/// server starts (never stored, never shown).
public enum CredentialValue: Sendable, Hashable, Codable {
  case literal(String)
  /// `.secretReference` or `.environment`.
  case reference(ModelAuth)

  public init(from decoder: any Decoder) throws {
    if let text = try? decoder.singleValueContainer().decode(String.self) {
      self = .literal(text)
    } else {
      self = .reference(try ModelAuth(from: decoder))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .literal(let text):
      var container = encoder.singleValueContainer()
      try container.encode(text)
    case .reference(let auth): try auth.encode(to: encoder)
    }
  }
}

public struct MCPSection: Sendable, Hashable, Codable {
  public var servers: [MCPServer]
}

/// One MCP server a Pod starts (stdio: a confined process; http: an endpoint).
public struct MCPServer: Sendable, Hashable, Codable {
  public enum Transport: String, Sendable, Hashable, Codable { case stdio, http }

  public struct ServerEnvironment: Sendable, Hashable, Codable {
    public var inherit: [String]
    public var set: [String: CredentialValue]
  }

  public var name: String
  public var transport: Transport
  public var command: [String]?
  /// Absolute once resolved; nil: the workspace.
  public var cwd: String?
  public var env: ServerEnvironment?
  public var read: [String]?
  public var write: [String]?
  public var network: Bool?
  public var url: String?
  public var headers: [String: CredentialValue]?

  enum CodingKeys: String, CodingKey { case name, transport, command, cwd, env, read, write, network, url, headers }

  // Each transport writes its own fields only.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(transport, forKey: .transport)
    switch transport {
    case .stdio:
      try container.encode(command ?? [], forKey: .command)
      if let cwd { try container.encode(cwd, forKey: .cwd) } else { try container.encodeNil(forKey: .cwd) }
      try container.encode(env ?? ServerEnvironment(inherit: [], set: [:]), forKey: .env)
      try container.encode(read ?? [], forKey: .read)
      try container.encode(write ?? [], forKey: .write)
      try container.encode(network ?? false, forKey: .network)
    case .http:
      try container.encode(url ?? "", forKey: .url)
      try container.encode(headers ?? [:], forKey: .headers)
    }
  }

  /// The secret ids its environment and headers name (never values).
  public var secretReferences: [String] {
    let values = Array((env?.set ?? [:]).values) + Array((headers ?? [:]).values)
    return values.compactMap { value in
      if case .reference(.secretReference(let id, _)) = value { return id }
      return nil
    }.sorted()
  }

  /// One line for people: the command or URL, extra paths, network.
  public var summary: String {
    switch transport {
    case .stdio:
      let extra = (read ?? []).map { "read \($0)" } + (write ?? []).map { "write \($0)" }
      return
        "\(name) (stdio: \((command ?? []).joined(separator: " "))\(extra.isEmpty ? "" : "; " + extra.joined(separator: ", ")); network: \(network == true ? "yes" : "no"))"
    case .http: return "\(name) (http: \(url ?? ""))"
    }
  }
}
