import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// Memory at run time (DESIGN.md §12.9): files, tools, protection, and the extraction and
/// consolidation workers against a scripted model.
@Suite("Run-time memory (end to end)")
struct RuntimeMemoryTests {
  static let extractionMarker = "You keep an agent's long-term memory"
  static let consolidationMarker = "You tidy an agent's long-term memory"

  static func profile(_ memory: String = "") -> String {
    #"scope = yoi.scope.workspace_write {}, feature = { memory = { enabled = true } }, memory = { extract_threshold = 1000000, \#(memory) },"#
  }

  static func note(_ title: String, _ body: String) -> String { "---\ntitle: \"\(title)\"\nupdated_at: x\nsources: [someone]\n---\n\(body)\n" }

  static func results(_ fixture: RuntimeFixture) throws -> [String] {
    try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.map(String.init)
  }

  @Test("the summary is injected; search honours its limits; a stale write is refused; the shell and write_file cannot touch the memory directory")
  func toolsAndProtection() throws {
    let calls: [(name: String, arguments: String)] = [
      (name: "memory_search", arguments: #"{"query": "parser"}"#),
      (name: "memory_read", arguments: #"{"slug": "parser-rules"}"#),
      (name: "memory_write", arguments: #"{"slug": "parser-rules", "title": "Parser rules", "body": "new", "expected_sha256": "0000"}"#),
      (name: "memory_write", arguments: #"{"slug": "parser-rules", "title": "Parser rules", "body": "overwrite blindly"}"#),
      (name: "memory_write", arguments: #"{"slug": "../escape", "title": "x", "body": "y"}"#),
      (name: "memory_write", arguments: #"{"slug": "new-note", "title": "A new note", "body": "Created by the model."}"#),
      (name: "write_file", arguments: #"{"path": ".yoi/memory/MEMORY.md", "content": "hijacked"}"#),
      (name: "shell", arguments: #"{"command": "echo hijacked >> .yoi/memory/MEMORY.md"}"#),
    ]
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "", toolCalls: calls), .reply(text: "done")],
      profile: Self.profile("query_result_limit = 2, query_excerpt_lines = 1"))
    try fixture.home.write("repo/.yoi/memory/MEMORY.md", Self.note("Memory", "RESIDENT SUMMARY: the parser is hand-written."))
    for (slug, body) in [("parser-rules", "parser line one\nsecond line"), ("parser-tests", "parser tests live in Tests"), ("parser-speed", "parser speed")] {
      try fixture.home.write("repo/.yoi/memory/notes/\(slug).md", Self.note(slug, body))
    }
    let run = try fixture.run("remember")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(RuntimeFeatureTests.system(fixture).contains("RESIDENT SUMMARY: the parser is hand-written."))
    let results = try Self.results(fixture)
    #expect(results.count == 8)
    // Two results (the limit) of one line each.
    #expect(results[0].components(separatedBy: "## ").count == 3, "\(results[0])")
    #expect(!results[0].contains("second line"), "\(results[0])")
    #expect(results[1].contains("sha256: "), "\(results[1])")
    #expect(results[2].contains("changed since it was read") && results[2].contains(#""is_error":true"#), "\(results[2])")
    #expect(results[3].contains("read it and pass expected_sha256 to replace it"), "\(results[3])")
    #expect(results[4].contains("is not a note slug"), "\(results[4])")
    #expect(!results[5].contains("is_error\":true"), "\(results[5])")
    #expect(results[6].contains(#""is_error":true"#), "\(results[6])")
    #expect(!results[7].hasSuffix(#"[exit status 0]""#), "\(results[7])")
    let summary = try fixture.home.read("repo/.yoi/memory/MEMORY.md")
    #expect(!summary.contains("hijacked"))
    #expect(try fixture.home.read("repo/.yoi/memory/notes/parser-rules.md").contains("parser line one"))
    let created = try fixture.home.read("repo/.yoi/memory/notes/new-note.md")
    #expect(created.contains("title: \"A new note\"") && created.contains("sources: [worker]") && created.contains("Created by the model."))
    let shown = try fixture.home.run(["memory", "show", "--pod", fixture.pod, "--json"])
    #expect(shown.status == 0 && shown.stdout.contains(#""slug": "new-note""#), "\(shown.stdout)\(shown.stderr)")
    let searched = try fixture.home.run(["memory", "search", "--pod", fixture.pod, "parser", "--limit", "1"])
    #expect(searched.stdout.hasPrefix("parser-"), "\(searched.stdout)")
    #expect(try fixture.home.run(["memory", "lint", "--pod", fixture.pod]).status == 0)
    try fixture.home.write("repo/.yoi/memory/notes/Bad Name.md", "x")
    let lint = try fixture.home.run(["memory", "lint", "--pod", fixture.pod])
    #expect(lint.status == 1 && lint.stderr.contains("error[E-MEMORY]"), "\(lint.stderr)")
  }

  /// A scripted extractor: writes `note` on its first turn, then answers (or keeps calling
  /// tools forever when `finishes` is false).
  static func extractor(_ fixture: RuntimeFixture, finishes: Bool, notes: [String] = ["user-prefers-tabs"]) {
    fixture.provider.chooser = { request in
      guard request.body.contains(Self.extractionMarker) else { return nil }
      let written = notes.filter { request.body.contains("Wrote \($0)") }
      if let next = notes.first(where: { !written.contains($0) }) {
        return .reply(
          text: "",
          toolCalls: [
            (name: "memory_write", arguments: #"{"slug": "\#(next)", "title": "\#(next)", "body": "The user prefers tabs (said in the run)."}"#)
          ])
      }
      return finishes ? .reply(text: "Recorded.") : .reply(text: "", toolCalls: [(name: "memory_search", arguments: #"{"query": "tabs"}"#)])
    }
  }

  @Test("extraction: a scripted extractor writes a note and records its range; one that never finishes does not advance it")
  func extraction() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "noted"), .reply(text: "again")], profile: Self.profile("extract_threshold = 1, extract_worker_max_turns = 3"))
    Self.extractor(fixture, finishes: true)
    #expect(try fixture.run("I prefer tabs.").status == 0)
    let note = try fixture.home.read("repo/.yoi/memory/notes/user-prefers-tabs.md")
    #expect(note.contains("The user prefers tabs"))
    let log = try fixture.log()
    let extract = log.split(separator: "\n").first { $0.contains(#""type":"memory_extract""#) }.map(String.init) ?? ""
    #expect(extract.contains(#""finished":true"#) && extract.contains(#""from_seq":1"#) && extract.contains(#""to_seq":2"#), "\(extract)")
    #expect(extract.contains(#""changed":["user-prefers-tabs"]"#), "\(extract)")
    // The worker's request carries the transcript tool and no file system, shell or web.
    let request = fixture.provider.requests.first { $0.body.contains(Self.extractionMarker) }?.body ?? ""
    #expect(request.contains("transcript_read") && !request.contains(#""name":"read_file""#) && !request.contains(#""name":"shell""#))
    #expect(!request.contains(RuntimeFixture.canary))

    // The second run's extractor never finishes: the range stays where the first one left it.
    Self.extractor(fixture, finishes: false, notes: [])
    #expect(try fixture.run("Also spaces in YAML.").status == 0)
    let extracts = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"memory_extract""#) }
    #expect(extracts.count == 2)
    #expect(extracts.last?.contains(#""finished":false"#) == true && extracts.last?.contains(#""from_seq":3"#) == true, "\(extracts)")
    let human = try fixture.home.run(["pod", "log", fixture.pod]).stdout
    #expect(human.contains("memory extraction of #3") && human.contains("not finished"), "\(human)")
    for file in try fixture.dataFiles() { #expect(!String(decoding: file.1, as: UTF8.self).contains(RuntimeFixture.canary) || file.0.contains("secret")) }
    let memoryText = try fixture.home.read("repo/.yoi/memory/notes/user-prefers-tabs.md")
    #expect(!memoryText.contains(RuntimeFixture.canary))
  }

  @Test("consolidation: once enough notes changed, a consolidation worker merges two notes into one")
  func consolidation() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "ok")],
      profile: Self.profile("extract_threshold = 1, consolidation_threshold_files = 2"))
    Self.extractor(fixture, finishes: true, notes: ["tabs-one", "tabs-two"])
    let chooseExtraction = fixture.provider.chooser
    fixture.provider.chooser = { request in
      guard request.body.contains(Self.consolidationMarker) else { return chooseExtraction?(request) }
      if !request.body.contains("Wrote tabs") {
        return .reply(
          text: "", toolCalls: [(name: "memory_write", arguments: #"{"slug": "tabs", "title": "Tabs", "body": "The user prefers tabs (merged)."}"#)])
      }
      if !request.body.contains("Deleted tabs-one") {
        // The consolidator reads the sha256 of each note it deletes.
        let one = try? String(contentsOfFile: fixture.workspace.appendingPathComponent(".yoi/memory/notes/tabs-one.md").path, encoding: .utf8)
        let two = try? String(contentsOfFile: fixture.workspace.appendingPathComponent(".yoi/memory/notes/tabs-two.md").path, encoding: .utf8)
        return .reply(
          text: "",
          toolCalls: [
            (name: "memory_delete", arguments: #"{"slug": "tabs-one", "expected_sha256": "\#(SHA256.hex((one ?? "").utf8))"}"#),
            (name: "memory_delete", arguments: #"{"slug": "tabs-two", "expected_sha256": "\#(SHA256.hex((two ?? "").utf8))"}"#),
          ])
      }
      return .reply(text: "Merged two notes.")
    }
    #expect(try fixture.run("tabs please").status == 0)
    let notes = try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.appendingPathComponent(".yoi/memory/notes").path).sorted()
    #expect(notes == ["tabs.md"], "\(notes)")
    let consolidate = try fixture.log().split(separator: "\n").first { $0.contains(#""type":"memory_consolidate""#) }.map(String.init) ?? ""
    #expect(consolidate.contains(#""finished":true"#) && consolidate.contains("tabs-one"), "\(consolidate)")
  }

  @Test("a workspace whose .yoi/memory is a symlink cannot send memory writes outside it")
  func symlinkedMemoryDirectory() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .reply(text: "", toolCalls: [(name: "memory_write", arguments: #"{"slug": "planted", "title": "x", "body": "written through a link"}"#)]),
        .reply(text: "done"),
      ],
      profile: Self.profile())
    let outside = fixture.home.root.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent(".yoi"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: fixture.workspace.appendingPathComponent(".yoi/memory").path, withDestinationPath: outside.path)
    #expect(try fixture.run("plant").status == 0)
    let results = try Self.results(fixture)
    #expect(results.first?.contains(#""is_error":true"#) == true, "\(results)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
  }
}
