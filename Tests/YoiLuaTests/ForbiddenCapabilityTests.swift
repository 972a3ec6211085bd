import YoiDiagnostics
import Testing
@testable import YoiLua

/// One test per capability the sandbox must not offer (DESIGN.md §2.2).
@Suite("Sandbox: forbidden capabilities")
struct ForbiddenCapabilityTests {
  @Test func osIsAbsent() throws {
    let error = try #require(failure(#"os.execute("touch /tmp/yoi-escaped")"#))
    #expect(error.code == .luaRuntime)
    #expect(error.firstMessage.contains("global 'os'"))
    #expect(value("return os == nil") == .boolean(true))
  }

  @Test func ioIsAbsent() throws {
    let error = try #require(failure(#"return io.open("/etc/passwd"):read("a")"#))
    #expect(error.firstMessage.contains("global 'io'"))
  }

  @Test func debugIsAbsent() throws {
    let error = try #require(failure("debug.sethook()"))
    #expect(error.firstMessage.contains("global 'debug'"))
  }

  @Test func packageIsAbsent() throws {
    #expect(value("return package == nil and require == nil") == .boolean(true))
    let error = try #require(failure(#"package.loadlib("libc.so.6", "system")"#))
    #expect(error.firstMessage.contains("global 'package'"))
  }

  @Test func dofileIsAbsent() throws {
    let error = try #require(failure(#"dofile("/etc/passwd")"#))
    #expect(error.firstMessage.contains("global 'dofile'"))
  }

  @Test func loadfileIsAbsent() throws {
    let error = try #require(failure(#"loadfile("/etc/passwd")"#))
    #expect(error.firstMessage.contains("global 'loadfile'"))
  }

  @Test func loadIsAbsent() throws {
    let error = try #require(failure(#"return load("return 1")()"#))
    #expect(error.firstMessage.contains("global 'load'"))
  }

  @Test func stringDumpIsAbsent() throws {
    #expect(value("return string.dump == nil") == .boolean(true))
    let error = try #require(failure("return string.dump(function() end)"))
    #expect(error.firstMessage.contains("dump"))
  }

  @Test func collectgarbageIsAbsent() throws {
    let error = try #require(failure("collectgarbage()"))
    #expect(error.firstMessage.contains("global 'collectgarbage'"))
  }

  @Test func coroutineIsAbsent() throws {
    let error = try #require(failure("coroutine.wrap(function() end)()"))
    #expect(error.firstMessage.contains("global 'coroutine'"))
  }

  @Test func mathRandomIsAbsent() throws {
    #expect(value("return math.random == nil and math.randomseed == nil") == .boolean(true))
    #expect(value("return math.floor(2.5) + math.max(1, 2)") == .integer(4))
  }

  @Test func stringMetatableIsProtected() throws {
    #expect(value(#"return getmetatable("")"#) == .boolean(false))
    let error = try #require(failure(#"getmetatable("").__index.upper = function() return "pwned" end"#))
    #expect(error.code == .luaRuntime)
    // setmetatable cannot replace it either: strings are not tables.
    #expect(failure(#"setmetatable("", {})"#) != nil)
  }

  @Test func rawgetOnGlobalsFindsNothingHidden() {
    let names = ["os", "io", "debug", "package", "dofile", "loadfile", "load", "collectgarbage", "coroutine", "require", "warn"]
    let checks = names.map { "rawget(_G, \"\($0)\") == nil" }.joined(separator: " and ")
    #expect(value("return \(checks)") == .boolean(true))
    #expect(value(#"return rawget(string, "dump") == nil and rawget(math, "random") == nil"#) == .boolean(true))
  }

  @Test func bytecodeIsRefused() throws {
    // The signature of a Lua 5.4 binary chunk (a real dump is not even UTF-8 text past it).
    let bytecode = "\u{1B}Lua\u{54}\u{00}"
    let error = try #require(failure(bytecode))
    #expect(error.code == .luaSyntax)
    #expect(error.firstMessage.contains("attempt to load a binary chunk (mode is 't')"), "\(error.firstMessage)")
  }

  @Test func printDoesNotReachStdout() throws {
    let evaluation = try LuaSandbox().evaluate(.text(#"print("canary-print", 42) return 1"#, chunkName: "p.lua"))
    #expect(evaluation.printed == "canary-print\t42\n")
  }

  @Test func globalsDoNotLeakBetweenEvaluations() {
    #expect(value(#"string.upper = function() return "pwned" end; answer = 42; return ("a"):upper()"#) == .string("pwned"))
    #expect(value(#"return answer == nil and ("a"):upper() == "A""#) == .boolean(true))
  }

  @Test func addressesDoNotLeakIntoValues() throws {
    #expect(value("return tostring({})") == .string("table"))
    #expect(value("return tostring(print)") == .string("function"))
    #expect(value(#"return string.format("%s", {})"#) == .string("table"))
    let error = try #require(failure(#"return string.format("%p", {})"#))
    #expect(error.firstMessage.contains("%p"))
  }
}
