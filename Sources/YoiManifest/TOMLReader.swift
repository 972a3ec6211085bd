import YoiDiagnostics

/// yoi's own TOML 1.0 reader for its small configuration files (`profiles.toml`,
/// `models.toml`, `--manifest`, `.yoi/tickets.toml`). It replaced a C++ parser that aborted the
/// process on some valid UTF-8 input (found by fuzzing): these files arrive with cloned
/// repositories, so a malformed one must end in a located diagnostic, never a crash. Dates and times, which no
/// yoi file uses, are refused with a message.
public struct TOMLReader {
  public struct Failure: Error {
    public var line: Int
    public var column: Int
    public var message: String
  }

  /// A table being built. Tables defined by a header or dotted keys stay open for more keys;
  /// inline tables are closed once written.
  final class Table {
    var values: [String: Item] = [:]
    var order: [String] = []
    var closed = false
    var defined = false

    /// A new empty table under `name` (the caller has checked the name is free).
    func addChild(_ name: String) -> Table {
      let child = Table()
      values[name] = .table(child)
      order.append(name)
      return child
    }
  }

  enum Item {
    case value(JSONValue)
    case table(Table)
    case tables([Table])
  }

  /// yoi's files nest a few levels; these bounds keep a hostile file from recursing the
  /// reader off its stack (50 KB of `[` crashed it) or making key handling quadratic.
  static let maximumNesting = 32
  static let maximumKeyParts = 32

  private let bytes: [UInt8]
  private var nesting = 0
  private var index = 0
  private var line = 1
  private var lineStart = 0
  private let root = Table()
  /// Dotted key paths (array-of-tables entries without an index) and the line that set them.
  private(set) var keyLines: [String: Int] = [:]

  /// Parses `text`.
  /// - Throws: `TOMLReader.Failure` with the line and column of the first problem.
  public static func parse(_ text: String) throws(Failure) -> (JSONObject, [String: Int]) {
    var reader = TOMLReader(bytes: Array(text.utf8))
    try reader.document()
    return (convert(reader.root), reader.keyLines)
  }

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  // MARK: Structure

  private mutating func document() throws(Failure) {
    var current = root
    var currentPath: [String] = []
    while true {
      skipBlank()
      guard let byte = peek() else { return }
      if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
        try newline()
        continue
      }
      if byte == UInt8(ascii: "#") {
        try comment()
        continue
      }
      if byte == UInt8(ascii: "[") {
        let startLine = line
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipBlank()
        let path = try key()
        skipBlank()
        try expect("]")
        if isArray { try expect("]") }
        currentPath = path
        // `[a.b]` also introduces `a` where no earlier line did.
        for length in 1...path.count where keyLines[path.prefix(length).joined(separator: ".")] == nil {
          keyLines[path.prefix(length).joined(separator: ".")] = startLine
        }
        current = isArray ? try appendArrayTable(path) : try defineTable(path)
      } else {
        let startLine = line
        let path = try key()
        skipBlank()
        try expect("=")
        skipBlank()
        let value = try self.value()
        try insert(value, at: path, in: current)
        keyLines[(currentPath + path).joined(separator: ".")] = startLine
      }
      try endOfLine()
    }
  }

  private mutating func defineTable(_ path: [String]) throws(Failure) -> Table {
    var table = root
    for (offset, part) in path.enumerated() {
      let last = offset == path.count - 1
      switch table.values[part] {
      case nil:
        table = table.addChild(part)
      case .table(let child)?:
        if child.closed || (last && child.defined) { throw failure("table [\(path.joined(separator: "."))] is defined twice") }
        table = child
      case .tables(let list)?:
        guard !last, let child = list.last else { throw failure("[\(path.joined(separator: "."))] is an array of tables") }
        table = child
      case .value?:
        throw failure("`\(path.prefix(offset + 1).joined(separator: "."))` is already a value, not a table")
      }
    }
    table.defined = true
    return table
  }

  private mutating func appendArrayTable(_ path: [String]) throws(Failure) -> Table {
    let parent = path.count > 1 ? try defineTableForArray(Array(path.dropLast())) : root
    let name = path[path.count - 1]
    let child = Table()
    child.defined = true
    switch parent.values[name] {
    case nil:
      parent.values[name] = .tables([child])
      parent.order.append(name)
    case .tables(let list)?:
      parent.values[name] = .tables(list + [child])
    default:
      throw failure("`\(path.joined(separator: "."))` is already defined and is not an array of tables")
    }
    return child
  }

  private mutating func defineTableForArray(_ path: [String]) throws(Failure) -> Table {
    var table = root
    for part in path {
      switch table.values[part] {
      case nil:
        table = table.addChild(part)
      case .table(let child)?: table = child
      case .tables(let list)?:
        guard let child = list.last else { throw failure("empty array of tables") }
        table = child
      case .value?: throw failure("`\(part)` is already a value, not a table")
      }
    }
    return table
  }

  /// `a.b.c = v` inside `table`: intermediate tables are created (and stay open).
  private mutating func insert(_ value: Item, at path: [String], in table: Table) throws(Failure) {
    var table = table
    for part in path.dropLast() {
      switch table.values[part] {
      case nil:
        table = table.addChild(part)
      case .table(let child)? where !child.closed:
        table = child
      default:
        throw failure("`\(path.joined(separator: "."))` extends a key that is already a value or a closed table")
      }
    }
    let name = path[path.count - 1]
    guard table.values[name] == nil else { throw failure("key `\(path.joined(separator: "."))` is defined twice") }
    table.values[name] = value
    table.order.append(name)
  }

  // MARK: Keys

  private mutating func key() throws(Failure) -> [String] {
    var parts = [try simpleKey()]
    while true {
      skipBlank()
      guard peek() == UInt8(ascii: ".") else { return parts }
      guard parts.count < Self.maximumKeyParts else { throw failure("a key has more than \(Self.maximumKeyParts) dotted parts") }
      index += 1
      skipBlank()
      parts.append(try simpleKey())
    }
  }

  private mutating func simpleKey() throws(Failure) -> String {
    guard let byte = peek() else { throw failure("expected a key") }
    if byte == UInt8(ascii: "\"") { return try basicString() }
    if byte == UInt8(ascii: "'") { return try literalString() }
    let start = index
    while let next = peek(), Self.isBareKeyByte(next) { index += 1 }
    guard index > start else { throw failure("expected a key, found \(describe(byte))") }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  /// TOML 1.0 allows no raw control character in a string but the tab (and, in multi-line
  /// strings, line breaks, which callers handle first).
  private static func isControl(_ byte: UInt8) -> Bool {
    (byte < 0x20 && byte != 0x09) || byte == 0x7F
  }

  private static func isBareKeyByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  // MARK: Values

  private mutating func value() throws(Failure) -> Item {
    guard let byte = peek() else { throw failure("expected a value") }
    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
      guard nesting < Self.maximumNesting else { throw failure("arrays and inline tables are nested more than \(Self.maximumNesting) deep") }
      nesting += 1
    }
    defer { if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { nesting -= 1 } }
    switch byte {
    case UInt8(ascii: "\""):
      return .value(.string(startsWith("\"\"\"") ? try multilineString(quote: byte) : try basicString()))
    case UInt8(ascii: "'"):
      return .value(.string(startsWith("'''") ? try multilineString(quote: byte) : try literalString()))
    case UInt8(ascii: "["): return .value(try array())
    case UInt8(ascii: "{"): return .table(try inlineTable())
    default: return .value(try scalar())
    }
  }

  private mutating func array() throws(Failure) -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    while true {
      try skipWhitespaceCommentsAndNewlines()
      if peek() == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      let item = try value()
      switch item {
      case .value(let value): items.append(value)
      case .table(let table): items.append(.object(Self.convert(table)))
      case .tables: throw failure("unexpected array of tables")
      }
      try skipWhitespaceCommentsAndNewlines()
      if peek() == UInt8(ascii: ",") {
        index += 1
      } else if peek() != UInt8(ascii: "]") {
        throw failure("expected `,` or `]` in an array")
      }
    }
  }

  private mutating func inlineTable() throws(Failure) -> Table {
    index += 1
    let table = Table()
    skipBlank()
    if peek() == UInt8(ascii: "}") {
      index += 1
      table.closed = true
      return table
    }
    while true {
      skipBlank()
      let path = try key()
      skipBlank()
      try expect("=")
      skipBlank()
      try insert(try value(), at: path, in: table)
      skipBlank()
      if peek() == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect("}")
      table.closed = true
      return table
    }
  }

  private mutating func scalar() throws(Failure) -> JSONValue {
    let start = index
    while let byte = peek(), Self.isScalarByte(byte) { index += 1 }
    let token = String(decoding: bytes[start..<index], as: UTF8.self)
    guard !token.isEmpty else { throw failure("expected a value, found \(describe(peek()))") }
    if token == "true" { return .bool(true) }
    if token == "false" { return .bool(false) }
    if token.contains(":") || (token.count >= 10 && token.dropFirst(4).first == "-" && token.prefix(4).allSatisfy(\.isNumber)) {
      throw failure("dates and times are not supported in yoi's files")
    }
    if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(token) { throw failure("infinite and NaN numbers are not allowed") }
    guard Self.underscoresAreValid(token) else { throw failure("invalid number `\(token)`") }
    let digits = token.replacingUnderscores()
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
      guard let number = Int64(digits.dropFirst(2), radix: radix) else { throw failure("invalid number `\(token)`") }
      return .integer(number)
    }
    let unsigned = digits.first == "+" || digits.first == "-" ? digits.dropFirst() : Substring(digits)
    if unsigned.count > 1, unsigned.first == "0", unsigned.dropFirst().first?.isNumber == true {
      throw failure("leading zeros are not allowed in `\(token)`")
    }
    if digits.contains(".") || digits.contains("e") || digits.contains("E") {
      guard unsigned.first?.isNumber == true, let number = Double(digits), number.isFinite else { throw failure("invalid number `\(token)`") }
      return .number(number)
    }
    guard let number = Int64(digits) else { throw failure("invalid or too large integer `\(token)`") }
    return .integer(number)
  }

  private static func isScalarByte(_ byte: UInt8) -> Bool {
    isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
  }

  private static func underscoresAreValid(_ token: String) -> Bool {
    let characters = Array(token)
    for (offset, character) in characters.enumerated() where character == "_" {
      guard offset > 0, offset < characters.count - 1, characters[offset - 1].isHexDigit, characters[offset + 1].isHexDigit else { return false }
    }
    return true
  }

  // MARK: Strings

  private mutating func basicString() throws(Failure) -> String {
    index += 1
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else { throw failure("unterminated string") }
      index += 1
      switch byte {
      case UInt8(ascii: "\""): return try utf8(out)
      case UInt8(ascii: "\\"): try escape(into: &out)
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"): throw failure("unterminated string (a basic string cannot span lines)")
      case _ where Self.isControl(byte): throw failure("control characters must be escaped in strings")
      default: out.append(byte)
      }
    }
  }

  /// `"""..."""` (escapes processed, a line-ending backslash trims) or `'''...'''` (raw).
  private mutating func multilineString(quote: UInt8) throws(Failure) -> String {
    let delimiter = String(repeating: Character(Unicode.Scalar(quote)), count: 3)
    let processesEscapes = quote == UInt8(ascii: "\"")
    index += 3
    skipOneNewline()
    var out: [UInt8] = []
    while true {
      guard let byte = peek() else { throw failure("unterminated multi-line string") }
      if startsWith(delimiter) {
        index += 3
        while peek() == quote { out.append(quote); index += 1 }  // quotes just before the end belong to the text
        return try utf8(out)
      }
      if byte == UInt8(ascii: "\n") {
        markNewline()
        out.append(byte)
        continue
      }
      if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
        index += 1  // CRLF is a newline; the LF is taken next
        continue
      }
      if Self.isControl(byte) { throw failure("control characters must be escaped in strings") }
      index += 1
      guard processesEscapes, byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      var probe = index
      while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") { probe += 1 }
      if probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r") {
        // A backslash at the end of a line trims the newline and the whitespace after it.
        index = probe
        while let next = peek(), [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(next) {
          if next == UInt8(ascii: "\n") { markNewline() } else { index += 1 }
        }
      } else {
        try escape(into: &out)
      }
    }
  }

  private mutating func literalString() throws(Failure) -> String {
    index += 1
    let start = index
    while let byte = peek(), byte != UInt8(ascii: "'") {
      if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { throw failure("unterminated literal string") }
      if Self.isControl(byte) { throw failure("control characters are not allowed in literal strings (TOML 1.0)") }
      index += 1
    }
    guard peek() == UInt8(ascii: "'") else { throw failure("unterminated literal string") }
    let text = try utf8(Array(bytes[start..<index]))
    index += 1
    return text
  }

  private mutating func escape(into out: inout [UInt8]) throws(Failure) {
    guard let byte = peek() else { throw failure("unterminated escape") }
    index += 1
    switch byte {
    case UInt8(ascii: "b"): out.append(0x08)
    case UInt8(ascii: "t"): out.append(0x09)
    case UInt8(ascii: "n"): out.append(0x0A)
    case UInt8(ascii: "f"): out.append(0x0C)
    case UInt8(ascii: "r"): out.append(0x0D)
    case UInt8(ascii: "\""): out.append(0x22)
    case UInt8(ascii: "\\"): out.append(0x5C)
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let length = byte == UInt8(ascii: "u") ? 4 : 8
      guard index + length <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + length], as: UTF8.self), radix: 16),
        let scalar = Unicode.Scalar(value)
      else { throw failure("invalid unicode escape") }
      index += length
      out.append(contentsOf: Array(String(Character(scalar)).utf8))
    default:
      throw failure("invalid escape `\\\(describe(byte))`")
    }
  }

  private func utf8(_ bytes: [UInt8]) throws(Failure) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
    guard StreamSafeText.isStreamSafe(text) else { throw failure(StreamSafeText.problem) }
    return text
  }

  // MARK: Whitespace and lines

  private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  private func startsWith(_ text: String) -> Bool {
    let pattern = Array(text.utf8)
    return index + pattern.count <= bytes.count && Array(bytes[index..<index + pattern.count]) == pattern
  }

  private mutating func skipBlank() {
    while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
  }

  private mutating func comment() throws(Failure) {
    while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
      if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw failure("control characters are not allowed in comments") }
      index += 1
    }
  }

  private mutating func newline() throws(Failure) {
    if peek() == UInt8(ascii: "\r") {
      index += 1
      guard peek() == UInt8(ascii: "\n") else { throw failure("a carriage return must be followed by a newline") }
    }
    markNewline()
  }

  private mutating func markNewline() {
    index += 1
    line += 1
    lineStart = index
  }

  private mutating func skipOneNewline() {
    if peek() == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
    if peek() == UInt8(ascii: "\n") { markNewline() }
  }

  private mutating func skipWhitespaceCommentsAndNewlines() throws(Failure) {
    while true {
      skipBlank()
      switch peek() {
      case UInt8(ascii: "#")?: try comment()
      case UInt8(ascii: "\n")?, UInt8(ascii: "\r")?: try newline()
      default: return
      }
    }
  }

  private mutating func endOfLine() throws(Failure) {
    skipBlank()
    if peek() == UInt8(ascii: "#") { try comment() }
    guard let byte = peek() else { return }
    guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { throw failure("expected the end of the line, found \(describe(byte))") }
    try newline()
  }

  private mutating func expect(_ character: Character) throws(Failure) {
    guard let ascii = character.asciiValue, peek() == ascii else {
      throw failure("expected `\(character)`, found \(describe(peek()))")
    }
    index += 1
  }

  private func describe(_ byte: UInt8?) -> String {
    guard let byte else { return "the end of the file" }
    if (0x21..<0x7F).contains(byte) { return "`\(Character(Unicode.Scalar(byte)))`" }
    if byte == 0x20 { return "a space" }
    return byte >= 0x80 ? "a non-ASCII character" : "a control character"
  }

  private func failure(_ message: String) -> Failure {
    Failure(line: line, column: index - lineStart + 1, message: message)
  }

  // MARK: Result

  private static func convert(_ table: Table) -> JSONObject {
    JSONObject(
      table.order.compactMap { key -> (key: String, value: JSONValue)? in
        guard let item = table.values[key] else { return nil }
        switch item {
        case .value(let value): return (key, value)
        case .table(let child): return (key, .object(convert(child)))
        case .tables(let list): return (key, .array(list.map { .object(convert($0)) }))
        }
      })
  }
}

extension String {
  fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
