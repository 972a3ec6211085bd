import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// Signals and the one-runner lock, with real processes.
@Suite("Runtime processes", .serialized)
struct RuntimeProcessTests {
  /// Starts `yoi pod run` in the background with SIGINT unblocked (the test runner's
  /// children inherit it blocked).
  static func start(_ fixture: RuntimeFixture, prompt: String) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [
      "-c",
      "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
      YoiBinary.path, "pod", "run", fixture.pod, prompt,
    ]
    process.currentDirectoryURL = fixture.workspace
    process.environment = ProcessInfo.processInfo.environment.merging(fixture.home.environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
  }

  static func waitForRequest(_ provider: StubProvider, count: Int = 1) {
    let deadline = Date().addingTimeInterval(10)
    while provider.requests.count < count && Date() < deadline { usleep(10_000) }
  }

  @Test("SIGINT mid-stream: exit 130, a cancelled event with the partial text, earlier events kept")
  func interrupt() throws {
    let fixture = try RuntimeFixture(scheme: .anthropic, turns: [.slow(text: "tick ", pieces: 200), .reply(text: "after")])
    let (process, out, _) = try Self.start(fixture, prompt: "count slowly")
    Self.waitForRequest(fixture.provider)
    usleep(400_000)
    kill(process.processIdentifier, SIGINT)
    let started = Date()
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(process.terminationStatus == 130)
    let streamed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(streamed.contains("tick"))
    let log = try fixture.log()
    #expect(log.contains(#""type":"user","text":"count slowly""#))
    #expect(log.contains(#""partial_text":"tick"#))
    #expect(log.contains(#""type":"cancelled""#))
    // The next run continues normally.
    let next = try fixture.run("go on")
    #expect(next.status == 0, "\(next.stderr)")
  }

  @Test("two runners of one Pod: the second fails at once naming the first's pid; a dead runner's lock is taken over")
  func oneRunner() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.slow(text: "busy ", pieces: 60), .reply(text: "second"), .reply(text: "third")])
    let (first, _, _) = try Self.start(fixture, prompt: "long task")
    Self.waitForRequest(fixture.provider)
    let second = try fixture.run("in parallel")
    #expect(second.status == 1)
    #expect(second.stderr.contains("error[E-POD-BUSY]: Pod worker is busy: another run (pid \(first.processIdentifier)) is using it"))
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    let third = try fixture.run("after the crash")
    #expect(third.status == 0, "\(third.stderr)")
    #expect(third.stdout == "second\n")
  }
}

extension RuntimeProcessTests {
  @Test(
    "pod list: status (running with its pid, or idle), last activity, model and tokens, in text and --json; pod log: a time on each event and a separator per run; a typo'd Pod name gets did you mean"
  )
  func listAndLog() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "first"), .slow(text: "busy ", pieces: 60), .reply(text: "third")])
    #expect(try fixture.run("one").status == 0)
    let (process, _, _) = try Self.start(fixture, prompt: "two")
    Self.waitForRequest(fixture.provider, count: 2)
    let running = try fixture.home.run(["pod", "list", "--json"])
    guard case .array(let rows)? = try? JSONParser.parse(running.stdout), case .object(let row)? = rows.first else {
      Issue.record("\(running.stdout)")
      return
    }
    #expect(row["status"] == "running" && row["pid"] == .integer(Int64(process.processIdentifier)), "\(running.stdout)")
    #expect(row["model"] == "openai_chat stub-model" && row["last_event_at"] != .null)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let list = try fixture.home.run(["pod", "list"]).stdout
    let line = list.split(separator: "\n").first { $0.hasPrefix("worker ") }.map(String.init) ?? ""
    #expect(line.contains("idle") && line.contains("just now") && line.contains("openai_chat stub-model"), "\(list)")
    let log = try fixture.home.run(["pod", "log", fixture.pod]).stdout
    #expect(log.components(separatedBy: "── run ").count == 3, "\(log)")
    #expect(log.contains("#1 user  · "), "\(log)")
    let typo = try fixture.home.run(["pod", "show", "workr"])
    #expect(typo.status == 1 && typo.stderr.contains("did you mean `worker`?"), "\(typo.stderr)")
  }
}

extension RuntimeProcessTests {
  @Test("shell completion offers Pod names and profile names (what the generated scripts call)")
  func nameCompletion() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [])
    let pods = try fixture.home.run(["---completion", "pod", "show", "--", "positional@0", "3", "1", "yoi", "pod", "show", "w"])
    #expect(pods.stdout.split(separator: "\n").contains("worker"), "\(pods.stdout)\(pods.stderr)")
    let profiles = try fixture.home.run(["---completion", "pod", "spawn", "--", "--profile", "4", "0", "yoi", "pod", "spawn", "--profile", "builtin:c"])
    #expect(profiles.stdout.split(separator: "\n").contains("builtin:coder"), "\(profiles.stdout)\(profiles.stderr)")
    let script = try fixture.home.run(["--generate-completion-script", "bash"]).stdout
    #expect(script.contains("---completion pod attach -- positional@0"))
  }
}
