import YoiDiagnostics

/// Why an evaluation failed, with located diagnostics.
public struct LuaError: DiagnosticError, Sendable {
  /// The kind of failure.
  public enum Kind: Sendable, Hashable {
    /// The chunk did not parse.
    case syntax
    /// The script raised an error.
    case runtime
    /// A memory, instruction or time limit was reached.
    case limit(LuaLimit)
    /// The returned value cannot become a `LuaValue` (function, cycle, NaN, ...).
    case conversion
    /// The sandbox itself could not be created.
    case setup
  }

  public var kind: Kind
  public var diagnostics: [Diagnostic]

  /// An error of `kind` with its diagnostics.
  public init(kind: Kind, diagnostics: [Diagnostic]) {
    self.kind = kind
    self.diagnostics = diagnostics
  }
}
