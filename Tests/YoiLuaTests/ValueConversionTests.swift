import YoiDiagnostics
import Testing
@testable import YoiLua

@Suite("Sandbox: value conversion")
struct ValueConversionTests {
  @Test func nestedTables() {
    #expect(
      value("return { b = { c = { d = 'deep' } }, a = 1 }")
        == .table(LuaTable(["a": .integer(1), "b": .table(LuaTable(["c": .table(LuaTable(["d": .string("deep")]))]))])))
  }

  @Test func keysAreSortedByBytes() throws {
    guard case .table(let table)? = value("return { zeta = 1, alpha = 2, Beta = 3, _x = 4 }") else {
      Issue.record("expected a table")
      return
    }
    #expect(table.keys == ["Beta", "_x", "alpha", "zeta"])
  }

  @Test func arraysAndMaps() {
    #expect(value("return { 'a', 'b' }") == .array([.string("a"), .string("b")]))
    #expect(value("return { [1] = 'a', [2] = 'b' }") == .array([.string("a"), .string("b")]))
    #expect(value("return { x = 'a' }") == .table(LuaTable(["x": .string("a")])))
  }

  @Test func emptyTable() {
    #expect(value("return {}") == .table(LuaTable()))
  }

  @Test func integersAndFloatsStayApart() {
    #expect(value("return 3") == .integer(3))
    #expect(value("return 3.0") == .number(3.0))
    #expect(value("return 2.4e5") == .number(240_000))
    #expect(value("return 7 // 2") == .integer(3))
    #expect(value("return 7 / 2") == .number(3.5))
  }

  @Test func scalars() {
    #expect(value("return nil") == .nil)
    #expect(value("return true") == .boolean(true))
    #expect(value("return 'text'") == .string("text"))
  }

  @Test func cyclesAreErrorsWithTheirPath() throws {
    let error = try #require(failure("local t = { a = { } } t.a.back = t return t"))
    #expect(error.code == .luaValue)
    #expect(error.firstMessage == "a.back: the table contains itself (a cycle)")
  }

  @Test func sharedSubtablesAreNotCycles() {
    #expect(
      value("local s = { 1 } return { a = s, b = s }")
        == .table(LuaTable(["a": .array([.integer(1)]), "b": .array([.integer(1)])])))
  }

  @Test func functionsAreErrorsWithTheirPath() throws {
    let error = try #require(failure("return { worker = { hook = function() end } }"))
    #expect(error.code == .luaValue)
    #expect(error.firstMessage.hasPrefix("worker.hook: a function cannot be converted"))
  }

  @Test func nonStringKeys() throws {
    let boolean = try #require(failure("return { [true] = 1 }"))
    #expect(boolean.firstMessage.contains("found a boolean key"))
    let float = try #require(failure("return { [1.5] = 1 }"))
    #expect(float.firstMessage.contains("number (1.5)"))
    let table = try #require(failure("return { [{}] = 1 }"))
    #expect(table.firstMessage.contains("table key"))
  }

  @Test func mixedTablesAndHoles() throws {
    let mixed = try #require(failure("return { 1, 2, name = 'x' }"))
    #expect(mixed.firstMessage.contains("mixes list entries and named fields"))
    let hole = try #require(failure("return { [1] = 'a', [3] = 'c' }"))
    #expect(hole.firstMessage.contains("without holes"))
  }

  @Test func nanAndInfinityAreRefused() throws {
    let nan = try #require(failure("return { x = 0/0 }"))
    #expect(nan.firstMessage == "x: NaN cannot be converted")
    let inf = try #require(failure("return { list = { 1, math.huge } }"))
    #expect(inf.firstMessage == "list[2]: an infinite number cannot be converted")
  }

  @Test func canonicallyEquivalentKeysAreAnError() throws {
    let error = try #require(failure(#"return { ["\u{E9}"] = 1, ["e\u{301}"] = 2 }"#))
    #expect(error.firstMessage.contains("Unicode normalisation"))
    #expect(error.firstMessage.contains(#"\xC3\xA9"#))
  }

  @Test func invalidUTF8IsAnError() throws {
    let error = try #require(failure(#"return { name = "\xff\xfe" }"#))
    #expect(error.firstMessage == "name: the string is not valid UTF-8")
  }

  @Test func allProblemsAreReported() throws {
    let error = try #require(failure("return { a = print, b = 0/0, c = { [true] = 1 } }"))
    #expect(error.diagnostics.count == 3)
  }

  @Test func giantAndDeepValuesFailFast() throws {
    let deep = try #require(failure("local t = {} local c = t for i = 1, 500 do c.x = {} c = c.x end return t"))
    #expect(deep.firstMessage.contains("nested too deeply"))
    let shared = try #require(failure("local t = {1} for i = 1, 40 do t = { a = t, b = t } end return t"))
    #expect(shared.firstMessage.contains("too large"))
  }
}
