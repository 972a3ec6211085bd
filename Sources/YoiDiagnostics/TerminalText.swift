/// Text that came from a file or a model, made safe to show on a terminal.
///
/// Registry descriptions, profile fields, Lua error messages and snapshots all arrive with
/// whatever repository was cloned. Written raw, an escape sequence in one can move the cursor
/// and rewrite what the user reads (a forged trust prompt), set the clipboard (OSC 52) or
/// retitle the window. Every human-readable output goes through here once: the diagnostic
/// renderer and the CLI's terminal writer. C0 controls, DEL, C1 controls and bidi controls are
/// shown escaped (`\e`, `\r`, `\x9b`, `\u{202e}`); machine output (`--json`) is written
/// exactly instead.
public enum TerminalText {
  /// `text` with every control character escaped except newlines and tabs, which a multi-line
  /// output means (a line of its own is shown as one, never as a cursor movement).
  public static func neutralise(_ text: String) -> String {
    escape(text, keepingNewlines: true, keepingTabs: true)
  }

  /// `text` escaped for one line: newlines and tabs are escaped too, so a value cannot start
  /// a line of its own and pass for something yoi printed.
  public static func inline(_ text: String, keepingTabs: Bool = false) -> String {
    escape(text, keepingNewlines: false, keepingTabs: keepingTabs)
  }

  /// `text` on one line, in double quotes, with quotes and backslashes escaped: how values a
  /// user must judge (an endpoint, a secret reference) are shown.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in inline(text).unicodeScalars {
      if scalar == "\"" { out += "\\\"" } else { out.unicodeScalars.append(scalar) }
    }
    return out + "\""
  }

  /// Whether `text` holds nothing to escape (the common case, answered from the bytes).
  public static func isPlain(_ text: String, keepingNewlines: Bool = true, keepingTabs: Bool = true) -> Bool {
    var previous: UInt8 = 0
    var beforePrevious: UInt8 = 0
    for byte in text.utf8 {
      if byte < 0x20 {
        if !(keepingNewlines && byte == 0x0A || keepingTabs && byte == 0x09) { return false }
      } else if byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) {
        return false
      } else if beforePrevious == 0xE2 && (previous == 0x80 && (0xAA...0xAE).contains(byte) || previous == 0x81 && (0xA6...0xA9).contains(byte)) {
        return false  // a bidi control (U+202A–202E, U+2066–2069)
      }
      beforePrevious = previous
      previous = byte
    }
    return true
  }

  /// Whether `scalar` reorders what follows it on screen (U+202A–202E, U+2066–2069): `abc`
  /// followed by U+202E shows later text reversed, so a command can read as something else.
  public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
    (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
  }

  private static func escape(_ text: String, keepingNewlines: Bool, keepingTabs: Bool) -> String {
    if isPlain(text, keepingNewlines: keepingNewlines, keepingTabs: keepingTabs) { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x0A where keepingNewlines, 0x09 where keepingTabs:
        out.unicodeScalars.append(scalar)
      case 0x1B: out += "\\e"
      case 0x0A: out += "\\n"
      case 0x09: out += "\\t"
      case 0x0D: out += "\\r"
      case 0x00..<0x20, 0x7F, 0x80...0x9F:
        out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      case 0x202A...0x202E, 0x2066...0x2069:
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      default:
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
