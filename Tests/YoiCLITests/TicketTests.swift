import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// Tickets as files (DESIGN.md §12.11), through the built binary: the CLI, the format
/// byte for byte, hand edits kept, concurrent writers, the tools and their confinement.
@Suite("Tickets (end to end)")
struct TicketTests {
  /// A file with its times and the id's stamp replaced, to compare with a fixture.
  static func normalized(_ text: String) -> String {
    text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "<time>", options: .regularExpression)
      .replacingOccurrences(of: #"\d{8}-\d{6}-"#, with: "<stamp>-", options: .regularExpression)
  }

  static func ticketDirectory(_ home: YoiHome, _ id: String) -> String { home.project.appendingPathComponent(".yoi/tickets/\(id)").path }

  @Test("new, comment, state, review, close by the CLI: the files are the documented format byte for byte; list and show read them, --json too")
  func lifecycleByCLI() throws {
    let home = try YoiHome()
    let user = ["USER": "hare"]
    try home.write("body.md", "Comments after a string literal vanish.\n\n## Acceptance\n- `x = \"a\" -- note` keeps its comment.\n")
    let created = try home.run(
      ["ticket", "new", "Parser drops comments", "--kind", "bug", "--priority", "P1", "--label", "parser", "--label", "lexer", "--body-file", "../body.md"],
      environment: user)
    #expect(created.status == 0, "\(created.stderr)")
    let id = created.stdout.trimmingCharacters(in: .newlines)
    #expect(id.hasSuffix("-parser-drops-comments"))
    #expect(try home.run(["ticket", "comment", id, "--kind", "plan"], environment: user, stdin: "Fix the lexer's string state.\n").status == 0)
    for (state, reason) in [("ready", "plan approved"), ("queued", "next up"), ("inprogress", "started"), ("review", "ready for review")] {
      let moved = try home.run(["ticket", "state", id, state, "--reason", reason], environment: user)
      #expect(moved.status == 0, "\(moved.stderr)")
    }
    #expect(try home.run(["ticket", "comment", id, "--kind", "review", "--status", "approve"], environment: user, stdin: "Looks right.\n").status == 0)
    #expect(try home.run(["ticket", "close", id, "--resolution", "merged"], environment: user).status == 0)

    let directory = Self.ticketDirectory(home, id)
    for name in ["item.md", "thread.md"] {
      let written = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
      let expected = try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("tickets/\(name)"), encoding: .utf8)
      #expect(Self.normalized(written) == expected, "\(name):\n\(written)")
    }
    let list = try home.run(["ticket", "list"]).stdout
    #expect(list.contains(id) && list.contains("done") && list.contains("Parser drops comments"), "\(list)")
    let show = try home.run(["ticket", "show", id]).stdout
    #expect(show.hasPrefix("Parser drops comments\n") && show.contains("## Review: approve — hare, ") && show.contains("## Closed — hare, "), "\(show)")
    let json = try JSONParser.parse(try home.run(["ticket", "show", id, "--json"]).stdout)
    guard case .object(let object) = json, case .array(let events)? = object["events"] else {
      Issue.record("\(json)")
      return
    }
    #expect(events.count == 7)
    #expect(try home.run(["ticket", "list", "--status", "planning", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
  }

  @Test("an illegal move is refused naming the allowed ones; an unknown id gets a suggestion; a body that would forge thread structure is refused")
  func refusals() throws {
    let home = try YoiHome()
    let id = try home.run(["ticket", "new", "Small thing"], stdin: "").stdout.trimmingCharacters(in: .newlines)
    let moved = try home.run(["ticket", "state", id, "review"])
    #expect(moved.status == 1)
    #expect(
      moved.stderr.contains("E-TICKET") && moved.stderr.contains("cannot move from planning to review; from planning it may move to ready, closed"),
      "\(moved.stderr)")
    let slug = String(id.split(separator: "-", maxSplits: 2)[2])
    let unknown = try home.run(["ticket", "show", "20991231-000000-" + slug])
    #expect(unknown.status == 1 && unknown.stderr.contains("there is no ticket"), "\(unknown.stderr)")
    let forged = try home.run(["ticket", "comment", id], stdin: "fine\n---\n<!-- event: close author: someone at: x status: done -->\n")
    #expect(forged.status == 1 && forged.stderr.contains("thread structure"), "\(forged.stderr)")
    let indented = try home.run(["ticket", "comment", id], stdin: "fine\n   <!-- event: close author: someone at: x status: done -->\n")
    #expect(indented.status == 1 && indented.stderr.contains("thread structure"), "\(indented.stderr)")
    #expect(try String(contentsOfFile: Self.ticketDirectory(home, id) + "/thread.md", encoding: .utf8).isEmpty)
    // $USER is the environment's: one that would end the marker is cleaned.
    let hostile = try home.run(["ticket", "comment", id], environment: ["USER": "eve --> <!-- event: close"], stdin: "hi\n")
    #expect(hostile.status == 0, "\(hostile.stderr)")
    let thread = try String(contentsOfFile: Self.ticketDirectory(home, id) + "/thread.md", encoding: .utf8)
    #expect(thread.hasPrefix("<!-- event: comment author: eve_--____--_event__close at: "), "\(thread)")
    #expect(try home.run(["ticket", "show", id, "--json"]).stdout.components(separatedBy: #""kind": "comment""#).count == 2)
  }

  @Test("a .lock planted as a symlink in the tickets directory is not followed: its target is never created")
  func plantedLock() throws {
    let home = try YoiHome()
    let target = home.root.appendingPathComponent("planted-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(at: home.project.appendingPathComponent(".yoi/tickets"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: home.project.appendingPathComponent(".yoi/tickets/.lock").path, withDestinationPath: target)
    _ = try home.run(["ticket", "new", "Anything"], stdin: "")
    #expect(!FileManager.default.fileExists(atPath: target))
  }

  @Test("a hand-edited ticket (an unknown front-matter key, an unknown event kind, no blank lines) is read, shown and written back without loss")
  func handEdits() throws {
    let home = try YoiHome()
    let id = "20260530-022235-lua-profile-authoring"
    try home.write(
      "repo/.yoi/tickets/\(id)/item.md",
      """
      ---
      id: \(id)
      slug: lua-profile-authoring
      title: Lua profile authoring
      status: inprogress
      kind: feature
      priority: P2
      labels: [profiles]
      created_at: 2026-05-30T02:22:35Z
      updated_at: 2026-05-30T02:22:35Z
      assignee: null
      legacy_ticket: null
      ---

      # Lua profile authoring

      """)
    let thread = """
      <!-- event: create author: tickets.sh at: 2026-05-30T02:22:35Z -->
      ## Created
      Created by tickets.sh create.
      ---
      <!-- event: plan author: hare at: 2026-05-30T02:23:16Z -->
      ## Plan
      Plan first.

      """
    try home.write("repo/.yoi/tickets/\(id)/thread.md", thread)
    let shown = try home.run(["ticket", "show", id, "--json"]).stdout
    #expect(shown.contains(#""legacy_ticket": "null""#) && shown.contains(#""kind": "create""#), "\(shown)")
    #expect(try home.run(["ticket", "show", id]).stdout.contains("## Created — tickets.sh, 2026-05-30T02:22:35Z"))
    let moved = try home.run(["ticket", "state", id, "review", "--reason", "done coding"], environment: ["USER": "hare"])
    #expect(moved.status == 0, "\(moved.stderr)")
    let item = try home.read("repo/.yoi/tickets/\(id)/item.md")
    #expect(item.contains("\nlegacy_ticket: null\n---\n\n# Lua profile authoring\n") && item.contains("status: review\n"), "\(item)")
    let written = try home.read("repo/.yoi/tickets/\(id)/thread.md")
    #expect(written.hasPrefix(thread + "---\n<!-- event: state author: hare at: "), "\(written)")
  }

  @Test("8 concurrent writers: every comment is kept")
  func concurrentWriters() throws {
    let home = try YoiHome()
    let id = try home.run(["ticket", "new", "Busy ticket"], stdin: "").stdout.trimmingCharacters(in: .newlines)
    DispatchQueue.concurrentPerform(iterations: 8) { index in
      _ = try? home.run(["ticket", "comment", id, "--kind", "comment"], environment: ["USER": "writer\(index)"], stdin: "comment number \(index)\n")
    }
    let events = try home.run(["ticket", "show", id, "--json"]).stdout
    for index in 0..<8 { #expect(events.contains("comment number \(index)"), "comment \(index) lost") }
    #expect(events.components(separatedBy: #""kind": "comment""#).count == 9)
  }

  static let ticketFeature = #"feature = { ticket = { enabled = true, access = "%@" } },"#

  @Test("the tools: a lifecycle Pod creates and lists tickets; it plans and moves one as itself; the shell and write_file cannot touch .yoi/tickets")
  func tools() throws {
    let lifecycle = Self.ticketFeature.replacingOccurrences(of: "%@", with: "lifecycle")
    let create: [(name: String, arguments: String)] = [
      (name: "ticket_create", arguments: #"{"title": "Add a flag", "body": "We need --fast.", "labels": ["cli"]}"#), (name: "ticket_list", arguments: "{}"),
    ]
    let (created, fixture) = try RuntimeScopeTests.toolResults(create, profile: lifecycle)
    try #require(created.count == 2)
    let listed = try fixture.home.run(["ticket", "list", "--json"]).stdout
    guard case .array(let tickets)? = try? JSONParser.parse(listed), case .object(let ticket)? = tickets.first, case .string(let id)? = ticket["id"] else {
      Issue.record("\(listed)")
      return
    }
    #expect(ticket["title"] == "Add a flag" && ticket["status"] == "planning")
    #expect(created[0].contains("Created ticket \(id)") && created[1].contains("\(id) · planning · P2 · unassigned · Add a flag"), "\(created)")
    #expect(!(try fixture.run("again").stderr.contains("not offer")))

    let id2 = "20261203-120000-add-a-flag"
    let calls: [(name: String, arguments: String)] = [
      (name: "ticket_comment", arguments: #"{"id": "\#(id2)", "kind": "plan", "body": "Parse it in main."}"#),
      (name: "ticket_state", arguments: #"{"id": "\#(id2)", "to": "ready", "reason": "planned"}"#),
      RuntimeShellTests.shell("echo forged >> .yoi/tickets/\(id2)/thread.md"),
      (name: "write_file", arguments: #"{"path": ".yoi/tickets/\#(id2)/item.md", "content": "gone"}"#),
      (name: "ticket_state", arguments: #"{"id": "\#(id2)", "to": "done", "reason": "skip ahead"}"#),
    ]
    let (results, second) = try RuntimeScopeTests.toolResults(calls, profile: lifecycle) { fixture in
      try fixture.home.write(
        "repo/.yoi/tickets/\(id2)/item.md",
        "---\nid: \(id2)\nslug: add-a-flag\ntitle: Add a flag\nstatus: planning\nkind: feature\npriority: P2\nlabels: []\ncreated_at: 2026-12-03T12:00:00Z\nupdated_at: 2026-12-03T12:00:00Z\nassignee: null\n---\n\nWe need --fast.\n"
      )
      try fixture.home.write("repo/.yoi/tickets/\(id2)/thread.md", "")
    }
    try #require(results.count == 5)
    #expect(results[0].contains("Added a plan") && results[1].contains("is now ready"), "\(results)")
    #expect(!results[2].contains("[exit status 0]"), "\(results[2])")
    #expect(results[3].hasPrefix("error:"), "\(results[3])")
    #expect(results[4].contains("cannot move from ready to done; from ready it may move to queued, closed"), "\(results[4])")
    let thread = try second.home.read("repo/.yoi/tickets/\(id2)/thread.md")
    #expect(!thread.contains("forged") && thread.contains("<!-- event: plan author: worker at: ") && thread.contains("status: ready -->"), "\(thread)")
    #expect(try second.home.read("repo/.yoi/tickets/\(id2)/item.md").contains("status: ready"))
  }

  @Test("read_only access offers ticket_list and ticket_show, and no tool that writes")
  func readOnlyAccess() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.reply(text: "ok")], profile: Self.ticketFeature.replacingOccurrences(of: "%@", with: "read_only"))
    #expect(try fixture.run("what is open?").status == 0)
    let body = fixture.provider.requests.first?.body ?? ""
    #expect(body.contains(#""ticket_list""#) && body.contains(#""ticket_show""#))
    for name in ["ticket_create", "ticket_comment", "ticket_state", "ticket_close"] { #expect(!body.contains("\"\(name)\""), "\(name) offered") }
  }
}
