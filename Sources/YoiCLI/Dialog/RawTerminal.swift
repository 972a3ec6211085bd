import Foundation

/// The terminal in raw mode on the alternate screen, for the dialog. Whatever happens (a
/// normal return, a thrown error, SIGINT/SIGTERM/SIGHUP/SIGQUIT), the saved mode is put back
/// and the normal screen restored.
final class RawTerminal {
  private var pending: [UInt8] = []

  init() throws {
    guard let saved = TerminalModeGuard.save(onRestore: "\u{1B}[?25h\u{1B}[?1049l") else { throw ExitCodeError.notATerminal }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
    raw.c_cflag |= tcflag_t(CS8)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    tcsetattr(0, TCSAFLUSH, &raw)
    Self.emit("\u{1B}[?1049h\u{1B}[H\u{1B}[2J")
  }

  /// Puts the terminal back as it was. Safe to call more than once.
  func restore() {
    TerminalModeGuard.restore()
  }

  deinit { restore() }

  private static func emit(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
  }

  /// Terminal width in columns (80 when unknown).
  var width: Int { Self.columns }

  /// The width of the terminal on stdout in columns (80 when unknown).
  static var columns: Int {
    var size = winsize()
    return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
  }

  /// Draws `lines` from the top and puts the cursor at (`row`, `column`), 1-based.
  func draw(_ lines: [String], cursorRow: Int, cursorColumn: Int) {
    var frame = "\u{1B}[?25l\u{1B}[H\u{1B}[2J"
    frame += lines.joined(separator: "\r\n")
    frame += "\u{1B}[\(cursorRow);\(cursorColumn)H\u{1B}[?25h"
    Self.emit(frame)
  }

  /// The next key; a lone ESC is told from an escape sequence by a short wait.
  func readKey() -> DialogKey {
    while true {
      if let (key, used) = DialogKey.decode(pending) {
        pending.removeFirst(used)
        return key
      }
      if pending.first == 0x1B && !waitForInput(milliseconds: 40) {
        pending.removeFirst()
        return .escape
      }
      var byte: UInt8 = 0
      let count = read(0, &byte, 1)
      if count <= 0 { return .interrupt }  // end of input: treat as cancel
      pending.append(byte)
    }
  }

  private func waitForInput(milliseconds: Int32) -> Bool {
    var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, milliseconds) > 0
  }

  enum ExitCodeError: Error { case notATerminal }
}

/// The terminal mode saved before yoi changes it (raw mode for the dialog, echo off for a
/// hidden prompt), put back on return, on a thrown error, and on SIGINT/SIGTERM/SIGHUP/SIGQUIT
/// (then the signal is raised again). `onRestore` is written after restoring (e.g. leaving
/// the alternate screen).
enum TerminalModeGuard {
  nonisolated(unsafe) private static var saved = termios()
  nonisolated(unsafe) private static var active = false
  nonisolated(unsafe) private static var restoreSequence: [UInt8] = []
  private static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  /// Saves the current mode and arms the signal handlers; nil when stdin is no terminal.
  static func save(onRestore sequence: String = "") -> termios? {
    guard tcgetattr(0, &saved) == 0 else { return nil }
    restoreSequence = Array(sequence.utf8)
    active = true
    for signal in signals { Foundation.signal(signal, restoreAndReraise) }
    return saved
  }

  /// Puts the saved mode back and disarms the handlers. Safe to call more than once.
  static func restore() {
    restoreNow()
    for signal in signals { Foundation.signal(signal, SIG_DFL) }
  }

  private static func restoreNow() {
    guard active else { return }
    active = false
    tcsetattr(0, TCSAFLUSH, &saved)
    if !restoreSequence.isEmpty { _ = restoreSequence.withUnsafeBytes { write(1, $0.baseAddress, $0.count) } }
  }

  private static let restoreAndReraise: @convention(c) (Int32) -> Void = { signal in
    // Only async-signal-safe calls here: tcsetattr, write, signal, raise.
    TerminalModeGuard.restoreNow()
    Foundation.signal(signal, SIG_DFL)
    raise(signal)
  }
}
