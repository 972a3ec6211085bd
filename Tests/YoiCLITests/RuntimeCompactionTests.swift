import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// Compaction at run time (DESIGN.md §12.7) against the scripted provider.
@Suite("Runtime compaction", .serialized)
struct RuntimeCompactionTests {
  static let summaryMarker = "You compact an agent's working conversation"

  static func reads(_ names: [String]) -> [StubProvider.Turn] {
    names.map { .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": "\#($0)"}"#)]) }
  }

  /// Files of ~4 KB each (about 1,000 tokens by the estimate).
  static func writeFiles(_ fixture: RuntimeFixture, _ names: [String]) throws {
    for name in names {
      try fixture.home.write("repo/\(name)", String(repeating: "\(name.uppercased()) line of content for compaction tests\n", count: 80))
    }
  }

  static func compaction(_ fields: String) -> String {
    "worker = { instruction = \"Be brief.\" }, compaction = yoi.compact.tokens { \(fields) },"
  }

  /// Every tool result in an OpenAI chat request answers a call made earlier in that request.
  static func pairsIntact(_ body: String) -> Bool {
    guard case .object(let object)? = try? JSONParser.parse(body), case .array(let messages)? = object["messages"] else { return false }
    var calls = Set<String>()
    for message in messages {
      guard case .object(let fields) = message else { continue }
      if case .array(let toolCalls)? = fields["tool_calls"] {
        for call in toolCalls { if case .object(let c) = call, case .string(let id)? = c["id"] { calls.insert(id) } }
      }
      if case .string(let id)? = fields["tool_call_id"], !calls.contains(id) { return false }
    }
    return true
  }

  @Test("a long session compacts: summary by compaction.model, smaller next request, pairs intact, resume from summary")
  func summarises() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: Self.reads(["a.txt", "b.txt", "c.txt"]) + [.reply(text: "Done reading."), .reply(text: "I remember.")],
      profile: Self.compaction("request_threshold = 2600, retained_tokens = 1200, prune_min_savings = 1000000, model = \"stub/summary-model\""))
    fixture.provider.chooser = { request in
      request.body.contains(Self.summaryMarker) ? .reply(text: "SUMMARY: read a.txt and b.txt, both test fixtures.") : nil
    }
    try Self.writeFiles(fixture, ["a.txt", "b.txt", "c.txt"])
    let run = try fixture.run("Read the three files")
    #expect(run.status == 0, "\(run.stderr)")
    let requests = fixture.provider.requests
    let summaryIndex = try #require(requests.firstIndex { $0.body.contains(Self.summaryMarker) })
    let summary = requests[summaryIndex].body
    #expect(summary.contains(#""model":"summary-model""#))
    #expect(!summary.contains(#""tools""#))
    #expect(summary.contains("A.TXT line"))
    #expect(summaryIndex > 0 && summaryIndex + 1 < requests.count)
    let before = requests[summaryIndex - 1].body, after = requests[summaryIndex + 1].body
    // Smaller than what it replaced: the previous request plus the ~4 KB result since.
    #expect(after.utf8.count < before.utf8.count + 1000)
    #expect(after.contains("SUMMARY: read a.txt") && !after.contains("A.TXT line"))
    for request in requests where !request.body.contains(Self.summaryMarker) { #expect(Self.pairsIntact(request.body)) }
    let log = try fixture.log()
    #expect(log.contains(#""type":"compaction""#) && log.contains(#""summary":"SUMMARY: read a.txt"#))
    let records = log.split(separator: "\n").compactMap { line -> JSONObject? in
      guard case .object(let object)? = try? JSONParser.parse(String(line)), object["type"] == .string("compaction") else { return nil }
      return object
    }
    let record = try #require(records.first)
    guard case .integer(let tokensBefore)? = record["tokens_before"], case .integer(let tokensAfter)? = record["tokens_after"] else {
      Issue.record("no token counts in \(record)")
      return
    }
    #expect(tokensAfter < tokensBefore * 3 / 4, "\(tokensBefore) → \(tokensAfter)")

    let next = try fixture.run("What did you read?")
    #expect(next.status == 0, "\(next.stderr)")
    let resumed = try #require(fixture.provider.requests.last).body
    #expect(resumed.contains("SUMMARY: read a.txt") && !resumed.contains("A.TXT line"))
    #expect(Self.pairsIntact(resumed))
  }

  /// A long-lived Pod's start reads only the conversation the model sees (from the latest
  /// `/clear` or summary) and the marker events: an old event is never decoded again. Here one
  /// before a `/clear` is unreadable; reading the whole transcript failed the run.
  @Test("a run reads the transcript from the latest /clear on: an unreadable event before it does not stop the run, and the request holds only the new segment")
  func runReadsFromTheSegment() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "first answer"), .reply(text: "second answer")])
    #expect(try fixture.run("the old question").status == 0)
    let database = fixture.home.data.appendingPathComponent("yoi.sqlite").path
    let sql = """
      UPDATE transcript_event SET body = '{"unreadable": true}' WHERE kind = 'user';
      INSERT INTO transcript_event (pod_id, seq, kind, body, created_at)
        SELECT pod_id, max(seq) + 1, 'clear', '{}', '2026-12-03T00:00:00Z' FROM transcript_event;
      """
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()", database, sql]
    try python.run()
    python.waitUntilExit()
    try #require(python.terminationStatus == 0)
    let second = try fixture.run("the new question")
    #expect(second.status == 0, "\(second.stderr)")
    let body = fixture.provider.requests.last?.body ?? ""
    #expect(body.contains("the new question") && !body.contains("the old question") && !body.contains("first answer"), "\(body)")
  }

  @Test("pruning old tool outputs without a summary when that is enough")
  func prunesOnly() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: Self.reads(["a.txt", "b.txt", "c.txt"]) + [.reply(text: "Done.")],
      profile: Self.compaction("request_threshold = 2600, retained_tokens = 1200, prune_protected_tokens = 1200, prune_min_savings = 500"))
    try Self.writeFiles(fixture, ["a.txt", "b.txt", "c.txt"])
    let run = try fixture.run("Read the three files")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!fixture.provider.requests.contains { $0.body.contains(Self.summaryMarker) })
    let last = try #require(fixture.provider.requests.last).body
    #expect(last.contains("[tool output pruned by compaction:"))
    #expect(last.contains("C.TXT line"))
    #expect(try fixture.log().contains(#""pruned_call_ids":["call_1_0""#))
  }

  @Test("a failing summary keeps the history and says so")
  func failingSummary() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: Self.reads(["a.txt", "b.txt", "c.txt"]) + [.reply(text: "Done anyway.")],
      profile: Self.compaction("request_threshold = 2600, retained_tokens = 1200, prune_min_savings = 1000000"))
    fixture.provider.chooser = { request in request.body.contains(Self.summaryMarker) ? .status(400, message: "summary refused") : nil }
    try Self.writeFiles(fixture, ["a.txt", "b.txt", "c.txt"])
    let run = try fixture.run("Read the three files")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Done anyway."))
    let last = try #require(fixture.provider.requests.last).body
    #expect(last.contains("A.TXT line") && last.contains("C.TXT line"))
    #expect(try fixture.log().contains("compaction failed, the history is kept as it was: the model provider answered HTTP 400: summary refused"))
  }
}
