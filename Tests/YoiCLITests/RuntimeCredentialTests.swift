import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// The keys people have (DESIGN.md §12.2): a variable (`yoi.env`), a stored secret with a
/// variable to fall back on, a catalog provider's conventional variable, a key file next to
/// the profile. Through the built binary; the key is a canary that must reach the request's
/// auth header and nothing else.
@Suite("Credentials people have (end to end)")
struct RuntimeCredentialTests {
  static let canary = RuntimeFixture.canary
  static let variable = "YOI_TEST_PROVIDER_KEY"

  /// A home with a profile whose model is `model` (Lua), spawned as `worker`.
  static func spawned(
    _ provider: StubProvider, model: String, profilePath: String = "profiles/agent.lua", environment: [String: String] = [:]
  ) throws
    -> (YoiHome, YoiBinary.Outcome)
  {
    let home = try YoiHome()
    try home.write(profilePath, "local yoi = require('yoi')\nreturn { model = \(model) }\n")
    let spawned = try home.run(
      ["pod", "spawn", "--profile", home.root.appendingPathComponent(profilePath).path, "--workspace", home.project.path, "--name", "worker", "--yes"],
      environment: environment)
    #expect(spawned.status == 0, "\(spawned.stderr)")
    return (home, spawned)
  }

  static func expectNoCanary(_ home: YoiHome, _ outcomes: [YoiBinary.Outcome], sourceLocation: SourceLocation = #_sourceLocation) throws {
    for outcome in outcomes + [try home.run(["pod", "log", "worker", "--json"]), try home.run(["pod", "show", "worker"])] {
      #expect(!outcome.stdout.contains(canary) && !outcome.stderr.contains(canary), sourceLocation: sourceLocation)
    }
    let walker = FileManager.default.enumerator(at: home.data, includingPropertiesForKeys: nil)
    while let url = walker?.nextObject() as? URL {
      if let data = try? Data(contentsOf: url) { #expect(data.range(of: Data(canary.utf8)) == nil, "\(url.path)", sourceLocation: sourceLocation) }
    }
  }

  @Test("yoi.env: the variable's value is the key, read per request; a missing one is an error naming it")
  func environmentAuth() throws {
    let provider = try StubProvider(scheme: .openaiChat, turns: [.reply(text: "hi"), .status(401, message: "invalid key")])
    let (home, _) = try Self.spawned(
      provider, model: "{ scheme = 'openai_chat', model_id = 'm', base_url = '\(provider.baseURL)', auth = yoi.env('\(Self.variable)') }")
    let run = try home.run(["pod", "run", "worker", "hello"], environment: [Self.variable: Self.canary])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(provider.requests.first?.header("authorization") == "Bearer " + Self.canary)
    let refused = try home.run(["pod", "run", "worker", "again"], environment: [Self.variable: "a-wrong-key"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("the provider refused the key: set \(Self.variable) to the right key"), "\(refused.stderr)")
    let missing = try home.run(["pod", "run", "worker", "hello"], environment: [Self.variable: ""])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("model.auth names the environment variable \(Self.variable), which is not set"), "\(missing.stderr)")
    #expect(provider.requests.count == 2)
    try Self.expectNoCanary(home, [run, refused, missing])
  }

  @Test("yoi.secret with env: the variable when nothing is stored, the stored secret once it is; neither is an error naming both")
  func secretWithEnvironmentFallback() throws {
    let provider = try StubProvider(scheme: .anthropic, turns: [.reply(text: "one"), .reply(text: "two")])
    let model = "{ scheme = 'anthropic', model_id = 'm', base_url = '\(provider.baseURL)', auth = yoi.secret('team/key', { env = '\(Self.variable)' }) }"
    let (home, spawned) = try Self.spawned(provider, model: model, environment: [Self.variable: Self.canary])
    #expect(!spawned.stderr.contains("W-SECRET-MISSING"), "\(spawned.stderr)")
    let neither = try home.run(["pod", "run", "worker", "hello"], environment: [Self.variable: ""])
    #expect(neither.status == 1)
    #expect(neither.stderr.contains("secret `team/key`, which is not stored, and the environment variable \(Self.variable)"), "\(neither.stderr)")
    let fromVariable = try home.run(["pod", "run", "worker", "hello"], environment: [Self.variable: Self.canary])
    #expect(fromVariable.status == 0, "\(fromVariable.stderr)")
    #expect(provider.requests.last?.header("x-api-key") == Self.canary)
    #expect(try home.run(["secret", "set", "team/key"], stdin: "stored-key-value\n").status == 0)
    let fromStore = try home.run(["pod", "run", "worker", "again"], environment: [Self.variable: Self.canary])
    #expect(fromStore.status == 0, "\(fromStore.stderr)")
    #expect(provider.requests.last?.header("x-api-key") == "stored-key-value")
    try Self.expectNoCanary(home, [neither, fromVariable, fromStore])
  }

  @Test("a catalog anthropic model reads ANTHROPIC_API_KEY when no secret is stored")
  func catalogProviderVariable() throws {
    let provider = try StubProvider(scheme: .anthropic, turns: [.reply(text: "hi")])
    let (home, spawned) = try Self.spawned(
      provider, model: "{ ref = 'anthropic/claude-sonnet-4-6', base_url = '\(provider.baseURL)' }", environment: ["ANTHROPIC_API_KEY": Self.canary])
    #expect(!spawned.stderr.contains("W-SECRET-MISSING"), "\(spawned.stderr)")
    let show = try home.run(["pod", "show", "worker", "--json"])
    #expect(show.stdout.contains(#""env": "ANTHROPIC_API_KEY""#), "\(show.stdout)")
    let run = try home.run(["pod", "run", "worker", "hello"], environment: ["ANTHROPIC_API_KEY": Self.canary])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(provider.requests.first?.header("x-api-key") == Self.canary)
    #expect(provider.requests.first?.body.contains(#""model":"claude-sonnet-4-6""#) == true)
    try Self.expectNoCanary(home, [spawned, run])
  }

  @Test("a relative key file is resolved against the profile's directory, whatever directory yoi runs in")
  func relativeKeyFile() throws {
    let provider = try StubProvider(scheme: .openaiChat, turns: [.reply(text: "hi")])
    let home = try YoiHome()
    try home.write("profiles/team/keys/provider.txt", Self.canary + "\n")
    try home.write(
      "profiles/team/agent.lua",
      "return { model = { scheme = 'openai_chat', model_id = 'm', base_url = '\(provider.baseURL)', auth = { kind = 'api_key', file = 'keys/provider.txt' } } }\n"
    )
    let spawned = try home.run(
      ["pod", "spawn", "--profile", "../profiles/team/agent.lua", "--workspace", home.project.path, "--name", "worker", "--yes"], in: "repo")
    #expect(spawned.status == 0, "\(spawned.stderr)")
    let run = try home.run(["pod", "run", "worker", "hello"], in: "config")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(provider.requests.first?.header("authorization") == "Bearer " + Self.canary)
    let show = try home.run(["pod", "show", "worker", "--json"])
    #expect(show.stdout.contains(home.root.appendingPathComponent("profiles/team/keys/provider.txt").path), "\(show.stdout)")
  }
}
