import Foundation
import Testing

@Suite("yoi profile (end to end)")
struct ProfileCommandTests {
  static func workspace() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-ws-\(UUID().uuidString)/my project")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  @Test func resolvePrintsTheManifest() throws {
    let ws = try Self.workspace()
    let outcome = try YoiBinary.run(["profile", "resolve", "builtin:coder", "--workspace", ws.path])
    #expect(outcome.status == 0)
    #expect(outcome.stderr.isEmpty)
    #expect(outcome.stdout.contains("\"instruction\": \"$yoi/role/coder\""))
    #expect(outcome.stdout.contains("\"name\": \"my-project\""))
    #expect(outcome.stdout.hasPrefix("{\n  \"compaction\": {"))
  }

  @Test func digestIsStableAcrossProcesses() throws {
    let ws = try Self.workspace()
    try
      "local l = {} for k in pairs({ a1=1,b2=2,c3=3,d4=4,e5=5,f6=6,g7=7,h8=8,i9=9,j10=10 }) do l[#l+1] = k end local p = require('yoi').profile.import('builtin:default') p.worker.stop_sequences = l return p\n"
      .write(to: ws.appendingPathComponent("p.lua"), atomically: true, encoding: .utf8)
    let digests = try (1...3).map { _ in try YoiBinary.run(["profile", "resolve", "./p.lua", "--digest", "--pod-name", "x"], in: ws) }
    #expect(digests.allSatisfy { $0.status == 0 })
    #expect(Set(digests.map(\.stdout)).count == 1)
    #expect(digests[0].stdout.utf8.count == 65)
  }

  @Test func errorsGoToStderrWithNothingOnStdout() throws {
    let ws = try Self.workspace()
    try
      "local yoi = require('yoi')\nreturn yoi.profile {\n  workr = {},\n  model = { ref = 'anthropic/claude-sonnet-4-6', auth = { kind = 'api_key', key = 'CANARY-c4n4ry' } },\n}\n"
      .write(to: ws.appendingPathComponent("bad.lua"), atomically: true, encoding: .utf8)
    let outcome = try YoiBinary.run(["profile", "resolve", "bad.lua"], in: ws)
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("error[E-PROFILE-FIELD]: workr: unknown field `workr`"))
    #expect(outcome.stderr.contains(" --> bad.lua:3:3"))
    #expect(outcome.stderr.contains("did you mean `worker`?"))
    #expect(outcome.stderr.contains("E-PROFILE-SECRET"))
    #expect(!outcome.stderr.contains("CANARY"))
    #expect(!outcome.stderr.contains("\u{1B}["))  // no colour when not a terminal
  }

  /// A profile saved with CRLF endings (`\r\n` is one Swift character, so splitting on "\n"
  /// saw one line): its diagnostic shows the line Lua names.
  @Test func aCRLFProfileShowsTheLineItsDiagnosticNames() throws {
    let ws = try Self.workspace()
    try "local yoi = require('yoi')\r\nreturn {\r\n  worker = { max_turns = 'many' },\r\n}\r\n"
      .write(to: ws.appendingPathComponent("windows.lua"), atomically: true, encoding: .utf8)
    let outcome = try YoiBinary.run(["profile", "check", "windows.lua"], in: ws)
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains(" --> windows.lua:3:14"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("3 |   worker = { max_turns = 'many' },\n"), "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("\r"))
  }

  @Test func checkReportsEveryProfile() throws {
    let ws = try Self.workspace()
    try "return { model = 42 }\n".write(to: ws.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
    let outcome = try YoiBinary.run(["profile", "check", "builtin:reviewer", "broken.lua", "builtin:coder"], in: ws)
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("ok: builtin:reviewer"))
    #expect(outcome.stderr.contains("ok: builtin:coder"))
    #expect(outcome.stderr.contains("model: expected a table, got 42"))
  }

  @Test func unknownRoleIsAUsageError() throws {
    let outcome = try YoiBinary.run(["profile", "resolve", "builtin:coder", "--role", "codr"])
    #expect(outcome.status == 2)
    #expect(outcome.stderr.contains("did you mean `coder`?"))
  }
}
