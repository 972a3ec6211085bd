import Foundation
import YoiTerminal

/// The terminal in raw mode on the alternate screen, for the dialog. Whatever happens (a
/// normal return, a thrown error, SIGINT/SIGTERM/SIGHUP/SIGQUIT), the saved mode is put back
/// and the normal screen restored.
final class RawTerminal {
  private var pending: [UInt8] = []

  init() throws {
    guard let saved = TerminalModeGuard.save(onRestore: "\u{1B}[?25h\u{1B}[?1049l") else { throw ExitCodeError.notATerminal }
    TerminalControl.enterRawMode(from: saved)
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
  var width: Int { TerminalControl.columns }

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
