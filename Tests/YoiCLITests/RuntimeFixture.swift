import Foundation
import YoiManifest
import YoiStubProvider

/// A yoi home with a Pod whose model is a scripted provider on loopback. The provider key is
/// a canary in the encrypted secret store: tests check it reaches the auth header only.
struct RuntimeFixture {
  static let canary = "sk-canary-7f3a9e21d4c8b605"

  let home: YoiHome
  let provider: StubProvider
  let pod = "worker"
  var workspace: URL { home.project }

  /// `profile` is Lua table fields added to the profile (e.g. `worker = { max_turns = 2 }`).
  init(scheme: ModelScheme, turns: [StubProvider.Turn], profile extra: String = "", spawn: Bool = true) throws {
    home = try YoiHome()
    provider = try StubProvider(scheme: scheme, turns: turns)
    try home.write("profiles/agent.lua", Self.profile(scheme: scheme, baseURL: provider.baseURL, extra: extra))
    let stored = try home.run(["secret", "set", "stub/key"], stdin: Self.canary + "\n")
    precondition(stored.status == 0, stored.stderr)
    if spawn {
      let spawned = try home.run([
        "pod", "spawn", "--profile", home.root.appendingPathComponent("profiles/agent.lua").path, "--workspace", workspace.path, "--name", pod, "--yes",
      ])
      precondition(spawned.status == 0, spawned.stderr)
    }
  }

  static func profile(scheme: ModelScheme, baseURL: String, extra: String, modelID: String = "stub-model") -> String {
    """
    local yoi = require("yoi")
    return {
      model = { scheme = "\(scheme.rawValue)", model_id = "\(modelID)", base_url = "\(baseURL)", auth = yoi.secret("stub/key") },
      \(extra)
    }
    """
  }

  /// `yoi pod run worker PROMPT`.
  func run(_ prompt: String, json: Bool = false) throws -> YoiBinary.Outcome {
    try home.run(["pod", "run", pod] + (json ? ["--json"] : []) + [prompt])
  }

  func log() throws -> String { try home.run(["pod", "log", pod, "--json"]).stdout }

  /// Every file under the data directory, read as bytes (for the canary check).
  func dataFiles() throws -> [(String, Data)] {
    let root = home.data
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
    return walker.compactMap { item in
      guard let url = item as? URL, let data = try? Data(contentsOf: url) else { return nil }
      return (url.path, data)
    }
  }
}
