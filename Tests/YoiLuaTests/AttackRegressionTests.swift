import YoiDiagnostics
import Foundation
import Testing
@testable import YoiLua

/// Regressions from the attack review (issue 11): each script hung, overshot the deadline
/// 20–90×, or answered differently from stock Lua before the fix. Every hostile one must end
/// within twice the 1 s deadline.
@Suite("Sandbox: attack regressions")
struct AttackRegressionTests {
  static let twiceTheDeadline = 2.0
  /// Builds a big string by doubling (VM concatenation), so no charged library call pays for it.
  static let big = #"local function big(n) local s = "a" while #s < n do s = s .. s end return s end "#
  static let chain = "local t = {} for i = 1, 1990 do t = setmetatable({}, {__index = t}) end "

  private func expectStopped(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    var result: Result<LuaValue, YoiError>?
    let seconds = secondsTaken { result = evaluate(source) }
    #expect(seconds < Self.twiceTheDeadline, "took \(seconds) s", sourceLocation: sourceLocation)
    guard case .failure(let error)? = result, error.code == .luaLimit else {
      Issue.record("expected a limit failure, got \(String(describing: result))", sourceLocation: sourceLocation)
      return
    }
  }

  @Test func lengthMetamethodCannotSizeTableLoops() throws {
    for call in ["table.insert(t, 1, 'x')", "table.remove(t, 1)", "table.concat(t)", "table.sort(t)", "table.unpack(t)"] {
      for length in ["math.maxinteger", "2^40"] {
        let source = "local t = setmetatable({}, {__len = function() return \(length) end}) \(call) return 1"
        var result: Result<LuaValue, YoiError>?
        let seconds = secondsTaken { result = evaluate(source) }
        #expect(seconds < Self.twiceTheDeadline, "\(call): took \(seconds) s")
        guard case .failure(let error)? = result else {
          Issue.record("\(call) with __len \(length) succeeded")
          continue
        }
        #expect(error.firstMessage.contains("__len metamethod are not supported"), "\(call): \(error.firstMessage)")
      }
    }
    // Without __len they work as in stock Lua.
    #expect(value("local t = {1, 2} table.insert(t, 1, 0) return table.concat(t, ',')") == .string("0,1,2"))
  }

  @Test func finalizerPlantedThroughIndexNeverRuns() throws {
    // Stock setmetatable read `mt.__gc` through the metatable's own __index, which could
    // rawset a looping __gc and answer nil; the object then got a finalizer that ran unbounded
    // while the state closed.
    let source = """
      local mt = {}
      setmetatable(mt, {__index = function(_, key)
        if key == "__gc" then rawset(mt, "__gc", function() while true do end end) end
        return nil
      end})
      local object = setmetatable({}, mt)
      return rawget(mt, "__gc") == nil
      """
    var result: Result<LuaValue, YoiError>?
    let seconds = secondsTaken { result = evaluate(source) }
    #expect(seconds < Self.twiceTheDeadline)
    #expect(try result?.get() == .boolean(true))
    #expect(failure("setmetatable({}, {__gc = function() end})")?.firstMessage.contains("'__gc' is not allowed") == true)
    #expect(
      failure("setmetatable({}, setmetatable({}, {__index = {__close = 1}})) setmetatable({}, {__close = print})")?
        .firstMessage.contains("'__close' is not allowed") == true)
    #expect(
      failure("local t = setmetatable({}, {__metatable = false}) setmetatable(t, {})")?.firstMessage
        .contains("protected metatable") == true)
  }

  /// Each took 20–90 s before: one call did seconds of C work and counted as one step.
  static let hostLoops = [
    big + #"local class = "[" .. big(16e6) .. "]" for i = 1, 1000 do string.find("bbbbbbbbbbbbbbbb", class) end"#,
    chain + "for i = 1, 1e6 do table.unpack(t, 1, 200) end",
    chain + "for i = 1, 1e3 do table.move(t, 1, 1e4, 1, {}) end",
    #"local g = "b" while #g < 8e6 do g = g .. g end for i = 1, 1000 do string.packsize(g) end"#,
    #"local s = "1" while #s < 8e6 do s = s .. s end for i = 1, 1e4 do tonumber(s, 36) end"#,
    big + "local s = big(8e6) for i = 1, 1e4 do utf8.len(s) end",
    big + #"local s = big(8e6) while true do local y = s .. "a" end"#,
    big + #"local a = big(8e6) local b = a .. "y" for i = 1, 1e6 do local _ = a < b end"#,
  ]

  @Test(arguments: hostLoops)
  func hostLoopsArePaidForAndTheClockIsRead(source: String) {
    expectStopped(source)
  }

  @Test func answersLikeStockLua() {
    // A position capture has no text: stock Lua finds no match (we tripped the budget).
    #expect(value(#"return string.find("aa", "()%1") == nil"#) == .boolean(true))
    // next with a key the table never had raises, as in stock Lua (we returned nil).
    #expect(failure(#"return next({a = 1}, "missing")"#)?.firstMessage.contains("invalid key to 'next'") == true)
    #expect(value(#"local t = {a = 1, b = 2} local k = next(t) t[k] = nil return next(t, k) ~= nil"#) == .boolean(true))
  }

  @Test func aRunThatEndsPastItsDeadlineFails() {
    // The hook reads the clock every 1,000 steps; a run ending between two reads after its
    // deadline used to succeed.
    let tight = LuaLimits(memoryBytes: 64 << 20, instructionBudget: 20_000_000, deadlineSeconds: 0.000_001)
    guard case .failure(let error) = evaluate("local x = 0 for i = 1, 100 do x = x + i end return x", limits: tight),
      error.message.hasPrefix("time limit")
    else {
      Issue.record("a run past its deadline succeeded")
      return
    }
  }
}
