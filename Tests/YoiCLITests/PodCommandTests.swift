import Foundation
import Testing
import YoiStore

@Suite("yoi pod (end to end)")
struct PodCommandTests {
  static let canary = "CANARY-pod-7d1e0-never-print"

  @Test func spawnListShowResumeReresolveRemove() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "[profile]\ncoder = \"coder.lua\"\n")
    try home.write("repo/.yoi/coder.lua", "local p = require('yoi').profile.import('builtin:coder') p.worker.reasoning = 'medium' return p\n")
    var outcome = try home.run(["pod", "spawn", "--profile", "project:coder", "--name", "alpha", "--yes"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.hasPrefix("spawned alpha "))
    let digest = String(outcome.stdout.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)

    outcome = try home.run(["pod", "spawn", "--profile", "project:coder", "--name", "alpha"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("a Pod named alpha already exists"))

    outcome = try home.run(["pod", "list", "--json"])
    #expect(outcome.stdout.contains("\"name\": \"alpha\""))
    #expect(outcome.stdout.contains("\"profile\": \"project:coder\""))

    outcome = try home.run(["pod", "show", "alpha", "--history"])
    #expect(outcome.stdout.contains("from:        project:coder"))
    #expect(outcome.stdout.contains("* "))
    #expect(outcome.stdout.contains("spawn"))

    outcome = try home.run(["pod", "resume", "alpha"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.contains(digest))

    // Editing the profile changes nothing until an explicit re-resolve.
    try home.write(
      "repo/.yoi/coder.lua",
      "local p = require('yoi').profile.import('builtin:coder') p.worker.reasoning = 'low' p.feature.pods = { enabled = true } return p\n")
    outcome = try home.run(["pod", "resume", "alpha"])
    #expect(outcome.stdout.contains(digest))
    outcome = try home.run(["pod", "reresolve", "alpha"], environment: ["YOI_TRUST_PROJECT": "1"])
    #expect(outcome.status == 1)
    #expect(outcome.stdout.contains("~ worker.reasoning: \"medium\" -> \"low\""))
    #expect(outcome.stdout.contains("! ~ feature.pods.enabled: false -> true"))
    #expect(outcome.stderr.contains("was not replaced"))
    #expect(try home.run(["pod", "resume", "alpha"]).stdout.contains(digest))

    outcome = try home.run(["pod", "reresolve", "alpha", "--yes"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.contains("replaced the snapshot of alpha"))
    #expect(!(try home.run(["pod", "resume", "alpha"]).stdout.contains(digest)))
    outcome = try home.run(["pod", "reresolve", "alpha", "--yes"])
    #expect(outcome.stdout.hasPrefix("no changes: alpha keeps its snapshot"))
    outcome = try home.run(["pod", "show", "alpha", "--history"])
    #expect(outcome.stdout.contains("reresolve"))
    #expect(outcome.stdout.contains(digest))  // the old snapshot stays in history

    #expect(try home.run(["pod", "rm", "alpha", "--yes"]).status == 0)
    #expect(try home.run(["pod", "resume", "alpha"]).stderr.contains("no Pod named alpha"))
  }

  @Test func resumeNeverEvaluatesTheProfile() throws {
    let home = try YoiHome()
    try home.write("repo/p.lua", "local p = require('yoi').profile.import('builtin:reviewer') p.worker.reasoning = 'minimal' return p\n")
    #expect(try home.run(["pod", "spawn", "--profile", "./p.lua", "--name", "r"]).status == 0)
    let before = try home.run(["pod", "resume", "r", "--json"]).stdout
    try FileManager.default.removeItem(at: home.project.appendingPathComponent("p.lua"))
    let deleted = try home.run(["pod", "resume", "r", "--json"])
    #expect(deleted.status == 0)
    #expect(deleted.stdout == before)
    try home.write("repo/p.lua", "this is not lua (\n")
    let broken = try home.run(["pod", "resume", "r", "--json"])
    #expect(broken.status == 0)
    #expect(broken.stdout == before)
    // A re-resolve does evaluate, and says what is wrong.
    let reresolve = try home.run(["pod", "reresolve", "r", "--yes"])
    #expect(reresolve.status == 1)
    #expect(reresolve.stderr.contains("syntax error"))
  }

  /// The runtime opens the store twice in one process (the runner's connection and the
  /// service's for spawn_pod). Opening the second must not drop the first connection's locks:
  /// another yoi closing the store would then take itself for the last connection, delete the
  /// WAL, and every later commit of the first connection would be lost.
  @Test("a second store in one process keeps the first one's later commits when another yoi closes the store")
  func secondStoreKeepsCommits() throws {
    let home = try YoiHome()
    #expect(try home.run(["pod", "spawn", "--name", "t"]).status == 0)
    let first = try PodStore(dataDirectory: home.data.path)
    #expect(try first.appendEvent(to: "t", kind: "user", body: #"{"text":"one"}"#) == 1)
    let second = try PodStore(dataDirectory: home.data.path)
    #expect(try home.run(["pod", "list"]).status == 0)
    #expect(try first.appendEvent(to: "t", kind: "user", body: #"{"text":"two"}"#) == 2)
    let log = try home.run(["pod", "log", "t", "--json"])
    #expect(log.stdout.contains(#""text":"one""#) && log.stdout.contains(#""text":"two""#), "\(log.stdout)\(log.stderr)")
    withExtendedLifetime(second) {}
  }

  @Test func tamperedSnapshotIsAnError() throws {
    let home = try YoiHome()
    #expect(try home.run(["pod", "spawn", "--name", "t"]).status == 0)
    let database = home.data.appendingPathComponent("yoi.sqlite").path
    let sqlite = Process()
    sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    sqlite.arguments = [
      "python3", "-c",
      "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE snapshot SET manifest_json = replace(manifest_json, 'gpt-5.5', 'gpt-9')\"); c.commit()",
      database,
    ]
    try sqlite.run()
    sqlite.waitUntilExit()
    try #require(sqlite.terminationStatus == 0)
    let outcome = try home.run(["pod", "resume", "t"])
    #expect(outcome.status == 1)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderr.contains("the stored snapshot of Pod t cannot be used"))
    #expect(outcome.stderr.contains("the snapshot was altered"))
  }

  @Test("a run, attach or rm of a bad or unknown Pod name is refused before any run lock is made from it")
  func podNamesAreCheckedBeforeTheRunLock() throws {
    let home = try YoiHome()
    for command in [["pod", "run"], ["pod", "rm"]] {
      let task = command == ["pod", "run"] ? ["task"] : []
      let traversal = try home.run(command + ["../escape"] + task)
      #expect(traversal.status != 0)
      #expect(traversal.stderr.contains("E-POD-NAME"), "\(traversal.stderr)")
      let unknown = try home.run(command + ["nosuch"] + task)
      #expect(unknown.status == 1)
      #expect(unknown.stderr.contains("E-POD-NOT-FOUND"), "\(unknown.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: home.data.appendingPathComponent("escape.lock").path))
    #expect(!FileManager.default.fileExists(atPath: home.data.appendingPathComponent("runs/nosuch.lock").path))
  }

  @Test func corruptStoreIsAClearError() throws {
    let home = try YoiHome()
    try home.write("data/yoi.sqlite", String(repeating: "not a database ", count: 500))
    let outcome = try home.run(["pod", "list"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("is damaged"))
    #expect(try home.read("data/yoi.sqlite").hasPrefix("not a database"))
  }

  @Test func spawnUsesTheRegistryDefaultAndTheNameOverride() throws {
    let home = try YoiHome()
    try home.write("repo/.yoi/profiles.toml", "default = \"builtin:researcher\"\n")
    var outcome = try home.run(["pod", "spawn", "--profile-pod-name", "named-in-dialog"])
    #expect(outcome.status == 0)
    outcome = try home.run(["pod", "show", "named-in-dialog"])
    #expect(outcome.stdout.contains("instruction: \"$yoi/role/researcher\""))
    // Without a name: the workspace's sanitised basename.
    outcome = try home.run(["pod", "spawn"])
    #expect(outcome.stdout.hasPrefix("spawned repo "))
  }

  @Test func manifestPods() throws {
    let home = try YoiHome()
    try home.write("repo/pod.toml", "[worker]\nreasoning = \"low\"\n")
    #expect(try home.run(["pod", "spawn", "--manifest", "pod.toml", "--name", "m"]).status == 0)
    #expect(try home.run(["pod", "show", "m"]).stdout.contains("from:        manifest"))
    try home.write("repo/pod.toml", "[worker]\nreasoning = \"high\"\n")
    let outcome = try home.run(["pod", "reresolve", "m", "--yes"])
    #expect(outcome.stdout.contains("~ worker.reasoning: \"low\" -> \"high\""))
    #expect(try home.run(["pod", "spawn", "--manifest", "pod.toml", "--profile", "coder"]).status != 0)
  }
}

@Suite("Delegation (end to end)")
struct DelegationTests {
  /// An orchestrator Pod whose delegation scope is read W, write W/.worktree.
  static func parent() throws -> YoiHome {
    let home = try YoiHome()
    let outcome = try home.run(["pod", "spawn", "--profile", "builtin:orchestrator", "--role", "orchestrator", "--name", "boss"])
    try #require(outcome.status == 0, "\(outcome.stderr)")
    return home
  }

  @Test func insideTheParentsDelegationScope() throws {
    let home = try Self.parent()
    let outcome = try home.run([
      "pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "worker1", "--scope", "write:.worktree/task1", "--scope", "read:docs",
    ])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    let child = try home.run(["pod", "show", "worker1", "--snapshot"]).stdout
    let ws = home.project.path
    #expect(child.contains("\"parent\": \"boss\""))
    #expect(child.contains("\"target\": \"\(ws)/.worktree/task1\""))
    #expect(child.contains("\"target\": \"\(ws)/docs\""))
    let show = try home.run(["pod", "show", "worker1"]).stdout
    #expect(show.contains("parent:      boss"))
    #expect(show.contains("delegation:  none"))
    // The parent lost write on what it delegated, in a new snapshot.
    let boss = try home.run(["pod", "show", "boss", "--history"]).stdout
    #expect(boss.contains("children:    worker1"))
    #expect(boss.contains("delegation"))
    let bossScope = try home.run(["pod", "show", "boss", "--snapshot"]).stdout
    #expect(bossScope.contains("\"target\": \"\(ws)/.worktree/task1\""))
    // The parent cannot be removed while it has children.
    #expect(try home.run(["pod", "rm", "boss", "--yes"]).stderr.contains("has child Pods: worker1"))
  }

  @Test func outsideTheParentsDelegationScope() throws {
    let home = try Self.parent()
    let outcome = try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "w", "--scope", "write:src"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("is outside the parent's delegation scope"))
    #expect(try home.run(["pod", "list"]).stdout.contains("w ") == false)
  }

  @Test func denyOverlapIsRefused() throws {
    let home = try YoiHome()
    try home.write(
      "repo/boss.lua",
      """
      local yoi = require('yoi')
      local p = yoi.profile.import('builtin:orchestrator')
      p.delegation_scope = yoi.scope.workspace_write { deny_write = { '.worktree/secret' } }
      return p
      """)
    #expect(try home.run(["pod", "spawn", "--profile", "./boss.lua", "--role", "orchestrator", "--name", "boss"]).status == 0)
    var outcome = try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "a", "--scope", "write:.worktree"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("overlaps the parent's delegation deny rule"))
    outcome = try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "b", "--scope", "write:.worktree/secret/x"])
    #expect(outcome.stderr.contains("overlaps the parent's delegation deny rule"))
    // Reading is not denied, and a sibling path is fine.
    outcome = try home.run([
      "pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "c", "--scope", "read:.worktree", "--scope", "write:.worktree/other",
    ])
    #expect(outcome.status == 0, "\(outcome.stderr)")
  }

  @Test func nonRecursiveTargets() throws {
    let home = try Self.parent()
    // An exact (non-recursive) rule inside a recursive grant is covered.
    var outcome = try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "boss", "--name", "n1", "--scope", "write:.worktree/notes.md:exact"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(try home.run(["pod", "show", "n1", "--snapshot"]).stdout.contains("\"recursive\": false"))
    // A child holding only an exact grant cannot pass on anything below it.
    outcome = try home.run([
      "pod", "spawn", "--profile", "builtin:orchestrator", "--parent", "boss", "--name", "mid",
      "--scope", "read:.worktree/m", "--delegate", "write:.worktree/m:exact",
    ])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    outcome = try home.run(["pod", "spawn", "--profile", "builtin:coder", "--parent", "mid", "--name", "leaf", "--scope", "write:.worktree/m/file"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("outside the parent's delegation scope"))
  }

  @Test func podsEnabledChildNeedsADelegation() throws {
    let home = try Self.parent()
    var outcome = try home.run(["pod", "spawn", "--profile", "builtin:orchestrator", "--parent", "boss", "--name", "sub", "--scope", "read:.worktree/sub"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("feature.pods is enabled but the child was granted no delegation scope by boss"))
    #expect(outcome.stderr.contains("--delegate"))
    outcome = try home.run([
      "pod", "spawn", "--profile", "builtin:orchestrator", "--parent", "boss", "--name", "sub",
      "--scope", "read:.worktree/sub", "--delegate", "write:.worktree/sub",
    ])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(try home.run(["pod", "show", "sub"]).stdout.contains("delegation:  write \(home.project.path)/.worktree/sub"))
  }
}

@Suite("Secrets (end to end)")
struct SecretCommandTests {
  @Test func setListRemoveAndTheCanaryNeverLeaks() throws {
    let home = try YoiHome()
    try home.write(
      "repo/p.lua",
      "local yoi = require('yoi') local p = yoi.profile.import('builtin:default') p.model = { ref = 'anthropic/claude-sonnet-4-6', auth = yoi.secret('providers/anthropic/work') } return p\n"
    )
    var outputs: [String] = []
    var outcome = try home.run(["secret", "set", "providers/anthropic/work"], stdin: PodCommandTests.canary + "\n")
    #expect(outcome.status == 0)
    outputs += [outcome.stdout, outcome.stderr]
    outcome = try home.run(["pod", "spawn", "--profile", "./p.lua", "--name", "s"])
    #expect(outcome.status == 0)
    outputs += [outcome.stdout, outcome.stderr]
    outcome = try home.run(["pod", "secrets", "s"])
    #expect(outcome.status == 1)  // web/brave/default is missing
    #expect(outcome.stdout.contains("providers/anthropic/work  present"))
    #expect(outcome.stdout.contains("web/brave/default         missing"))
    #expect(outcome.stderr.contains("yoi secret set web/brave/default"))
    outputs += [outcome.stdout, outcome.stderr]
    outcome = try home.run(["secret", "list"])
    #expect(outcome.stdout == "providers/anthropic/work\n")
    outputs += [outcome.stdout, outcome.stderr]
    for command in [["pod", "show", "s", "--snapshot"], ["pod", "resume", "s"], ["pod", "list", "--json"], ["pod", "show", "s", "--history"]] {
      let result = try home.run(command)
      outputs += [result.stdout, result.stderr]
    }
    for output in outputs { #expect(!output.contains("CANARY")) }
    // Nothing under the data directory holds the plaintext (the database included).
    let files = FileManager.default.enumerator(atPath: home.data.path)?.compactMap { $0 as? String } ?? []
    #expect(files.contains("yoi.sqlite"))
    for file in files {
      let data = FileManager.default.contents(atPath: home.data.appendingPathComponent(file).path) ?? Data()
      #expect(data.range(of: Data("CANARY".utf8)) == nil, "\(file) holds the canary")
    }
    outcome = try home.run(["secret", "rm", "providers/anthropic/work"])
    #expect(outcome.status == 0)
    #expect(try home.run(["secret", "list"]).stdout == "no secrets stored\n")
    #expect(try home.run(["secret", "rm", "nothing"]).stderr.contains("no secret with id `nothing`"))
  }

  @Test func valuesNeverComeFromArguments() throws {
    let home = try YoiHome()
    let outcome = try home.run(["secret", "set", "a/b", "the-value"])
    #expect(outcome.status != 0)
  }
}

@Suite("Crash safety (end to end)")
struct CrashSafetyTests {
  @Test func sigkillMidTransactionLeavesTheOldState() throws {
    let home = try YoiHome()
    #expect(try home.run(["pod", "spawn", "--name", "before"]).status == 0)
    let marker = home.root.appendingPathComponent("paused").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: YoiBinary.path)
    process.arguments = ["pod", "spawn", "--name", "killed"]
    process.currentDirectoryURL = home.project
    process.environment = ProcessInfo.processInfo.environment.merging(home.environment) { $1 }
      .merging(["YOI_TEST_PAUSE_IN_TRANSACTION": marker]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(20)
    while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(10_000) }
    try #require(FileManager.default.fileExists(atPath: marker), "the spawn never reached its transaction")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    let list = try home.run(["pod", "list", "--json"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("\"name\": \"before\""))
    #expect(!list.stdout.contains("killed"))
    #expect(try home.run(["pod", "resume", "before"]).status == 0)
    // The name is free: the half-done spawn left nothing behind.
    #expect(try home.run(["pod", "spawn", "--name", "killed"]).status == 0)
  }

  @Test func concurrentSpawnsOfOneNameHaveOneWinner() throws {
    let home = try YoiHome()
    #expect(try home.run(["pod", "list"]).status == 0)  // create the store first
    let group = DispatchGroup()
    nonisolated(unsafe) var outcomes: [YoiBinary.Outcome] = []
    let lock = NSLock()
    for _ in 0..<4 {
      group.enter()
      DispatchQueue.global().async {
        if let outcome = try? home.run(["pod", "spawn", "--name", "race"]) {
          lock.lock()
          outcomes.append(outcome)
          lock.unlock()
        }
        group.leave()
      }
    }
    group.wait()
    #expect(outcomes.count == 4)
    #expect(outcomes.filter { $0.status == 0 }.count == 1)
    for loser in outcomes where loser.status != 0 {
      #expect(loser.stderr.contains("a Pod named race already exists") || loser.stderr.contains("busy"), "\(loser.stderr)")
    }
  }
}
