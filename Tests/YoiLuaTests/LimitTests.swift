import YoiDiagnostics
import Testing
@testable import YoiLua

/// One test per limit and per known hole in stock Lua 5.4 (LUA-NOTES.md). Each hostile script
/// must end with a diagnostic, within the deadline, even when it catches errors.
@Suite("Sandbox: limits")
struct LimitTests {
  /// Every hostile script here must end well within this many seconds (deadline 1 s + margin).
  static let ceiling = 3.0

  private func expectLimit(
    _ source: String, _ expected: LuaLimit? = nil, limits: LuaLimits = .default,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    var result: Result<LuaValue, YoiError>?
    let seconds = secondsTaken { result = evaluate(source, limits: limits) }
    #expect(seconds < Self.ceiling, "took \(seconds) s", sourceLocation: sourceLocation)
    guard case .failure(let error)? = result else {
      Issue.record("expected a limit failure, got \(String(describing: result))", sourceLocation: sourceLocation)
      return
    }
    guard error.code == .luaLimit else {
      Issue.record("expected a limit failure, got \(error)", sourceLocation: sourceLocation)
      return
    }
    let prefixes: [LuaLimit: String] = [.memory: "memory limit", .instructions: "instruction limit", .deadline: "time limit"]
    if let expected { #expect(error.message.hasPrefix(prefixes[expected] ?? "?"), "\(error.message)", sourceLocation: sourceLocation) }
  }

  @Test func infiniteLoop() throws {
    expectLimit("while true do end", .instructions, limits: Self.longDeadline)
    let error = try #require(failure("local x = 0\nwhile true do x = x + 1 end"))
    #expect(error.diagnostics.first?.location?.line == 2)
    #expect(error.rendered.contains("--> test.lua:2"))
  }

  @Test func loopInsidePcallRetried() {
    expectLimit("while true do pcall(function() while true do end end) end", .instructions, limits: Self.longDeadline)
  }

  @Test func caughtLimitStillFails() {
    // The script swallows the trip and returns normally; the evaluation fails anyway.
    expectLimit("pcall(function() while true do end end) return 1", .instructions, limits: Self.longDeadline)
    expectLimit("local ok = pcall(function() while true do end end) return ok", .instructions, limits: Self.longDeadline)
  }

  @Test func xpcallHandlerCannotOutliveATrip() {
    expectLimit("xpcall(function() while true do end end, function() while true do end end)")
    expectLimit("return xpcall(function() while true do end end, function(e) return 'handled' end)")
  }

  @Test func xpcallHandlerStillWorksForOrdinaryErrors() {
    #expect(
      value(#"return select(2, xpcall(function() error("boom", 0) end, function(e) return "handled " .. e end))"#)
        == .string("handled boom"))
    #expect(value(#"return select(2, pcall(error, "plain", 0))"#) == .string("plain"))
  }

  /// A small cap, so the memory limit is reached long before the instruction budget.
  /// The memory cap is what these tests reach; the wall-clock deadline is long so that a
  /// machine busy with parallel tests cannot reach it first.
  static let smallMemory = LuaLimits(memoryBytes: 8 << 20, instructionBudget: 20_000_000, deadlineSeconds: 10)
  /// The default budget and cap with the same long deadline, for tests that expect the budget.
  static let longDeadline = LuaLimits(memoryBytes: LuaLimits.default.memoryBytes, instructionBudget: LuaLimits.default.instructionBudget, deadlineSeconds: 10)

  @Test func stringRepBomb() {
    expectLimit(#"return ("x"):rep(1e9)"#, .memory)
    expectLimit(#"local s = "x" for i = 1, 64 do s = s .. s end return #s"#, .memory, limits: Self.smallMemory)
    // Empty string and separator: stock Lua loops n times in C; here it answers at once.
    #expect(value(#"return #string.rep("", 1e15)"#) == .integer(0))
    expectLimit(#"return #string.rep("ab", 1e8, "")"#)
  }

  @Test func tableGrowth() {
    expectLimit("local t = {} for i = 1, 1e9 do t[i] = i end", .memory, limits: Self.smallMemory)
    expectLimit(#"local t = {} for i = 1, 1e9 do t["k" .. i] = {} end"#, .memory, limits: Self.smallMemory)
  }

  @Test func tableMoveOverAHugeRange() {
    expectLimit("table.move({}, 1, 1e15, 1)", .instructions, limits: Self.longDeadline)
  }

  @Test func deepRecursion() throws {
    let error = try #require(failure("local function f(n) return 1 + f(n + 1) end return f(1)"))
    // A stack overflow is an ordinary error or the memory cap, never a crash or a hang.
    #expect(error.code == .luaRuntime || error.message.hasPrefix("memory limit"))
    let cError = try #require(failure(#"local t = setmetatable({}, {__index = function(t, k) return t[k .. "x"] end}) return t.a"#))
    #expect(cError.code == .luaRuntime || cError.message.hasPrefix("memory limit"))
  }

  @Test func catastrophicPatterns() {
    let subject = #"string.rep("a", 5000)"#
    expectLimit("return \(subject):find('.-.-.-.-b')")
    expectLimit("return \(subject):match('(.-)(.-)(.-)(.-)b')")
    expectLimit("for x in \(subject):gmatch('.-.-.-.-b') do end")
    expectLimit("return \(subject):gsub('.-.-.-.-b', '')")
    expectLimit("return \(subject):find('a*a*a*a*a*b')")
    // A pattern stopped by its bound trips the evaluation even when the script catches it.
    expectLimit("pcall(string.find, \(subject), '.-.-.-.-b') return 'done'")
  }

  @Test func longPlainFindIsCharged() {
    expectLimit(#"local h = string.rep("a", 8e5) local n = string.rep("a", 2e5) .. "b" for i = 1, 1e6 do h:find(n, 1, true) end"#)
  }

  @Test func deadline() {
    let limits = LuaLimits(memoryBytes: 64 << 20, instructionBudget: .max, deadlineSeconds: 0.2)
    expectLimit("while true do end", .deadline, limits: limits)
    expectLimit("return string.rep('a', 5000):find('.-.-.-.-b')", .deadline, limits: limits)
  }

  @Test func gcMetamethodIsRefused() throws {
    let error = try #require(failure("setmetatable({}, {__gc = function() while true do end end})"))
    #expect(error.code == .luaRuntime)
    #expect(error.firstMessage.contains("__gc"))
  }

  @Test func closeMetamethodIsRefused() throws {
    let error = try #require(failure("local x <close> = setmetatable({}, {__close = function() while true do end end})"))
    #expect(error.firstMessage.contains("__close"))
    // Added after setmetatable, __close runs on the main thread under the hook: still bounded.
    expectLimit("local mt = {} local t = setmetatable({}, mt) mt.__close = function() while true do end end do local x <close> = t end")
  }

  @Test func hugeErrorMessageIsCut() throws {
    let error = try #require(failure(#"error(string.rep("x", 8 * 1024 * 1024))"#))
    #expect(error.code == .luaRuntime)
    #expect(error.firstMessage.utf8.count < 5000)
    #expect(error.firstMessage.contains("cut"))
    #expect(error.rendered.utf8.count < 8000)
  }

  @Test func errorObjectWithLoopingTostring() throws {
    var error: YoiError?
    let seconds = secondsTaken {
      error = failure("error(setmetatable({}, {__tostring = function() while true do end end}))")
    }
    #expect(seconds < Self.ceiling)
    let message = try #require(error).firstMessage
    #expect(message.contains("error object is a table value"))
  }

  @Test func errorWithTableValueKeepsItsLocation() throws {
    let error = try #require(failure("local x = 1\nerror({code = 42})"))
    #expect(error.diagnostics.first?.location?.line == 2)
  }

  /// The collector is off while a state is small (profiles never need it) and starts past
  /// 4 MiB: a script churning ~90 MB of garbage tables stays far below the 64 MiB cap.
  @Test func garbageIsCollectedOnceAStateGrows() throws {
    let sandbox = LuaSandbox()
    let evaluation = try sandbox.evaluate(
      .text("local n = 0 for i = 1, 500000 do local t = { i, i, i, i, i, i, i, i } n = n + #t end return n", chunkName: "churn.lua"))
    #expect(evaluation.value == .integer(4_000_000))
    #expect(evaluation.memoryPeak < 24 << 20, "peak \(evaluation.memoryPeak) bytes")
  }

  @Test func sortAndConcatAreCharged() {
    expectLimit("local t = {} for i = 1, 2e5 do t[i] = i end for i = 1, 1e6 do table.sort(t) end")
    expectLimit(#"local t = {} for i = 1, 1e5 do t[i] = "x" end for i = 1, 1e6 do table.concat(t) end"#)
  }

  @Test func boundedFunctionsStillWork() {
    #expect(value("local t = {3, 1, 2} table.sort(t) return t") == .array([.integer(1), .integer(2), .integer(3)]))
    #expect(value("return table.concat({'a', 'b'}, '-')") == .string("a-b"))
    #expect(value("return table.move({1, 2, 3}, 1, 3, 2)") == .array([.integer(1), .integer(1), .integer(2), .integer(3)]))
    #expect(value(#"return ("ab"):rep(3, ",")"#) == .string("ab,ab,ab"))
    #expect(value(#"return ("Hello"):upper() .. ("Hello"):lower() .. ("abc"):reverse()"#) == .string("HELLOhellocba"))
  }
}
