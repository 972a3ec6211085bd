import Foundation
public import YoiDiagnostics
public import YoiManifest
import YoiProviders

/// Whether a model's credential is at hand, said for people and scripts, never the value. One
/// answer for `yoi models`, `--model` and the new-Pod dialog.
public enum CredentialState: Sendable, Hashable {
  case notNeeded
  /// In the secret store, under this id.
  case stored(String)
  /// In this environment variable.
  case variable(String)
  /// Codex CLI's sign-in file exists.
  case signedIn
  /// The key file exists.
  case keyFile(String)
  /// Not found; `fix` says what provides it (a command or a variable).
  case missing(fix: String)

  public var isPresent: Bool {
    if case .missing = self { false } else { true }
  }

  /// `stored`, `variable`, `signed_in`, `key_file`, `none_needed` or `missing`.
  public var state: String {
    switch self {
    case .notNeeded: "none_needed"
    case .stored: "stored"
    case .variable: "variable"
    case .signedIn: "signed_in"
    case .keyFile: "key_file"
    case .missing: "missing"
    }
  }

  /// Where it is (the secret id, the variable, the file), or what provides it when missing.
  public var detail: String {
    switch self {
    case .notNeeded: "no key needed"
    case .stored(let id): "stored as \(id)"
    case .variable(let name): "\(name) is set"
    case .signedIn: "signed in with Codex CLI"
    case .keyFile(let path): "key file \(path)"
    case .missing(let fix): fix
    }
  }
}

/// One catalog model as `yoi models` lists it.
public struct CatalogModel: Sendable, Hashable {
  public var ref: String
  public var scheme: String
  public var baseURL: String
  public var contextWindow: Int64
  public var reasoning: Bool
  public var credential: CredentialState
}

public enum ModelAvailability {
  /// Whether `auth`'s credential is present: `stored` holds the ids in the secret store.
  public static func credential(for auth: ModelAuth, stored: Set<String>, environment: Environment = .process) -> CredentialState {
    switch auth {
    case .none: return .notNeeded
    case .apiKeyFile(let path):
      return FileManager.default.isReadableFile(atPath: path) ? .keyFile(path) : .missing(fix: "put the key in \(path)")
    case .codexOAuth:
      return FileManager.default.fileExists(atPath: CredentialResolver.codexHome(environment) + "/auth.json")
        ? .signedIn : .missing(fix: "sign in with Codex CLI (`codex login`)")
    case .secretReference(let id, let variable):
      if stored.contains(id) { return .stored(id) }
      if let variable, isSet(variable, environment) { return .variable(variable) }
      return .missing(fix: "`yoi secret set \(id)`" + (variable.map { " or export \($0)" } ?? ""))
    case .environment(let variable):
      return isSet(variable, environment) ? .variable(variable) : .missing(fix: "export \(variable)")
    }
  }

  private static func isSet(_ variable: String, _ environment: Environment) -> Bool {
    CredentialResolver.key(in: variable, environment) != nil
  }

  /// The catalog's models, sorted by ref, each with its provider's settings and credential.
  public static func models(in catalog: ModelCatalog, stored: Set<String>, environment: Environment = .process) -> [CatalogModel] {
    catalog.models.keys.sorted().compactMap { ref in
      guard let model = catalog.models[ref], let provider = catalog.providers[ModelCatalog.provider(of: ref)] else { return nil }
      return CatalogModel(
        ref: ref, scheme: provider.scheme, baseURL: provider.baseURL, contextWindow: model.contextWindow, reasoning: model.reasoning,
        credential: credential(for: provider.auth, stored: stored, environment: environment))
    }
  }
}
