import Foundation

/// Keys of the interactive session, as a shell's line editor reads them (DESIGN.md §12.8).
enum SessionKey: Equatable {
  case character(Character)
  /// Text pasted while bracketed paste is on: inserted whole, newlines and all, never sent.
  case paste(String)
  case enter, newline, backspace, delete, interrupt, endOfInput
  case left, right, home, end, wordLeft, wordRight, up, down
  /// Ctrl-U, Ctrl-K, Ctrl-W (and Alt-Backspace).
  case deleteToLineStart, deleteToLineEnd, deleteWord
  case clearScreen, tab
  case ignored

  static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
  static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

  /// One key from the start of `bytes`, and how many bytes it used; nil for an incomplete one.
  static func decode(_ bytes: [UInt8]) -> (SessionKey, Int)? {
    guard let first = bytes.first else { return nil }
    switch first {
    case 0x01: return (.home, 1)  // Ctrl-A
    case 0x02: return (.left, 1)  // Ctrl-B
    case 0x03: return (.interrupt, 1)
    case 0x04: return (.endOfInput, 1)
    case 0x05: return (.end, 1)  // Ctrl-E
    case 0x06: return (.right, 1)  // Ctrl-F
    case 0x09: return (.tab, 1)
    case 0x0A, 0x0D: return (.enter, 1)
    case 0x0B: return (.deleteToLineEnd, 1)  // Ctrl-K
    case 0x0C: return (.clearScreen, 1)  // Ctrl-L
    case 0x0E: return (.down, 1)  // Ctrl-N
    case 0x10: return (.up, 1)  // Ctrl-P
    case 0x15: return (.deleteToLineStart, 1)  // Ctrl-U
    case 0x17: return (.deleteWord, 1)  // Ctrl-W
    case 0x08, 0x7F: return (.backspace, 1)
    case 0x1B: return decodeEscape(bytes)
    case 0x20..<0x7F: return (.character(Character(Unicode.Scalar(first))), 1)
    case 0xC0..<0xF8:
      let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
      guard bytes.count >= length else { return nil }
      guard let text = String(validating: bytes[0..<length], as: UTF8.self), let character = text.first else { return (.ignored, length) }
      return (.character(character), length)
    default: return (.ignored, 1)
    }
  }

  /// Alt-keys (`ESC x`), CSI sequences (`ESC [ params final`), SS3 (`ESC O x`), and a bracketed
  /// paste, which is complete only once its end marker has arrived.
  private static func decodeEscape(_ bytes: [UInt8]) -> (SessionKey, Int)? {
    guard bytes.count >= 2 else { return nil }
    switch bytes[1] {
    case 0x0D, 0x0A: return (.newline, 2)  // Alt-Enter
    case UInt8(ascii: "b"), UInt8(ascii: "B"): return (.wordLeft, 2)
    case UInt8(ascii: "f"), UInt8(ascii: "F"): return (.wordRight, 2)
    case 0x7F, 0x08: return (.deleteWord, 2)  // Alt-Backspace
    case UInt8(ascii: "O"):
      guard bytes.count >= 3 else { return nil }
      return (cursorKey(bytes[2]) ?? .ignored, 3)
    case UInt8(ascii: "["):
      var index = 2
      // Parameter and intermediate bytes, then one final byte.
      while index < bytes.count, (0x20...0x3F).contains(bytes[index]) { index += 1 }
      guard index < bytes.count else { return nil }
      let parameters = String(decoding: bytes[2..<index], as: UTF8.self)
      let final = bytes[index]
      let used = index + 1
      if final == UInt8(ascii: "~") {
        switch parameters {
        case "1", "7": return (.home, used)
        case "4", "8": return (.end, used)
        case "3": return (.delete, used)
        case "200": return paste(bytes, from: used)
        default: return (.ignored, used)
        }
      }
      // Ctrl- or Alt-arrows (`1;5C`, `1;3D`) move by words.
      if parameters.hasSuffix(";5") || parameters.hasSuffix(";3") {
        if final == UInt8(ascii: "C") { return (.wordRight, used) }
        if final == UInt8(ascii: "D") { return (.wordLeft, used) }
      }
      return (cursorKey(final) ?? .ignored, used)
    default:
      return (.ignored, 2)
    }
  }

  private static func cursorKey(_ byte: UInt8) -> SessionKey? {
    switch byte {
    case UInt8(ascii: "A"): .up
    case UInt8(ascii: "B"): .down
    case UInt8(ascii: "C"): .right
    case UInt8(ascii: "D"): .left
    case UInt8(ascii: "H"): .home
    case UInt8(ascii: "F"): .end
    default: nil
    }
  }

  /// The pasted text between the markers (line ends as `\n`), once the end marker is in.
  private static func paste(_ bytes: [UInt8], from start: Int) -> (SessionKey, Int)? {
    var index = start
    while index + pasteEnd.count <= bytes.count {
      if bytes[index] == 0x1B, Array(bytes[index..<(index + pasteEnd.count)]) == pasteEnd {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
          .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return (.paste(text), index + pasteEnd.count)
      }
      index += 1
    }
    return nil
  }
}
