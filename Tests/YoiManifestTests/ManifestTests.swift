import Testing
@testable import YoiManifest

@Suite("SHA-256")
struct SHA256Tests {
  /// NIST FIPS 180-4 example vectors.
  @Test func nistVectors() {
    #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}

@Suite("Canonical JSON")
struct CanonicalJSONTests {
  @Test func keysSortedNumbersStableStringsEscaped() {
    let value: JSONValue = ["b": 1, "a": [2.0, 0.5, 1e16, -0.0], "é": "line\n\"q\"\u{01}", "Z": .null, "t": true]
    #expect(CanonicalJSON.compact(value) == #"{"Z":null,"a":[2.0,0.5,1e16,-0.0],"b":1,"t":true,"é":"line\n\"q\"\u0001"}"#)
  }

  @Test("objects sort their keys by bytes and the last duplicate wins, small (insertion sort) and large", arguments: [5, 40])
  func objectKeys(count: Int) throws {
    let keys = (0..<count).map { "k\(($0 * 7) % count)" }
    let object = JSONObject(keys.enumerated().map { (key: $0.element, value: .integer(Int64($0.offset))) } + [(key: "k1", value: "last")])
    #expect(object.members.map(\.key) == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    #expect(object["k1"] == "last")
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#) }
    #expect(try JSONParser.parse(#"{"s":"a\nb\"c\u00e9\ud83d\ude00 tail"}"#) == ["s": "a\nb\"cé😀 tail"])
  }

  @Test func integersAtTheLimits() {
    #expect(CanonicalJSON.compact([.integer(0), .integer(-7), .integer(.max), .integer(.min)]) == "[0,-7,9223372036854775807,-9223372036854775808]")
  }

  @Test func prettyFormKeepsOrder() {
    #expect(CanonicalJSON.pretty(["b": [], "a": ["x": 1]]) == "{\n  \"a\": {\n    \"x\": 1\n  },\n  \"b\": []\n}\n")
  }
}

@Suite("Launch policy rules")
struct ScopeRuleTests {
  @Test func coverage() {
    let readW = ScopeRule(target: "/w", permission: .read)
    let writeW = ScopeRule(target: "/w", permission: .write)
    let readSub = ScopeRule(target: "/w/sub", permission: .read)
    let flat = ScopeRule(target: "/w", permission: .write, recursive: false)
    #expect(writeW.covers(readSub))
    #expect(readW.covers(readSub))
    #expect(!readW.covers(ScopeRule(target: "/w/sub", permission: .write)))
    #expect(!flat.covers(readSub))
    #expect(writeW.covers(flat))
    #expect(!readSub.covers(readW))
    #expect(!ScopeRule(target: "/w", permission: .read).covers(ScopeRule(target: "/wx", permission: .read)))
  }
}

@Suite("Path lexer")
struct PathLexerTests {
  @Test(
    "normalize: already-normal paths come back as they are, others are cleaned",
    arguments: [
      ("/", "/"), ("/a/b", "/a/b"), ("/a//b/", "/a/b"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/..", "/"), ("/a/.", "/a"), ("/.a/..b/c.", "/.a/..b/c."),
      ("a/b", "/a/b"),
    ])
  func normalize(path: String, expected: String) {
    #expect(PathLexer.normalize(path) == expected)
  }
}
