import Foundation
import Testing

/// Drives the real binary in a real terminal: tmux runs a shell, keys go in with send-keys,
/// the screen comes back with capture-pane.
final class TmuxSession {
  let socket = "yoi-test-\(UUID().uuidString.prefix(8))"
  let home: YoiHome

  init(home: YoiHome) throws {
    self.home = home
    let environment = home.environment.map { "\($0.key)=\($0.value)" }
    try tmux(
      ["new-session", "-d", "-s", "main", "-x", "140", "-y", "40", "-c", home.project.path, "env"] + environment + ["PS1=$ ", "bash", "--norc", "--noprofile"])
  }

  deinit { _ = try? tmux(["kill-server"]) }

  /// Runs a tmux command with posix_spawn and waitpid. Foundation's Process is not used here:
  /// `new-session` leaves a daemonised tmux server holding whatever the client inherited, and
  /// Process would wait for it forever. capture-pane output goes through a file.
  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    let output = home.root.appendingPathComponent("tmux-\(UUID().uuidString).out").path
    let command = (["tmux", "-L", socket] + arguments).map(Self.quote).joined(separator: " ") + " > \(Self.quote(output)) 2>/dev/null < /dev/null"
    let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (text: String) in strdup(text) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw CocoaError(.fileNoSuchFile) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    defer { try? FileManager.default.removeItem(atPath: output) }
    return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  }

  static func quote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  func type(_ text: String) throws { try tmux(["send-keys", "-t", "main", "-l", "--", text]) }
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys) }
  func screen() throws -> String { try tmux(["capture-pane", "-t", "main", "-p"]) }

  /// Waits until the screen contains `text` (or fails after a few seconds).
  @discardableResult
  func waitFor(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let deadline = Date().addingTimeInterval(8)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if last.contains(text) { return last }
      usleep(50_000)
    }
    Issue.record("screen never showed \(text):\n\(last)", sourceLocation: sourceLocation)
    return last
  }

  /// Starts `yoi ARGS` in the shell, recording `stty -g` before and after it runs.
  func startYoi(_ arguments: String, environment: String = "") throws {
    let root = home.root.path
    // The markers are printed with split quotes so the typed command line never matches them.
    try type(
      "stty -g > \(root)/stty-before; \(environment.isEmpty ? "" : "env \(environment) ")\(YoiBinary.path) \(arguments); echo \"ex\"\"it=$?\"; stty -g > \(root)/stty-after; echo \"DO\"\"NE\""
    )
    try press("Enter")
  }

  func terminalRestored() throws -> Bool {
    try home.read("stty-before") == home.read("stty-after")
  }
}

@Suite("New-Pod dialog in tmux (end to end)", .serialized)
struct TmuxDialogTests {
  static func home() throws -> YoiHome {
    let home = try YoiHome()
    try home.write(
      "repo/.yoi/profiles.toml",
      """
      default = "coder"
      [profile.coder]
      path = "coder.lua"
      description = "Project coding assistant"
      [profile.broken]
      path = "broken.lua"
      """)
    try home.write("repo/.yoi/coder.lua", "local p = require('yoi').profile.import('builtin:coder') p.description = 'Project coding assistant' return p\n")
    try home.write("repo/.yoi/broken.lua", "local p = require('yoi').profile.import('builtin:coder')\np.worker.max_turns = -1\nreturn p\n")
    return home
  }

  @Test func showsTheDefaultAndCyclesWithWrap() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --no-attach")
    // Registry entries are listed by source, then name: project:coder is the last of 11.
    let screen = try tmux.waitFor("profile: project:coder (default) — Project coding assistant   [11/11]")
    #expect(screen.contains("name:    repo"))
    #expect(screen.contains("model codex-oauth/gpt-5.5 · instruction $yoi/role/coder"))
    try tmux.press("Tab")
    try tmux.waitFor("profile: builtin:default — General agent: every everyday feature, high reasoning   [1/11]")  // wrapped
    try tmux.press("BTab")
    try tmux.waitFor("[11/11]")  // wrapped back
    try tmux.press("Up")
    try tmux.waitFor("profile: project:broken   [10/11]")
    try tmux.press("Down")
    try tmux.waitFor("[11/11]")
    try tmux.press("Down")
    try tmux.waitFor("[1/11]")
    try tmux.press("Tab")
    try tmux.waitFor("profile: builtin:companion")
    try tmux.press("Escape")
    try tmux.waitFor("DONE")
    #expect(try tmux.terminalRestored())
  }

  @Test func brokenProfileShowsItsDiagnosticInPlace() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --profile project:broken")
    let screen = try tmux.waitFor("cannot be spawned:")
    #expect(screen.contains("worker.max_turns: expected a positive integer, got -1"))
    #expect(screen.contains("broken.lua:2"))
    try tmux.press("Enter")
    try tmux.waitFor("does not resolve")
    try tmux.press("Escape")
    try tmux.waitFor("DONE")
  }

  @Test func enterSpawnsAPodThatPodListShows() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --no-attach --profile builtin:reviewer")
    try tmux.waitFor("profile: builtin:reviewer")
    try tmux.press("C-a")
    try tmux.type("x-")
    try tmux.press("End")
    try tmux.type("-1")
    try tmux.waitFor("name:    x-repo-1")
    try tmux.press("Enter")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("spawned x-repo-1 "))
    #expect(screen.contains("exit=0"))
    #expect(try tmux.terminalRestored())
    let list = try home.run(["pod", "list"])
    #expect(
      list.stdout.split(separator: "\n").contains { $0.hasPrefix("x-repo-1 ") && $0.contains("idle") && $0.contains("builtin:reviewer") }, "\(list.stdout)")
  }

  @Test func projectProfileAsksForTrust() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --no-attach")
    try tmux.waitFor("not trusted yet: Enter asks first")
    try tmux.press("Enter")
    try tmux.waitFor("Trust it at its current content and spawn? [y/N]")
    try tmux.type("y")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("spawned repo "))
    #expect(try home.run(["profile", "resolve", "project:coder", "--digest"]).status == 0)  // now trusted
  }

  @Test func emptyNameSaysNameIsRequired() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --profile builtin:default --profile-pod-name ab")
    try tmux.waitFor("name:    ab")
    try tmux.press("BSpace", "BSpace", "Enter")
    try tmux.waitFor("! name is required")
    try tmux.press("C-c")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("cancelled: no Pod was created"))
    #expect(try tmux.terminalRestored())
  }

  @Test func escapeLeavesNothingBehind() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --profile builtin:coder")
    try tmux.waitFor("profile: builtin:coder")
    try tmux.press("Escape")
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("exit=130"))
    #expect(try tmux.terminalRestored())
    #expect(try home.run(["pod", "list", "--json"]).stdout == "[]\n")
  }

  @Test func signalsRestoreTheTerminal() throws {
    let home = try Self.home()
    let tmux = try TmuxSession(home: home)
    try tmux.startYoi("new --profile builtin:coder --workspace \(home.project.path)")
    try tmux.waitFor("profile: builtin:coder")
    let pkill = Process()
    pkill.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    pkill.arguments = ["pkill", "-TERM", "-f", "new --profile builtin:coder --workspace \(home.project.path)"]
    try pkill.run()
    pkill.waitUntilExit()
    let screen = try tmux.waitFor("DONE")
    #expect(screen.contains("exit=143"))
    #expect(try tmux.terminalRestored())
  }

  @Test func withoutATerminalNewPointsToPodSpawn() throws {
    let home = try Self.home()
    let outcome = try home.run(["new"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("yoi pod spawn"))
    let direct = try home.run(["new", "--profile", "builtin:coder", "--profile-pod-name", "direct", "--yes"])
    #expect(direct.status == 0)
    #expect(direct.stdout.hasPrefix("spawned direct "))
  }
}

@Suite("Hidden secret prompt on a pseudo-terminal (end to end)")
struct HiddenPromptTerminalTests {
  /// Python's pty module runs `yoi secret set` as the session leader of a fresh
  /// pseudo-terminal, answers its prompt with Ctrl-C and reads the terminal's mode after it
  /// died. (A shell such as bash restores the mode of a job killed by a signal and would hide
  /// the bug; a bare terminal shows it.)
  static let driver = #"""
    import os, pty, signal, sys, termios, time
    pid, fd = pty.fork()
    if pid == 0:
        # As in a fresh terminal session: the test runner may block or ignore SIGINT.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(sys.argv[1], [sys.argv[1], "secret", "set", "providers/x/default"])
    seen, deadline = b"", time.time() + 10
    while b"value for" not in seen and time.time() < deadline:
        seen += os.read(fd, 1024)
    time.sleep(0.2)  # the prompt is written just before echo is turned off
    os.write(fd, b"\x03")
    _, status = os.waitpid(pid, 0)
    print("signal", os.WTERMSIG(status) if os.WIFSIGNALED(status) else "none")
    print("echo", "on" if termios.tcgetattr(fd)[3] & termios.ECHO else "off")
    """#

  @Test func ctrlCAtTheHiddenPromptRestoresEcho() throws {
    let home = try YoiHome()
    let outcome = try YoiBinary.run(["-c", Self.driver, YoiBinary.path], environment: home.environment, executable: "/usr/bin/python3")
    #expect(outcome.stdout.contains("signal 2"), "\(outcome.stdout)\(outcome.stderr)")
    #expect(outcome.stdout.contains("echo on"), "echo stayed off after Ctrl-C: \(outcome.stdout)")
  }
}
