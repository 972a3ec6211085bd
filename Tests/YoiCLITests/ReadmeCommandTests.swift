import YoiManifest
import Foundation
import Glibc
import Testing
import YoiStubProvider

/// Every command of the README's "Using it" block and of the guide's `sh` blocks, run as
/// written (in a throwaway home, with the `yoi` under test first on PATH). An example that
/// fails is a bug.
@Suite("README commands (end to end)")
struct ReadmeCommandTests {
  static func usingItCommands() throws -> [String] {
    let readme = try String(contentsOf: YoiBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    guard let section = readme.range(of: "## Using it"), let block = readme[section.upperBound...].range(of: "```sh\n"),
      let end = readme[block.upperBound...].range(of: "```")
    else { return [] }
    return readme[block.upperBound..<end.lowerBound].split(separator: "\n").map(String.init).filter { $0.contains("yoi ") }
  }

  /// The `yoi` lines of every ```sh block of a guide page (an editor line is a person's step).
  static func guideCommands(_ page: String) throws -> [String] {
    let text = try String(contentsOf: YoiBinary.packageRoot.appendingPathComponent("docs/\(page)"), encoding: .utf8)
    var commands: [String] = []
    var inBlock = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        inBlock = line == "```sh"
        continue
      }
      if inBlock, line.contains("yoi "), !line.hasPrefix("$EDITOR") { commands.append(String(line)) }
    }
    return commands
  }

  /// Runs `commands` in order in one fresh home; `pod secrets` may report a missing secret.
  func runAsWritten(_ commands: [String]) throws {
    let home = try YoiHome()
    try home.write("repo/old/coder.nix", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("nix/coder.nix"), encoding: .utf8))
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    let environment = ["PATH": "\(binDirectory):/usr/bin:/bin", "KEY": "sk-readme-example-key", "BRAVE_KEY": "brave-example-key"]
    for command in commands {
      let outcome = try home.run(["-c", command], environment: environment, executable: "/bin/sh")
      if command.hasPrefix("yoi pod secrets") {
        // It lists what is present and what is missing; a missing secret is exit 1 by design.
        #expect(outcome.stdout.contains("SECRET"), "\(command):\n\(outcome.stderr)")
      } else {
        #expect(outcome.status == 0, "\(command):\n\(outcome.stderr)")
      }
    }
  }

  @Test func theReadmeCommandsRunAsWritten() throws {
    let commands = try Self.usingItCommands()
    #expect(commands.count >= 15)
    try runAsWritten(commands)
  }

  @Test func theGuideCommandsRunAsWritten() throws {
    // profiles.md creates the `api` Pod that pods.md then inspects.
    let commands = try Self.guideCommands("profiles.md") + Self.guideCommands("pods.md")
    #expect(commands.count >= 8)
    try runAsWritten(commands)
  }

  /// A scripted provider on Ollama's port, as the pages say; a machine already running Ollama
  /// (or another suite in parallel) has it taken, and then `profile` is pointed at a free port.
  static func onOllamaPort(_ turns: [StubProvider.Turn], profile: inout String) throws -> StubProvider {
    do {
      return try StubProvider(scheme: .openaiChat, turns: turns, port: 11434)
    } catch let error as POSIXError where error.code == .EADDRINUSE {
      let provider = try StubProvider(scheme: .openaiChat, turns: turns)
      profile = profile.replacingOccurrences(of: "127.0.0.1:11434", with: "127.0.0.1:\(provider.port)")
      return provider
    }
  }

  /// docs/running.md as written: its profile and commands against a scripted OpenAI-compatible
  /// server on the port the page names (Ollama's, 11434).
  @Test func theRunningGuideRunsAgainstTheScriptedProvider() throws {
    let page = try String(contentsOf: YoiBinary.packageRoot.appendingPathComponent("docs/running.md"), encoding: .utf8)
    guard let start = page.range(of: "```lua\n-- local.lua\n"), let end = page[start.upperBound...].range(of: "```") else {
      Issue.record("docs/running.md has no local.lua block")
      return
    }
    let turns: [StubProvider.Turn] = [
      .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": "notes.txt"}"#)]),
      .reply(text: "", toolCalls: [(name: "edit_file", arguments: #"{"path": "notes.txt", "old_string": "third", "new_string": "third\nreviewed"}"#)]),
      .reply(text: "I added a line saying it was reviewed."),
      .reply(text: "I added `reviewed` to notes.txt."),
      .reply(text: "", toolCalls: [(name: "list_dir", arguments: #"{"path": "."}"#)]),
      .reply(text: "local.lua and notes.txt."),
    ]
    var profile = String(page[start.upperBound..<end.lowerBound])
    let provider = try Self.onOllamaPort(turns, profile: &profile)
    defer { provider.stop() }
    let home = try YoiHome()
    try home.write("repo/local.lua", profile)
    try home.write("repo/notes.txt", "first\nsecond\nthird\n")
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    for command in try Self.guideCommands("running.md") {
      let outcome = try home.run(["-c", command], environment: ["PATH": "\(binDirectory):/usr/bin:/bin"], executable: "/bin/sh")
      #expect(outcome.status == 0, "\(command):\n\(outcome.stderr)")
    }
    #expect(try home.read("repo/notes.txt") == "first\nsecond\nthird\nreviewed\n")
    #expect(try home.read("repo/events.jsonl").contains(#""type":"tool_result""#))
    #expect(provider.requests.count == 6)
  }

  /// docs/running.md's chapter on project instructions, tasks, skills and memory, as written:
  /// its files (`<!-- file: PATH -->` blocks), its profile and its `shell` commands.
  /// The text of docs/running.md's chapter `heading`, up to the next chapter.
  static func chapter(_ heading: String) throws -> String {
    let page = try String(contentsOf: YoiBinary.packageRoot.appendingPathComponent("docs/running.md"), encoding: .utf8)
    var lines: [Substring] = []
    var inside = false
    var fenced = false
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") { fenced.toggle() }
      // A heading inside a code block (a Markdown example) does not end the chapter.
      if !fenced, line.hasPrefix("## ") {
        inside = line == "## \(heading)"
        continue
      }
      if inside { lines.append(line) }
    }
    return lines.joined(separator: "\n")
  }

  @Test func theFeaturesChapterRunsAsWritten() throws {
    let page = try Self.chapter("Project instructions, tasks, skills and memory")
    let home = try YoiHome()
    try FileManager.default.createDirectory(at: home.project.appendingPathComponent(".git"), withIntermediateDirectories: true)
    var files = 0
    var commands: [String] = []
    var profile = ""
    var block: (kind: String, lines: [String])?
    for line in page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("```") {
        if let open = block {
          if open.kind == "markdown", let first = open.lines.first, first.hasPrefix("<!-- file: ") {
            let path = String(first.dropFirst("<!-- file: ".count).dropLast(" -->".count))
            try home.write("repo/" + path, open.lines.dropFirst().joined(separator: "\n") + "\n")
            files += 1
          } else if open.kind == "lua", open.lines.first == "-- features.lua" {
            profile = open.lines.joined(separator: "\n") + "\n"
          } else if open.kind == "shell" {
            commands += open.lines.filter { $0.hasPrefix("yoi ") }
          }
          block = nil
        } else {
          block = (String(line.dropFirst(3)), [])
        }
        continue
      }
      block?.lines.append(line)
    }
    #expect(files == 5 && !profile.isEmpty && commands.count == 7, "\(files) files, \(commands.count) commands")
    let turns: [StubProvider.Turn] = [
      .reply(
        text: "",
        toolCalls: [(name: "skill", arguments: #"{"name": "release-notes"}"#), (name: "task_create", arguments: #"{"subject": "write the 1.2 notes"}"#)]),
      .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"path": ".yoi/skills/release-notes/template.md"}"#)]),
      .reply(text: "", toolCalls: [(name: "memory_search", arguments: #"{"query": "release"}"#)]),
      .reply(text: "", toolCalls: [(name: "task_update", arguments: #"{"id": 1, "status": "completed"}"#)]),
      .reply(text: "Release notes for 1.2 written; please review them."),
    ]
    let provider = try Self.onOllamaPort(turns, profile: &profile)
    defer { provider.stop() }
    try home.write("repo/features.lua", profile)
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    var outputs: [String] = []
    for command in commands {
      let outcome = try home.run(["-c", command], environment: ["PATH": "\(binDirectory):/usr/bin:/bin"], executable: "/bin/sh")
      #expect(outcome.status == 0, "\(command):\n\(outcome.stderr)")
      outputs.append(outcome.stdout)
    }
    let system = provider.requests.first?.body ?? ""
    #expect(system.contains("Never edit files under `vendor/`"))
    #expect(system.contains("- release-notes: Write release notes from the commits since the last tag."))
    #expect(system.contains("The user reviews every release note before it is published."))
    #expect(provider.requests.count == 5)
    #expect(outputs[1].contains("release-notes"), "\(outputs[1])")
    #expect(outputs[3] == "[x] #1 write the 1.2 notes\n", "\(outputs[3])")
    #expect(outputs[4].contains("build-commands") && outputs[4].contains("The user reviews every release note"), "\(outputs[4])")
    #expect(outputs[5].hasPrefix("build-commands — Build commands"), "\(outputs[5])")
    let log = try home.run(["pod", "log", "notes", "--json"]).stdout
    #expect(log.contains("## Fixed") && log.contains(#""type":"skill""#) && log.contains(#""type":"instructions""#))
  }

  /// docs/running.md's MCP chapter: its profile (the interpreter, its library paths and the
  /// tracker's port put in for this machine) and its commands, against a stdio server and a
  /// Streamable HTTP one built with the official MCP Python SDK.
  @Test func theMCPChapterRunsAsWritten() throws {
    guard FileManager.default.isExecutableFile(atPath: RuntimeMCPTests.python) else { return }
    let page = try Self.chapter("MCP servers")
    guard let start = page.range(of: "```lua\n-- tools.lua\n"), let end = page[start.upperBound...].range(of: "```"),
      let shellStart = page.range(of: "```shell\n"), let shellEnd = page[shellStart.upperBound...].range(of: "```")
    else {
      Issue.record("the MCP chapter has no tools.lua or shell block")
      return
    }
    let probe = try StubProvider(scheme: .openaiChat, turns: [])
    let port = probe.port
    probe.stop()
    let tracker = Process()
    tracker.executableURL = URL(fileURLWithPath: RuntimeMCPTests.python)
    tracker.arguments = [YoiBinary.fixtures.appendingPathComponent("mcp/tracker.py").path, "\(port)", "tracker-token"]
    tracker.standardOutput = FileHandle.nullDevice
    tracker.standardError = FileHandle.nullDevice
    try tracker.run()
    defer {
      // uvicorn waits for open connections on SIGTERM; the test is done with it.
      kill(tracker.processIdentifier, SIGKILL)
      tracker.waitUntilExit()
    }
    let venv = YoiBinary.packageRoot.appendingPathComponent(".build/python-sdks").path
    var profile = String(page[start.upperBound..<end.lowerBound])
      .replacingOccurrences(of: #""python3""#, with: "\"\(RuntimeMCPTests.python)\"")
      .replacingOccurrences(of: #""~/.local/lib""#, with: "\"\(venv)\", \"\(RuntimeMCPTests.basePrefix)\"")
      .replacingOccurrences(of: "127.0.0.1:8765", with: "127.0.0.1:\(port)")
    let turns: [StubProvider.Turn] = [
      .reply(text: "", toolCalls: [(name: "mcp__calc__add", arguments: #"{"value": 2}"#), (name: "mcp__calc__add", arguments: #"{"value": 3}"#)]),
      .reply(text: "", toolCalls: [(name: "mcp__tracker__file_issue", arguments: #"{"title": "total=5"}"#)]),
      .reply(text: "Added them and filed issue #1."),
    ]
    let provider = try Self.onOllamaPort(turns, profile: &profile)
    defer { provider.stop() }
    let home = try YoiHome()
    try home.write("repo/tools.lua", profile)
    try home.write("repo/calc.py", try String(contentsOf: YoiBinary.fixtures.appendingPathComponent("mcp/calc.py"), encoding: .utf8))
    // Ready when the tracker accepts a connection.
    for _ in 0..<100 where (try? home.run(["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port)"], executable: "/bin/bash"))?.status != 0 { usleep(100_000) }
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    var outputs: [String] = []
    for command in page[shellStart.upperBound..<shellEnd.lowerBound].split(separator: "\n").map(String.init) where !command.isEmpty {
      let outcome = try home.run(["-c", command], environment: ["PATH": "\(binDirectory):/usr/bin:/bin"], executable: "/bin/sh")
      #expect(outcome.status == 0, "\(command):\n\(outcome.stderr)")
      outputs.append(outcome.stdout + outcome.stderr)
    }
    #expect(outputs.count == 5)
    guard outputs.count == 5 else { return }
    #expect(outputs[3].contains("mcp__calc__add") && outputs[3].contains("mcp__tracker__file_issue"), "\(outputs[3])")
    let log = try home.run(["pod", "log", "tools", "--json"]).stdout
    #expect(log.contains("total=2") && log.contains("total=5") && log.contains("issue #1: total=5"), "\(log)")
  }
}

extension ReadmeCommandTests {
  /// docs/running.md's "Orchestrating with tickets", as written: its files, its profiles and
  /// its shell block (one script), the lead and the coder played by a scripted model.
  @Test func theTicketChapterRunsAsWritten() throws {
    let page = try Self.chapter("Orchestrating with tickets")
    let home = try YoiHome()
    var files: [String: String] = [:]
    var script = ""
    var block: (kind: String, lines: [String])?
    for line in page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("```") {
        if let open = block, let first = open.lines.first {
          if first.hasPrefix("<!-- file: ") {
            files[String(first.dropFirst("<!-- file: ".count).dropLast(" -->".count))] = open.lines.dropFirst().joined(separator: "\n") + "\n"
          } else if open.kind == "lua", first.hasPrefix("-- ") {
            let path = first.dropFirst(3).prefix { $0 != ":" && $0 != " " }
            files[String(path)] = open.lines.joined(separator: "\n") + "\n"
          } else if open.kind == "shell" {
            script = open.lines.joined(separator: "\n")
          }
          block = nil
        } else {
          block = (String(line.dropFirst(3)), [])
        }
        continue
      }
      block?.lines.append(line)
    }
    #expect(files.count == 5 && !script.isEmpty, "\(files.keys.sorted())")
    var port = "11434"
    let provider = try Self.onOllamaPort([], profile: &port)
    defer { provider.stop() }
    for (path, text) in files { try home.write("repo/" + path, text.replacingOccurrences(of: "127.0.0.1:11434", with: "127.0.0.1:\(provider.port)")) }
    let child = "coder-add-a-fast-flag"
    provider.chooser = { request in
      let body = request.body
      let results = body.components(separatedBy: #""role":"tool""#).count - 1
      if body.contains("You are assigned ticket") {
        return results == 0
          ? .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "fast.py", "content": "FAST = True\n"}"#)])
          : .reply(text: "Added fast.py; `tool --fast` skips the slow checks.")
      }
      guard let range = body.range(of: #"\d{8}-\d{6}-add-a-fast-flag"#, options: .regularExpression) else { return .reply(text: "no ticket?") }
      let id = String(body[range])
      let commit =
        "git -C .worktree/\(child) add -A && git -C .worktree/\(child) -c user.name=lead -c user.email=lead@example.com commit -qm 'Add --fast' && git merge -q --no-edit yoi/\(child)"
      let steps: [(name: String, arguments: String)] = [
        (name: "ticket_assign", arguments: CanonicalJSON.compact(["id": .string(id), "role": "coder"])),
        RuntimeShellTests.shell("git -C .worktree/\(child) status --short"),
        (name: "ticket_comment", arguments: CanonicalJSON.compact(["id": .string(id), "kind": "review", "status": "approve", "body": "fast.py is right."])),
        RuntimeShellTests.shell(commit),
        (name: "ticket_close", arguments: CanonicalJSON.compact(["id": .string(id), "resolution": "merged"])),
      ]
      return results < steps.count ? .reply(text: "", toolCalls: [steps[results]]) : .reply(text: "Merged and closed.")
    }
    let binDirectory = URL(fileURLWithPath: YoiBinary.path).deletingLastPathComponent().path
    let outcome = try home.run(["-e", "-c", script], environment: ["PATH": "\(binDirectory):/usr/bin:/bin", "USER": "me"], executable: "/bin/sh")
    #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
    #expect(outcome.stdout.contains("Merged and closed."), "\(outcome.stdout)")
    let leadLog = try home.run(["pod", "log", "lead"]).stdout
    #expect(outcome.stdout.contains("status: done") && outcome.stdout.contains("## Implementation report — \(child), "), "\(outcome.stdout)\n\(leadLog)")
    for heading in ["## Plan — me, ", "## State: ready — me, ", "## Assignment — lead, ", "## Review: approve — lead, ", "## Closed — lead, "] {
      #expect(outcome.stdout.contains(heading), "\(heading)")
    }
    #expect(try home.read("repo/fast.py") == "FAST = True\n")
    #expect(outcome.stdout.contains("Add --fast") || outcome.stdout.contains("Merge"), "\(outcome.stdout)")
  }
}
