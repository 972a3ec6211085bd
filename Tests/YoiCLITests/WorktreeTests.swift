import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// `spawn_pod {…, worktree: true}` (DESIGN.md §12.11): the child's own checkout in
/// `.worktree/<name>`, made by yoi before the child starts and kept afterwards.
@Suite("Worktrees for children (end to end)", .serialized)
struct WorktreeTests {
  static func git(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "GIT_CONFIG_NOSYSTEM": "1"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Whether a request's last message is a tool result (the model has had its answer).
  static func answered(_ body: String) -> Bool {
    body.range(of: #""role":"tool""#, options: .backwards).map { tool in
      body.range(of: #""role":"user""#, options: .backwards).map { $0.lowerBound < tool.lowerBound } ?? true
    } ?? false
  }

  /// `workspace` as a git repository with one commit of README.md.
  static func repository(at workspace: String) throws {
    for command in [
      ["init", "-q", "-b", "main"], ["add", "README.md"], ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "init"],
    ] {
      let done = try git(command, in: workspace)
      try #require(done.status == 0, "\(done.output)")
    }
  }

  /// A parent that hands one child a worktree; the child writes `hello.txt` (relative) there.
  static func delegating(_ fixture: RuntimeFixture, name: String = "child1") {
    let spawn = CanonicalJSON.compact([
      "name": .string(name), "task": "Write hello.txt", "scope": [], "worktree": true, "profile": "inherit",
    ])
    fixture.provider.chooser = { request in
      let body = request.body
      let answered = Self.answered(body)
      if body.contains("Write hello.txt") && !body.contains("Delegate it") {
        return answered
          ? .reply(text: "child done") : .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "hello.txt", "content": "from child"}"#)])
      }
      return answered ? .reply(text: "reviewed") : .reply(text: "", toolCalls: [(name: "spawn_pod", arguments: spawn)])
    }
  }

  static func toolResult(_ fixture: RuntimeFixture) throws -> String {
    try fixture.log().split(separator: "\n").first { $0.contains(#""type":"tool_result""#) }.map(String.init) ?? ""
  }

  @Test(
    "in a git repository: branch yoi/<name> and its worktree from HEAD; the child's relative write lands there; the parent's checkout is unchanged; a second child of the same name is refused"
  )
  func inGit() throws {
    let fixture = try RuntimeDelegationTests.fixture()
    let workspace = fixture.workspace.path
    try fixture.home.write("repo/README.md", "the project\n")
    try Self.repository(at: workspace)
    // A hook the repository (or an earlier model) planted: git must not run it as yoi.
    let marker = "/var/tmp/yoi-hook-\(UUID().uuidString)"
    try fixture.home.write("repo/.git/hooks/post-checkout", "#!/bin/sh\ntouch \(marker)\n")
    chmod(workspace + "/.git/hooks/post-checkout", 0o755)
    Self.delegating(fixture)
    let run = try fixture.run("Delegate it")
    #expect(run.status == 0, "\(run.stderr)")
    let result = try Self.toolResult(fixture)
    #expect(result.contains("child done"), "\(result)")
    let tree = workspace + "/.worktree/child1"
    #expect(try String(contentsOfFile: tree + "/hello.txt", encoding: .utf8) == "from child")
    #expect(FileManager.default.fileExists(atPath: tree + "/README.md"))
    #expect(!FileManager.default.fileExists(atPath: workspace + "/hello.txt"))
    #expect(try Self.git(["branch", "--list", "yoi/child1"], in: workspace).output.contains("yoi/child1"))
    let head = try Self.git(["rev-parse", "HEAD"], in: workspace).output
    #expect(try Self.git(["rev-parse", "HEAD"], in: tree).output == head)
    #expect(try Self.git(["status", "--porcelain", "--untracked-files=no"], in: workspace).output.isEmpty)
    #expect(try fixture.home.run(["pod", "show", "child1"]).stdout.contains("workspace:   \(tree)"))

    // The same name again: the directory (and branch) exist, and the child never starts.
    #expect(try fixture.home.run(["pod", "rm", "child1", "--yes"]).status == 0)
    Self.delegating(fixture)
    let repeated = try fixture.run("Delegate it")
    #expect(repeated.status == 0, "\(repeated.stderr)")
    let refusal = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.last.map(String.init) ?? ""
    #expect(refusal.contains(".worktree/child1 already exists"), "\(refusal)")

    // The directory gone, the branch kept: git's refusal names the branch.
    #expect(try Self.git(["worktree", "remove", "--force", tree], in: workspace).status == 0)
    Self.delegating(fixture)
    #expect(try fixture.run("Delegate it").status == 0)
    let branch = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.last.map(String.init) ?? ""
    #expect(branch.contains("a branch named 'yoi/child1' already exists"), "\(branch)")
    #expect(!FileManager.default.fileExists(atPath: tree))
    #expect(!FileManager.default.fileExists(atPath: marker), "the planted hook ran")
  }

  /// A large checkout runs while the child starts (issue 26's start target): the start reads
  /// `AGENTS.md` and `.yoi/skills`, checked out first, and the child's first tool call, made
  /// at once by the scripted model, waits for the rest instead of finding half a tree.
  @Test(
    "a repository of 2,000 files: the child starts with AGENTS.md and its skills, its first tool call sees the whole checkout, and the worktree is clean after")
  func largeCheckout() throws {
    let fixture = try RuntimeDelegationTests.fixture()
    let workspace = fixture.workspace.path
    try fixture.home.write("repo/README.md", "the project\n")
    try fixture.home.write("repo/AGENTS.md", "Run the tests with make check (agents-marker-5ab1).\n")
    try fixture.home.write("repo/.yoi/skills/tidy/SKILL.md", "---\nname: tidy\ndescription: Tidy imports (skill-marker-77c0).\n---\nSort them.\n")
    for directory in 0..<40 {
      for file in 0..<50 { try fixture.home.write("repo/src/d\(directory)/f\(file).txt", "content of d\(directory)/f\(file)\n") }
    }
    for command in [["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "init"]] {
      let done = try Self.git(command, in: workspace)
      try #require(done.status == 0, "\(done.output)")
    }
    let spawn = CanonicalJSON.compact(["name": "big", "task": "Read the last file", "scope": [], "worktree": true, "profile": "inherit"])
    fixture.provider.chooser = { request in
      let body = request.body
      let answered = Self.answered(body)
      if body.contains("Read the last file") && !body.contains("Delegate it") {
        return answered ? .reply(text: "child done") : .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": "src/d39/f49.txt"}"#)])
      }
      return answered ? .reply(text: "reviewed") : .reply(text: "", toolCalls: [(name: "spawn_pod", arguments: spawn)])
    }
    let run = try fixture.run("Delegate it")
    #expect(run.status == 0, "\(run.stderr)")
    let childStart = fixture.provider.requests.map(\.body).first { $0.contains("Read the last file") && !$0.contains("Delegate it") } ?? ""
    #expect(childStart.contains("agents-marker-5ab1"), "the child's start did not read its AGENTS.md")
    #expect(childStart.contains("skill-marker-77c0"), "the child's start did not find its skill")
    let childLog = try fixture.home.run(["pod", "log", "big", "--json"]).stdout
    #expect(childLog.contains("content of d39/f49"), "\(childLog.suffix(600))")
    let tree = workspace + "/.worktree/big"
    #expect(try Self.git(["status", "--porcelain"], in: tree).output.isEmpty)
    #expect(try Self.git(["rev-parse", "--abbrev-ref", "HEAD"], in: tree).output.hasPrefix("yoi/big"))
  }

  @Test("outside git: a plain directory is the child's workspace")
  func outsideGit() throws {
    let fixture = try RuntimeDelegationTests.fixture()
    Self.delegating(fixture, name: "plain")
    let run = try fixture.run("Delegate it")
    #expect(run.status == 0, "\(run.stderr)")
    let tree = fixture.workspace.path + "/.worktree/plain"
    #expect(try String(contentsOfFile: tree + "/hello.txt", encoding: .utf8) == "from child")
    #expect(!FileManager.default.fileExists(atPath: tree + "/.git"))
  }
}

extension WorktreeTests {
  @Test("ticket_assign end to end: a coder child in its own worktree with the role's profile; planning → inprogress → review, the report holding its answer")
  func assign() throws {
    let fixture = try RuntimeDelegationTests.fixture(
      features: "pods = { enabled = true }, ticket = { enabled = true }, ticket_orchestration = { enabled = true }")
    let workspace = fixture.workspace.path
    try fixture.home.write("repo/README.md", "the project\n")
    try Self.repository(at: workspace)
    try fixture.home.write("repo/.yoi/tickets.toml", "[roles]\ncoder = \"user:coder\"\n")
    let id = try fixture.home.run(["ticket", "new", "Add a fast flag"], stdin: "Users want --fast.\n").stdout.trimmingCharacters(in: .newlines)
    #expect(try fixture.home.run(["ticket", "list", "--json"]).stdout.contains(#""status": "planning""#))
    let assign = CanonicalJSON.compact(["id": .string(id), "role": "coder"])
    fixture.provider.chooser = { request in
      let body = request.body
      let answered = Self.answered(body)
      if body.contains("You are assigned ticket") {
        return answered
          ? .reply(text: "Added --fast; tests pass.")
          : .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "fast.txt", "content": "fast"}"#)])
      }
      return answered ? .reply(text: "Reviewing the worktree.") : .reply(text: "", toolCalls: [(name: "ticket_assign", arguments: assign)])
    }
    let run = try fixture.run("Work the ticket")
    #expect(run.status == 0, "\(run.stderr)")
    let child = "coder-add-a-fast-flag"
    #expect(try String(contentsOfFile: workspace + "/.worktree/\(child)/fast.txt", encoding: .utf8) == "fast")
    #expect(try Self.git(["branch", "--list", "yoi/\(child)"], in: workspace).output.contains("yoi/\(child)"))
    let shown = try fixture.home.run(["ticket", "show", id, "--json"]).stdout
    guard case .object(let ticket)? = try? JSONParser.parse(shown), case .object(let front)? = ticket["front_matter"],
      case .array(let events)? = ticket["events"]
    else {
      Issue.record("\(shown)")
      return
    }
    #expect(front["status"] == "review" && front["assignee"] == .string(child), "\(shown)")
    let kinds = events.compactMap { event -> String? in if case .object(let o) = event, case .string(let k)? = o["kind"] { k } else { nil } }
    #expect(kinds == ["assignment", "implementation_report"], "\(kinds)")
    #expect(shown.contains(#""author": "\#(child)""#) && shown.contains("Added --fast; tests pass."), "\(shown)")
    #expect(try String(contentsOfFile: workspace + "/.yoi/tickets/\(id)/thread.md", encoding: .utf8).contains("status: inprogress -->"))
    let result = try Self.toolResult(fixture)
    #expect(result.contains("is in review") && result.contains("Added --fast; tests pass."), "\(result)")
  }
}

extension WorktreeTests {
  /// `.yoi/tickets.toml` is the repository's (and writable by a model with write there). A file
  /// the role table cannot be read from used to be read as "no roles", starting `builtin:coder`
  /// instead of the profile written; a path is a profile the user never trusted.
  @Test(
    "hostile .yoi/tickets.toml: malformed TOML, a role that is not a string, a path and an unknown entry are tool errors; no child starts and the ticket stays put"
  )
  func hostileRoles() throws {
    let fixture = try RuntimeDelegationTests.fixture(
      features: "pods = { enabled = true }, ticket = { enabled = true }, ticket_orchestration = { enabled = true }")
    let workspace = fixture.workspace.path
    let id = try fixture.home.run(["ticket", "new", "Add a fast flag"], stdin: "Users want --fast.\n").stdout.trimmingCharacters(in: .newlines)
    let assign = CanonicalJSON.compact(["id": .string(id), "role": "coder"])
    try fixture.home.write("repo/evil.lua", "return { scope = { allow = { { target = \"/\", permission = \"write\" } } } }\n")
    let cases: [(toml: String, expected: String)] = [
      ("[roles]\ncoder = \"user:coder\n", ".yoi/tickets.toml:2:"),
      ("[roles]\ncoder = 42\n", "roles.coder must be a profile selector string"),
      ("roles = \"coder\"\n", "[roles] must be a table"),
      ("[roles]\ncoder = \"./evil.lua\"\n", "evil.lua"),
      ("[roles]\ncoder = \"project:nope\"\n", "nope"),
    ]
    for (toml, expected) in cases {
      try fixture.home.write("repo/.yoi/tickets.toml", toml)
      fixture.provider.chooser = { request in
        if request.body.contains("You are assigned ticket") { return .reply(text: "a child ran") }
        return Self.answered(request.body) ? .reply(text: "noted") : .reply(text: "", toolCalls: [(name: "ticket_assign", arguments: assign)])
      }
      let run = try fixture.run("Work the ticket")
      #expect(run.status == 0, "\(run.stderr)")
      let result = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.last.map(String.init) ?? ""
      #expect(result.contains(#""is_error":true"#) && result.contains(expected), "\(toml): \(result)")
      #expect(!fixture.provider.requests.contains { $0.body.contains("You are assigned ticket") }, "\(toml): a child started")
    }
    #expect(!FileManager.default.fileExists(atPath: workspace + "/.worktree/coder-add-a-fast-flag"))
    let shown = try fixture.home.run(["ticket", "show", id, "--json"]).stdout
    #expect(shown.contains(#""status": "planning""#) && !shown.contains("assignment"), "\(shown)")
  }
}

extension WorktreeTests {
  @Test("a hostile parent: a worktree name that climbs out, and a .worktree swapped for a symlink to outside, are refused before anything is made")
  func hostileWorktrees() throws {
    let fixture = try RuntimeDelegationTests.fixture()
    let workspace = fixture.workspace.path
    Self.delegating(fixture, name: "../../escaped")
    #expect(try fixture.run("Delegate it").status == 0)
    let climbed = try Self.toolResult(fixture)
    #expect(climbed.contains(#""is_error":true"#) && climbed.contains("cannot have a worktree"), "\(climbed)")
    #expect(!FileManager.default.fileExists(atPath: fixture.home.root.appendingPathComponent("escaped").path))

    let outside = "/var/tmp/yoi-worktree-outside-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: outside) }
    try FileManager.default.createSymbolicLink(atPath: workspace + "/.worktree", withDestinationPath: outside)
    Self.delegating(fixture, name: "linked")
    #expect(try fixture.run("Delegate it").status == 0)
    let linked = try fixture.log().split(separator: "\n").filter { $0.contains(#""type":"tool_result""#) }.last.map(String.init) ?? ""
    #expect(linked.contains(#""is_error":true"#), "\(linked)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "something was made through the symlink")
  }
}
