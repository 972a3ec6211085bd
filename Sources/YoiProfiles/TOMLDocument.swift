import TOMLKit
import YoiDiagnostics
import YoiManifest

/// A TOML file read into `JSONValue`, with the line of every key for diagnostics. TOMLKit
/// parses; the key lines come from a lexical scan, since the parser does not keep positions.
struct TOMLDocument {
  let path: String
  let displayPath: String
  let text: String
  let root: JSONObject
  private let keyLines: [String: Int]

  /// Parses `text`. A syntax error becomes a diagnostic with its line and column.
  init(text: String, path: String, displayPath: String) throws(ProfileError) {
    self.path = path
    self.displayPath = displayPath
    self.text = text
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      let line = error.source.begin.line
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      throw ProfileError([Diagnostic(
        code: "E-TOML", message: "malformed TOML: \(error.description)",
        location: SourceLocation(file: displayPath, line: line, column: error.source.begin.column),
        sourceLine: lines.indices.contains(line - 1) ? String(lines[line - 1]) : nil)])
    } catch {
      throw .single("malformed TOML: \(error)", code: "E-TOML", at: SourceLocation(file: displayPath))
    }
    var problems: [String] = []
    root = Self.convert(table, path: "", problems: &problems)
    keyLines = Self.scanKeyLines(text)
    if let first = problems.first {
      throw .single(first, code: "E-TOML", at: SourceLocation(file: displayPath))
    }
  }

  /// The line where `path` (dotted, e.g. `profile.coder.path`) is written, or its nearest parent.
  func line(of path: String) -> Int? {
    var keys = path.split(separator: ".").map(String.init)
    while !keys.isEmpty {
      if let line = keyLines[keys.joined(separator: ".")] { return line }
      keys.removeLast()
    }
    return nil
  }

  /// A located diagnostic for a problem at `path`.
  func diagnostic(_ message: String, at path: String, code: String, help: [String] = []) -> Diagnostic {
    let line = self.line(of: path)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let source = line.flatMap { lines.indices.contains($0 - 1) ? String(lines[$0 - 1]) : nil }
    return Diagnostic(code: code, message: message, location: SourceLocation(file: displayPath, line: line), sourceLine: source, help: help)
  }

  private static func convert(_ table: TOMLTable, path: String, problems: inout [String]) -> JSONObject {
    JSONObject(table.map { key, value in
      (key: key, value: convert(value, path: ConfigDecoder.join(path, key), problems: &problems))
    })
  }

  private static func convert(_ value: TOMLValueConvertible, path: String, problems: inout [String]) -> JSONValue {
    if let table = value.table { return .object(convert(table, path: path, problems: &problems)) }
    if let array = value.array {
      return .array(array.enumerated().map { convert($1, path: "\(path)[\($0 + 1)]", problems: &problems) })
    }
    if let string = value.string { return .string(string) }
    if let bool = value.bool { return .bool(bool) }
    if let int = value.int { return .integer(Int64(int)) }
    if let double = value.double {
      guard double.isFinite else {
        problems.append("\(path): NaN and infinite numbers are not allowed")
        return .null
      }
      return .number(double)
    }
    problems.append("\(path): dates and times are not allowed here")
    return .null
  }

  /// `[a.b]` headers and `key =` lines → dotted path → line.
  static func scanKeyLines(_ text: String) -> [String: Int] {
    var lines: [String: Int] = [:]
    var section: [String] = []
    for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.drop { $0 == " " || $0 == "\t" }
      guard let first = line.first, first != "#" else { continue }
      if first == "[" {
        let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
        section = splitKey(inner)
        // `[a.b]` also introduces `a` where no earlier line did.
        for length in 1...max(1, section.count) {
          let prefix = section.prefix(length).joined(separator: ".")
          if lines[prefix] == nil { lines[prefix] = offset + 1 }
        }
        continue
      }
      guard let equals = firstUnquoted("=", in: line) else { continue }
      let key = section + splitKey(line[..<equals])
      lines[key.joined(separator: ".")] = offset + 1
      // Inline tables: `a = { b = 1, c = 2 }` records a.b and a.c on this line.
      let rest = line[line.index(after: equals)...]
      if let open = rest.firstIndex(of: "{") {
        for part in rest[rest.index(after: open)...].split(separator: ",") {
          if let inner = firstUnquoted("=", in: part) {
            lines[(key + splitKey(part[..<inner])).joined(separator: ".")] = offset + 1
          }
        }
      }
    }
    return lines
  }

  private static func splitKey(_ text: Substring) -> [String] {
    var parts: [String] = []
    var current = ""
    var quote: Character?
    for character in text {
      if let open = quote {
        if character == open { quote = nil } else { current.append(character) }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "." {
        parts.append(current.trimmingSpaces())
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current.trimmingSpaces())
    return parts.filter { !$0.isEmpty }
  }

  private static func firstUnquoted(_ target: Character, in text: Substring) -> Substring.Index? {
    var quote: Character?
    for index in text.indices {
      let character = text[index]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == target {
        return index
      }
    }
    return nil
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    let bytes = utf8
    guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
      let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
    else { return "" }
    return String(self[first...last])
  }
}
