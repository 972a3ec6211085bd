import Foundation
public import YoiDiagnostics
public import YoiManifest

/// `<config>/models.toml`: additions and overrides to the builtin model catalog.
///
///     [models."anthropic/claude-sonnet-4-6"]
///     context_window = 500000
///
///     [models."local-vllm/qwen3"]
///     context_window = 32768
///     reasoning = true          # it takes worker.reasoning (default false)
///
///     [providers.local-vllm]
///     scheme = "openai_chat"
///     base_url = "http://127.0.0.1:8000/v1"
///     auth = { kind = "none" }
///
/// A missing file means the builtin catalog; a broken one is an error, never skipped.
public enum ModelCatalogFile {
  /// The catalog for `configDirectory`.
  /// - Throws: `YoiError` naming the file and line of every problem.
  public static func load(configDirectory: String) throws(YoiError) -> ModelCatalog {
    let path = configDirectory + "/models.toml"
    guard FileManager.default.fileExists(atPath: path) else { return .builtin }
    let text: String
    switch BoundedFile.readText(path, limit: BoundedFile.tomlLimit) {
    case .success(let read): text = read
    case .failure(let failure): throw YoiError("\(path) \(failure.reason)", code: .models, at: SourceLocation(file: path))
    }
    return try parse(text, path: path)
  }

  static func parse(_ text: String, path: String) throws(YoiError) -> ModelCatalog {
    let document = try TOMLDocument(text: text, path: path, displayPath: path)
    var catalog = ModelCatalog.builtin
    var diagnostics: [Diagnostic] = []
    let providerSchema = ConfigObject([
      ConfigField("scheme", .enumeration(ConfigSchema.schemes)), ConfigField("base_url", .string), ConfigField("auth", .auth),
    ])
    let modelSchema = ConfigObject([ConfigField("context_window", .integer(minimum: 1)), ConfigField("reasoning", .boolean)])
    for member in document.root {
      switch member.key {
      case "models", "providers":
        guard case .object(let entries) = member.value else {
          diagnostics.append(document.diagnostic("`\(member.key)` must be a table", at: member.key, code: .models))
          continue
        }
        for entry in entries {
          let entryPath = KeyPath.join(member.key, entry.key)
          var decoder = ConfigDecoder()
          let decoded = decoder.decode(entry.value, as: .object(member.key == "models" ? modelSchema : providerSchema), path: entryPath, key: entry.key)
          diagnostics += decoder.problems.map { document.diagnostic($0.text, at: $0.path, code: .models, help: $0.help) }
          guard decoder.problems.isEmpty, case .object(let fields)? = decoded else { continue }
          if member.key == "models" {
            // An override keeps what it does not say; a model new to the catalog needs its window.
            let window: Int64? = if case .integer(let window)? = fields["context_window"] { window } else { nil }
            let reasoning: Bool? = if case .bool(let flag)? = fields["reasoning"] { flag } else { nil }
            if var model = catalog.models[entry.key] {
              model.contextWindow = window ?? model.contextWindow
              model.reasoning = reasoning ?? model.reasoning
              catalog.models[entry.key] = model
            } else if let window {
              catalog.models[entry.key] = ModelCatalog.Model(contextWindow: window, reasoning: reasoning ?? false)
            } else {
              diagnostics.append(document.diagnostic("\(entryPath): a model the catalog does not know needs `context_window`", at: entryPath, code: .models))
            }
          } else {
            guard case .string(let scheme)? = fields["scheme"], case .string(let baseURL)? = fields["base_url"] else {
              diagnostics.append(document.diagnostic("\(entryPath): a provider needs `scheme` and `base_url`", at: entryPath, code: .models))
              continue
            }
            let auth: ModelAuth
            do {
              auth = try JSONCoding.decode(ModelAuth.self, from: fields["auth"] ?? ["kind": "none"])
            } catch {
              diagnostics.append(document.diagnostic("\(entryPath).auth: \(error)", at: KeyPath.join(entryPath, "auth"), code: .models))
              continue
            }
            catalog.providers[entry.key] = ModelCatalog.Provider(scheme: scheme, baseURL: baseURL, auth: auth)
          }
        }
      default:
        var help = Suggestion.didYouMean(member.key, in: ["models", "providers"]).map { [$0] } ?? []
        help.append("models.toml has two tables: [models.\"provider/model\"] and [providers.NAME]")
        diagnostics.append(document.diagnostic("unknown key `\(member.key)`", at: member.key, code: .models, help: help))
      }
    }
    if !diagnostics.isEmpty { throw YoiError(diagnostics) }
    return catalog
  }
}
