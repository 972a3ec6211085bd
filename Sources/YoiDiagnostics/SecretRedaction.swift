import Foundation

/// Keeps plaintext secrets out of diagnostics: the renderer passes every message and source
/// line through here, so a credential quoted by Lua or written in a profile is never echoed.
public enum SecretRedaction {
  /// Prefixes of well-known credential formats.
  public static let prefixes = ["sk-", "ghp_", "xox", "AKIA"]
  /// Keys whose string values are secrets (DESIGN.md §3); `SecretHeuristics` refuses them.
  public static let secretKeys: Set<String> = ["api_key", "apikey", "token", "password", "secret", "key"]
  public static let mask = "«redacted»"

  /// `text` with each of `values` (a credential yoi sent, which a server may echo back)
  /// masked; values shorter than 4 characters are left, as masking them would mask words.
  public static func redact(_ values: [String], in text: String) -> String {
    values.filter { $0.count >= 4 }.reduce(text) { text, value in text.replacingOccurrences(of: value, with: mask) }
  }

  /// `text` with credential-looking words (known prefixes) masked.
  public static func redactWords(_ text: String) -> String {
    guard prefixes.contains(where: { text.contains($0) }) else { return text }
    var out = ""
    var word = ""
    func flush() {
      out += prefixes.contains(where: { word.hasPrefix($0) }) && word.count > 3 ? mask : word
      word = ""
    }
    for character in text {
      if character.isLetter || character.isNumber || "-_./+=".contains(character) {
        word.append(character)
      } else {
        flush()
        out.append(character)
      }
    }
    flush()
    return out
  }

  /// A source line with every quoted string literal masked (for lines that hold a secret).
  public static func redactLiterals(_ line: String) -> String {
    var out = ""
    var quote: Character?
    var escaped = false
    for character in line {
      if let open = quote {
        if escaped { escaped = false; continue }
        if character == "\\" { escaped = true; continue }
        if character == open {
          out += mask + String(open)
          quote = nil
        }
        continue
      }
      out.append(character)
      if character == "\"" || character == "'" { quote = character }
    }
    if quote != nil { out += mask }
    return out
  }

  /// A source line with the values of secret-named keys (`api_key = "..."`) and
  /// credential-looking words masked.
  public static func redactLine(_ line: String) -> String {
    let lowered = line.lowercased()
    let namesSecret = secretKeys.contains { key in
      lowered.ranges(of: key).contains { range in
        let after = lowered[range.upperBound...].drop { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "]" }
        return after.hasPrefix("=") && !after.hasPrefix("==")
      }
    }
    return namesSecret ? redactAssignments(redactLiterals(line)) : redactWords(line)
  }

  /// Unquoted `NAME=value` pairs whose name holds a secret word (`YOI_SECRET_KEY=…` in an
  /// environment dump, `token=…` in a query string) with the value masked.
  static func redactAssignments(_ line: String) -> String {
    var out = ""
    var token = ""
    func flush() {
      if let equals = token.firstIndex(of: "="), token[token.index(after: equals)...].first.map({ $0 != "=" && $0 != " " }) ?? false,
        secretKeys.contains(where: { token[..<equals].lowercased().contains($0) }), !token.hasSuffix(mask + "\"") && !token.hasSuffix(mask + "'")
      {
        out += token[...equals] + mask
      } else {
        out += token
      }
      token = ""
    }
    for character in line {
      if character == " " || character == "\u{0}" || character == "\t" || character == "&" || character == ";" || character == "," {
        flush()
        out.append(character)
      } else {
        token.append(character)
      }
    }
    flush()
    return out
  }
}
