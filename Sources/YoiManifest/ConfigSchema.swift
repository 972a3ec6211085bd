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
  /// The name of an environment variable holding a credential: `[A-Za-z_][A-Za-z0-9_]*`.
  case environmentVariable
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
  /// One of several tables told apart by the value of `tag` (`transport = "stdio"`, …).
  case variants(tag: String, [ConfigVariant])
  /// A header or environment value: a literal (refused when it looks like a key),
  /// `yoi.secret(...)` or `yoi.env(...)`.
  case credentialValue
  /// A path on the host, absolute or `~/`-prefixed (where a server's packages live).
  case hostPath
}

/// One kind of a `.variants` table: its tag value, its fields besides the tag, and which of
/// them it needs.
public struct ConfigVariant: Sendable {
  public var name: String
  public var fields: ConfigObject
  public var required: [String]

  public init(_ name: String, _ fields: ConfigObject, required: [String]) {
    self.name = name
    self.fields = fields
    self.required = required
  }
}

/// One named field of an object.
public struct ConfigField: Sendable {
  public var name: String
  public var type: ConfigType
  /// One line for docs and editor stubs.
  public var summary: String
  /// The value a manifest gets when the profile leaves the field unset; nil means `null`
  /// ("not set", which the runtime reads as such). The one place a default is written: the
  /// manifest builder, the snapshot reader, the JSON Schema and the docs all take it here.
  public var defaultValue: JSONValue?

  public init(_ name: String, _ type: ConfigType, _ summary: String = "", default defaultValue: JSONValue? = nil) {
    self.name = name
    self.type = type
    self.summary = summary
    self.defaultValue = defaultValue
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
  static let enabled = ConfigType.object(ConfigObject([ConfigField("enabled", .boolean, "whether the feature is on", default: false)]))
}

/// The schema of the whole configuration (the top level of a profile).
public enum ConfigSchema {
  public static let reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"]
  public static let schemes = ["anthropic", "openai_chat", "openai_responses", "gemini"]
  public static var authKinds: [String] { authVariants.map(\.kind) }
  public static let scopeIntents = ["workspace_read", "workspace_write"]

  /// A `tokens` compaction (`yoi.compact.tokens`): counts, in manifest order. The manifest's
  /// `compaction` section has these fields whichever kind the profile used.
  public static let compactionTokens = ConfigObject([
    ConfigField("prune_protected_tokens", .count, "recent tool output never pruned", default: 8000),
    ConfigField("prune_min_savings", .count, "smallest saving worth a pruning", default: 4096),
    ConfigField("threshold", .count, "context tokens after a response that start a compaction"),
    ConfigField("request_threshold", .count, "context tokens before a request that start a compaction"),
    ConfigField("retained_tokens", .count, "recent conversation kept verbatim", default: 8000),
    ConfigField("overview_target_tokens", .count, "size the overview aims for", default: 8000),
    ConfigField("overview_warning_tokens", .count, "overview size that warns", default: 16000),
    ConfigField("overview_deadline_tokens", .count, "overview size that stops", default: 40000),
    ConfigField("worker_context_max_tokens", .count, "context of the summarising worker", default: 50000),
    ConfigField("finish_warning_remaining_tokens", .count, "remaining tokens that warn the worker", default: 8000),
    ConfigField("final_reserve_tokens", .count, "tokens kept for the worker's answer", default: 4000),
    ConfigField("worker_max_turns", .count, "turns of the summarising worker", default: 20),
    ConfigField("summary_target_tokens", .count, "size the summary aims for", default: 2000),
    ConfigField("summary_max_tokens", .count, "largest summary", default: 4000),
    ConfigField("auto_read_budget_tokens", .count, "files re-read after a compaction", default: 8000),
    ConfigField("result_context_max_tokens", .count, "largest tool result kept", default: 60000),
    ConfigField("model", .modelRef, "model for summaries; the Pod's own when absent"),
  ])

  /// A `ratio` compaction (`yoi.compact.ratio`): fractions (0, 1] of the model's context
  /// window, turned into token counts when the manifest is built.
  public static let compactionRatio = ConfigObject(
    [
      ConfigField("threshold", .number(Double.leastNonzeroMagnitude...1), "fraction of the window after a response"),
      ConfigField("request_threshold", .number(Double.leastNonzeroMagnitude...1), "fraction of the window before a request (alias request)"),
      ConfigField(
        "worker_context_max_tokens", .number(Double.leastNonzeroMagnitude...1), "fraction of the window for the summarising worker (alias worker)"),
    ], aliases: ["request", "worker"])

  /// The kinds of `model.auth`, each with its fields besides `kind` and which of them are
  /// required.
  public static let authVariants: [(kind: String, fields: ConfigObject, required: [String])] = [
    ("none", ConfigObject([]), []),
    ("api_key", ConfigObject([ConfigField("file", .relativePath, "path to a key file, relative to the profile")]), ["file"]),
    ("codex_oauth", ConfigObject([]), []),
    (
      "secret_ref",
      ConfigObject([
        ConfigField("ref", .secretID, "secret id in yoi's encrypted store"),
        ConfigField("env", .environmentVariable, "variable read when the secret is not stored"),
      ]), ["ref"]
    ),
    ("env", ConfigObject([ConfigField("name", .environmentVariable, "environment variable holding the key, read per request")]), ["name"]),
  ]

  public static let model = ConfigObject([
    ConfigField("ref", .modelRef, "provider/model_id, e.g. anthropic/claude-sonnet-4-6"),
    ConfigField("scheme", .enumeration(schemes), "wire protocol; derived from the provider when absent"),
    ConfigField("base_url", .string, "endpoint; derived from the provider when absent"),
    ConfigField("model_id", .string, "the provider's model name; derived from ref when absent"),
    ConfigField("auth", .auth, "how to authenticate; a secret_ref, never a plaintext key", default: ["kind": "none"]),
    ConfigField(
      "capability", .dictionary(.boolean),
      "what the model supports: reasoning (it takes worker.reasoning; catalog models set it), parallel_tool_calls, vision", default: [:]),
    ConfigField("context_window", .positive, "tokens; from the model catalog when absent"),
    ConfigField("max_context_window", .positive, "caps the window compaction ratios are taken of"),
  ])

  public static let worker = ConfigObject([
    ConfigField("instruction", .string, "prompt reference, e.g. $yoi/role/coder", default: "$yoi/default"),
    ConfigField("language", .string, "reply language"),
    ConfigField("max_tokens", .positive, "output tokens per turn"),
    ConfigField("max_turns", .positive, "turns before the worker stops", default: 50),
    ConfigField("temperature", .number(0...2), "sampling temperature"),
    ConfigField("top_p", .number(0...1), "nucleus sampling"),
    ConfigField("top_k", .positive, "top-k sampling"),
    ConfigField("stop_sequences", .list(.string), "stop sequences", default: []),
    ConfigField("reasoning", .reasoning, "effort (\(reasoningEfforts.joined(separator: ", "))) or a token budget"),
    ConfigField(
      "project_instructions", .boolean, "read AGENTS.md from the workspace up to the repository root into the system prompt", default: true),
    ConfigField(
      "tool_output",
      .object(
        ConfigObject([
          ConfigField("default_max_bytes", .positive, "bytes of tool output kept by default", default: 65536),
          ConfigField("per_tool", .dictionary(.positive), "per-tool overrides", default: [:]),
        ])), "tool output limits"),
    ConfigField("file_upload", .object(ConfigObject([ConfigField("max_bytes", .positive, "largest upload", default: 262_144)])), "upload limits"),
  ])

  public static let permissions = ConfigObject([
    ConfigField("default_action", .enumeration(["allow", "ask", "deny"]), "what happens when no rule matches"),
    ConfigField(
      "rule",
      .list(
        .object(
          ConfigObject([
            ConfigField("tool", .string, "tool name"),
            ConfigField("pattern", .string, "argument pattern", default: "*"),
            ConfigField("action", .enumeration(["allow", "ask", "deny"]), "what to do"),
          ]))), "rules, first match wins", default: []),
  ])

  public static let feature = ConfigObject(
    Feature.allCases.map { feature in
      guard feature == .ticket else { return ConfigField(feature.rawValue, .enabled, feature.summary) }
      return ConfigField(
        feature.rawValue,
        .object(
          ConfigObject([
            ConfigField("enabled", .boolean, "whether the feature is on", default: false),
            ConfigField("access", .enumeration(TicketAccess.allCases.map(\.rawValue)), "ticket access", default: "lifecycle"),
          ])), feature.summary)
    })

  /// `mcp` (DESIGN.md §12.10): servers started for each run, `yoi.mcp.stdio{...}` or
  /// `yoi.mcp.http{...}`.
  public static let mcpServer = ConfigType.variants(
    tag: "transport",
    [
      ConfigVariant(
        "stdio",
        ConfigObject([
          ConfigField("name", .string, "the server's name: [a-z0-9_-], at most 32; its tools are mcp__NAME__TOOL"),
          ConfigField("command", .list(.string), "the program and its arguments"),
          ConfigField("cwd", .relativePath, "where it starts, relative to the profile (default: the workspace)"),
          ConfigField(
            "env",
            .object(
              ConfigObject([
                ConfigField("inherit", .list(.environmentVariable), "variables passed through from yoi's environment", default: []),
                ConfigField("set", .dictionary(.credentialValue), "variables set: a literal, yoi.secret(...) or yoi.env(...)", default: [:]),
              ])), "the only environment the server gets"),
          ConfigField("read", .list(.hostPath), "extra readable paths (absolute or ~/), e.g. where its packages live", default: []),
          ConfigField("write", .list(.hostPath), "extra writable paths (absolute or ~/)", default: []),
          ConfigField("network", .boolean, "network access (also with feature.web)", default: false),
        ]), required: ["name", "command"]),
      ConfigVariant(
        "http",
        ConfigObject([
          ConfigField("name", .string, "the server's name: [a-z0-9_-], at most 32; its tools are mcp__NAME__TOOL"),
          ConfigField("url", .string, "the Streamable HTTP endpoint"),
          ConfigField("headers", .dictionary(.credentialValue), "request headers: a literal, yoi.secret(...) or yoi.env(...)", default: [:]),
        ]), required: ["name", "url"]),
    ])

  public static let mcp = ConfigObject([ConfigField("servers", .list(mcpServer), "the servers", default: [])])

  public static let memory = ConfigObject([
    ConfigField("workspace_root", .relativePath, "memory directory, relative to the profile"),
    ConfigField("query_result_limit", .positive, "results per memory_search", default: 8),
    ConfigField("query_excerpt_lines", .positive, "lines per search result's excerpt", default: 4),
    ConfigField("inject_summary", .boolean, "put MEMORY.md (at most 16 KiB) into the system prompt", default: true),
    ConfigField("language", .string, "language of memory notes"),
    ConfigField("extract_model", .modelRef, "model for extraction (default: the Pod's)"),
    ConfigField("extract_threshold", .positive, "conversation tokens since the last extraction that start one", default: 50000),
    ConfigField("extract_worker_max_turns", .positive, "turns for the extraction worker", default: 8),
    ConfigField("consolidation_model", .modelRef, "model for consolidation (default: the Pod's)"),
    ConfigField("consolidation_threshold_files", .positive, "notes written since the last consolidation that start one", default: 20),
    ConfigField("consolidation_threshold_bytes", .positive, "note bytes written since the last consolidation that start one", default: 100_000),
  ])

  public static let web = ConfigObject([
    ConfigField("enabled", .boolean, "web access", default: false),
    ConfigField("allow_private_addresses", .boolean, "allow private network addresses", default: false),
    ConfigField(
      "search",
      .object(
        ConfigObject([
          ConfigField("enabled", .boolean, "web search", default: false),
          ConfigField("provider", .enumeration(["brave"]), "search provider", default: "brave"),
          ConfigField("api_key_secret", .secretID, "secret id of the API key"),
          ConfigField("timeout_secs", .positive, "timeout", default: 15),
          ConfigField("base_url", .string, "endpoint", default: "https://api.search.brave.com"),
          ConfigField("country", .string, "country code"),
          ConfigField("search_lang", .string, "search language"),
          ConfigField("ui_lang", .string, "UI language"),
          ConfigField("safesearch", .enumeration(["off", "moderate", "strict"]), "safe search"),
        ])), "search settings"),
    ConfigField(
      "fetch",
      .object(
        ConfigObject([
          ConfigField("enabled", .boolean, "web fetch", default: false),
          ConfigField("timeout_secs", .positive, "timeout", default: 30),
          ConfigField("redirect_limit", .count, "redirects followed", default: 5),
          ConfigField("max_response_bytes", .positive, "largest response", default: 5_242_880),
          ConfigField("max_output_bytes", .positive, "largest output", default: 65536),
          ConfigField("allow_private_addresses", .boolean, "allow private network addresses", default: false),
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
    ConfigField("session", .object(ConfigObject([ConfigField("record_event_trace", .boolean, "record an event trace", default: false)])), "session recording"),
    ConfigField("permissions", .object(permissions), "tool permissions"),
    ConfigField("feature", .object(feature), "features; absent means disabled"),
    ConfigField("compaction", .compaction, "context compaction; absent means off"),
    ConfigField("web", .object(web), "web access"),
    ConfigField("memory", .object(memory), "memory settings"),
    ConfigField("skills", .object(ConfigObject([ConfigField("directories", .list(.relativePath), "skill directories", default: [])])), "skills"),
    ConfigField("mcp", .object(mcp), "Model Context Protocol servers whose tools the Pod gets"),
  ])
}
