/// yoi's own JSON writer. The compact form is the canonical form a digest is taken over:
/// keys sorted by UTF-8 bytes, no insignificant whitespace, integers as integers, floats in
/// the shortest form that round-trips (always with a `.` or exponent, so `2.0` stays a
/// float), strings escaped minimally (`"`, `\`, control characters) and otherwise raw UTF-8.
/// Foundation's JSONSerialization is not used: on Linux its number formatting and escaping
/// are not a canonical form.
public enum CanonicalJSON {
  /// The compact canonical text.
  public static func compact(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(value, into: &out, indent: nil, depth: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// Two-space indented text for people, ending with a newline; same key order.
  public static func pretty(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(8192)
    write(value, into: &out, indent: 2, depth: 0)
    out.append(UInt8(ascii: "\n"))
    return String(decoding: out, as: UTF8.self)
  }

  private static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int?, depth: Int) {
    switch value {
    case .null: out += "null".utf8
    case .bool(let flag): out += (flag ? "true" : "false").utf8
    case .integer(let number): writeInteger(number, into: &out)
    case .number(let number): out += format(number).utf8
    case .string(let text): writeString(text, into: &out)
    case .array(let items):
      guard !items.isEmpty else {
        out += "[]".utf8
        return
      }
      out.append(UInt8(ascii: "["))
      for (offset, item) in items.enumerated() {
        if offset > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent: indent, depth: depth + 1)
        write(item, into: &out, indent: indent, depth: depth + 1)
      }
      newline(&out, indent: indent, depth: depth)
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      guard !object.isEmpty else {
        out += "{}".utf8
        return
      }
      out.append(UInt8(ascii: "{"))
      for (offset, member) in object.members.enumerated() {
        if offset > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent: indent, depth: depth + 1)
        writeString(member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        write(member.value, into: &out, indent: indent, depth: depth + 1)
      }
      newline(&out, indent: indent, depth: depth)
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func newline(_ out: inout [UInt8], indent: Int?, depth: Int) {
    guard let indent else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * depth))
  }

  /// Shortest round-trip form (Swift's `description` for Double), normalised: no `+` in
  /// exponents, and a `.0` added to integral values so the type survives a round trip.
  static func format(_ number: Double) -> String {
    precondition(number.isFinite, "non-finite numbers never reach JSON")
    if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
    var text = number.description.filter { $0 != "+" }
    if !text.contains(".") && !text.contains("e") { text += ".0" }
    return text
  }

  /// Lowercase hex digits by value (also the SHA-256 hex form's).
  static let hexDigits = Array("0123456789abcdef".utf8)

  /// Decimal digits written straight into the output (a String per integer was a visible
  /// share of writing a manifest).
  private static func writeInteger(_ number: Int64, into out: inout [UInt8]) {
    if number < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 19 digits of Int64.min
    withUnsafeMutableBytes(of: &digits) { buffer in
      var index = buffer.count
      repeat {
        index -= 1
        buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      out.append(contentsOf: buffer[index...])
    }
  }

  private static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      // Unescaped runs are copied whole; only the bytes that need an escape are written one
      // by one (tool output is full of newlines: byte-at-a-time appends were most of a turn).
      var runStart = 0
      for index in bytes.indices {
        let byte = bytes[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        appendEscape(of: byte, to: &out)
        runStart = index + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func appendEscape(of byte: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    switch byte {
    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
    case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
    case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
    case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
    case 0x08: out.append(UInt8(ascii: "b"))
    case 0x0C: out.append(UInt8(ascii: "f"))
    default:
      out += "u00".utf8
      out.append(hexDigits[Int(byte >> 4)])
      out.append(hexDigits[Int(byte & 0xF)])
    }
  }
}
