import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// The interactive session as a person uses it (DESIGN.md §12.8), in a real terminal (tmux)
/// against the scripted provider: the line editor, slash commands, diffs in approvals.
@Suite("Interactive session in tmux (end to end)", .serialized)
struct SessionTests {
  /// The user messages of a recorded request, in order.
  static func userMessages(_ request: LoopbackRequest) -> [String] {
    guard case .object(let body)? = try? JSONParser.parse(request.body), case .array(let messages)? = body["messages"] else { return [] }
    return messages.compactMap { message in
      guard case .object(let object) = message, object["role"] == "user", case .string(let text)? = object["content"] else { return nil }
      return text
    }
  }

  /// Whether the last line on screen (the input line, trailing spaces trimmed by tmux) comes to
  /// read `expected` within a few seconds.
  static func inputLine(_ tmux: TmuxSession, becomes expected: String) throws -> Bool {
    var last = ""
    for _ in 0..<100 {
      last = try tmux.screen().split(separator: "\n").last.map(String.init) ?? ""
      if last == expected { return true }
      usleep(50_000)
    }
    Issue.record("the input line reads \(last.debugDescription), not \(expected.debugDescription)")
    return false
  }

  @Test(
    "line editing (cursor moves, Ctrl-A, Ctrl-W, Ctrl-U), Up recalls earlier messages, Tab completes a command and an @path, a bracketed paste of three lines is one message; /help and an unknown command never reach the model"
  )
  func lineEditor() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "One."), .reply(text: "Two."), .reply(text: "Three.")])
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("hello wrld")
    try tmux.press("Left", "Left", "Left")
    try tmux.type("o")
    try tmux.press("C-a")
    try tmux.type(">> ")
    try tmux.press("C-e")
    try tmux.type(" junk")
    try tmux.press("C-w")
    try tmux.press("Enter")
    try tmux.waitFor("One.")
    #expect(Self.userMessages(fixture.provider.requests[0]).last == ">> hello world ")

    try tmux.type("/help")
    try tmux.press("Enter")
    try tmux.waitFor("commands (handled by yoi, never sent to the model)")
    try tmux.type("/hepl")
    try tmux.press("Enter")
    try tmux.waitFor("unknown command /hepl; did you mean /help?")
    #expect(fixture.provider.requests.count == 1)

    // The history holds what was entered, commands too (as a shell's does): three back.
    try tmux.press("Up", "Up", "Up")
    #expect(try Self.inputLine(tmux, becomes: "› >> hello world"))
    try tmux.press("Enter")
    try tmux.waitFor("Two.")
    try #require(fixture.provider.requests.count == 2)
    #expect(Self.userMessages(fixture.provider.requests[1]).last == ">> hello world ")

    // Tab: a slash command, then an @path inside the scope.
    try fixture.home.write("repo/notes-file.txt", "x")
    try tmux.type("/he")
    try tmux.press("Tab")
    #expect(try Self.inputLine(tmux, becomes: "› /help"))
    try tmux.press("C-u")
    try tmux.type("see @notes")
    try tmux.press("Tab")
    #expect(try Self.inputLine(tmux, becomes: "› see @notes-file.txt"))
    try tmux.press("C-u")
    try tmux.tmux(["set-buffer", "--", "line one\nline two\nline three"])
    try tmux.tmux(["paste-buffer", "-p", "-t", "main"])
    try tmux.waitFor("line three")
    #expect(fixture.provider.requests.count == 2, "a pasted newline must not send")
    try tmux.press("Enter")
    try tmux.waitFor("Three.")
    try #require(fixture.provider.requests.count == 3)
    #expect(Self.userMessages(fixture.provider.requests[2]).last == "line one\nline two\nline three")
    try tmux.press("C-d")
    #expect(try tmux.waitFor("DONE").contains("exit=0"))
    #expect(try tmux.terminalRestored())
  }

  @Test("/clear: the next request holds only the new segment; /cost counts tokens; /model stores a new snapshot and shows the change")
  func clearCostModel() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "Noted."), .reply(text: "Which fruit?")])
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("remember banana")
    try tmux.press("Enter")
    try tmux.waitFor("Noted.")
    try tmux.type("/clear")
    try tmux.press("Enter")
    try tmux.waitFor("a new conversation")
    try tmux.type("what fruit did I say?")
    try tmux.press("Enter")
    try tmux.waitFor("Which fruit?")
    try #require(fixture.provider.requests.count == 2)
    #expect(!fixture.provider.requests[1].body.contains("banana"))
    #expect(Self.userMessages(fixture.provider.requests[1]) == ["what fruit did I say?"])

    try tmux.type("/cost")
    try tmux.press("Enter")
    try tmux.waitFor("this session:")
    try tmux.type("/model anthropic/claude-sonnet-4-6")
    try tmux.press("Enter")
    let screen = try tmux.waitFor("switched to anthropic/claude-sonnet-4-6")
    #expect(screen.contains("model.ref"), "\(screen)")
    try tmux.waitFor("yoi · worker · anthropic claude-sonnet-4-6")
    try tmux.press("C-d")
    try tmux.waitFor("DONE")
    let show = try fixture.home.run(["pod", "show", fixture.pod])
    #expect(show.stdout.contains("anthropic/claude-sonnet-4-6"), "\(show.stdout)")
    #expect(try fixture.log().contains(#""type":"clear""#))
  }

  @Test("an ask for edit_file shows the -old/+new lines before the answer; shell output's last lines are shown; /diff shows the session's changes")
  func diffsAndOutput() throws {
    let command = #"printf 'l1\nl2\nl3\nl4\nl5\nl6\nl7\n'"#
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .reply(text: "", toolCalls: [(name: "edit_file", arguments: #"{"path": "notes.txt", "old_string": "alpha", "new_string": "beta"}"#)]),
        .reply(text: "", toolCalls: [RuntimeShellTests.shell(command)]),
        .reply(text: "All done."),
      ],
      profile: "permissions = yoi.autonomy.ask(),")
    try fixture.home.write("repo/notes.txt", "first\nalpha\nlast\n")
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("edit and list")
    try tmux.press("Enter")
    let asked = try tmux.waitFor("? edit_file notes.txt")
    #expect(asked.contains("-alpha") && asked.contains("+beta") && asked.contains(" first"), "\(asked)")
    #expect(try fixture.home.read("repo/notes.txt") == "first\nalpha\nlast\n", "nothing is written before the answer")
    try tmux.type("y")
    try tmux.waitFor("? shell")
    try tmux.type("y")
    let screen = try tmux.waitFor("All done.")
    #expect(screen.contains("  l7") && screen.contains("  l3") && !screen.contains("  l2"), "\(screen)")
    #expect(screen.contains("notes.txt +1 -1"), "\(screen)")
    try tmux.type("/diff")
    try tmux.press("Enter")
    try tmux.waitFor("    +beta")
    try tmux.press("C-d")
    try tmux.waitFor("DONE")
  }
}

extension SessionTests {
  @Test(
    "yoi alone lists this workspace's Pods (most recent first, with their last task) and attaches to the chosen one; yoi new NAME on an existing Pod offers to attach"
  )
  func pickerAndNewOnExisting() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: "Fixed.")])
    let spawned = try fixture.home.run([
      "pod", "spawn", "--profile", fixture.home.root.appendingPathComponent("profiles/agent.lua").path, "--workspace", fixture.workspace.path,
      "--name", "helper",
    ])
    try #require(spawned.status == 0, "\(spawned.stderr)")
    // One second apart, so the run makes `worker` the most recent.
    sleep(1)
    #expect(try fixture.run("fix the parser\nand the tests").status == 0)
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("")
    let screen = try tmux.waitFor("+ new Pod")
    let lines = screen.split(separator: "\n").map(String.init)
    let worker = lines.firstIndex { $0.hasPrefix("› worker") }
    let helper = lines.firstIndex { $0.hasPrefix("  helper") }
    #expect(worker != nil && helper != nil && worker! < helper!, "\(screen)")
    #expect(screen.contains("\u{201C}fix the parser\u{201D}") && screen.contains("openai_chat stub-model"), "\(screen)")
    try tmux.press("Down")
    try tmux.press("Enter")
    try tmux.waitFor("yoi · helper · openai_chat stub-model")
    try tmux.press("C-d")
    #expect(try tmux.waitFor("DONE").contains("exit=0"))

    try tmux.startYoi("new worker")
    try tmux.waitFor("A Pod named worker exists. Attach to it? [y/N]")
    try tmux.type("y")
    try tmux.press("Enter")
    try tmux.waitFor("yoi · worker · openai_chat stub-model")
    try tmux.press("C-d")
  }
}

extension SessionTests {
  static let markdown = """
    # Release notes

    | Name | Size |
    |------|------|
    | alpha | 1 |
    | beta-longer | 22 |

    ```swift
    let x = 1
    ```
    Read **carefully** and see [the docs](https://example.com/docs).
    - first point

    """

  @Test(
    "markdown is rendered as it streams (heading, table, fenced code, emphasis, link, list), and replayed rendered on the next attach; NO_COLOR gives the text as written"
  )
  func markdownRendering() throws {
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.reply(text: Self.markdown)])
    let tmux = try TmuxSession(home: fixture.home)
    // The test runner sets NO_COLOR; a person's terminal would not.
    try tmux.startYoi("pod attach worker", environment: "-u NO_COLOR")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("notes please")
    try tmux.press("Enter")
    let screen = try tmux.waitFor("• first point")
    for expected in [
      "Release notes", "Name │ Size", "alpha │ 1", "beta-longer │ 22", "┌─── swift", "│ let x = 1", "└───",
      "Read carefully and see the docs (https://example.com/docs).",
    ] {
      #expect(screen.contains(expected), "missing \(expected):\n\(screen)")
    }
    for raw in ["# Release", "**", "```", "|---"] { #expect(!screen.contains(raw), "raw \(raw):\n\(screen)") }
    try tmux.press("C-d")
    try tmux.waitFor("DONE")

    // Attached again: the same rendered form, from the transcript.
    try tmux.press("C-l")
    try tmux.startYoi("pod attach worker", environment: "-u NO_COLOR")
    let replayed = try tmux.waitFor("• first point")
    #expect(replayed.contains("Name │ Size") && replayed.contains("› notes please") && !replayed.contains("**"), "\(replayed)")
    try tmux.press("C-d")
    try tmux.waitFor("DONE")

    try tmux.press("C-l")
    try tmux.startYoi("pod attach worker", environment: "NO_COLOR=1 TERM=dumb")
    let plain = try tmux.waitFor("- first point")
    #expect(plain.contains("**carefully**") && plain.contains("| Name | Size |"), "\(plain)")
    try tmux.press("C-d")
  }

  @Test("a working indicator with elapsed time while the model has not answered; a visible retry line after a 429")
  func indicatorAndRetry() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .delayed(text: "Ready.", seconds: 2), .status(429, message: "slow down", headers: [("retry-after", "1")]), .reply(text: "After the retry."),
      ])
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("take your time")
    try tmux.press("Enter")
    let waiting = try tmux.waitFor(" working ")
    #expect(waiting.contains(" s"), "\(waiting)")
    let answered = try tmux.waitFor("Ready.")
    #expect(!answered.contains(" working "), "the indicator is gone once the answer comes:\n\(answered)")
    // The status line is drawn once the turn ends, which may be a moment after the text shows.
    try tmux.waitFor("tokens this session")
    try tmux.type("again")
    try tmux.press("Enter")
    try tmux.waitFor("retrying (2/")
    try tmux.waitFor("after HTTP 429 in 1 s")
    try tmux.waitFor("After the retry.")
    try tmux.press("C-d")
  }
}

extension SessionTests {
  @Test("thinking shows collapsed, then as one line saying how long it took; /thinking shows it whole")
  func collapsedThinking() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat, turns: [.thinking(reasoning: "Let me consider the parser.\nThe bug is in the loop.", text: "Found it.")])
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("why does it fail?")
    try tmux.press("Enter")
    let answered = try tmux.waitFor("Found it.")
    #expect(answered.contains("thought for") && answered.contains("(11 words; /thinking shows it)"), "\(answered)")
    #expect(!answered.contains("Let me consider the parser."), "\(answered)")
    try tmux.type("/thinking")
    try tmux.press("Enter")
    let shown = try tmux.waitFor("The bug is in the loop.")
    #expect(shown.contains("Let me consider the parser."))
    try tmux.press("C-d")
  }
}
