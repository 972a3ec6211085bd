import YoiDiagnostics

/// Why a Pod service could not do what was asked: the diagnostics of the profile, store or
/// delegation problem, rendered once by the caller.
public struct PodError: DiagnosticError, Sendable {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  /// A failure of a lower layer (profile, store), with its diagnostics.
  public init(_ error: some DiagnosticError) {
    diagnostics = error.diagnostics
  }

  static func single(_ message: String, code: String, help: [String] = [], notes: [String] = []) -> PodError {
    PodError([.error(message, code: code, help: help, notes: notes)])
  }
}
