import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// `yoi pod attach` in a real terminal (tmux) against the scripted provider.
@Suite("Attach in tmux (end to end)", .serialized)
struct AttachTests {
  @Test("send, stream, approve and deny an ask, Ctrl-C mid-stream, /exit; the terminal is restored")
  func session() throws {
    let fixture = try RuntimeFixture(
      scheme: .openaiChat,
      turns: [
        .reply(text: "Hello from the Pod."),
        .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "a.txt", "content": "approved"}"#)]),
        .reply(text: "", toolCalls: [(name: "write_file", arguments: #"{"path": "b.txt", "content": "denied"}"#)]),
        .reply(text: "Wrote one file."),
        .slow(text: "tick ", pieces: 200),
        .reply(text: "Still here."),
      ],
      profile: "permissions = yoi.autonomy.ask(),")
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("autonomy: ask")
    try tmux.type("hi there")
    try tmux.press("Enter")
    try tmux.waitFor("Hello from the Pod.")

    try tmux.type("write two files")
    try tmux.press("Enter")
    try tmux.waitFor("? write_file a.txt")
    try tmux.type("y")
    try tmux.waitFor("? write_file b.txt")
    try tmux.type("n")
    try tmux.waitFor("Wrote one file.")
    #expect(try fixture.home.read("repo/a.txt") == "approved")
    #expect(!FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent("b.txt").path))

    try tmux.type("count slowly")
    try tmux.press("Enter")
    try tmux.waitFor("tick tick")
    try tmux.press("C-c")
    try tmux.waitFor("(cancelled: what completed is kept)")
    try tmux.type("still there?")
    try tmux.press("Enter")
    try tmux.waitFor("Still here.")

    try tmux.type("/exit")
    try tmux.press("Enter")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("exit=0"))
    #expect(try tmux.terminalRestored())
    let log = try fixture.log()
    #expect(log.contains(#""type":"cancelled""#))
    #expect(log.contains("refused: the user declined write_file on b.txt (permissions.default_action (ask))"))
  }

  @Test("Ctrl-D on an empty line leaves; Alt-Enter makes a two-line message")
  func leaveAndNewline() throws {
    let fixture = try RuntimeFixture(scheme: .anthropic, turns: [.reply(text: "Got two lines.")])
    let tmux = try TmuxSession(home: fixture.home)
    try tmux.startYoi("pod attach worker")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("first")
    try tmux.press("M-Enter")
    try tmux.type("second")
    try tmux.press("Enter")
    try tmux.waitFor("Got two lines.")
    try tmux.press("C-d")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("exit=0"))
    #expect(try tmux.terminalRestored())
    #expect(fixture.provider.requests.first?.body.contains(#"first\nsecond"#) == true)
  }

  @Test("yoi new attaches to the Pod it created")
  func newAttaches() throws {
    let home = try YoiHome()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --profile builtin:coder --profile-pod-name fresh")
    try tmux.waitFor("profile: builtin:coder")
    try tmux.press("Enter")
    try tmux.waitFor("yoi · fresh · openai_responses gpt-5.5 · autonomy: edits")
    try tmux.press("C-d")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("exit=0"))
    #expect(try tmux.terminalRestored())
  }

  @Test("attach keeps up with 500 deltas a second, rendering markdown: nothing dropped or reordered")
  func deltaRate() throws {
    let text = (1...400).map { String(format: "%04d ", $0) }.joined()
    let fixture = try RuntimeFixture(scheme: .openaiChat, turns: [.paced(text: text, interval: 2_000)])
    let tmux = try TmuxSession(home: fixture.home)
    // With colour, so the markdown renderer is in the path (the test runner sets NO_COLOR).
    try tmux.startYoi("pod attach worker", environment: "-u NO_COLOR")
    try tmux.waitFor("Ctrl-D or /exit leave")
    try tmux.type("stream fast")
    let started = Date()
    try tmux.press("Enter")
    try tmux.waitFor("0400")
    // ~500 deltas of about 4 characters, one every 2 ms: about 1 s when nothing falls behind.
    #expect(Date().timeIntervalSince(started) < 4)
    let joined = try tmux.tmux(["capture-pane", "-t", "main", "-p", "-J", "-S", "-"])
    #expect(joined.replacingOccurrences(of: "\n", with: "").contains(text.trimmingCharacters(in: .whitespaces)), "\(joined)")
    try tmux.press("C-d")
    try tmux.waitFor("DONE")
  }
}
