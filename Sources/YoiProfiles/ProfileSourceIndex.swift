import YoiDiagnostics

/// Where each field of a profile is written in its source: a small Lua tokenizer that records
/// `key =` inside table constructors (with the constructor's key path) and statement-level
/// assignments such as `p.worker.reasoning = "low"` (path `worker.reasoning`). Diagnostics
/// use it to point at the line and column of a field named by its key path.
struct ProfileSourceIndex {
  struct Entry: Hashable {
    /// The key path, or a partial one (`ref`) for tables built in locals.
    var path: [String]
    /// True when the path is anchored at the profile's top level.
    var rooted: Bool
    var line: Int
    var column: Int
    var length: Int
  }

  let lines: [Substring]
  private(set) var entries: [Entry] = []

  init(source: String) {
    lines = TextLines.split(source)
    entries = Self.scan(Self.tokenize(source))
  }

  /// The best place for `path` (`worker.max_turns`, `skills.directories[2]`): the last exact
  /// rooted match, else the longest matching suffix, else the nearest parent.
  func location(of path: String) -> Entry? {
    var keys = Self.steps(path)
    while !keys.isEmpty {
      if let exact = entries.last(where: { $0.rooted && $0.path == keys }) { return exact }
      // A suffix keeps the last item index: `url` of server 5 is not some other server's `url`.
      let shortest = keys.count - (keys.lastIndex { $0.hasPrefix("[") } ?? keys.count)
      for length in stride(from: keys.count, through: max(1, shortest), by: -1) {
        let suffix = Array(keys.suffix(length))
        if let partial = entries.last(where: { $0.path.count >= length && Array($0.path.suffix(length)) == suffix }) {
          return partial
        }
      }
      keys.removeLast()
    }
    return nil
  }

  /// `path`'s keys with its item indexes as `[n]` steps (`mcp.servers[2].name` →
  /// `mcp`, `servers`, `[2]`, `name`).
  static func steps(_ path: String) -> [String] {
    var steps: [String] = []
    var rest = Substring(path)
    while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]"),
      rest[rest.index(after: open)..<close].allSatisfy(\.isNumber), rest.index(after: open) < close
    {
      steps += KeyPath.keys(String(rest[..<open]))
      steps.append(String(rest[open...close]))
      rest = rest[rest.index(after: close)...]
    }
    return steps + KeyPath.keys(String(rest))
  }

  /// The text of a 1-based line.
  func line(_ number: Int) -> String? {
    lines.indices.contains(number - 1) ? String(lines[number - 1]) : nil
  }

  // MARK: Tokens

  enum Kind: Equatable { case name, string, number, symbol }

  struct Token {
    var kind: Kind
    var text: Substring
    var line: Int
    var column: Int
  }

  static func tokenize(_ source: String) -> [Token] {
    let bytes = Array(source.utf8)
    var tokens: [Token] = []
    var i = 0, line = 1, lineStart = 0
    func longBracketLevel(at start: Int) -> Int? {
      guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return nil }
      var j = start + 1, level = 0
      while j < bytes.count, bytes[j] == UInt8(ascii: "=") { level += 1; j += 1 }
      return j < bytes.count && bytes[j] == UInt8(ascii: "[") ? level : nil
    }
    func skipLong(from start: Int, level: Int) -> Int {
      var j = start + level + 2
      while j < bytes.count {
        if bytes[j] == UInt8(ascii: "\n") { line += 1; lineStart = j + 1 }
        if bytes[j] == UInt8(ascii: "]") {
          var k = j + 1, count = 0
          while k < bytes.count, bytes[k] == UInt8(ascii: "="), count < level { count += 1; k += 1 }
          if count == level, k < bytes.count, bytes[k] == UInt8(ascii: "]") { return k + 1 }
        }
        j += 1
      }
      return j
    }
    func text(_ from: Int, _ to: Int) -> Substring {
      Substring(String(decoding: bytes[from..<min(to, bytes.count)], as: UTF8.self))
    }
    while i < bytes.count {
      let c = bytes[i]
      let column = i - lineStart + 1
      switch c {
      case UInt8(ascii: "\n"):
        line += 1; i += 1; lineStart = i
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        i += 1
      case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
        if let level = longBracketLevel(at: i + 2) {
          i = skipLong(from: i + 2, level: level)
        } else {
          while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
        }
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        let startLine = line
        var j = i + 1
        while j < bytes.count, bytes[j] != c, bytes[j] != UInt8(ascii: "\n") {
          j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1
        }
        tokens.append(Token(kind: .string, text: text(i + 1, j), line: startLine, column: column))
        i = j + 1
      case UInt8(ascii: "["):
        if let level = longBracketLevel(at: i) {
          let startLine = line
          let end = skipLong(from: i, level: level)
          tokens.append(Token(kind: .string, text: text(i + level + 2, max(i + level + 2, end - level - 2)), line: startLine, column: column))
          i = end
        } else {
          tokens.append(Token(kind: .symbol, text: "[", line: line, column: column))
          i += 1
        }
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
        var j = i
        while j < bytes.count, isNameByte(bytes[j]) { j += 1 }
        tokens.append(Token(kind: .name, text: text(i, j), line: line, column: column))
        i = j
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        var j = i
        while j < bytes.count,
          isNameByte(bytes[j]) || bytes[j] == UInt8(ascii: ".")
            || ((bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) && "eEpP".utf8.contains(bytes[j - 1]))
        { j += 1 }
        tokens.append(Token(kind: .number, text: text(i, j), line: line, column: column))
        i = j
      default:
        let two = i + 1 < bytes.count ? text(i, i + 2) : ""
        let length = ["==", "~=", "<=", ">=", "..", "::", "//", "<<", ">>"].contains(two) ? 2 : 1
        tokens.append(Token(kind: .symbol, text: text(i, i + length), line: line, column: column))
        i += length
      }
    }
    return tokens
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
  }

  // MARK: Structure

  private struct Frame {
    var prefix: [String]
    var rooted: Bool
    var pendingKey: String?
    /// Positional items seen so far (`{ "a", yoi.mcp.stdio{...} }`): each is `[n]` in a path.
    var position = 0
    /// Whether the current item (since the last `,`) has begun.
    var itemStarted = false
  }

  private static func scan(_ tokens: [Token]) -> [Entry] {
    var entries: [Entry] = []
    // The bottom frame is statement level; each `{` pushes a constructor frame.
    var frames = [Frame(prefix: [], rooted: true, pendingKey: nil)]
    var statementPath: [String]? = nil
    var index = 0
    while index < tokens.count {
      let token = tokens[index]
      let next = index + 1 < tokens.count ? tokens[index + 1] : nil
      if frames.count == 1 {
        // Statement level: `a.b.c =` assigns path b.c of the table in `a`.
        if token.kind == .name, index == 0 || tokens[index - 1].text != "." {
          var path: [String] = []
          var j = index + 1
          // `.name` and `["key"]` steps.
          while j + 1 < tokens.count {
            if tokens[j].text == ".", tokens[j + 1].kind == .name {
              path.append(String(tokens[j + 1].text))
              j += 2
            } else if tokens[j].text == "[", tokens[j + 1].kind == .string, j + 2 < tokens.count, tokens[j + 2].text == "]" {
              path.append(String(tokens[j + 1].text))
              j += 3
            } else {
              break
            }
          }
          if j < tokens.count, tokens[j].text == "=", !path.isEmpty {
            let last = tokens[j - 1].text == "]" ? tokens[j - 2] : tokens[j - 1]
            entries.append(Entry(path: path, rooted: true, line: last.line, column: last.column, length: last.text.utf8.count))
            statementPath = path
            index = j + 1
            continue
          }
          if j < tokens.count, tokens[j].text == "=" { statementPath = nil }
        }
        if token.text == "{" {
          frames.append(Frame(prefix: statementPath ?? [], rooted: statementPath != nil || isReturnOfProfile(tokens, before: index), pendingKey: nil))
          statementPath = nil
          index += 1
          continue
        }
        index += 1
        continue
      }
      var frame = frames[frames.count - 1]
      switch token.text {
      case "{":
        if !frame.itemStarted {
          // A positional table item: `{ {...}, {...} }`.
          frame.itemStarted = true
          frame.position += 1
          frame.pendingKey = "[\(frame.position)]"
          entries.append(Entry(path: frame.prefix + ["[\(frame.position)]"], rooted: frame.rooted, line: token.line, column: token.column, length: 1))
        }
        frames[frames.count - 1] = frame
        let key = frame.pendingKey
        frames.append(Frame(prefix: key.map { frame.prefix + [$0] } ?? frame.prefix, rooted: frame.rooted, pendingKey: nil))
        index += 1
        continue
      case "}":
        frames.removeLast()
        index += 1
        continue
      case ",", ";":
        frame.pendingKey = nil
        frame.itemStarted = false
      default:
        let keyed = (token.kind == .name && next?.text == "=") || (token.text == "[" && index + 3 < tokens.count && tokens[index + 3].text == "=")
        if !frame.itemStarted, !keyed {
          // A positional item (`"a"`, `yoi.mcp.stdio {...}`): its tables nest under `[n]`.
          frame.position += 1
          frame.pendingKey = "[\(frame.position)]"
          entries.append(
            Entry(
              path: frame.prefix + ["[\(frame.position)]"], rooted: frame.rooted, line: token.line, column: token.column,
              length: token.text.utf8.count))
        }
        frame.itemStarted = true
        if token.kind == .name, next?.text == "=" {
          frame.pendingKey = String(token.text)
          entries.append(
            Entry(path: frame.prefix + [String(token.text)], rooted: frame.rooted, line: token.line, column: token.column, length: token.text.utf8.count))
        } else if token.text == "[", next?.kind == .string, index + 3 < tokens.count,
          tokens[index + 2].text == "]", tokens[index + 3].text == "="
        {
          let key = String(tokens[index + 1].text)
          frame.pendingKey = key
          entries.append(Entry(path: frame.prefix + [key], rooted: frame.rooted, line: token.line, column: token.column, length: key.utf8.count + 4))
        }
      }
      frames[frames.count - 1] = frame
      index += 1
    }
    return entries
  }

  /// A constructor directly returned (`return yoi.profile {` or `return {`) is the profile.
  private static func isReturnOfProfile(_ tokens: [Token], before index: Int) -> Bool {
    var j = index - 1
    while j >= 0, tokens[j].kind == .name || tokens[j].text == "." || tokens[j].text == "(" {
      if tokens[j].text == "return" { return true }
      j -= 1
    }
    return false
  }
}
