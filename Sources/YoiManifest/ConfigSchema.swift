/// The shape of `PodManifestConfig`: every field a profile (or a `--manifest` file) may set,
/// with its type. One declarative table drives decoding, validation and the generated docs.
public indirect enum ConfigType: Sendable {
  case string
  /// An integer no smaller than `minimum` and no larger than `integerMaximum`; an integral
  /// float (`2.4e5`) is accepted.
  case integer(minimum: Int64)
  case number(ClosedRange<Double>)
  case boolean
  case enumeration([String])
  /// A list; an empty table is an empty list.
  case list(ConfigType)
  /// A table with arbitrary string keys.
  case dictionary(ConfigType)
  case object(ConfigObject)
  /// A path written relative to the profile (absolute paths are resolved values, refused).
  case relativePath
  /// A path inside the workspace, written relative to it (`deny_write` entries): no absolute
  /// path, no `..`.
  case workspacePath
  /// A secret id: 1–128 chars of `[A-Za-z0-9._/-]`, no empty, `.` or `..` components.
  case secretID
  /// `provider/model_id`.
  case modelRef
  /// An effort name or a positive token budget.
  case reasoning
  /// `{kind = "none" | "api_key" (file) | "codex_oauth" | "secret_ref" (ref)}`.
  case auth
  /// `{kind = "tokens", ...}` (counts) or `{kind = "ratio", ...}` (fractions of the window).
  case compaction
  /// `{intent = "workspace_read" | "workspace_write", deny_write = {...}}`.
  case scopeIntent
}

/// One named field of an object.
public struct ConfigField: Sendable {
  public var name: String
  public var type: ConfigType
  /// One line for docs and editor stubs.
  public var summary: String

  public init(_ name: String, _ type: ConfigType, _ summary: String = "") {
    self.name = name
    self.type = type
    self.summary = summary
  }
}

/// The fields of an object type.
public struct ConfigObject: Sendable {
  public var fields: [ConfigField]
  /// Other names the authoring API accepts for fields here (renamed before decoding, e.g.
  /// `request` for `request_threshold`): offered in "did you mean" and named in the help.
  public var aliases: [String]

  public init(_ fields: [ConfigField], aliases: [String] = []) {
    self.fields = fields
    self.aliases = aliases
  }

  /// The field called `name`.
  public func field(_ name: String) -> ConfigField? {
    fields.first { $0.name == name }
  }

  public var names: [String] { fields.map(\.name) }
}

extension ConfigType {
  /// The largest integer any field accepts: token counts, byte caps and timeouts are far
  /// below it, and products with ratios (`context_window × threshold`) stay exact in a
  /// Double and inside Int64 (math.maxinteger trapped converting the product).
  public static let integerMaximum: Int64 = 1_000_000_000_000

  static let positive = ConfigType.integer(minimum: 1)
  static let count = ConfigType.integer(minimum: 0)
  static let enabled = ConfigType.object(ConfigObject([ConfigField("enabled", .boolean, "whether the feature is on")]))
}

/// The schema of the whole configuration (the top level of a profile).
public enum ConfigSchema {
  public static let reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"]
  public static let schemes = ["anthropic", "openai_chat", "openai_responses", "gemini"]
  public static let authKinds = ["none", "api_key", "codex_oauth", "secret_ref"]
  public static let scopeIntents = ["workspace_read", "workspace_write"]

  /// Token-count fields of a `tokens` compaction, in manifest order, with their defaults.
  public static let compactionTokenDefaults: [(String, Int64?)] = [
    ("prune_protected_tokens", 8000), ("prune_min_savings", 4096), ("threshold", nil),
    ("request_threshold", nil), ("retained_tokens", 8000), ("overview_target_tokens", 8000),
    ("overview_warning_tokens", 16000), ("overview_deadline_tokens", 40000),
    ("worker_context_max_tokens", 50000), ("finish_warning_remaining_tokens", 8000),
    ("final_reserve_tokens", 4000), ("worker_max_turns", 20), ("summary_target_tokens", 2000),
    ("summary_max_tokens", 4000), ("auto_read_budget_tokens", 8000), ("result_context_max_tokens", 60000),
  ]

  /// Fractions a `ratio` compaction may set (aliases `request` and `worker` are accepted).
  public static let compactionRatioFields = ["threshold", "request_threshold", "worker_context_max_tokens"]

  public static let model = ConfigObject([
    ConfigField("ref", .modelRef, "provider/model_id, e.g. anthropic/claude-sonnet-4-6"),
    ConfigField("scheme", .enumeration(schemes), "wire protocol; derived from the provider when absent"),
    ConfigField("base_url", .string, "endpoint; derived from the provider when absent"),
    ConfigField("model_id", .string, "the provider's model name; derived from ref when absent"),
    ConfigField("auth", .auth, "how to authenticate; a secret_ref, never a plaintext key"),
    ConfigField("capability", .dictionary(.boolean), "capability flags, e.g. { vision = true }"),
    ConfigField("context_window", .positive, "tokens; from the model catalog when absent"),
    ConfigField("max_context_window", .positive, "caps the window compaction ratios are taken of"),
  ])

  public static let worker = ConfigObject([
    ConfigField("instruction", .string, "prompt reference, e.g. $yoi/role/coder"),
    ConfigField("language", .string, "reply language"),
    ConfigField("max_tokens", .positive, "output tokens per turn"),
    ConfigField("max_turns", .positive, "turns before the worker stops"),
    ConfigField("temperature", .number(0...2), "sampling temperature"),
    ConfigField("top_p", .number(0...1), "nucleus sampling"),
    ConfigField("top_k", .positive, "top-k sampling"),
    ConfigField("stop_sequences", .list(.string), "stop sequences"),
    ConfigField("reasoning", .reasoning, "effort (\(reasoningEfforts.joined(separator: ", "))) or a token budget"),
    ConfigField(
      "tool_output",
      .object(
        ConfigObject([
          ConfigField("default_max_bytes", .positive, "bytes of tool output kept by default"),
          ConfigField("per_tool", .dictionary(.positive), "per-tool overrides"),
        ])), "tool output limits"),
    ConfigField("file_upload", .object(ConfigObject([ConfigField("max_bytes", .positive, "largest upload")])), "upload limits"),
  ])

  public static let permissions = ConfigObject([
    ConfigField("default_action", .enumeration(["allow", "ask", "deny"]), "what happens when no rule matches"),
    ConfigField(
      "rule",
      .list(
        .object(
          ConfigObject([
            ConfigField("tool", .string, "tool name"),
            ConfigField("pattern", .string, "argument pattern"),
            ConfigField("action", .enumeration(["allow", "ask", "deny"]), "what to do"),
          ]))), "rules, first match wins"),
  ])

  public static let feature = ConfigObject([
    ConfigField("task", .enabled, "task tracking"),
    ConfigField("memory", .enabled, "long-term memory (needs a memory section)"),
    ConfigField("web", .enabled, "web search and fetch"),
    ConfigField("pods", .enabled, "spawning child Pods (needs a delegation scope)"),
    ConfigField("ticket_orchestration", .enabled, "orchestrating tickets"),
    ConfigField(
      "ticket",
      .object(
        ConfigObject([
          ConfigField("enabled", .boolean, "whether the feature is on"),
          ConfigField("access", .enumeration(["read_only", "lifecycle"]), "ticket access"),
        ])), "tickets"),
  ])

  public static let memory = ConfigObject([
    ConfigField("workspace_root", .relativePath, "memory directory, relative to the profile"),
    ConfigField("query_result_limit", .positive, "results per query"),
    ConfigField("query_excerpt_lines", .positive, "lines per excerpt"),
    ConfigField("inject_summary", .boolean, "inject a memory summary at start"),
    ConfigField("language", .string, "language of memory notes"),
    ConfigField("extract_model", .modelRef, "model for extraction"),
    ConfigField("extract_threshold", .positive, "tokens before extraction"),
    ConfigField("extract_worker_max_turns", .positive, "turns for the extraction worker"),
    ConfigField("consolidation_model", .modelRef, "model for consolidation"),
    ConfigField("consolidation_threshold_files", .positive, "files before consolidation"),
    ConfigField("consolidation_threshold_bytes", .positive, "bytes before consolidation"),
  ])

  public static let web = ConfigObject([
    ConfigField("enabled", .boolean, "web access"),
    ConfigField("allow_private_addresses", .boolean, "allow private network addresses"),
    ConfigField(
      "search",
      .object(
        ConfigObject([
          ConfigField("enabled", .boolean, "web search"),
          ConfigField("provider", .enumeration(["brave"]), "search provider"),
          ConfigField("api_key_secret", .secretID, "secret id of the API key"),
          ConfigField("timeout_secs", .positive, "timeout"),
          ConfigField("base_url", .string, "endpoint"),
          ConfigField("country", .string, "country code"),
          ConfigField("search_lang", .string, "search language"),
          ConfigField("ui_lang", .string, "UI language"),
          ConfigField("safesearch", .enumeration(["off", "moderate", "strict"]), "safe search"),
        ])), "search settings"),
    ConfigField(
      "fetch",
      .object(
        ConfigObject([
          ConfigField("enabled", .boolean, "web fetch"),
          ConfigField("timeout_secs", .positive, "timeout"),
          ConfigField("redirect_limit", .count, "redirects followed"),
          ConfigField("max_response_bytes", .positive, "largest response"),
          ConfigField("max_output_bytes", .positive, "largest output"),
          ConfigField("allow_private_addresses", .boolean, "allow private network addresses"),
        ])), "fetch settings"),
  ])

  /// The top level of a profile.
  public static let profile = ConfigObject([
    ConfigField("slug", .string, "the profile's name in provenance"),
    ConfigField("description", .string, "one line shown in lists and dialogs"),
    ConfigField("model", .object(model), "the model"),
    ConfigField("worker", .object(worker), "the worker loop"),
    ConfigField("scope", .scopeIntent, "intent for the Pod's own file access"),
    ConfigField("delegation_scope", .scopeIntent, "intent for what the Pod may delegate"),
    ConfigField("session", .object(ConfigObject([ConfigField("record_event_trace", .boolean, "record an event trace")])), "session recording"),
    ConfigField("permissions", .object(permissions), "tool permissions"),
    ConfigField("feature", .object(feature), "features; absent means disabled"),
    ConfigField("compaction", .compaction, "context compaction; absent means off"),
    ConfigField("web", .object(web), "web access"),
    ConfigField("memory", .object(memory), "memory settings"),
    ConfigField("skills", .object(ConfigObject([ConfigField("directories", .list(.relativePath), "skill directories")])), "skills"),
  ])
}
