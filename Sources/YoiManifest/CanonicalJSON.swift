/// yoi's own JSON writer. The compact form is the canonical form a digest is taken over:
/// keys sorted by UTF-8 bytes, no insignificant whitespace, integers as integers, floats in
/// the shortest form that round-trips (always with a `.` or exponent, so `2.0` stays a
/// float), strings escaped minimally (`"`, `\`, control characters) and otherwise raw UTF-8.
/// Foundation's JSONSerialization is not used: on Linux its number formatting and escaping
/// are not a canonical form.
public enum CanonicalJSON {
  /// The compact canonical text.
  public static func compact(_ value: JSONValue) -> String {
    var out = ""
    write(value, into: &out, indent: nil, depth: 0)
    return out
  }

  /// Two-space indented text for people, ending with a newline; same key order.
  public static func pretty(_ value: JSONValue) -> String {
    var out = ""
    write(value, into: &out, indent: "  ", depth: 0)
    return out + "\n"
  }

  private static func write(_ value: JSONValue, into out: inout String, indent: String?, depth: Int) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .integer(let number): out += String(number)
    case .number(let number): out += format(number)
    case .string(let text): writeString(text, into: &out)
    case .array(let items):
      guard !items.isEmpty else {
        out += "[]"
        return
      }
      out += "["
      for (offset, item) in items.enumerated() {
        if offset > 0 { out += "," }
        newline(&out, indent: indent, depth: depth + 1)
        write(item, into: &out, indent: indent, depth: depth + 1)
      }
      newline(&out, indent: indent, depth: depth)
      out += "]"
    case .object(let object):
      guard !object.isEmpty else {
        out += "{}"
        return
      }
      out += "{"
      for (offset, member) in object.enumerated() {
        if offset > 0 { out += "," }
        newline(&out, indent: indent, depth: depth + 1)
        writeString(member.key, into: &out)
        out += indent == nil ? ":" : ": "
        write(member.value, into: &out, indent: indent, depth: depth + 1)
      }
      newline(&out, indent: indent, depth: depth)
      out += "}"
    }
  }

  private static func newline(_ out: inout String, indent: String?, depth: Int) {
    guard let indent else { return }
    out += "\n" + String(repeating: indent, count: depth)
  }

  /// Shortest round-trip form (Swift's `description` for Double), normalised: no `+` in
  /// exponents, and a `.0` added to integral values so the type survives a round trip.
  static func format(_ number: Double) -> String {
    precondition(number.isFinite, "non-finite numbers never reach JSON")
    if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
    var text = number.description
    text = text.replacingOccurrences(of: "e+", with: "e")
    if !text.contains(".") && !text.contains("e") && !text.contains("E") { text += ".0" }
    return text
  }

  private static func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    var result = ""
    var rest = self[...]
    while let range = rest.firstRange(of: target) {
      result += rest[..<range.lowerBound]
      result += replacement
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
