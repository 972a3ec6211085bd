import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// The Pod runtime end to end: the built binary against a scripted provider per scheme.
@Suite("Pod runtime", .serialized)
struct RuntimeTests {
  /// What each scheme's second request must contain to prove the tool results were fed back
  /// in its own format.
  static func toolResultMarker(_ scheme: ModelScheme) -> String {
    switch scheme {
    case .anthropic: #""tool_use_id":"toolu_1_0","type":"tool_result""#
    case .openaiChat: #""role":"tool","tool_call_id":"call_1_0""#
    case .openaiResponses: #""call_id":"call_1_0","output":"#
    case .gemini: #""functionResponse":{"id":"call_1","name":"read_file""#
    }
  }

  static func authHeader(_ scheme: ModelScheme) -> String {
    switch scheme {
    case .anthropic: "x-api-key"
    case .gemini: "x-goog-api-key"
    default: "authorization"
    }
  }

  @Test("each scheme: streamed text, many-delta arguments, two calls in a turn, results fed back, a follow-up run", arguments: ModelScheme.allCases)
  func conversation(scheme: ModelScheme) throws {
    let answer = "Fertig — ünïcødé ✓ 日本語 done."
    let fixture = try RuntimeFixture(
      scheme: scheme,
      turns: [
        .reply(
          text: "Reading.",
          toolCalls: [
            (name: "read_file", arguments: #"{"path": "notes/a.txt", "limit": 5}"#),
            (name: "list_dir", arguments: #"{"path": "notes"}"#),
          ]),
        .reply(text: answer),
        .reply(text: "I remember the notes."),
      ])
    try fixture.home.write("repo/notes/a.txt", "alpha line\nbeta line\n")

    let first = try fixture.run("Summarise the notes")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout == "Reading.\n" + answer + "\n")
    #expect(first.stderr.contains("· read_file notes/a.txt: 2 lines"))
    #expect(first.stderr.contains("· list_dir notes: 1 entries"))

    let requests = fixture.provider.requests
    #expect(requests.count == 2)
    #expect(requests[1].body.contains(Self.toolResultMarker(scheme)), "\(requests[1].body)")
    #expect(requests[1].body.contains("1\\talpha line"))
    #expect(requests[1].body.contains("a.txt"))  // list_dir's answer
    for request in requests {
      #expect(request.method == "POST")
      let header = request.header(Self.authHeader(scheme)) ?? ""
      #expect(header.hasSuffix(RuntimeFixture.canary))
    }

    let second = try fixture.run("What did the notes say?")
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout == "I remember the notes.\n")
    let third = fixture.provider.requests[2].body
    #expect(third.contains("Summarise the notes") && third.contains("What did the notes say?"))
    #expect(third.contains("Fertig"))

    let tail = try fixture.home.run(["pod", "log", fixture.pod, "--tail", "2"]).stdout
    #expect(tail.hasPrefix("#9 assistant  · ") && tail.contains("\n    I remember the notes.\n#10 usage: "), "\(tail)")
    let log = try fixture.log()
    let kinds = log.split(separator: "\n").compactMap { line in
      (try? JSONParser.parse(String(line))).flatMap { value -> String? in
        if case .object(let object) = value, case .string(let type)? = object["type"] { return type }
        return nil
      }
    }
    #expect(kinds == ["user", "assistant", "usage", "tool_result", "tool_result", "assistant", "usage", "user", "assistant", "usage"])
  }

  @Test("--json streams text_delta events and every stored event as JSON Lines")
  func jsonLines() throws {
    let fixture = try RuntimeFixture(scheme: .anthropic, turns: [.reply(text: "Hello there, friend.")])
    let run = try fixture.run("hi", json: true)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == #"{"seq":1,"type":"user","text":"hi"}"#)
    let deltas = lines.filter { $0.contains(#""type":"text_delta""#) }
    #expect(deltas.count >= 3)
    #expect(lines.contains { $0.hasPrefix(#"{"seq":2,"type":"assistant""#) && $0.contains("Hello there, friend.") })
    for line in lines { #expect((try? JSONParser.parse(line)) != nil, "\(line)") }
  }

  @Test("429 with Retry-After and 5xx are retried; 401 is not")
  func retries() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .status(429, message: "slow down", headers: [("retry-after", "0")]),
        .status(503, message: "overloaded"),
        .reply(text: "made it"),
        .status(401, message: "invalid api key"),
      ])
    let ok = try fixture.run("go")
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout == "made it\n")
    #expect(fixture.provider.requests.count == 3)

    let refused = try fixture.run("again")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("error[E-PROVIDER]: the model provider answered HTTP 401: invalid api key"))
    #expect(fixture.provider.requests.count == 4)
  }

  @Test("a malformed stream and a stream cut mid-answer are errors, not crashes")
  func brokenStreams() throws {
    for scheme in ModelScheme.allCases {
      let fixture = try RuntimeFixture(
        scheme: scheme, turns: [.malformed, .cutOff(text: String(repeating: "partial answer ", count: 20)), .reply(text: "recovered")])
      let malformed = try fixture.run("one")
      #expect(malformed.status == 1, "\(scheme)")
      #expect(malformed.stderr.contains("E-PROVIDER-STREAM"), "\(scheme): \(malformed.stderr)")
      let cut = try fixture.run("two")
      #expect(cut.status == 1, "\(scheme)")
      #expect(cut.stderr.contains("E-PROVIDER"), "\(scheme): \(cut.stderr)")
      #expect(!cut.stderr.contains("Fatal error"))
      // The Pod still works afterwards, and the errors are in its transcript.
      let next = try fixture.run("three")
      #expect(next.status == 0, "\(scheme): \(next.stderr)")
      #expect(try fixture.log().contains(#""type":"error""#))
    }
  }

  @Test("an unknown tool and unparsable arguments come back as tool errors and the loop goes on")
  func badToolCalls() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiResponses,
      turns: [
        .reply(text: "", toolCalls: [(name: "launch_rockets", arguments: "{}"), (name: "read_file", arguments: #"{"path": "#)]),
        .reply(text: "", toolCalls: [(name: "read_file", arguments: #"{"offset": 3}"#)]),
        .reply(text: "ok"),
      ])
    let run = try fixture.run("try things")
    #expect(run.status == 0, "\(run.stderr)")
    let bodies = fixture.provider.requests.map(\.body)
    #expect(bodies[1].contains("unknown tool `launch_rockets`; the tools are: read_file, list_dir, glob, grep, write_file, edit_file"))
    #expect(bodies[1].contains("invalid arguments for read_file: not JSON"))
    #expect(bodies[2].contains("invalid arguments for read_file: `path` is missing"))
  }

  @Test("worker.max_turns stops the task with a diagnostic naming it")
  func maxTurns() throws {
    let call = (name: "list_dir", arguments: #"{"path": "."}"#)
    let fixture = try RuntimeFixture(
      scheme: .gemini, turns: [.reply(text: "", toolCalls: [call]), .reply(text: "", toolCalls: [call]), .reply(text: "never")],
      profile: "worker = { max_turns = 2 },")
    let run = try fixture.run("loop forever")
    #expect(run.status == 3)
    #expect(run.stderr.contains("error[E-MAX-TURNS]: the task stopped at worker.max_turns = 2 model turns"))
    #expect(fixture.provider.requests.count == 2)
  }

  @Test("the profile edited after spawn changes nothing: the run uses the snapshot")
  func snapshotNotProfile() throws {
    let fixture = try RuntimeFixture(scheme: .anthropic, turns: [.reply(text: "from the snapshot")])
    try fixture.home.write(
      "profiles/agent.lua", RuntimeFixture.profile(scheme: .anthropic, baseURL: "http://127.0.0.1:9", extra: "", modelID: "edited-model"))
    let run = try fixture.run("which model?")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(fixture.provider.requests.first?.body.contains(#""model":"stub-model""#) == true)
  }

  @Test("the provider key reaches the auth header and nowhere else")
  func canaryStaysInTheHeader() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "out.txt", "content": "hello"}"#)]),
        .reply(text: "done"),
        // A server that echoes the wrong key back in its error.
        .status(401, message: "bad key \(RuntimeFixture.canary)"),
      ])
    var outputs = [try fixture.run("write"), try fixture.run("again"), try fixture.home.run(["pod", "log", fixture.pod])]
    outputs.append(try fixture.home.run(["pod", "log", fixture.pod, "--json"]))
    for outcome in outputs {
      #expect(!outcome.stdout.contains(RuntimeFixture.canary) && !outcome.stderr.contains(RuntimeFixture.canary))
    }
    #expect(outputs[1].stderr.contains("bad key «redacted»"), "\(outputs[1].stderr)")
    // A refused key says the command that fixes it.
    #expect(outputs[1].stderr.contains("the provider refused the key: store the right key with `yoi secret set stub/key`"), "\(outputs[1].stderr)")
    for request in fixture.provider.requests {
      #expect(!request.body.contains(RuntimeFixture.canary))
      #expect(request.header("authorization") == "Bearer " + RuntimeFixture.canary)
    }
    for (path, data) in try fixture.dataFiles() {
      #expect(data.range(of: Data(RuntimeFixture.canary.utf8)) == nil, "\(path)")
    }
    let workspaceFile = try fixture.home.read("repo/out.txt")
    #expect(workspaceFile == "hello")
  }

  @Test("pod rm removes the transcript with the Pod; a busy Pod is not removed")
  func removal() throws {
    let fixture = try RuntimeFixture(scheme: .gemini, turns: [.reply(text: "hello")])
    #expect(try fixture.run("hi").status == 0)
    // Without --yes and no terminal to ask: refused, nothing removed.
    let unasked = try fixture.home.run(["pod", "rm", fixture.pod])
    #expect(unasked.status == 1 && unasked.stderr.contains("pass --yes"), "\(unasked.stderr)")
    #expect(try fixture.home.run(["pod", "log", fixture.pod]).stdout.contains("hello"))
    let removed = try fixture.home.run(["pod", "rm", fixture.pod, "--yes"])
    #expect(removed.status == 0 && removed.stdout == "removed Pod worker and its 3 transcript events\n", "\(removed.stdout)")
    let spawned = try fixture.home.run([
      "pod", "spawn", "--profile", fixture.home.root.appendingPathComponent("profiles/agent.lua").path, "--workspace", fixture.workspace.path, "--name",
      fixture.pod,
    ])
    #expect(spawned.status == 0)
    #expect(try fixture.home.run(["pod", "log", fixture.pod]).stdout.isEmpty)
  }

  @Test("a missing credential fails the run before anything is recorded")
  func missingCredential() throws {
    let fixture = try RuntimeFixture(scheme: .anthropic, turns: [.reply(text: "never")])
    #expect(try fixture.home.run(["secret", "rm", "stub/key"]).status == 0)
    let run = try fixture.run("hello?")
    #expect(run.status == 1)
    #expect(run.stderr.contains("E-SECRET-MISSING") && run.stderr.contains("stub/key"), "\(run.stderr)")
    #expect(try fixture.log().isEmpty)
    #expect(fixture.provider.requests.isEmpty)
  }

  @Test("a provider that is not running fails at once, saying so")
  func refusedConnection() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [])
    fixture.provider.stop()
    let started = Date()
    let run = try fixture.run("anyone there?")
    #expect(Date().timeIntervalSince(started) < 3)
    #expect(run.status == 1)
    #expect(run.stderr.contains("error[E-PROVIDER-CONNECTION]: the model provider refused the connection at \(fixture.provider.baseURL)"), "\(run.stderr)")
  }
}
