import YoiDiagnostics

/// Why a profile could not be selected, evaluated, decoded or resolved; every problem found.
public struct ProfileError: DiagnosticError, Sendable {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  static func single(_ message: String, code: String, at location: SourceLocation? = nil, help: [String] = []) -> ProfileError {
    ProfileError([Diagnostic.error(message, code: code, at: location, help: help)])
  }
}
