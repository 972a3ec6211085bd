#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON reader. Numbers with a fraction or exponent become `.number`, others
/// `.integer`, so a canonical document reads back to the value it was written from and
/// writes again byte for byte.
///
/// Reading is two steps. `JSONTape.scan` checks the whole text once and records where each
/// value is (a flat list of entries, no strings made); then either `parse` builds a
/// `JSONValue` tree from it, or `JSONCoding` decodes a typed value from it directly, making
/// only the strings the type asks for. Stream events are read the second way: a tree of
/// sorted, allocated members for every event cost more than the event's whole decoding.
public enum JSONParser {
  /// Why a document could not be read, with the byte offset.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
  }

  /// Parses `text` as one JSON value.
  /// - Throws: `JSONParser.Failure`.
  public static func parse(_ text: String) throws(Failure) -> JSONValue {
    let tape = try JSONTape.scan(text)
    return tape.value(at: 0)
  }
}

/// A scanned JSON document: its bytes and one entry per value, in document order. A class,
/// so that the decoders that share it carry one reference.
final class JSONTape: Sendable {
  struct Entry: Sendable {
    enum Kind: UInt8, Sendable {
      case null, `true`, `false`, integer, number, string, escapedString, array, object
    }
    var kind: Kind
    /// A string's or number's first byte (after the quote); a container's member count.
    var first: Int
    /// A string's or number's end byte (at the closing quote); for a container, the index of
    /// the entry after its last descendant. An object's entries alternate key and value.
    var second: Int
  }

  let bytes: [UInt8]
  let entries: [Entry]

  private init(bytes: [UInt8], entries: [Entry]) {
    self.bytes = bytes
    self.entries = entries
  }

  static func scan(_ text: String) throws(JSONParser.Failure) -> JSONTape {
    let bytes = Array(text.utf8)
    var entries: [Entry] = []
    entries.reserveCapacity(bytes.count / 4 + 4)
    var scanner = Scanner(bytes: bytes)
    try scanner.scanDocument(into: &entries)
    return JSONTape(bytes: bytes, entries: entries)
  }

  /// The index of the entry after `index` and everything inside it.
  @inline(__always) func next(after index: Int) -> Int {
    let entry = entries[index]
    return entry.kind == .array || entry.kind == .object ? entry.second : index + 1
  }

  // MARK: Reading entries

  /// The text of a string entry.
  func string(at index: Int) -> String {
    let entry = entries[index]
    // The input came from a String, so it is valid UTF-8, and a slice cut at ASCII quotes
    // stays valid.
    return bytes.withUnsafeBufferPointer { Self.text(of: entry, in: $0) }
  }

  /// Whether a string entry's text is `key` (object keys compared without making a string).
  func string(at index: Int, equals key: String) -> Bool {
    let entry = entries[index]
    guard entry.kind == .string else { return string(at: index) == key }
    let length = entry.second - entry.first
    guard key.utf8.count == length else { return false }
    var key = key
    return key.withUTF8 { wanted in
      bytes.withUnsafeBufferPointer { buffer in length == 0 || memcmp(buffer.baseAddress! + entry.first, wanted.baseAddress!, length) == 0 }
    }
  }

  /// A number entry as an exact integer or a float (an integer too large for Int64 is a float,
  /// as JSON's own number type would be).
  func number(at index: Int) -> JSONValue {
    let entry = entries[index]
    if entry.kind == .integer, let integer = integer(from: entry.first, to: entry.second) { return .integer(integer) }
    // The scan checked that it is a finite Double.
    return .number(Double(String(decoding: bytes[entry.first..<entry.second], as: UTF8.self)) ?? 0)
  }

  private func integer(from start: Int, to end: Int) -> Int64? {
    var index = start
    let negative = bytes[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    var value: Int64 = 0
    while index < end {
      let digit = Int64(bytes[index] &- UInt8(ascii: "0"))
      let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowB) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
      if overflowA || overflowB { return nil }
      value = sum
      index += 1
    }
    return value
  }

  /// The value at `index` as a tree.
  func value(at index: Int) -> JSONValue {
    let entry = entries[index]
    switch entry.kind {
    case .null: return .null
    case .true: return .bool(true)
    case .false: return .bool(false)
    case .integer, .number: return number(at: index)
    case .string, .escapedString: return .string(string(at: index))
    case .array:
      var items: [JSONValue] = []
      items.reserveCapacity(entry.first)
      var cursor = index + 1
      while cursor < entry.second {
        items.append(value(at: cursor))
        cursor = next(after: cursor)
      }
      return .array(items)
    case .object:
      var members: [(key: String, value: JSONValue)] = []
      members.reserveCapacity(entry.first)
      var cursor = index + 1
      while cursor < entry.second {
        members.append((string(at: cursor), value(at: cursor + 1)))
        cursor = next(after: cursor + 1)
      }
      // Keys were checked unique by the scan.
      return .object(JSONObject(members))
    }
  }

  /// A string entry's text, straight from the bytes (for the scan, before the tape exists).
  fileprivate static func text(of entry: Entry, in bytes: UnsafeBufferPointer<UInt8>) -> String {
    let slice = UnsafeBufferPointer(rebasing: bytes[entry.first..<entry.second])
    return entry.kind == .string ? String(decoding: slice, as: UTF8.self) : unescape(slice)
  }

  private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      // Unescaped runs are copied whole (stored tool output is full of \n).
      var run = index
      while run < bytes.count, bytes[run] != UInt8(ascii: "\\") { run += 1 }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<run]))
      index = run
      guard index < bytes.count else { break }
      let escape = bytes[index + 1]
      index += 2
      switch escape {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        var scalar = hex4(bytes, at: index)
        index += 4
        if (0xD800..<0xDC00).contains(scalar) {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(bytes, at: index + 2) - 0xDC00)
          index += 6
        }
        // The scan checked the escape; a lone low surrogate is the replacement character.
        let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(unicode)).utf8))
      default: out.append(escape)  // \" \\ \/
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Four hex digits the scan has checked.
  static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
    var value: UInt32 = 0
    for byte in bytes[index..<index + 4] {
      let digit: UInt8 =
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: byte - UInt8(ascii: "A") + 10
        }
      value = value << 4 | UInt32(digit)
    }
    return value
  }
}

/// Checks JSON's grammar byte by byte and records the entries.
private struct Scanner {
  let bytes: [UInt8]
  var index = 0
  var depth = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  func failure(_ reason: String, at offset: Int? = nil) -> JSONParser.Failure { JSONParser.Failure(offset: offset ?? index, reason: reason) }

  mutating func scanDocument(into entries: inout [JSONTape.Entry]) throws(JSONParser.Failure) {
    try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.Failure) in
      try value(buffer, into: &entries)
      skipWhitespace(buffer)
      guard index == buffer.count else { throw failure("trailing characters") }
    }
  }

  @inline(__always) mutating func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  mutating func value(_ bytes: UnsafeBufferPointer<UInt8>, into entries: inout [JSONTape.Entry]) throws(JSONParser.Failure) {
    skipWhitespace(bytes)
    guard index < bytes.count else { throw failure("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): try object(bytes, into: &entries)
    case UInt8(ascii: "["): try array(bytes, into: &entries)
    case UInt8(ascii: "\""): entries.append(try string(bytes))
    case UInt8(ascii: "t"): try literal("true", bytes); entries.append(.init(kind: .true, first: 0, second: 0))
    case UInt8(ascii: "f"): try literal("false", bytes); entries.append(.init(kind: .false, first: 0, second: 0))
    case UInt8(ascii: "n"): try literal("null", bytes); entries.append(.init(kind: .null, first: 0, second: 0))
    default: entries.append(try number(bytes))
    }
  }

  mutating func literal(_ word: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParser.Failure) {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for byte in expected {
      guard index < bytes.count, bytes[index] == byte else { throw failure("expected \(word)") }
      index += 1
    }
  }

  /// An object or array: its entry first (patched with the count and the end once known),
  /// then `element` for each member or item, separated by commas up to `closing`.
  mutating func container(
    _ kind: JSONTape.Entry.Kind, closing: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, into entries: inout [JSONTape.Entry],
    element: (inout Scanner, _ start: Int, inout [JSONTape.Entry]) throws(JSONParser.Failure) -> Void
  ) throws(JSONParser.Failure) {
    depth += 1
    guard depth <= 200 else { throw failure("nested too deeply") }
    defer { depth -= 1 }
    let start = entries.count
    entries.append(.init(kind: kind, first: 0, second: 0))
    index += 1
    var count = 0
    skipWhitespace(bytes)
    if index < bytes.count, bytes[index] == closing {
      index += 1
    } else {
      while true {
        try element(&self, start, &entries)
        count += 1
        skipWhitespace(bytes)
        guard index < bytes.count else { throw failure("unexpected end") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == closing { index += 1; break }
        throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
      }
    }
    entries[start].first = count
    entries[start].second = entries.count
  }

  mutating func object(_ bytes: UnsafeBufferPointer<UInt8>, into entries: inout [JSONTape.Entry]) throws(JSONParser.Failure) {
    try container(.object, closing: UInt8(ascii: "}"), bytes, into: &entries) { (scanner, start, entries) throws(JSONParser.Failure) in
      scanner.skipWhitespace(bytes)
      guard scanner.index < bytes.count, bytes[scanner.index] == UInt8(ascii: "\"") else { throw scanner.failure("expected a key") }
      let keyOffset = scanner.index
      let key = try scanner.string(bytes)
      // JSON allows duplicate keys; yoi refuses them (which one a reader keeps differs).
      var earlier = start + 1
      while earlier < entries.count {
        if Self.sameKey(entries[earlier], key, bytes) { throw scanner.failure("duplicate key", at: keyOffset) }
        let value = entries[earlier + 1]
        earlier = value.kind == .array || value.kind == .object ? value.second : earlier + 2
      }
      entries.append(key)
      scanner.skipWhitespace(bytes)
      guard scanner.index < bytes.count, bytes[scanner.index] == UInt8(ascii: ":") else { throw scanner.failure("expected ':'") }
      scanner.index += 1
      try scanner.value(bytes, into: &entries)
    }
  }

  /// Whether two key entries are the same key (escaped keys compared by their text).
  static func sameKey(_ a: JSONTape.Entry, _ b: JSONTape.Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if a.kind == .escapedString || b.kind == .escapedString {
      return JSONTape.text(of: a, in: bytes) == JSONTape.text(of: b, in: bytes)
    }
    let length = a.second - a.first
    guard length == b.second - b.first else { return false }
    return memcmp(bytes.baseAddress! + a.first, bytes.baseAddress! + b.first, length) == 0
  }

  mutating func array(_ bytes: UnsafeBufferPointer<UInt8>, into entries: inout [JSONTape.Entry]) throws(JSONParser.Failure) {
    try container(.array, closing: UInt8(ascii: "]"), bytes, into: &entries) { (scanner, _, entries) throws(JSONParser.Failure) in
      try scanner.value(bytes, into: &entries)
    }
  }

  mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParser.Failure) -> JSONTape.Entry {
    index += 1
    let start = index
    var escaped = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        defer { index += 1 }
        return .init(kind: escaped ? .escapedString : .string, first: start, second: index)
      }
      if byte < 0x20 { throw failure("control character in string") }
      guard byte == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      escaped = true
      guard index + 1 < bytes.count else { throw failure("unfinished escape") }
      switch bytes[index + 1] {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "b"),
        UInt8(ascii: "f"):
        index += 2
      case UInt8(ascii: "u"):
        index += 2
        let scalar = try hex4(bytes)
        if (0xD800..<0xDC00).contains(scalar) {
          guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw failure("unpaired surrogate")
          }
          index += 2
          guard (0xDC00..<0xE000).contains(try hex4(bytes)) else { throw failure("unpaired surrogate") }
        } else if (0xDC00..<0xE000).contains(scalar) {
          throw failure("unpaired surrogate")
        }
      default: throw failure("invalid escape")
      }
    }
    throw failure("unfinished string")
  }

  mutating func hex4(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParser.Failure) -> UInt32 {
    guard index + 4 <= bytes.count, bytes[index..<index + 4].allSatisfy(\.isHexDigit) else { throw failure("invalid \\u escape") }
    defer { index += 4 }
    return JSONTape.hex4(bytes, at: index)
  }

  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
  mutating func number(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParser.Failure) -> JSONTape.Entry {
    let start = index
    let invalid = failure("invalid number", at: start)
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, bytes[index].isDigit else { throw invalid }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while index < bytes.count, bytes[index].isDigit { index += 1 }
    }
    var isFloat = false
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isFloat = true
      index += 1
      guard index < bytes.count, bytes[index].isDigit else { throw invalid }
      while index < bytes.count, bytes[index].isDigit { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isFloat = true
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count, bytes[index].isDigit else { throw invalid }
      while index < bytes.count, bytes[index].isDigit { index += 1 }
    }
    // A number too large for a Double (1e999) has no value yoi can keep; integers of up to
    // 18 digits always fit.
    if isFloat || index - start > 18, !(Double(String(decoding: bytes[start..<index], as: UTF8.self))?.isFinite ?? false) { throw invalid }
    return JSONTape.Entry(kind: isFloat ? .number : .integer, first: start, second: index)
  }
}

extension UInt8 {
  fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
  fileprivate var isHexDigit: Bool {
    isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
  }
}
