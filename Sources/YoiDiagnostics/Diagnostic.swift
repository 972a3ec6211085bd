/// One problem found in user input, with where it is and how to fix it.
public struct Diagnostic: Sendable, Hashable {
  /// How serious the problem is.
  public enum Severity: String, Sendable, Hashable {
    case error
    case warning
    case note
  }

  public var severity: Severity
  /// A stable identifier, e.g. `E-LUA-LIMIT`, that the docs explain.
  public var code: DiagnosticCode?
  /// What is wrong, as a sentence fragment without a trailing period.
  public var message: String
  /// Where, when known.
  public var location: SourceLocation?
  /// The source line the caret points into, when known (already redacted if it held a secret).
  public var sourceLine: String?
  /// How many columns the caret should underline (at least 1).
  public var highlightLength: Int
  /// Suggestions, each rendered as a `help:` line.
  public var help: [String]
  /// Extra context, each rendered as a `note:` line (tracebacks, chains).
  public var notes: [String]

  /// A diagnostic; `help` and `notes` become `help:` and `note:` lines.
  public init(
    _ severity: Severity = .error,
    code: DiagnosticCode? = nil,
    message: String,
    location: SourceLocation? = nil,
    sourceLine: String? = nil,
    highlightLength: Int = 1,
    help: [String] = [],
    notes: [String] = []
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.location = location
    self.sourceLine = sourceLine
    self.highlightLength = max(1, highlightLength)
    self.help = help
    self.notes = notes
  }

  /// An error diagnostic.
  public static func error(
    _ message: String, code: DiagnosticCode? = nil, at location: SourceLocation? = nil, help: [String] = [],
    notes: [String] = []
  ) -> Diagnostic {
    Diagnostic(.error, code: code, message: message, location: location, help: help, notes: notes)
  }
}
