import YoiDiagnostics
import YoiManifest

/// A TOML file read into `JSONValue` by `TOMLReader`, with the line of every key for
/// diagnostics.
struct TOMLDocument {
  let path: String
  let displayPath: String
  let text: String
  let root: JSONObject
  private let keyLines: [String: Int]

  /// Parses `text`. A syntax error becomes a diagnostic with its line and column.
  init(text: String, path: String, displayPath: String) throws(YoiError) {
    self.path = path
    self.displayPath = displayPath
    self.text = text
    do {
      (root, keyLines) = try TOMLReader.parse(text)
    } catch {
      let lines = TextLines.split(text)
      throw YoiError([
        Diagnostic(
          code: .toml, message: "malformed TOML: \(error.message)",
          location: SourceLocation(file: displayPath, line: error.line, column: error.column),
          sourceLine: lines.indices.contains(error.line - 1) ? String(lines[error.line - 1]) : nil)
      ])
    }
  }

  /// The line where `path` (dotted, e.g. `profile.coder.path`) is written, or its nearest parent.
  func line(of path: String) -> Int? {
    var keys = KeyPath.keys(path)
    while !keys.isEmpty {
      if let line = keyLines[keys.joined(separator: ".")] { return line }
      keys.removeLast()
    }
    return nil
  }

  /// A located diagnostic for a problem at `path`.
  func diagnostic(_ message: String, at path: String, code: DiagnosticCode, help: [String] = []) -> Diagnostic {
    let line = self.line(of: path)
    let lines = TextLines.split(text)
    let source = line.flatMap { lines.indices.contains($0 - 1) ? String(lines[$0 - 1]) : nil }
    return Diagnostic(code: code, message: message, location: SourceLocation(file: displayPath, line: line), sourceLine: source, help: help)
  }
}
