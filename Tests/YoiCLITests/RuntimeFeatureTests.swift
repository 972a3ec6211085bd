import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// What profiles select, at run time (DESIGN.md §12.9): project instructions and tasks.
/// Through the built binary against the scripted provider.
@Suite("Run-time features: AGENTS.md and tasks (end to end)")
struct RuntimeFeatureTests {
  /// A fixture whose Pod works in `repo/sub` of a git repository at `repo`.
  static func nested(turns: [StubProvider.Turn], profile: String = "") throws -> RuntimeFixture {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: turns, profile: profile, spawn: false)
    try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent(".git"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent("sub"), withIntermediateDirectories: true)
    let spawned = try fixture.home.run([
      "pod", "spawn", "--profile", fixture.home.root.appendingPathComponent("profiles/agent.lua").path, "--workspace",
      fixture.workspace.appendingPathComponent("sub").path, "--name", fixture.pod, "--yes",
    ])
    #expect(spawned.status == 0, "\(spawned.stderr)")
    return fixture
  }

  /// The system prompt of request `index` (openai_chat: the first message's content).
  static func system(_ fixture: RuntimeFixture, _ index: Int = 0) -> String {
    guard fixture.provider.requests.indices.contains(index), case .object(let body)? = try? JSONParser.parse(fixture.provider.requests[index].body),
      case .array(let messages)? = body["messages"], case .object(let first)? = messages.first, case .string(let content)? = first["content"]
    else { return "" }
    return content
  }

  @Test("AGENTS.md from the repository root and the workspace reach the system prompt, outermost first, recorded with their sha256")
  func projectInstructions() throws {
    let fixture = try Self.nested(turns: [.reply(text: "ok")])
    try fixture.home.write("repo/AGENTS.md", "ROOT RULE: run the tests with make check.\n")
    try fixture.home.write("repo/sub/AGENTS.md", "SUB RULE: this package is the parser.\n")
    let run = try fixture.run("hello")
    #expect(run.status == 0, "\(run.stderr)")
    let system = Self.system(fixture)
    let root = try #require(system.range(of: "ROOT RULE"))
    let sub = try #require(system.range(of: "SUB RULE"))
    #expect(root.lowerBound < sub.lowerBound)
    #expect(system.contains("## \(fixture.workspace.path)/AGENTS.md"))
    let log = try fixture.log()
    #expect(log.contains(#""type":"instructions""#))
    #expect(log.contains(SHA256.hex("ROOT RULE: run the tests with make check.\n".utf8)))
    #expect(try fixture.home.run(["pod", "log", fixture.pod]).stdout.contains("instructions"))
  }

  @Test("a 100 KiB AGENTS.md is cut with a marker; a symlinked one is never read; project_instructions = false reads none")
  func projectInstructionLimits() throws {
    let big = try Self.nested(turns: [.reply(text: "ok")])
    try big.home.write("repo/AGENTS.md", String(repeating: "0123456789abcdef\n", count: 100 * 1024 / 17 + 1))
    // A hostile repository's AGENTS.md pointing at a secret outside it.
    try big.home.write("outside-secret.txt", "TOP-SECRET-CONTENT\n")
    try FileManager.default.createSymbolicLink(
      atPath: big.workspace.appendingPathComponent("sub/AGENTS.md").path, withDestinationPath: big.home.root.appendingPathComponent("outside-secret.txt").path)
    #expect(try big.run("hello").status == 0)
    let system = Self.system(big)
    #expect(system.contains("[… AGENTS.md cut here: 32768 of "), "\(system.suffix(300))")
    #expect(!system.contains("TOP-SECRET-CONTENT"))
    #expect(system.utf8.count < 40 * 1024)

    let off = try Self.nested(turns: [.reply(text: "ok")], profile: "worker = { project_instructions = false },")
    try off.home.write("repo/AGENTS.md", "ROOT RULE\n")
    #expect(try off.run("hello").status == 0)
    #expect(!Self.system(off).contains("ROOT RULE"))
    #expect(!(try off.log()).contains(#""type":"instructions""#))
  }

  static let taskProfile = "feature = { task = { enabled = true } },"

  @Test("tasks: create, update, list; a failed update changes nothing; the list survives the next run and is shown by pod tasks")
  func tasks() throws {
    let first: [StubProvider.Turn] = [
      .reply(
        text: "",
        toolCalls: [
          (name: "task_create", arguments: #"{"subject": "write the parser"}"#),
          (name: "task_create", arguments: #"{"subject": "test the parser", "description": "edge cases"}"#),
        ]),
      .reply(
        text: "",
        toolCalls: [
          (name: "task_update", arguments: #"{"id": 1, "status": "in_progress"}"#),
          (name: "task_update", arguments: #"{"id": 9, "status": "completed"}"#),
          (name: "task_update", arguments: #"{"id": 2, "status": "finished"}"#),
        ]),
      .reply(text: "planned"),
    ]
    let second: [StubProvider.Turn] = [
      .reply(text: "", toolCalls: [(name: "task_update", arguments: #"{"id": 1, "status": "completed"}"#), (name: "task_list", arguments: "{}")]),
      .reply(text: "", toolCalls: [(name: "task_create", arguments: #"{"subject": "document it"}"#)]),
      .reply(text: "done"),
    ]
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: first + second, profile: Self.taskProfile)
    #expect(try fixture.run("plan").status == 0)
    let results = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.map(String.init)
    #expect(results.count == 5)
    #expect(results[3].contains("there is no task #9") && results[3].contains(#""is_error":true"#), "\(results[3])")
    #expect(results[4].contains("unknown status `finished`"), "\(results[4])")
    let afterFirst = try fixture.home.run(["pod", "tasks", fixture.pod])
    #expect(afterFirst.stdout == "[~] #1 write the parser\n[ ] #2 test the parser — edge cases\n", "\(afterFirst.stdout)")
    #expect(Self.system(fixture, 0).contains("task_create"))

    #expect(try fixture.run("go on").status == 0)
    let listed = try fixture.log().split(separator: "\n").filter { $0.contains(#""name":"task_list""#) && $0.contains("tool_result") }.first ?? ""
    #expect(listed.contains("[x] #1 write the parser") && listed.contains("[ ] #2 test the parser"), "\(listed)")
    let json = try fixture.home.run(["pod", "tasks", fixture.pod, "--json"])
    guard case .object(let list) = try JSONParser.parse(json.stdout), case .array(let items)? = list["items"] else {
      Issue.record("not a task list: \(json.stdout)")
      return
    }
    #expect(items.count == 3)
    #expect(list["last_id"] == .integer(3))
    #expect(json.stdout.contains(#""status": "completed""#))
  }

  @Test("after a compaction the current task list goes with the summary, in the first request after it")
  func tasksSurviveCompaction() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [.reply(text: "", toolCalls: [(name: "task_create", arguments: #"{"subject": "keep me in mind"}"#)])]
        + RuntimeCompactionTests.reads(["a.txt", "b.txt", "c.txt"]) + [.reply(text: "Done.")],
      profile: Self.taskProfile
        + RuntimeCompactionTests.compaction("request_threshold = 2600, retained_tokens = 1200, prune_min_savings = 1000000"))
    fixture.provider.chooser = { request in
      request.body.contains(RuntimeCompactionTests.summaryMarker) ? .reply(text: "SUMMARY: made a task, read files.") : nil
    }
    try RuntimeCompactionTests.writeFiles(fixture, ["a.txt", "b.txt", "c.txt"])
    #expect(try fixture.run("work").status == 0)
    let requests = fixture.provider.requests
    let summaryIndex = try #require(requests.firstIndex { $0.body.contains(RuntimeCompactionTests.summaryMarker) })
    let after = requests[summaryIndex + 1].body
    #expect(after.contains("SUMMARY: made a task"))
    #expect(after.contains("[The task list now]") && after.contains("[ ] #1 keep me in mind"), "\(after.prefix(2000))")
  }

  @Test("skills: listed in the system prompt, loaded by `skill`, its resources readable after and not before; invalid and shadowed ones reported")
  func skills() throws {
    // The user's skills live under yoi's config directory, which no tool may otherwise read.
    let reference = "../config/skills/review/reference.md"
    let fixtureTurns: [StubProvider.Turn] = [
      .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": "\#(reference)"}"#)]),
      .reply(text: "", toolCalls: [(name: "skill", arguments: #"{"name": "review"}"#)]),
      .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": "\#(reference)"}"#)]),
      .reply(text: "reviewed"),
    ]
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: fixtureTurns)
    let home = fixture.home
    try home.write(
      "config/skills/review/SKILL.md", "---\nname: review\ndescription: Review a change for bugs. Use before merging.\n---\nRead reference.md first.\n")
    try home.write("config/skills/review/reference.md", "CHECKLIST: tests, names, errors.\n")
    try home.write("config/skills/notes/SKILL.md", "---\nname: notes\ndescription: user notes\n---\n")
    try home.write("config/skills/Bad/SKILL.md", "---\nname: Bad\ndescription: d\n---\n")
    try home.write("repo/.yoi/skills/notes/SKILL.md", "---\nname: notes\ndescription: project notes\n---\n")
    let run = try fixture.run("review it")
    #expect(run.status == 0, "\(run.stderr)")
    let system = Self.system(fixture)
    #expect(system.contains("- review: Review a change for bugs. Use before merging."))
    #expect(system.contains("- notes: project notes") && !system.contains("user notes"))
    let results = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.map(String.init)
    #expect(results.count == 3)
    #expect(!results[0].contains("CHECKLIST") && results[0].contains(#""is_error":true"#), "\(results[0])")
    #expect(results[1].contains("Read reference.md first.") && results[1].contains("reference.md"), "\(results[1])")
    #expect(results[2].contains("CHECKLIST: tests, names, errors."), "\(results[2])")
    #expect(try fixture.log().contains(#""type":"skill""#))
    #expect(run.stderr.contains("Bad/SKILL.md: `name: Bad` is not kebab-case"), "\(run.stderr)")
    #expect(run.stderr.contains("skills/notes is shadowed by"), "\(run.stderr)")
    let listed = try home.run(["skills", "list", "--pod", fixture.pod, "--json"])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains(#""name": "review""#) && listed.stdout.contains("is not kebab-case"), "\(listed.stdout)")
    #expect(listed.stderr.contains("warning[W-SKILL]"))
    // The next run starts without the grant: the skill must be loaded again.
    #expect(!(try fixture.home.run(["pod", "log", fixture.pod]).stdout.isEmpty))
  }

  @Test("after 20 model turns with open tasks and no task call, the next request reminds the model once")
  func taskReminder() throws {
    let listing: StubProvider.Turn = .reply(text: "", toolCalls: [(name: "list_dir", arguments: #"{"path": "."}"#)])
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [.reply(text: "", toolCalls: [(name: "task_create", arguments: #"{"subject": "finish the port"}"#)])]
        + Array(repeating: listing, count: 21) + [.reply(text: "done")],
      profile: Self.taskProfile)
    #expect(try fixture.run("work").status == 0)
    let reminded = fixture.provider.requests.enumerated().filter { Self.system(fixture, $0.offset).contains("# Reminder") }.map(\.offset)
    #expect(reminded == [21], "\(reminded)")
    #expect(Self.system(fixture, 21).contains("[ ] #1 finish the port"))
  }

  @Test("a workspace whose .yoi/skills is a symlink offers no skill from where it points (nothing outside is opened)")
  func symlinkedSkillsDirectory() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "ok")])
    try fixture.home.write("elsewhere/private/SKILL.md", "---\nname: private\ndescription: reads what is beside it\n---\n")
    try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent(".yoi"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: fixture.workspace.appendingPathComponent(".yoi/skills").path, withDestinationPath: fixture.home.root.appendingPathComponent("elsewhere").path)
    #expect(try fixture.run("hello").status == 0)
    #expect(!Self.system(fixture).contains("- private:"))
  }
}
