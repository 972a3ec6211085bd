import YoiDiagnostics
import Foundation
import Testing
import YoiManifest

@testable import YoiAgent
@testable import YoiProviders

@Suite("Credentials and token estimates")
struct CredentialTests {
  static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-cred-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test("api_key: the file's trimmed contents; a missing or empty file is an error naming it")
  func apiKeyFile() throws {
    let root = try Self.directory()
    let file = root.appendingPathComponent("key.txt")
    try "  sk-file-key\n".write(to: file, atomically: true, encoding: .utf8)
    let credential = try CredentialResolver(auth: .apiKeyFile(file.path), secrets: FixedSecrets()).credential()
    #expect(credential.token == "sk-file-key")
    #expect(!credential.description.contains("sk-file-key"))
    #expect(throws: ProviderError.self) {
      try CredentialResolver(auth: .apiKeyFile(root.appendingPathComponent("missing").path), secrets: FixedSecrets()).credential()
    }
    try "\n".write(to: file, atomically: true, encoding: .utf8)
    #expect(throws: ProviderError.self) { try CredentialResolver(auth: .apiKeyFile(file.path), secrets: FixedSecrets()).credential() }
  }

  @Test("codex_oauth: the token and account id from $CODEX_HOME/auth.json; missing says to sign in")
  func codex() throws {
    let root = try Self.directory()
    let resolver = CredentialResolver(auth: .codexOAuth, secrets: FixedSecrets(), environment: ["CODEX_HOME": root.path])
    do {
      _ = try resolver.credential()
      Issue.record("expected an error")
    } catch let error as ProviderError {
      #expect(error.message.contains("auth.json does not exist"))
      #expect(error.help.first?.contains("codex login") == true)
    }
    try #"{"tokens": {"access_token": "oauth-token", "account_id": "acct-1"}}"#.write(
      to: root.appendingPathComponent("auth.json"), atomically: true, encoding: .utf8)
    let credential = try resolver.credential()
    #expect(credential.token == "oauth-token" && credential.accountID == "acct-1")
    #expect(OpenAIResponsesWire().headers(credential).contains { $0 == ("chatgpt-account-id", "acct-1") })
  }

  @Test("the token estimate: 4 bytes a token, rounded up, 4 per message")
  func estimate() {
    #expect(TokenEstimate.tokens("") == 0)
    #expect(TokenEstimate.tokens("abcd") == 1)
    #expect(TokenEstimate.tokens("abcde") == 2)
    #expect(TokenEstimate.tokens("日本") == 2)  // 6 bytes
    #expect(TokenEstimate.tokens(.user("abcdefgh")) == 6)
    let results = Message.toolResults([ToolResult(callID: "1", name: "grep", content: String(repeating: "x", count: 400), isError: false)])
    #expect(TokenEstimate.tokens(results) == 104)
  }
}
