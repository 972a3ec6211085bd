/// A text's lines as editors, git and compilers count them: each ends at `\n`, and a `\r`
/// before it belongs to the ending. The one place yoi splits text into lines.
///
/// Not `text.split(separator: "\n")`: a Swift `String` is a sequence of grapheme clusters,
/// `\r\n` is one of them and is not equal to `"\n"`, so a file with CRLF endings came out as a
/// single line (read_file, grep, diffs, skills and Lua diagnostics all miscounted).
public enum TextLines {
  /// The lines of `text`, without their endings; text after the last `\n` (possibly empty)
  /// is the last element, as `split(omittingEmptySubsequences: false)` gives it.
  public static func split(_ text: String) -> [Substring] {
    let bytes = text.utf8
    var lines: [Substring] = []
    var start = bytes.startIndex
    // `\n` and `\r` are ASCII, so these indices fall on scalar boundaries.
    while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
      var end = newline
      if end > start, bytes[bytes.index(before: end)] == UInt8(ascii: "\r") { end = bytes.index(before: end) }
      lines.append(Substring(text.unicodeScalars[start..<end]))
      start = bytes.index(after: newline)
    }
    lines.append(Substring(text.unicodeScalars[start...]))
    return lines
  }
}
