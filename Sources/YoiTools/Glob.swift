/// Glob patterns for `glob`, `grep`'s file filter and permission rules: `*` and `?` within a
/// path segment, `**` across segments, `[abc]`/`[a-z]`/`[!x]` classes, `{a,b}` alternatives.
public struct Glob: Sendable {
  private let pattern: [UInt8]
  /// Whether `*` stops at `/` (paths) or matches anything (commands, URLs).
  private let segmented: Bool

  public init(_ pattern: String, segmented: Bool = true) {
    self.pattern = Array(Self.expandBraces(pattern).joined(separator: "\u{0}").utf8)
    self.segmented = segmented
  }

  public func matches(_ text: String) -> Bool {
    let subject = Array(text.utf8)
    // Alternatives from braces are stored NUL-separated.
    return pattern.split(separator: 0, omittingEmptySubsequences: false).contains { alternative in
      var matcher = Matcher(p: Array(alternative), s: subject, segmented: segmented)
      return matcher.match(0, 0)
    }
  }

  /// Backtracking over `*`, with every (pattern, subject) position that failed remembered:
  /// each is tried at most once, so `*a*a*a…b` against a long name is polynomial, never
  /// exponential (a model-chosen pattern must not hang the run).
  private struct Matcher {
    let p: [UInt8]
    let s: [UInt8]
    let segmented: Bool
    var failed: Set<Int> = []

    init(p: [UInt8], s: [UInt8], segmented: Bool) {
      self.p = p
      self.s = s
      self.segmented = segmented
    }

    /// Whether the pattern from `pi` matches the subject from `si` (memoised).
    mutating func match(_ pi: Int, _ si: Int) -> Bool {
      let key = pi * (s.count + 1) + si
      if failed.contains(key) { return false }
      if matchFrom(pi, si) { return true }
      failed.insert(key)
      return false
    }

    private mutating func matchFrom(_ pi: Int, _ si: Int) -> Bool {
      var pi = pi, si = si
      while pi < p.count {
        switch p[pi] {
        case UInt8(ascii: "*"):
          let double = pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*")
          let next = pi + (double ? 2 : 1)
          // `**/` also matches no directory at all.
          if double && next < p.count && p[next] == UInt8(ascii: "/") && match(next + 1, si) { return true }
          let crossesSlash = double || !segmented
          var end = si
          while true {
            if match(next, end) { return true }
            guard end < s.count, crossesSlash || s[end] != UInt8(ascii: "/") else { return false }
            end += 1
          }
        case UInt8(ascii: "?"):
          guard si < s.count, !segmented || s[si] != UInt8(ascii: "/") else { return false }
          pi += 1
          si += 1
        case UInt8(ascii: "["):
          guard si < s.count, let (matched, after) = Glob.matchClass(p, pi, s[si]) else {
            // An unclosed `[` is a literal.
            guard si < s.count, s[si] == UInt8(ascii: "[") else { return false }
            pi += 1
            si += 1
            continue
          }
          guard matched else { return false }
          pi = after
          si += 1
        default:
          guard si < s.count, s[si] == p[pi] else { return false }
          pi += 1
          si += 1
        }
      }
      return si == s.count
    }
  }

  /// Whether `byte` is in the class opening at `start`, and where the class ends; nil if unclosed.
  private static func matchClass(_ p: [UInt8], _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
    var index = start + 1
    let negated = index < p.count && (p[index] == UInt8(ascii: "!") || p[index] == UInt8(ascii: "^"))
    if negated { index += 1 }
    var matched = false
    var first = true
    while index < p.count && (p[index] != UInt8(ascii: "]") || first) {
      first = false
      if index + 2 < p.count && p[index + 1] == UInt8(ascii: "-") && p[index + 2] != UInt8(ascii: "]") {
        if p[index] <= byte && byte <= p[index + 2] { matched = true }
        index += 3
      } else {
        if p[index] == byte { matched = true }
        index += 1
      }
    }
    guard index < p.count else { return nil }
    return (matched != negated, index + 1)
  }

  /// `a{b,c}d` → `abd`, `acd` (nested braces expand too; at most 256 alternatives).
  static func expandBraces(_ pattern: String) -> [String] {
    let characters = Array(pattern)
    guard let open = characters.firstIndex(of: "{") else { return [pattern] }
    var depth = 0
    var parts: [String] = []
    var current = ""
    for index in (open + 1)..<characters.count {
      let character = characters[index]
      if character == "{" { depth += 1 }
      if character == "}" {
        if depth == 0 {
          parts.append(current)
          let prefix = String(characters[..<open])
          let suffix = String(characters[(index + 1)...])
          let expanded = parts.flatMap { expandBraces(prefix + $0 + suffix) }
          return Array(expanded.prefix(256))
        }
        depth -= 1
      }
      if character == "," && depth == 0 {
        parts.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    return [pattern]  // unclosed: literal
  }
}
