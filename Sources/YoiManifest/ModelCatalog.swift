/// Known models and providers (DESIGN.md §4.2): context windows for compaction ratios, and the
/// defaults a `model.ref` implies (scheme, endpoint, auth). Overridable by `<config>/models.toml`.
public struct ModelCatalog: Sendable, Hashable {
  /// What a provider prefix implies.
  public struct Provider: Sendable, Hashable {
    public var scheme: String
    public var baseURL: String
    public var auth: ModelAuth

    public init(scheme: String, baseURL: String, auth: ModelAuth) {
      self.scheme = scheme
      self.baseURL = baseURL
      self.auth = auth
    }
  }

  /// What the catalog knows of one model.
  public struct Model: Sendable, Hashable {
    public var contextWindow: Int64
    /// Whether the model takes a reasoning effort or budget (`worker.reasoning` is sent only
    /// then: a server whose model does not reason answers 400).
    public var reasoning: Bool

    public init(contextWindow: Int64, reasoning: Bool) {
      self.contextWindow = contextWindow
      self.reasoning = reasoning
    }
  }

  /// Models by `provider/model_id`.
  public var models: [String: Model]
  /// Providers by prefix.
  public var providers: [String: Provider]

  public init(models: [String: Model], providers: [String: Provider]) {
    self.models = models
    self.providers = providers
  }

  /// The builtin catalog.
  public static let builtin = ModelCatalog(
    models: [
      "anthropic/claude-opus-4-8": Model(contextWindow: 1_000_000, reasoning: true),
      "anthropic/claude-sonnet-4-6": Model(contextWindow: 1_000_000, reasoning: true),
      "anthropic/claude-haiku-4-5": Model(contextWindow: 200_000, reasoning: true),
      "ollama-local/llama3.3": Model(contextWindow: 128_000, reasoning: false),
      "ollama-local/qwen3-coder": Model(contextWindow: 256_000, reasoning: false),
      "codex-oauth/gpt-5.5": Model(contextWindow: 272_000, reasoning: true),
      "codex-oauth/gpt-5.4": Model(contextWindow: 272_000, reasoning: true),
      "codex-oauth/gpt-5.4-mini": Model(contextWindow: 272_000, reasoning: true),
      "codex-oauth/gpt-5.3-codex-spark": Model(contextWindow: 272_000, reasoning: true),
      "openrouter/anthropic/claude-opus-4.8": Model(contextWindow: 1_000_000, reasoning: true),
      "openrouter/anthropic/claude-sonnet-4.6": Model(contextWindow: 1_000_000, reasoning: true),
      "openrouter/openai/gpt-5.5": Model(contextWindow: 1_050_000, reasoning: true),
      "openai/gpt-5.5": Model(contextWindow: 1_050_000, reasoning: true),
      "openai/gpt-5.4": Model(contextWindow: 1_050_000, reasoning: true),
      "openai/gpt-5.4-mini": Model(contextWindow: 400_000, reasoning: true),
      "openai/gpt-4.1": Model(contextWindow: 1_047_576, reasoning: false),
      "gemini/gemini-3-pro-preview": Model(contextWindow: 1_048_576, reasoning: true),
      "gemini/gemini-2.5-pro": Model(contextWindow: 1_048_576, reasoning: true),
      "gemini/gemini-2.5-flash": Model(contextWindow: 1_048_576, reasoning: true),
    ],
    providers: [
      // Each key provider: the stored secret, else the variable its own tools use.
      "anthropic": Provider(
        scheme: "anthropic", baseURL: "https://api.anthropic.com",
        auth: .secretReference("providers/anthropic/default", environment: "ANTHROPIC_API_KEY")),
      "openai": Provider(
        scheme: "openai_responses", baseURL: "https://api.openai.com/v1",
        auth: .secretReference("providers/openai/default", environment: "OPENAI_API_KEY")),
      "gemini": Provider(
        scheme: "gemini", baseURL: "https://generativelanguage.googleapis.com",
        auth: .secretReference("providers/gemini/default", environment: "GEMINI_API_KEY")),
      "codex-oauth": Provider(
        scheme: "openai_responses", baseURL: "https://chatgpt.com/backend-api/codex", auth: .codexOAuth),
      "openrouter": Provider(
        scheme: "openai_chat", baseURL: "https://openrouter.ai/api/v1",
        auth: .secretReference("providers/openrouter/default", environment: "OPENROUTER_API_KEY")),
      "ollama-local": Provider(scheme: "openai_chat", baseURL: "http://127.0.0.1:11434/v1", auth: .none),
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
