/// A key press the dialog understands.
enum DialogKey: Equatable {
  case character(Character)
  case left, right, home, end, up, down
  case backspace, delete
  case tab, shiftTab
  /// Ctrl-N / Ctrl-P: the next or previous model.
  case nextModel, previousModel
  case enter, escape, interrupt
  case unknown

  /// Decodes one key from the start of `bytes`; returns it and how many bytes it used, or nil
  /// when `bytes` is an incomplete sequence (more must be read).
  static func decode(_ bytes: [UInt8]) -> (DialogKey, Int)? {
    guard let first = bytes.first else { return nil }
    switch first {
    case 0x01: return (.home, 1)  // Ctrl-A
    case 0x05: return (.end, 1)  // Ctrl-E
    case 0x03: return (.interrupt, 1)  // Ctrl-C (ISIG is off in raw mode)
    case 0x09: return (.tab, 1)
    case 0x0E: return (.nextModel, 1)  // Ctrl-N
    case 0x10: return (.previousModel, 1)  // Ctrl-P
    case 0x0A, 0x0D: return (.enter, 1)
    case 0x08, 0x7F: return (.backspace, 1)
    case 0x1B: return decodeEscape(bytes)
    case 0x20..<0x7F: return (.character(Character(Unicode.Scalar(first))), 1)
    case 0xC0..<0xF8:
      // A UTF-8 character: consumed whole, but never part of a Pod name.
      let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
      return bytes.count >= length ? (.unknown, length) : nil
    default: return (.unknown, 1)
    }
  }

  /// `ESC` alone is Escape (the reader decides "alone" with a short timeout); `ESC [ X` and
  /// `ESC O X` are cursor keys; `ESC [ n ~` are Home/End/Delete.
  private static func decodeEscape(_ bytes: [UInt8]) -> (DialogKey, Int)? {
    guard bytes.count >= 2 else { return nil }
    let introducer = bytes[1]
    guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else { return (.escape, 1) }
    guard bytes.count >= 3 else { return nil }
    switch bytes[2] {
    case UInt8(ascii: "A"): return (.up, 3)
    case UInt8(ascii: "B"): return (.down, 3)
    case UInt8(ascii: "C"): return (.right, 3)
    case UInt8(ascii: "D"): return (.left, 3)
    case UInt8(ascii: "H"): return (.home, 3)
    case UInt8(ascii: "F"): return (.end, 3)
    case UInt8(ascii: "Z"): return (.shiftTab, 3)
    case UInt8(ascii: "0")...UInt8(ascii: "9"):
      var index = 2
      var number = 0
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        index += 1
      }
      guard index < bytes.count else { return nil }
      let used = index + 1
      guard bytes[index] == UInt8(ascii: "~") else { return (.unknown, used) }
      switch number {
      case 1, 7: return (.home, used)
      case 4, 8: return (.end, used)
      case 3: return (.delete, used)
      default: return (.unknown, used)
      }
    default: return (.unknown, 3)
    }
  }
}
