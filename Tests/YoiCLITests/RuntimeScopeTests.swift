import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// File tools under the manifest's scope and permissions, driven by a scripted model.
@Suite("Runtime scope and permissions")
struct RuntimeScopeTests {
  /// Runs one turn of `calls` then a final answer; returns the tool results the model saw.
  static func toolResults(
    _ calls: [(name: String, arguments: String)], profile: String = "", environment: [String: String] = [:],
    setUp: (RuntimeFixture) throws -> Void = { _ in }
  ) throws -> ([String], RuntimeFixture) {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "", toolCalls: calls), .reply(text: "finished")], profile: profile)
    try setUp(fixture)
    let run = try fixture.home.run(["pod", "run", fixture.pod, "do it"], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    let log = try fixture.log()
    let results = log.split(separator: "\n").compactMap { line -> String? in
      guard case .object(let object)? = try? JSONParser.parse(String(line)), object["type"] == .string("tool_result"),
        case .string(let content)? = object["content"]
      else { return nil }
      return content
    }
    return (results, fixture)
  }

  @Test("writes: inside, outside, through .., through symlinks, under deny_write")
  func writes() throws {
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-outside-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    let calls = [
      (name: "write_file", arguments: #"{"path": "src/new.txt", "content": "inside"}"#),
      (name: "write_file", arguments: #"{"path": "\#(outside.path)/x.txt", "content": "outside"}"#),
      (name: "write_file", arguments: #"{"path": "../escape.txt", "content": "dotdot"}"#),
      (name: "write_file", arguments: #"{"path": "linkdir/through.txt", "content": "via dir link"}"#),
      (name: "write_file", arguments: #"{"path": "linkfile", "content": "via file link"}"#),
      (name: "write_file", arguments: #"{"path": "vendor/lib.txt", "content": "denied"}"#),
      (name: "write_file", arguments: #"{"path": "missing/../../escape2.txt", "content": "dotdot"}"#),
    ]
    let (results, fixture) = try Self.toolResults(calls, profile: #"scope = yoi.scope.workspace_write { deny_write = { "vendor" } },"#) { fixture in
      try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent("vendor"), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: fixture.workspace.appendingPathComponent("linkdir").path, withDestinationPath: outside.path)
      try "target".write(to: outside.appendingPathComponent("target.txt"), atomically: true, encoding: .utf8)
      try FileManager.default.createSymbolicLink(
        atPath: fixture.workspace.appendingPathComponent("linkfile").path, withDestinationPath: outside.appendingPathComponent("target.txt").path)
    }
    #expect(results.count == 7)
    #expect(results[0] == "wrote 6 bytes to src/new.txt")
    #expect(try fixture.home.read("repo/src/new.txt") == "inside")
    #expect(results[1].contains("is outside this Pod's writable scope"))
    #expect(results[2].contains("escape.txt is outside this Pod's writable scope"))
    #expect(results[3].contains("is outside this Pod's writable scope"), "\(results[3])")
    #expect(results[4].contains("is outside this Pod's writable scope"), "\(results[4])")
    #expect(results[5].contains("vendor/lib.txt is outside this Pod's writable scope (it is read-only for this Pod)"))
    #expect(results[6].contains("climbs with `..` through directories that do not exist"))
    #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("x.txt").path))
    #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("through.txt").path))
    #expect(try String(contentsOf: outside.appendingPathComponent("target.txt"), encoding: .utf8) == "target")
    #expect(!FileManager.default.fileExists(atPath: fixture.home.root.appendingPathComponent("escape.txt").path))
  }

  @Test("reads through symlinks to outside files are refused; a read-only intent offers no write tools")
  func readsAndReadOnly() throws {
    let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("yoi-secret-\(UUID().uuidString).txt")
    try "TOP SECRET CONTENT".write(to: secretFile, atomically: true, encoding: .utf8)
    let calls = [
      (name: "read_file", arguments: #"{"path": "peek"}"#),
      (name: "grep", arguments: #"{"pattern": "SECRET"}"#),
      (name: "read_file", arguments: #"{"path": "\#(secretFile.path)"}"#),
      (name: "write_file", arguments: #"{"path": "a.txt", "content": "x"}"#),
    ]
    let (results, fixture) = try Self.toolResults(calls, profile: "scope = yoi.scope.workspace_read(),") { fixture in
      try FileManager.default.createSymbolicLink(atPath: fixture.workspace.appendingPathComponent("peek").path, withDestinationPath: secretFile.path)
    }
    #expect(results[0].contains("is outside this Pod's readable scope"))
    #expect(results[1] == "no matches for SECRET")
    #expect(results[2].contains("is outside this Pod's readable scope"))
    #expect(results[3].contains("unknown tool `write_file`; the tools are: read_file, list_dir, glob, grep"))
    for result in results { #expect(!result.contains("TOP SECRET CONTENT")) }
    let tools = fixture.provider.requests[0].body
    #expect(!tools.contains(#""name":"write_file""#) && !tools.contains(#""name":"edit_file""#))
  }

  @Test("edit_file: a unique match edits, an ambiguous one is refused; outputs are capped")
  func editsAndCaps() throws {
    let calls = [
      (name: "edit_file", arguments: #"{"path": "code.txt", "old_string": "beta", "new_string": "BETA"}"#),
      (name: "edit_file", arguments: #"{"path": "code.txt", "old_string": "dup", "new_string": "x"}"#),
      (name: "edit_file", arguments: #"{"path": "code.txt", "old_string": "dup", "new_string": "DUP", "replace_all": true}"#),
      (name: "read_file", arguments: #"{"path": "big.txt"}"#),
    ]
    let (results, fixture) = try Self.toolResults(calls, profile: "worker = { tool_output = { per_tool = { read_file = 200 } } },") { fixture in
      try fixture.home.write("repo/code.txt", "alpha beta\ndup dup\n")
      try fixture.home.write("repo/big.txt", String(repeating: "0123456789ü\n", count: 100))
    }
    #expect(results[0] == "replaced 1 occurrence in code.txt")
    #expect(results[1].contains("old_string matches 2 times in code.txt"))
    #expect(results[2] == "replaced 2 occurrences in code.txt")
    #expect(try fixture.home.read("repo/code.txt") == "alpha BETA\nDUP DUP\n")
    #expect(results[3].contains("[output truncated: "))
    #expect(results[3].utf8.count < 300)
  }

  @Test("permissions: deny refuses, ask is refused headless naming the rule")
  func permissions() throws {
    let calls = [
      (name: "write_file", arguments: #"{"path": "docs/a.md", "content": "x"}"#),
      (name: "write_file", arguments: #"{"path": "src/b.txt", "content": "y"}"#),
      (name: "read_file", arguments: #"{"path": "src/b.txt"}"#),
    ]
    let profile = """
      permissions = { default_action = "allow", rule = {
        { tool = "write_file", pattern = "docs/**", action = "deny" },
        { tool = "write_file", pattern = "*", action = "ask" },
      } },
      """
    let (results, fixture) = try Self.toolResults(calls, profile: profile)
    #expect(results[0].contains(#"refused by permissions.rule[1] (write_file "docs/**" → deny)"#))
    #expect(results[1].contains(#"refused: write_file on src/b.txt needs a person's approval (permissions.rule[2] (write_file "*" → ask))"#), "\(results[1])")
    #expect(results[2].contains("cannot open") || results[2].contains("outside"))
    #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("docs/a.md").path))
    #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("src/b.txt").path))
  }

  @Test("autonomy presets: the documented tables, opts.rules first; headless under ask() reads but cannot write")
  func presets() throws {
    let home = try YoiHome()
    try home.write(
      "p.lua",
      """
      local yoi = require("yoi")
      local p = yoi.profile.import("builtin:default")
      p.permissions = yoi.autonomy.edits { rules = { { tool = "shell", pattern = "git push*", action = "deny" } } }
      return p
      """)
    let resolved = try home.run(["profile", "resolve", home.root.appendingPathComponent("p.lua").path, "--yes"])
    #expect(resolved.status == 0, "\(resolved.stderr)")
    guard case .object(let manifest)? = try? JSONParser.parse(resolved.stdout), let permissions = manifest["permissions"] else {
      Issue.record("no permissions in \(resolved.stdout)")
      return
    }
    let expected: JSONValue = [
      "default_action": "ask",
      "rule": [
        ["tool": "shell", "pattern": "git push*", "action": "deny"],
        ["tool": "read_file", "pattern": "*", "action": "allow"], ["tool": "list_dir", "pattern": "*", "action": "allow"],
        ["tool": "glob", "pattern": "*", "action": "allow"], ["tool": "grep", "pattern": "*", "action": "allow"],
        ["tool": "write_file", "pattern": "*", "action": "allow"], ["tool": "edit_file", "pattern": "*", "action": "allow"],
      ],
    ]
    #expect(permissions == expected)
    for (preset, defaultAction, count) in [("ask", "ask", 4), ("full", "allow", 0)] {
      try home.write("q.lua", "return { model = { ref = \"anthropic/claude-haiku-4-5\" }, permissions = yoi.autonomy.\(preset)() }\n")
      let other = try home.run(["profile", "resolve", home.root.appendingPathComponent("q.lua").path])
      guard case .object(let manifest)? = try? JSONParser.parse(other.stdout), case .object(let table)? = manifest["permissions"],
        case .array(let rules)? = table["rule"]
      else {
        Issue.record("\(preset): \(other.stderr)")
        continue
      }
      #expect(table["default_action"] == .string(defaultAction))
      #expect(rules.count == count)
    }

    let calls = [
      (name: "read_file", arguments: #"{"path": "notes.txt"}"#),
      (name: "write_file", arguments: #"{"path": "notes.txt", "content": "changed"}"#),
    ]
    let (results, fixture) = try Self.toolResults(calls, profile: "permissions = yoi.autonomy.ask(),") { fixture in
      try fixture.home.write("repo/notes.txt", "original\n")
    }
    #expect(results[0] == "1\toriginal\n")
    #expect(results[1].contains("needs a person's approval (permissions.default_action (ask)), and a headless run cannot ask"))
    #expect(try fixture.home.read("repo/notes.txt") == "original\n")
  }
}
