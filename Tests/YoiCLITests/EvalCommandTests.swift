import Foundation
import Testing

@Suite("yoi eval (end to end)")
struct EvalCommandTests {
  @Test func versionNamesLua() throws {
    let outcome = try YoiBinary.run(["--version"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.hasPrefix("yoi "))
    #expect(outcome.stdout.contains("Lua 5.4"))
  }

  @Test func goodFilePrintsCanonicalJSON() throws {
    let outcome = try YoiBinary.run(["eval", "good.lua"], in: YoiBinary.fixtures)
    #expect(outcome.status == 0)
    #expect(
      outcome.stdout == """
        {
          "description": "Careful coder",
          "model": {
            "context_window": 240000.0,
            "ref": "anthropic/claude-sonnet-4-6"
          },
          "order": [
            "alpha",
            "mid",
            "zeta"
          ],
          "worker": {
            "max_turns": 40,
            "reasoning": "high",
            "temperature": 0.5
          }
        }

        """)
    #expect(outcome.stderr == "lua print: this goes to stderr, not stdout\n")
  }

  @Test func hostileFileEndsWithADiagnostic() throws {
    let marker = "/tmp/yoi-hostile-escaped"
    try? FileManager.default.removeItem(atPath: marker)
    let start = Date()
    let outcome = try YoiBinary.run(["eval", "hostile.lua"], in: YoiBinary.fixtures)
    #expect(Date().timeIntervalSince(start) < 5)
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.hasPrefix("error[E-LUA-LIMIT]: instruction limit exceeded"))
    #expect(outcome.stderr.contains("--> hostile.lua:4"))
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func syntaxErrorIsLocated() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "return {\n  a = 1\n  b = 2\n}\n".write(to: directory.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
    let outcome = try YoiBinary.run(["eval", "broken.lua"], in: directory)
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(
      outcome.stderr == """
        error[E-LUA-SYNTAX]: syntax error: '}' expected (to close '{' at line 1) near 'b'
         --> broken.lua:3
          |
        3 |   b = 2
          |   ^

        """)
  }

  @Test func pairsOrderIsTheSameInEveryProcess() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-pairs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let keys = (1...50).map { "key\($0) = \($0)" }.joined(separator: ", ")
    try "local list = {} for k, v in pairs({ \(keys) }) do list[#list + 1] = k end return list\n"
      .write(to: directory.appendingPathComponent("pairs.lua"), atomically: true, encoding: .utf8)
    let outputs = try (1...4).map { _ in try YoiBinary.run(["eval", "pairs.lua"], in: directory).stdout }
    #expect(Set(outputs).count == 1)
    #expect(outputs[0].contains("\"key1\",\n  \"key10\""))
  }

  @Test func missingFileIsAnError() throws {
    let outcome = try YoiBinary.run(["eval", "/nonexistent/profile.lua"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("/nonexistent/profile.lua does not exist"))
  }
}
