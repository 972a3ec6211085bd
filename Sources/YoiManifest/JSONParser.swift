/// A strict JSON reader for yoi's own documents (stored snapshots). Numbers with a fraction
/// or exponent become `.number`, others `.integer`, so a canonical document reads back to the
/// value it was written from and writes again byte for byte.
public struct JSONParser {
  /// Why a document could not be read, with the byte offset.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
  }

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  /// Parses `text` as one JSON value.
  /// - Throws: `JSONParser.Failure`.
  public static func parse(_ text: String) throws(Failure) -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8))
    let value = try parser.value()
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { throw parser.failure("trailing characters") }
    return value
  }

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  private func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  private mutating func value() throws(Failure) -> JSONValue {
    skipWhitespace()
    guard index < bytes.count else { throw failure("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return try number()
    }
  }

  private mutating func literal(_ word: String) throws(Failure) {
    for byte in word.utf8 {
      guard index < bytes.count, bytes[index] == byte else { throw failure("expected \(word)") }
      index += 1
    }
  }

  private mutating func nested<T>(_ body: (inout JSONParser) throws(Failure) -> T) throws(Failure) -> T {
    depth += 1
    guard depth <= 200 else { throw failure("nested too deeply") }
    defer { depth -= 1 }
    return try body(&self)
  }

  private mutating func object() throws(Failure) -> JSONValue {
    try nested { (parser: inout JSONParser) throws(Failure) -> JSONValue in
      parser.index += 1
      var members: [(key: String, value: JSONValue)] = []
      members.reserveCapacity(8)
      parser.skipWhitespace()
      if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "}") {
        parser.index += 1
        return .object(JSONObject())
      }
      while true {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.failure("expected a key") }
        let key = try parser.string()
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else { throw parser.failure("expected ':'") }
        parser.index += 1
        members.append((key, try parser.value()))
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.failure("unexpected end") }
        if parser.bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
        if parser.bytes[parser.index] == UInt8(ascii: "}") { parser.index += 1; break }
        throw parser.failure("expected ',' or '}'")
      }
      // JSONObject keeps one member per key: fewer members means a duplicate.
      let object = JSONObject(members)
      if object.count != members.count { throw parser.failure("duplicate key") }
      return .object(object)
    }
  }

  private mutating func array() throws(Failure) -> JSONValue {
    try nested { (parser: inout JSONParser) throws(Failure) -> JSONValue in
      parser.index += 1
      var items: [JSONValue] = []
      parser.skipWhitespace()
      if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "]") {
        parser.index += 1
        return .array([])
      }
      while true {
        items.append(try parser.value())
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.failure("unexpected end") }
        if parser.bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
        if parser.bytes[parser.index] == UInt8(ascii: "]") { parser.index += 1; break }
        throw parser.failure("expected ',' or ']'")
      }
      return .array(items)
    }
  }

  private mutating func string() throws(Failure) -> String {
    index += 1
    // The common case, a string without escapes, is decoded from the input in one piece.
    var end = index
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
    if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
      // The input came from a String, so it is valid UTF-8, and a slice cut at ASCII quotes
      // stays valid: no second validation (String(validating:) was a visible cost per event).
      let text = String(decoding: bytes[index..<end], as: UTF8.self)
      index = end + 1
      return text
    }
    // With escapes: unescaped runs are still copied whole (stored tool output is full of \n).
    var out: [UInt8] = []
    while index < bytes.count {
      var run = index
      while run < bytes.count, bytes[run] != UInt8(ascii: "\""), bytes[run] != UInt8(ascii: "\\"), bytes[run] >= 0x20 { run += 1 }
      out.append(contentsOf: bytes[index..<run])
      index = run
      guard index < bytes.count else { break }
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw failure("unfinished escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
              throw failure("unpaired surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
          out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default: throw failure("invalid escape")
        }
      case 0..<0x20: throw failure("control character in string")
      default: out.append(byte)
      }
    }
    throw failure("unfinished string")
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
      throw failure("invalid \\u escape")
    }
    index += 4
    return value
  }

  private mutating func number() throws(Failure) -> JSONValue {
    let start = index
    var isFloat = false
    while index < bytes.count {
      let byte = bytes[index]
      if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
        index += 1
      } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
        isFloat = true
        index += 1
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if !isFloat, let integer = Int64(text) { return .integer(integer) }
    guard let number = Double(text), number.isFinite, !text.isEmpty else { throw Failure(offset: start, reason: "invalid number") }
    return .number(number)
  }
}
