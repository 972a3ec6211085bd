import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// `spawn_pod` at run time (DESIGN.md §12.7, §7): children run in the same process, each with
/// its own transcript, within the parent's delegation scope.
@Suite("Runtime delegation", .serialized)
struct RuntimeDelegationTests {
  static let pods = "feature = { pods = { enabled = true } }, model_capability = true,"

  /// A parent `boss` (normal role, feature.pods on, parallel tool calls) and a coder profile
  /// for its children, both on the scripted provider.
  static func fixture(turns: [StubProvider.Turn] = [], features: String = "pods = { enabled = true }") throws -> RuntimeFixture {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: turns, profile: "feature = { \(features) },", spawn: false)
    let profile = try fixture.home.read("profiles/agent.lua").replacingOccurrences(
      of: "auth = yoi.secret(\"stub/key\") }", with: "auth = yoi.secret(\"stub/key\"), capability = { parallel_tool_calls = true } }")
    try fixture.home.write("profiles/agent.lua", profile)
    try fixture.home.write("profiles/coder.lua", RuntimeFixture.profile(scheme: .openaiChat, baseURL: fixture.provider.baseURL, extra: ""))
    // The model may name only registry entries the user trusted, never a path (§12.7).
    try fixture.home.write("config/profiles.toml", "[profile]\ncoder = \"../profiles/coder.lua\"\nagent = \"../profiles/agent.lua\"\n")
    let spawned = try fixture.home.run([
      "pod", "spawn", "--profile", fixture.home.root.appendingPathComponent("profiles/agent.lua").path, "--workspace", fixture.workspace.path, "--name",
      fixture.pod, "--yes",
    ])
    #expect(spawned.status == 0, "\(spawned.stderr)")
    return fixture
  }

  static func spawnCall(_ name: String, _ target: String, task: String, profile: String?) -> (name: String, arguments: String) {
    var object = JSONObject([
      (key: "name", value: .string(name)), (key: "task", value: .string(task)),
      (key: "scope", value: [["target": .string(target), "permission": "write"]]),
    ])
    if let profile { object["profile"] = .string(profile) }
    return (name: "spawn_pod", arguments: CanonicalJSON.compact(.object(object)))
  }

  /// The tool results a request carries (OpenAI chat `tool` messages).
  static func toolResults(_ body: String) -> [String] {
    guard case .object(let object)? = try? JSONParser.parse(body), case .array(let messages)? = object["messages"] else { return [] }
    return messages.compactMap { message in
      guard case .object(let fields) = message, fields["role"] == .string("tool"), case .string(let content)? = fields["content"] else { return nil }
      return content
    }
  }

  @Test("two coder children in their own worktrees: they write there, their answers come back, the tree and transcripts are theirs")
  func twoChildren() throws {
    let fixture = try Self.fixture()
    let coder = "user:coder"
    let workspace = fixture.workspace.path
    let home = fixture.home
    let during = DuringRun()
    fixture.provider.chooser = { request in
      let body = request.body
      if body.contains("Split the work") {
        if body.contains(#""role":"tool""#) { return .reply(text: "Both children finished.") }
        return .reply(
          text: "",
          toolCalls: [
            Self.spawnCall("t1", ".worktree/t1", task: "TASK-t1: write out.txt", profile: coder),
            Self.spawnCall("t2", "\(workspace)/.worktree/t2", task: "TASK-t2: write out.txt", profile: coder),
          ])
      }
      for child in ["t1", "t2"] where body.contains("TASK-\(child)") {
        if body.contains(#""role":"tool""#) { return .reply(text: "\(child) done: wrote .worktree/\(child)/out.txt") }
        // While a child runs, its parent's stored scope denies writing what it lent.
        if child == "t1", let outcome = try? home.run(["pod", "resume", "worker", "--json"]) { during.record(outcome.stdout) }
        return .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": ".worktree/\#(child)/out.txt", "content": "from \#(child)"}"#)])
      }
      return nil
    }
    try FileManager.default.createDirectory(at: fixture.workspace.appendingPathComponent(".worktree"), withIntermediateDirectories: true)
    let run = try fixture.run("Split the work between two children")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Both children finished."))
    #expect(try home.read("repo/.worktree/t1/out.txt") == "from t1")
    #expect(try home.read("repo/.worktree/t2/out.txt") == "from t2")
    let final = try #require(fixture.provider.requests.last { $0.body.contains("Split the work") }).body
    #expect(Self.toolResults(final) == ["t1 done: wrote .worktree/t1/out.txt", "t2 done: wrote .worktree/t2/out.txt"])

    let list = try home.run(["pod", "list", "--json"]).stdout
    #expect(list.contains(#""parent": "worker""#), "\(list)")
    let childLog = try home.run(["pod", "log", "t1", "--json"]).stdout
    #expect(childLog.contains("TASK-t1") && childLog.contains(#""name":"write_file""#) && !childLog.contains("TASK-t2"), "\(childLog)\n\(run.stderr)")
    #expect(!childLog.contains(RuntimeFixture.canary))
    #expect(during.text.contains(#""target" : "\#(workspace)/.worktree/t1""#) || during.text.contains("\(workspace)/.worktree/t1"))
    let after = try home.run(["pod", "resume", "worker", "--json"]).stdout
    #expect(!after.contains("/.worktree/t1\""))
    let history = try home.run(["pod", "show", "worker", "--history"]).stdout
    #expect(history.components(separatedBy: "delegation").count - 1 >= 4, "\(history)")
  }

  @Test("outside the delegation scope, a child profile with feature.pods, and more than 4 at once are tool errors")
  func refusals() throws {
    let fixture = try Self.fixture()
    let coder = "user:coder"
    fixture.provider.chooser = { request in
      let body = request.body
      if body.contains("TASK-slow") { return .slow(text: "working ", pieces: 12) }
      if body.contains("Try things") {
        if body.contains(#""role":"tool""#) { return .reply(text: "Reported.") }
        return .reply(
          text: "",
          toolCalls: [
            Self.spawnCall("out", "src", task: "TASK-x", profile: coder), Self.spawnCall("podsy", ".worktree/p", task: "TASK-x", profile: "user:agent"),
          ]
            + (1...5).map { Self.spawnCall("s\($0)", ".worktree/s\($0)", task: "TASK-slow", profile: coder) })
      }
      return nil
    }
    let run = try fixture.run("Try things")
    #expect(run.status == 0, "\(run.stderr)")
    let results = Self.toolResults(try #require(fixture.provider.requests.last { $0.body.contains("Try things") }).body)
    #expect(results.count == 7)
    #expect(results[0].contains("is outside the parent's delegation scope"), "\(results[0])")
    // The model reads the rule it asked for, not a command-line flag it never typed.
    #expect(results[0].contains("scope write:src") && !results[0].contains("--scope"), "\(results[0])")
    #expect(results[1].contains("feature.pods"), "\(results[1])")
    #expect(results[2...].filter { $0.contains("4 child Pods are already running") }.count == 1, "\(results)")
  }

  @Test("a fourth level of children is refused, naming the limit")
  func depthLimit() throws {
    let fixture = try Self.fixture()
    let agent = fixture.home.root.appendingPathComponent("profiles/agent.lua").path
    var parent = fixture.pod
    var path = ".worktree/a"
    for name in ["c1", "c2", "c3"] {
      let spawned = try fixture.home.run([
        "pod", "spawn", "--parent", parent, "--name", name, "--profile", agent, "--scope", "write:\(path)", "--delegate", "write:\(path)",
      ])
      #expect(spawned.status == 0, "\(spawned.stderr)")
      parent = name
      path += "/x"
    }
    fixture.provider.chooser = { request in
      guard request.body.contains("Go deeper") else { return nil }
      if request.body.contains(#""role":"tool""#) { return .reply(text: "Could not.") }
      return .reply(text: "", toolCalls: [Self.spawnCall("c4", ".worktree/a/x/x", task: "TASK-deep", profile: "user:agent")])
    }
    let run = try fixture.home.run(["pod", "run", "c3", "Go deeper"])
    #expect(run.status == 0, "\(run.stderr)")
    let results = Self.toolResults(try #require(fixture.provider.requests.last).body)
    #expect(results.first?.contains("c4 would be at delegation depth 4; at most 3 levels of child Pods are allowed") == true, "\(results)")
  }

  @Test("SIGINT on the parent cancels its running child")
  func cancelCascades() throws {
    let fixture = try Self.fixture()
    let coder = "user:coder"
    fixture.provider.chooser = { request in
      if request.body.contains("TASK-long") { return .slow(text: "child ", pieces: 200) }
      if request.body.contains("Delegate a long task") {
        return .reply(text: "", toolCalls: [Self.spawnCall("long", ".worktree/long", task: "TASK-long", profile: coder)])
      }
      return nil
    }
    let (process, _, _) = try RuntimeProcessTests.start(fixture, prompt: "Delegate a long task")
    RuntimeProcessTests.waitForRequest(fixture.provider, count: 2)
    usleep(300_000)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(try fixture.home.run(["pod", "log", "long", "--json"]).stdout.contains(#""type":"cancelled""#))
    #expect(try fixture.log().contains(#""type":"cancelled""#))
  }
}

final class DuringRun: @unchecked Sendable {
  private let lock = NSLock()
  private var captured = ""
  func record(_ text: String) { lock.withLock { captured += text } }
  var text: String { lock.withLock { captured } }
}
