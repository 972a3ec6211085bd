import Foundation
import Testing

/// CLI conventions (issue 12 #17): colour choices, "did you mean" for commands, and `--json`
/// wherever a script reads the output.
@Suite("CLI conventions (end to end)")
struct ConventionTests {
  static let escape = "\u{1B}["

  @Test func colourFollowsTheChoiceAndTheEnvironment() throws {
    let home = try YoiHome()
    try home.write("repo/bad.lua", "return { workr = {} }\n")
    // Pipes are not terminals: no colour by default, colour when asked.
    #expect(!(try home.run(["profile", "check", "./bad.lua"]).stderr.contains(Self.escape)))
    #expect(try home.run(["--color", "always", "profile", "check", "./bad.lua"]).stderr.contains(Self.escape))
    #expect(try home.run(["profile", "check", "./bad.lua", "--color=always"]).stderr.contains(Self.escape))
    #expect(!(try home.run(["--color", "never", "profile", "check", "./bad.lua"]).stderr.contains(Self.escape)))
    let wrong = try home.run(["--color", "sometimes", "profile", "list"])
    #expect(wrong.status == 64 && wrong.stderr.contains("--color takes auto, always or never"))
  }

  @Test func mistypedCommandsGetDidYouMean() throws {
    let home = try YoiHome()
    var outcome = try home.run(["profle", "list"])
    #expect(outcome.status == 64)
    #expect(outcome.stderr.contains("unknown command `profle` for `yoi`") && outcome.stderr.contains("did you mean `profile`?"))
    outcome = try home.run(["pod", "lsit"])
    #expect(outcome.stderr.contains("did you mean `list`?"))
    #expect(try home.run(["help", "pod"]).stdout.contains("USAGE: yoi pod"))
  }

  @Test func scriptsGetJSON() throws {
    let home = try YoiHome()
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
      let outcome = try home.run(arguments)
      return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
    }
    let spawned = try #require(try json(["pod", "spawn", "--profile", "builtin:coder", "--name", "a", "--json"]) as? [String: Any])
    let digest = try #require(spawned["digest"] as? String)
    #expect(digest.count == 64)
    let listed = try #require(try json(["pod", "list", "--json"]) as? [[String: Any]])
    #expect(listed.first?["digest"] as? String == digest)
    let shown = try #require(try json(["pod", "show", "a", "--json"]) as? [String: Any])
    #expect(shown["digest"] as? String == digest && shown["manifest"] is [String: Any])
    #expect(try json(["pod", "secrets", "a", "--json"]) is [[String: Any]])
    #expect(try json(["secret", "list", "--json"]) as? [String] == [])
    let profile = try #require(try json(["profile", "show", "coder", "--json"]) as? [String: Any])
    #expect(profile["profile"] as? String == "builtin:coder")
    let checked = try #require(try json(["profile", "check", "coder", "--json"]) as? [[String: Any]])
    #expect(checked.first?["ok"] as? Bool == true)
    let diff = try #require(try json(["profile", "diff", "coder", "coder-fast", "--json"]) as? [[String: Any]])
    #expect(diff.contains { $0["path"] as? String == "model.ref" })
  }
}
