import YoiDiagnostics
import Testing
@testable import YoiLua

@Suite("Sandbox: host functions")
struct HostFunctionTests {
  static let describe = LuaHostFunction(name: "describe") { call throws(LuaHostFunctionError) in
    guard case .table(let table)? = call.arguments.first else { throw LuaHostFunctionError("describe expects a table") }
    return [.value(.string(table.keys.joined(separator: ","))), .value(.array([.integer(1), .boolean(true)]))]
  }

  static let identity = LuaHostFunction(name: "identity") { _ throws(LuaHostFunctionError) in [.argument(1)] }

  static let prelude = try! LuaPrelude(
    .text(
      "local host = ... ; describe = host.describe ; identity = host.identity",
      chunkName: "prelude.lua"))

  private func run(_ source: String) -> Result<LuaValue, YoiError> {
    evaluate(source, hostFunctions: [Self.describe, Self.identity], preludes: [Self.prelude])
  }

  @Test func resultsAreReplayedInLua() {
    let result = try? run("local keys, list = describe({ b = 1, a = 2 }) return { keys = keys, n = #list, t = list[2] }").get()
    #expect(result == .table(LuaTable(["keys": .string("a,b"), "n": .integer(2), "t": .boolean(true)])))
  }

  @Test func argumentsKeepTheirIdentity() {
    #expect((try? run("local t = {} return identity(t) == t").get()) == .boolean(true))
  }

  @Test func thrownErrorsBecomeLuaErrorsAtTheCaller() throws {
    guard case .failure(let error) = run("local x = 1\nreturn describe(42)") else {
      Issue.record("expected failure")
      return
    }
    #expect(error.code == .luaRuntime)
    #expect(error.firstMessage == "describe expects a table")
    #expect(error.diagnostics.first?.location?.line == 2)
  }

  @Test func errorsCanBeCaughtLikeAnyOther() {
    #expect((try? run("return (pcall(describe, 1))").get()) == .boolean(false))
  }

  @Test func functionArgumentsAreRefusedBeforeTheBody() throws {
    guard case .failure(let error) = run("return describe({ f = print })") else {
      Issue.record("expected failure")
      return
    }
    #expect(error.firstMessage.contains("bad argument #1.f to 'describe'"))
  }

  @Test func hostTableIsOnlyReachableFromThePrelude() {
    #expect((try? run("return describe ~= nil and host == nil").get()) == .boolean(true))
  }
}
