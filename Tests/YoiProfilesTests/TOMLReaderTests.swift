import Testing
import YoiManifest
@testable import YoiProfiles

@Suite("TOML reader")
struct TOMLReaderTests {
  func parse(_ text: String) throws(TOMLReader.Failure) -> JSONObject { try TOMLReader.parse(text).0 }

  @Test func theTOMLYoiUses() throws {
    let root = try parse(
      """
      # comment
      default = "coder"   # trailing comment
      [profile]
      coder = 'profiles/coder.lua'
      "quoted key" = "a\\tb\\u00e9"
      [profile.reviewer]
      path = "r.lua"
      description = \"\"\"
      multi
      line\"\"\"
      [models."anthropic/claude-sonnet-4-6"]
      context_window = 1_000_000
      ratio = 0.5
      flags = [ true, false, ]
      inline = { kind = "secret_ref", ref = "a/b" }
      numbers = [0x10, 0o17, 0b101, -3, +4, 1e3, 2.5E-1]
      dotted.key = 1
      [[servers]]
      name = "a"
      [[servers]]
      name = "b"
      """)
    #expect(root["default"] == "coder")
    guard case .object(let profile)? = root["profile"], case .object(let reviewer)? = profile["reviewer"],
      case .object(let models)? = root["models"], case .object(let model)? = models["anthropic/claude-sonnet-4-6"]
    else {
      Issue.record("missing tables")
      return
    }
    #expect(profile["coder"] == "profiles/coder.lua")
    #expect(profile["quoted key"] == .string("a\tb\u{e9}"))
    #expect(reviewer["description"] == "multi\nline")
    #expect(model["context_window"] == .integer(1_000_000))
    #expect(model["ratio"] == .number(0.5))
    #expect(model["flags"] == [true, false])
    #expect(model["inline"] == ["kind": "secret_ref", "ref": "a/b"])
    #expect(model["numbers"] == [16, 15, 5, -3, 4, .number(1000), .number(0.25)])
    #expect(model["dotted"] == ["key": 1])
    #expect(root["servers"] == [["name": "a"], ["name": "b"]])
  }

  @Test(arguments: [
    ("[\u{FFFD}\u{FFFD}", 1),  // the input that aborted the C++ parser
    ("a = ", 1), ("a = 1\na = 2", 2), ("[t]\n[t]", 2), ("a = \"open", 1), ("a = 01", 1), ("a = 1__0", 1),
    ("a = 1979-05-27", 1), ("a = inf", 1), ("a = { b = 1 }\na.c = 2", 2), ("a = [1, 2", 1), ("x = 1 y = 2", 1),
    ("a = \"\\q\"", 1), ("a = 99999999999999999999", 1), ("= 1", 1), ("[a\n", 1), ("a = 'x\ny'", 1),
  ])
  func malformedInputIsLocated(text: String, line: Int) {
    do {
      _ = try parse(text)
      Issue.record("\(text) parsed")
    } catch {
      #expect(error.line == line, "\(text): \(error.message)")
      #expect(!error.message.isEmpty)
    }
  }

  @Test func keyLines() throws {
    let lines = try TOMLReader.parse("a = 1\n\n[t.u]\nb = 2\nc.d = 3\n").1
    #expect(lines["a"] == 1)
    #expect(lines["t"] == 3)
    #expect(lines["t.u"] == 3)
    #expect(lines["t.u.b"] == 4)
    #expect(lines["t.u.c.d"] == 5)
  }
}

/// Hostile TOML from a cloned repository (issue 11): each crashed yoi or stalled it for seconds.
@Suite("TOML reader: hostile input")
struct TOMLHostileInputTests {
  func failure(_ text: String) -> TOMLReader.Failure? {
    do {
      _ = try TOMLReader.parse(text)
      return nil
    } catch {
      return error
    }
  }

  @Test func deepNestingIsAnErrorNotAStackOverflow() {
    // 50 KB of `[` overflowed the stack (SIGSEGV).
    #expect(failure("a = " + String(repeating: "[", count: 50_000))?.message.contains("nested more than") == true)
    #expect(failure("a = " + String(repeating: "{ b = ", count: 10_000))?.message.contains("nested more than") == true)
    #expect(failure("a = " + String(repeating: "[", count: 32) + String(repeating: "]", count: 32)) == nil)
  }

  @Test func manyDottedPartsAreRefusedQuickly() {
    // A header with 12,000 dotted parts took 23 s (quadratic).
    let parts = (0..<12_000).map { "k\($0)" }.joined(separator: ".")
    let seconds = ContinuousClock().measure {
      #expect(failure("[\(parts)]\n")?.message.contains("dotted parts") == true)
      #expect(failure("\(parts) = 1\n")?.message.contains("dotted parts") == true)
    }
    #expect(seconds < .milliseconds(500))
  }

  @Test func combiningMarkRunsAreRefusedQuickly() {
    // 40,000 alternating combining marks: each Swift comparison re-sorted them.
    let marks = String(repeating: "\u{301}\u{316}", count: 20_000)
    let seconds = ContinuousClock().measure {
      #expect(failure("description = \"x\(marks)\"\n")?.message.contains("combining marks") == true)
      #expect(failure("\"x\(marks)\" = 1\n")?.message.contains("combining marks") == true)
    }
    #expect(seconds < .milliseconds(500))
    // Ordinary accents are fine.
    #expect(failure("description = \"cafe\u{301} naïve\"\n") == nil)
  }
}

@Suite("Project trust digest")
struct TrustDigestTests {
  @Test func partsAreFramedSoFilesCannotPassForModules() {
    // Lua comments may hold NUL: with NUL separators a trusted p.lua of A‖"\0.yoi/b.lua\0"‖B
    // digested like A plus a new module b.lua = B.
    let a = "return require('b') --", b = "return {}"
    let module = ModuleLocator.Module(text: b, displayPath: ".yoi/b.lua", relativePath: "b.lua")
    let joined = ProfileResolver.contentDigest(profile: a + "\u{0}.yoi/b.lua\u{0}" + b, modules: [])
    let split = ProfileResolver.contentDigest(profile: a, modules: [module])
    #expect(joined != split)
    let joinedRelative = ProfileResolver.contentDigest(profile: a + "\u{0}b.lua\u{0}" + b, modules: [])
    #expect(joinedRelative != split)
  }

  @Test func modulePathsDoNotDependOnTheWorkingDirectory() {
    let fromRoot = ModuleLocator.Module(text: "x", displayPath: ".yoi/lib/common.lua", relativePath: "lib/common.lua")
    let fromSubdirectory = ModuleLocator.Module(text: "x", displayPath: "../../.yoi/lib/common.lua", relativePath: "lib/common.lua")
    #expect(ProfileResolver.contentDigest(profile: "p", modules: [fromRoot]) == ProfileResolver.contentDigest(profile: "p", modules: [fromSubdirectory]))
  }
}
