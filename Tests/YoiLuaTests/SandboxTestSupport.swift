import Testing
import YoiDiagnostics
@testable import YoiLua

/// Evaluates `source` as `test.lua` in a sandbox with `limits`.
func evaluate(
  _ source: String, limits: LuaLimits = .default, hostFunctions: [LuaHostFunction] = [], preludes: [LuaPrelude] = []
)
  -> Result<LuaValue, LuaError>
{
  let sandbox = LuaSandbox(limits: limits, preludes: preludes, hostFunctions: hostFunctions)
  do {
    return .success(try sandbox.evaluate(.text(source, chunkName: "test.lua")).value)
  } catch {
    return .failure(error)
  }
}

/// The value, or a test failure naming the diagnostics.
func value(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> LuaValue? {
  switch evaluate(source) {
  case .success(let value): return value
  case .failure(let error):
    Issue.record("unexpected failure: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// The error, or a test failure when the script succeeded.
func failure(_ source: String, limits: LuaLimits = .default, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> LuaError? {
  switch evaluate(source, limits: limits) {
  case .success(let value):
    Issue.record("expected a failure, got \(value)", sourceLocation: sourceLocation)
    return nil
  case .failure(let error): return error
  }
}

extension LuaError {
  var firstMessage: String { diagnostics.first?.message ?? "" }
  var rendered: String { DiagnosticRenderer(useColor: false).render(diagnostics) }
}

/// Seconds taken by `body`; used to check a hostile script ends within its deadline.
func secondsTaken(_ body: () -> Void) -> Double {
  let clock = ContinuousClock()
  let elapsed = clock.measure(body)
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
