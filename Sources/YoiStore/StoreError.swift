import YoiDiagnostics

/// Why the Pod store or the secret store could not do what was asked.
public struct StoreError: DiagnosticError, Sendable {
  public var diagnostics: [Diagnostic]

  public init(_ message: String, code: String, help: [String] = []) {
    diagnostics = [.error(message, code: code, help: help)]
  }
}
