import Testing
import YoiManifest
@testable import YoiProfiles

@Suite("TOML reader")
struct TOMLReaderTests {
  func parse(_ text: String) throws(TOMLReader.Failure) -> JSONObject { try TOMLReader.parse(text).0 }

  @Test func theTOMLYoiUses() throws {
    let root = try parse("""
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
