/// Known models and providers (DESIGN.md §4.2): context windows for compaction ratios, and the
/// defaults a `model.ref` implies (scheme, endpoint, auth). Overridable by `<config>/models.toml`.
public struct ModelCatalog: Sendable, Hashable {
  /// What a provider prefix implies.
  public struct Provider: Sendable, Hashable {
    public var scheme: String
    public var baseURL: String
    public var auth: JSONValue

    public init(scheme: String, baseURL: String, auth: JSONValue) {
      self.scheme = scheme
      self.baseURL = baseURL
      self.auth = auth
    }
  }

  /// Context windows by `provider/model_id`.
  public var contextWindows: [String: Int64]
  /// Providers by prefix.
  public var providers: [String: Provider]

  public init(contextWindows: [String: Int64], providers: [String: Provider]) {
    self.contextWindows = contextWindows
    self.providers = providers
  }

  /// The builtin catalog.
  public static let builtin = ModelCatalog(
    contextWindows: [
      "anthropic/claude-opus-4-8": 1_000_000, "anthropic/claude-sonnet-4-6": 1_000_000,
      "anthropic/claude-haiku-4-5": 200_000,
      "ollama-local/llama3.3": 128_000, "ollama-local/qwen3-coder": 256_000,
      "codex-oauth/gpt-5.5": 272_000, "codex-oauth/gpt-5.4": 272_000, "codex-oauth/gpt-5.4-mini": 272_000,
      "codex-oauth/gpt-5.3-codex-spark": 272_000,
      "openrouter/anthropic/claude-opus-4.8": 1_000_000, "openrouter/anthropic/claude-sonnet-4.6": 1_000_000,
      "openrouter/openai/gpt-5.5": 1_050_000,
      "openai/gpt-5.5": 1_050_000, "openai/gpt-5.4": 1_050_000, "openai/gpt-5.4-mini": 400_000,
      "gemini/gemini-3-pro-preview": 1_048_576, "gemini/gemini-2.5-pro": 1_048_576, "gemini/gemini-2.5-flash": 1_048_576,
    ],
    providers: [
      // Each key provider: the stored secret, else the variable its own tools use.
      "anthropic": Provider(
        scheme: "anthropic", baseURL: "https://api.anthropic.com",
        auth: ["kind": "secret_ref", "ref": "providers/anthropic/default", "env": "ANTHROPIC_API_KEY"]),
      "openai": Provider(
        scheme: "openai_responses", baseURL: "https://api.openai.com/v1",
        auth: ["kind": "secret_ref", "ref": "providers/openai/default", "env": "OPENAI_API_KEY"]),
      "gemini": Provider(
        scheme: "gemini", baseURL: "https://generativelanguage.googleapis.com",
        auth: ["kind": "secret_ref", "ref": "providers/gemini/default", "env": "GEMINI_API_KEY"]),
      "codex-oauth": Provider(
        scheme: "openai_responses", baseURL: "https://chatgpt.com/backend-api/codex", auth: ["kind": "codex_oauth"]),
      "openrouter": Provider(
        scheme: "openai_chat", baseURL: "https://openrouter.ai/api/v1",
        auth: ["kind": "secret_ref", "ref": "providers/openrouter/default", "env": "OPENROUTER_API_KEY"]),
      "ollama-local": Provider(scheme: "openai_chat", baseURL: "http://127.0.0.1:11434/v1", auth: ["kind": "none"]),
    ])

  /// Each scheme's public endpoint, for inline models that name no `base_url`.
  public static let officialEndpoints: [String: String] = [
    "anthropic": "https://api.anthropic.com",
    "openai_chat": "https://api.openai.com/v1",
    "openai_responses": "https://api.openai.com/v1",
    "gemini": "https://generativelanguage.googleapis.com",
  ]

  /// The provider prefix of `ref` (`anthropic/claude…` → `anthropic`).
  public static func provider(of ref: String) -> String {
    String(ref.prefix { $0 != "/" })
  }
}
