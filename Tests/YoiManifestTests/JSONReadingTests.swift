import Testing
import YoiManifest

@Suite("Reading JSON: the scan, the tree and typed decoding")
struct JSONReadingTests {
  @Test(
    "JSON's grammar is enforced at the scan, with the byte offset",
    arguments: [
      ("01", "trailing characters") as (String, String), ("+1", "invalid number"), ("1.", "invalid number"), (".5", "invalid number"), ("1e", "invalid number"),
      ("-", "invalid number"), ("1e999", "invalid number"), (String(repeating: "9", count: 400), "invalid number"),
      (#"{"a":1,"a":2}"#, "duplicate key"), (#"{"a":1,"\u0061":2}"#, "duplicate key"), (#"{"a" 1}"#, "expected ':'"),
      (#"[1,]"#, "invalid number"), (#"[1 2]"#, "expected ',' or ']'"), (#""\x""#, "invalid escape"), (#""\ud800""#, "unpaired surrogate"),
      (#""\udc00""#, "unpaired surrogate"), (#""\u12G4""#, "invalid \\u escape"), ("\"a\u{01}\"", "control character in string"),
      (#""abc"#, "unfinished string"), ("nul", "expected null"), ("{} x", "trailing characters"),
      (String(repeating: "[", count: 201) + String(repeating: "]", count: 201), "nested too deeply"),
    ])
  func grammar(text: String, reason: String) {
    #expect {
      try JSONParser.parse(text)
    } throws: { error in
      (error as? JSONParser.Failure)?.reason == reason
    }
  }

  @Test func valuesReadExactly() throws {
    #expect(try JSONParser.parse("-9223372036854775808") == .integer(.min))
    #expect(try JSONParser.parse("9223372036854775807") == .integer(.max))
    // Too large for Int64, still a number JSON allows.
    #expect(try JSONParser.parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
    #expect(try JSONParser.parse("-0") == .integer(0))
    #expect(try JSONParser.parse("2.0") == .number(2))
    #expect(try JSONParser.parse("1E+2") == .number(100))
    #expect(try JSONParser.parse(#" { "b" : [ true , false , null ] , "a" : "\/\t" } "#) == ["a": "/\t", "b": [true, false, .null]])
    #expect(try JSONParser.parse(#"{"\u0062":1,"a":{}}"#) == ["a": [:], "b": 1])
  }

  struct Event: Decodable, Equatable {
    struct Part: Decodable, Equatable {
      var text: String?
      var count: Int64
      var ratio: Double?
    }
    enum Kind: String, Decodable { case start, stop }
    var kind: Kind
    var parts: [Part]
    var tags: [String: Int]?
    var raw: JSONValue?
  }

  @Test func typedDecodingReadsMembersInAnyOrderAndMakesOnlyWhatItNeeds() throws {
    let event = try JSONCoding.decode(
      Event.self,
      from:
        #"{"unused":{"deep":[1,2,{"x":"y"}]},"raw":{"z":[1,"\n"]},"parts":[{"count":2,"text":"a\"b"},{"count":12.0,"ratio":1,"text":null}],"tags":{"x":1},"kind":"stop"}"#
    )
    #expect(
      event
        == Event(
          kind: .stop, parts: [.init(text: "a\"b", count: 2, ratio: nil), .init(text: nil, count: 12, ratio: 1)], tags: ["x": 1],
          raw: ["z": [1, "\n"]]))
  }

  @Test(
    "a failure names the member's path, whatever depth it is found at",
    arguments: [
      (#"{"kind":"start","parts":[{"count":1},{"count":"2"}]}"#, "parts[2].count: expected an integer, found a string"),
      (#"{"kind":"start","parts":[{"count":1},{}]}"#, "parts[2].count: is missing"),
      (#"{"kind":"start","parts":{}}"#, "parts: expected an array, found an object"),
      (#"{"kind":"begin","parts":[]}"#, "kind: Cannot initialize Kind from invalid String value begin"),
      (#"{"kind":"start","parts":[],"tags":{"a":"b"}}"#, "tags.a: expected an integer, found a string"),
      (#"{"kind":"start","parts":[{"count":1.5}]}"#, "parts[1].count: expected an integer, found a number"),
      (#"[1]"#, "expected an object, found an array"),
      (#"{"kind":"start","parts":[],"#, "not JSON (invalid JSON at byte 27: expected a key)"),
    ])
  func failurePaths(text: String, message: String) {
    #expect {
      try JSONCoding.decode(Event.self, from: text)
    } throws: { error in
      (error as? JSONCoding.Failure)?.description == message
    }
  }

  @Test func valuesBuiltInMemoryDecodeTheSameWay() throws {
    let value: JSONValue = ["kind": "start", "parts": [["count": 3]]]
    #expect(try JSONCoding.decode(Event.self, from: value) == Event(kind: .start, parts: [.init(text: nil, count: 3, ratio: nil)], tags: nil, raw: nil))
  }
}
