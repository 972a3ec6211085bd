import Foundation
import Testing
import YoiDiagnostics
@testable import YoiLua

/// Evaluates `source` as `test.lua` in a sandbox with `limits`.
func evaluate(
  _ source: String, limits: LuaLimits = .default, hostFunctions: [LuaHostFunction] = [], preludes: [LuaPrelude] = []
)
  -> Result<LuaValue, YoiError>
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
func failure(_ source: String, limits: LuaLimits = .default, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> YoiError? {
  switch evaluate(source, limits: limits) {
  case .success(let value):
    Issue.record("expected a failure, got \(value)", sourceLocation: sourceLocation)
    return nil
  case .failure(let error): return error
  }
}

extension YoiError {
  var firstMessage: String { diagnostics.first?.message ?? "" }
  var rendered: String { DiagnosticRenderer(useColor: false).render(diagnostics) }
}

/// The CPU seconds `body` took on this thread; used to check a hostile script is stopped near
/// its deadline. CPU time is the work the script got done, which parallel tests on 2 cores do
/// not inflate (they stretch the wall clock by 2× and more); a wall time past 10 s is a hang.
func secondsTaken(_ body: () -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Double {
  func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
  let cpuBefore = threadCPUSeconds()
  let elapsed = ContinuousClock().measure(body)
  #expect(elapsed < .seconds(10), "took \(elapsed) of wall time: hung", sourceLocation: sourceLocation)
  return threadCPUSeconds() - cpuBefore
}
