import ArgumentParser
import Foundation
import YoiAgent
import YoiPods
import YoiDiagnostics
import YoiManifest
import YoiProfiles
import YoiProviders
import YoiStore
import YoiTerminal
import YoiTools

/// `yoi pod attach NAME`: the interactive session (DESIGN.md §12.1).
struct PodAttachCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attach", abstract: "Work with a Pod interactively in the terminal.",
    discussion: """
      Shows the transcript so far, then an input line: Enter sends, Alt-Enter inserts a newline, \
      Ctrl-C cancels the running turn, Ctrl-D on an empty line or /exit leaves. Tool calls that \
      the Pod's permissions say to `ask` about are put to you: y (yes), n (no), a (always, for \
      the same tool and subject, this session).

      Example:
        yoi pod attach api
      """)

  @Argument(help: "The Pod.") var name: String

  func run() async throws {
    try await AttachSession.run(pod: PodName(name))
  }
}

/// One interactive session on a terminal. The terminal is raw for the whole session (so
/// Ctrl-C arrives as a key, not a signal) and put back however it ends.
enum AttachSession {
  static func run(pod: PodName) async throws {
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw YoiError([
        .error("yoi pod attach is interactive and needs a terminal", code: .noTty, help: ["in scripts, use `yoi pod run \(pod) \"TASK\"`"])
      ])
    }
    let runs = try Services.runs()
    let router = KeyRouter()
    try await runs.withSession(pod: pod, approval: TerminalApproval(router: router)) { runner in
      try await session(runner, pod: pod, store: runs.store, router: router)
    }
  }

  private static func session(_ runner: PodRunner, pod: PodName, store: PodStore, router: KeyRouter) async throws {
    let name = pod.rawValue
    let sections = runner.sections
    let screen = SessionScreen()

    guard let saved = TerminalModeGuard.save() else { throw YoiError(.error("cannot read the terminal's mode", code: .noTty)) }
    defer { TerminalModeGuard.restore() }
    TerminalControl.enterRawMode(from: saved)
    router.startReading()

    let model = "\(sections.model.scheme?.rawValue ?? "?") \(sections.model.modelID ?? "?")"
    screen.note("yoi · \(name) · \(model) · autonomy: \(PermissionPolicy.presetName(sections.permissions)) · \(runner.workspace)")
    screen.note("Enter send · Alt-Enter newline · Ctrl-C cancel the turn · Ctrl-D or /exit leave")
    for line in runner.notes { screen.note("note: " + line) }
    let history = try store.transcript(of: name, tail: 30)
    for row in history {
      let event = try TranscriptEvent(row)
      if case .usage = event { continue }
      for line in TranscriptRendering.lines(event, seq: row.seq) { screen.line(line, dim: true) }
    }
    if let open = runner.loop.tools.tasks?.open, !open.isEmpty {
      screen.note("open tasks:")
      for line in TaskList(items: open).rendered.split(separator: "\n") { screen.note("  " + line) }
    }

    var editor = LineEditor()
    while true {
      guard let text = await editor.read(router: router, screen: screen) else { break }
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty { continue }
      if trimmed == "/exit" { break }
      await runTurn(text, runner: runner, router: router, screen: screen)
    }
    screen.write("\n")
  }

  /// One task: streamed to the screen, cancelled by Ctrl-C.
  private static func runTurn(_ text: String, runner: PodRunner, router: KeyRouter, screen: SessionScreen) async {
    let observer = SessionObserver(screen: screen)
    let turn = Task { try await runner.run(prompt: text, observer: observer) }
    router.running { turn.cancel() }
    let result = await turn.result
    router.idle()
    observer.endLine()
    switch result {
    case .success(.finished): break
    case .success(.cancelled): screen.line("(cancelled: what completed is kept)", dim: true)
    case .failure(let error as YoiError):
      screen.write(DiagnosticRenderer(useColor: screen.useColor).render(error.diagnostics), raw: true)
    case .failure(let error): screen.line("error: \(error)", dim: false)
    }
  }
}

/// Keys of the session.
enum SessionKey: Equatable {
  case character(Character)
  case enter, newline, backspace, interrupt, endOfInput, ignored

  /// One key from the start of `bytes`, and how many bytes it used; nil for an incomplete one.
  static func decode(_ bytes: [UInt8]) -> (SessionKey, Int)? {
    guard let first = bytes.first else { return nil }
    switch first {
    case 0x03: return (.interrupt, 1)
    case 0x04: return (.endOfInput, 1)
    case 0x0A, 0x0D: return (.enter, 1)
    case 0x08, 0x7F: return (.backspace, 1)
    case 0x09: return (.character("\t"), 1)
    case 0x1B:
      guard bytes.count >= 2 else { return nil }
      if bytes[1] == 0x0D || bytes[1] == 0x0A { return (.newline, 2) }  // Alt-Enter
      if bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O") {
        // A cursor or function key: consumed whole, not edited with.
        var index = 2
        while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
        return index < bytes.count ? (.ignored, index + 1) : nil
      }
      return (.ignored, 1)
    case 0x20..<0x7F: return (.character(Character(Unicode.Scalar(first))), 1)
    case 0xC0..<0xF8:
      let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
      guard bytes.count >= length else { return nil }
      guard let text = String(validating: bytes[0..<length], as: UTF8.self), let character = text.first else { return (.ignored, length) }
      return (.character(character), length)
    default: return (.ignored, 1)
    }
  }
}

/// Where keys go: to the line editor while it waits for input, to Ctrl-C handling while a
/// turn runs, to the approval asked for while one is pending. One thread reads the terminal.
final class KeyRouter: @unchecked Sendable {
  private let lock = NSLock()
  private var editorKeys: [SessionKey] = []
  /// The line editor, waiting for its next key.
  private var waitingEditor: CheckedContinuation<SessionKey, Never>?
  private var onInterrupt: (@Sendable () -> Void)?
  /// Takes a key while an approval is pending; true once it was answered.
  private var approval: ((SessionKey) -> Bool)?

  func startReading() {
    Thread { [self] in
      var pending: [UInt8] = []
      var byte: UInt8 = 0
      while read(0, &byte, 1) == 1 {
        pending.append(byte)
        // A lone ESC (no sequence follows at once) is dropped.
        if pending == [0x1B] {
          var poller = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
          if poll(&poller, 1, 30) <= 0 {
            pending.removeAll()
            continue
          }
        }
        while let (key, used) = SessionKey.decode(pending) {
          pending.removeFirst(used)
          deliver(key)
        }
      }
      deliver(.endOfInput)
    }.start()
  }

  private func deliver(_ key: SessionKey) {
    lock.lock()
    if let approval {
      lock.unlock()
      if approval(key) { lock.withLock { self.approval = nil } }
      return
    }
    if let onInterrupt, key == .interrupt {
      lock.unlock()
      onInterrupt()
      return
    }
    // While a turn runs, other keys are typed ahead for the next input line.
    if let waiting = waitingEditor {
      waitingEditor = nil
      lock.unlock()
      waiting.resume(returning: key)
      return
    }
    editorKeys.append(key)
    lock.unlock()
  }

  /// The next key for the line editor.
  func nextEditorKey() async -> SessionKey {
    await withCheckedContinuation { continuation in
      lock.lock()
      if editorKeys.isEmpty {
        waitingEditor = continuation
        lock.unlock()
      } else {
        let key = editorKeys.removeFirst()
        lock.unlock()
        continuation.resume(returning: key)
      }
    }
  }

  func running(onInterrupt: @escaping @Sendable () -> Void) { lock.withLock { self.onInterrupt = onInterrupt } }
  func idle() { lock.withLock { onInterrupt = nil } }

  /// Waits for the answer to an approval: y, n, a; Ctrl-C answers no and cancels the turn.
  /// Other keys are ignored until one of those comes.
  func awaitAnswer() async -> SessionKey {
    await withCheckedContinuation { continuation in
      lock.withLock {
        approval = { key in
          switch key {
          case .character("y"), .character("Y"), .character("n"), .character("N"), .character("a"), .character("A"), .interrupt, .endOfInput:
            continuation.resume(returning: key)
            return true
          default:
            return false
          }
        }
      }
    }
  }

  /// Interrupts the running turn (as Ctrl-C at an approval does).
  func interruptRunningTurn() {
    let handler = lock.withLock { onInterrupt }
    handler?()
  }
}

/// `ask` decisions on the terminal: y once, n refuse, a always for this tool and subject.
final class TerminalApproval: ApprovalHandler, @unchecked Sendable {
  private let router: KeyRouter
  private let lock = NSLock()
  private var always: Set<String> = []

  init(router: KeyRouter) { self.router = router }
  var canAsk: Bool { true }

  /// What an `ask` shows (§12.6): the whole call, escaped (so no control or bidi character can
  /// disguise it), wrapped to the terminal, never cut — a long command is the very place a
  /// payload hides after a run of spaces, so runs of spaces are shown with their length.
  static func prompt(tool: String, subject: String, reason: String, width: Int) -> String {
    var shown = ""
    var spaces = 0
    for character in TerminalText.inline(subject, keepingTabs: false) {
      if character == " " {
        spaces += 1
        continue
      }
      if spaces > 3 { shown += " [\(spaces) spaces] " } else { shown += String(repeating: " ", count: spaces) }
      spaces = 0
      shown.append(character)
    }
    if spaces > 3 { shown += " [\(spaces) spaces]" } else { shown += String(repeating: " ", count: spaces) }
    let oneLine = "? \(tool) \(shown)  (\(reason))  allow? [y]es [n]o [a]lways: "
    if shown.count == subject.count && oneLine.count <= width { return oneLine }
    let column = max(20, width - 4)
    var lines: [String] = []
    var line = ""
    for character in shown {
      if line.count == column {
        lines.append(line)
        line = ""
      }
      line.append(character)
    }
    lines.append(line)
    let body = lines.map { "    " + $0 }.joined(separator: "\n")
    return "? \(tool) (\(reason)), \(subject.unicodeScalars.count) characters in full:\n\(body)\n  allow? [y]es [n]o [a]lways: "
  }

  func approve(tool: String, subject: String, reason: String) async -> Bool {
    let key = tool + "\u{0}" + subject
    if lock.withLock({ always.contains(key) }) { return true }
    let screen = SessionScreen()
    screen.write("\n" + Self.prompt(tool: tool, subject: subject, reason: reason, width: TerminalControl.columns))
    let answer = await router.awaitAnswer()
    switch answer {
    case .character("y"), .character("Y"):
      screen.write("yes\n")
      return true
    case .character("a"), .character("A"):
      screen.write("always\n")
      lock.withLock { _ = always.insert(key) }
      return true
    case .interrupt:
      screen.write("no (cancelling the turn)\n")
      router.interruptRunningTurn()
      return false
    default:
      screen.write("no\n")
      return false
    }
  }
}

/// Writes to the session's terminal: text as it streams, notes dimmed (colour as `--color`,
/// NO_COLOR and TERM decide).
final class SessionScreen: @unchecked Sendable {
  let useColor = TerminalControl.useColor(on: 1)

  /// `text` with control characters escaped (newlines kept), or exactly with `raw`.
  func write(_ text: String, raw: Bool = false) {
    var bytes = Array((raw ? text : TerminalText.neutralise(text)).utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress, $0.count) }
  }

  func line(_ text: String, dim: Bool) {
    let escaped = TerminalText.inline(text, keepingTabs: true)
    write((dim && useColor ? "\u{1B}[2m" + escaped + "\u{1B}[0m" : escaped) + "\n", raw: true)
  }

  func note(_ text: String) { line(text, dim: true) }
}

/// Shows a running turn: text as it streams, one dim line per tool call.
final class SessionObserver: RunObserver, @unchecked Sendable {
  private let screen: SessionScreen
  private let lock = NSLock()
  private var atLineStart = true

  init(screen: SessionScreen) { self.screen = screen }

  func textDelta(_ text: String) {
    lock.withLock {
      guard !text.isEmpty else { return }
      screen.write(text)
      atLineStart = text.hasSuffix("\n")
    }
  }

  func toolStarted(_ call: ToolCall) {}

  func toolFinished(_ call: ToolCall, _ outcome: ToolOutcome) {
    lock.withLock {
      if !atLineStart { screen.write("\n") }
      screen.line((outcome.isError ? "✗ " : "· ") + outcome.note, dim: true)
      atLineStart = true
    }
  }

  func recorded(_ event: TranscriptEvent, seq: Int64) {}

  func endLine() {
    lock.withLock {
      if !atLineStart { screen.write("\n") }
      atLineStart = true
    }
  }
}

/// The input line: a prompt and the text typed so far, redrawn after each key.
struct LineEditor {
  private var buffer = ""
  private var shownLines = 1

  /// The next message, or nil when the user leaves (Ctrl-D on an empty line, end of input).
  mutating func read(router: KeyRouter, screen: SessionScreen) async -> String? {
    buffer = ""
    shownLines = 1
    redraw(screen)
    while true {
      switch await router.nextEditorKey() {
      case .character(let character): buffer.append(character)
      case .newline: buffer.append("\n")
      case .backspace: if !buffer.isEmpty { buffer.removeLast() }
      case .enter:
        screen.write("\n")
        return buffer
      case .interrupt:
        if buffer.isEmpty {
          screen.write("\n")
          screen.note("(nothing is running; Ctrl-D or /exit leaves)")
          shownLines = 1
        }
        buffer = ""
      case .endOfInput:
        if buffer.isEmpty {
          screen.write("\n")
          return nil
        }
      case .ignored: continue
      }
      redraw(screen)
    }
  }

  private mutating func redraw(_ screen: SessionScreen) {
    let text = "› " + TerminalText.neutralise(buffer).replacingOccurrences(of: "\n", with: "\n  ")
    let up = shownLines > 1 ? "\u{1B}[\(shownLines - 1)A" : ""
    screen.write(up + "\r\u{1B}[J" + text, raw: true)
    shownLines = text.count { $0 == "\n" } + 1
  }
}
