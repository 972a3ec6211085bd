/// Renders diagnostics the way compilers do:
///
///     error[E-PROFILE-FIELD]: unknown field `workr`
///       --> profiles/coder.lua:3:3
///        |
///      3 |   workr = { reasoning = "high" },
///        |   ^^^^^
///        = help: did you mean `worker`?
///
/// This is the only place that turns a `Diagnostic` into text. Everything in a diagnostic may
/// come from a cloned repository, so each piece is shown through `TerminalText` (control
/// characters escaped) and `SecretRedaction`.
public struct DiagnosticRenderer: Sendable {
  /// Whether to emit ANSI colour (only on a terminal).
  public var useColor: Bool

  /// A renderer; pass `useColor: true` only when writing to a TTY.
  public init(useColor: Bool) {
    self.useColor = useColor
  }

  /// All diagnostics, separated by blank lines, ending with a newline.
  public func render(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(render).joined(separator: "\n")
  }

  /// One diagnostic, ending with a newline.
  public func render(_ diagnostic: Diagnostic) -> String {
    var out = ""
    let label = diagnostic.severity.rawValue + (diagnostic.code.map { "[\($0.rawValue)]" } ?? "")
    out += paint(label, diagnostic.severity == .error ? "1;31" : diagnostic.severity == .warning ? "1;33" : "1;36")
    out += paint(": ", "1") + paint(shown(diagnostic.message), "1") + "\n"
    let gutterWidth = diagnostic.location?.line.map { String($0).count } ?? 0
    let pad = String(repeating: " ", count: gutterWidth)
    if let location = diagnostic.location {
      out += String(repeating: " ", count: max(1, gutterWidth)) + paint("--> ", "1;34") + TerminalText.inline(location.description) + "\n"
      if let line = location.line, let source = diagnostic.sourceLine.map(Self.excerpt) {
        let bar = paint("|", "1;34")
        let column = max(1, location.column ?? firstNonBlankColumn(source))
        // Escaping lengthens what precedes the caret: measure the shown prefix, not the source.
        let before = TerminalText.inline(String(source.prefix(column - 1)), keepingTabs: true)
        let after = TerminalText.inline(String(source.dropFirst(column - 1)), keepingTabs: true)
        out += "\(pad) \(bar)\n"
        out += paint(String(line), "1;34") + " \(bar) \(before)\(after)\n"
        let caretPad = String(before.map { $0 == "\t" ? "\t" : " " })
        let carets = String(repeating: "^", count: diagnostic.highlightLength)
        out += "\(pad) \(bar) \(caretPad)" + paint(carets, diagnostic.severity == .error ? "1;31" : "1;33") + "\n"
      }
    }
    for note in diagnostic.notes {
      out += "\(pad) = " + paint("note", "1") + ": " + indentContinuation(shown(note), by: pad.count + 9) + "\n"
    }
    for help in diagnostic.help {
      out += "\(pad) = " + paint("help", "1") + ": " + indentContinuation(shown(help), by: pad.count + 9) + "\n"
    }
    return out
  }

  /// The longest source excerpt shown, in characters: a diagnostic quotes the offending line
  /// and nothing more, however long the "line" of a file is (`/proc/self/environ` is one).
  public static let excerptLimit = 160

  /// The source line as shown: redacted, tabs kept for the caret, cut to `excerptLimit`.
  static func excerpt(_ line: String) -> String {
    let redacted = SecretRedaction.redactLine(line)
    guard redacted.count > excerptLimit else { return redacted }
    return String(redacted.prefix(excerptLimit)) + " …"
  }

  private func shown(_ text: String) -> String {
    TerminalText.neutralise(SecretRedaction.redactWords(text))
  }

  private func paint(_ text: String, _ code: String) -> String {
    useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func firstNonBlankColumn(_ line: String) -> Int {
    (line.firstIndex { $0 != " " && $0 != "\t" }.map { line.distance(from: line.startIndex, to: $0) } ?? 0) + 1
  }

  private func indentContinuation(_ text: String, by width: Int) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
      .joined(separator: "\n" + String(repeating: " ", count: width))
  }
}
