public import YoiDiagnostics
import Foundation
public import YoiManifest

/// A credential ready for one request. Its description never shows the value.
public struct Credential: Sendable, CustomStringConvertible {
  public enum Kind: Sendable { case none, apiKey, codexOAuth }
  public let kind: Kind
  let token: String
  let accountID: String?
  public var description: String { "Credential(\(kind), redacted)" }

  public static let none = Credential(kind: .none, token: "", accountID: nil)

  /// The value to scrub from anything the provider sends back (an echoed key).
  var secretWords: [String] { [token] }

  /// The value itself, for the one place outside a request that needs it: an MCP server's
  /// environment or headers, resolved when it starts.
  public var value: String { token }
}

/// Reads `model.auth` into a credential (DESIGN.md §12.2).
public struct CredentialResolver: Sendable {
  public var auth: ModelAuth
  public var secrets: any SecretSource
  public var environment: Environment

  public init(auth: ModelAuth, secrets: any SecretSource, environment: Environment = .process) {
    self.auth = auth
    self.secrets = secrets
    self.environment = environment
  }

  /// The Codex CLI's home (`$CODEX_HOME`, else `~/.codex`): where its sign-in lives.
  public static func codexHome(_ environment: Environment) -> String {
    environment[.codexHome] ?? environment.home + "/.codex"
  }

  /// The key in variable `name`, trimmed; nil when it is unset or blank (every reader of a
  /// credential variable treats it the same way: both auth kinds, `yoi models`, MCP servers).
  public static func key(in name: String, _ environment: Environment) -> String? {
    environment.credentialVariable(name).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
  }

  private func key(in name: String) -> String? { Self.key(in: name, environment) }

  public func credential() throws -> Credential {
    switch auth {
    case .none:
      return .none
    case .apiKeyFile(let path):
      guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw ProviderError(
          .credential, "cannot read the API key file \(path) named by model.auth", help: ["create it with the key as its only content (mode 0600)"])
      }
      let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !key.isEmpty else { throw ProviderError(.credential, "the API key file \(path) named by model.auth is empty") }
      return Credential(kind: .apiKey, token: key, accountID: nil)
    case .secretReference(let id, let variable):
      // The stored secret wins; the variable is consulted only when nothing is stored.
      do {
        return Credential(kind: .apiKey, token: try secrets.secretPlaintext(id), accountID: nil)
      } catch {
        // Only a secret that is not stored falls back: a damaged store is its own error.
        guard let variable, (error as? YoiError)?.code == .secretMissing else { throw error }
        guard let value = key(in: variable) else {
          throw ProviderError(
            .credential, "model.auth names the secret `\(id)`, which is not stored, and the environment variable \(variable), which is not set",
            help: ["store the key with `yoi secret set \(id)`, or export \(variable)"])
        }
        return Credential(kind: .apiKey, token: value, accountID: nil)
      }
    case .environment(let variable):
      guard let value = key(in: variable) else {
        throw ProviderError(.credential, "model.auth names the environment variable \(variable), which is not set", help: ["export \(variable) with the key"])
      }
      return Credential(kind: .apiKey, token: value, accountID: nil)
    case .codexOAuth:
      let path = Self.codexHome(environment) + "/auth.json"
      struct AuthFile: Decodable {
        struct Tokens: Decodable {
          var access_token: String?
          var account_id: String?
        }
        var tokens: Tokens?
      }
      let signIn = "sign in with Codex CLI (`codex login`), or choose a model with another auth in the profile"
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ProviderError(.credential, "model.auth is codex_oauth but \(path) does not exist", help: [signIn])
      }
      guard let file = try? JSONCoding.decode(AuthFile.self, from: String(decoding: data, as: UTF8.self)), let token = file.tokens?.access_token,
        !token.isEmpty
      else {
        throw ProviderError(.credential, "model.auth is codex_oauth but \(path) holds no access token", help: [signIn])
      }
      return Credential(kind: .codexOAuth, token: token, accountID: file.tokens?.account_id)
    }
  }
}
