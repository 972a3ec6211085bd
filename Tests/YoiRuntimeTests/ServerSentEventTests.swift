import Testing

@testable import YoiProviders

@Suite("Server-sent events")
struct ServerSentEventTests {
  static let stream = Array(
    "event: message\r\ndata: {\"text\":\"日本語 ✓ ünï\"}\r\n\r\n: keep-alive\n\nid: 7\nretry: 10\ndata: line one\ndata: line two\n\nevent: x\rdata:no-space\r\r"
      .utf8)

  static let expected = [
    ServerSentEvent(event: "message", data: "{\"text\":\"日本語 ✓ ünï\"}"),
    ServerSentEvent(event: "", data: "line one\nline two"),
    ServerSentEvent(event: "x", data: "no-space"),
  ]

  @Test("every cut point gives the same events (mid-line, mid-UTF-8, between CR and LF)")
  func cutAnywhere() throws {
    for cut in 0...Self.stream.count {
      var parser = ServerSentEventParser()
      let events = try parser.feed(Self.stream[..<cut]) + parser.feed(Self.stream[cut...])
      #expect(events == Self.expected, "cut at \(cut)")
    }
  }

  @Test("byte by byte")
  func byteByByte() throws {
    var parser = ServerSentEventParser()
    var events: [ServerSentEvent] = []
    for byte in Self.stream { events += try parser.feed([byte]) }
    #expect(events == Self.expected)
    #expect(!parser.hasPartialEvent)
  }

  @Test("an unfinished event is reported as partial")
  func partial() throws {
    var parser = ServerSentEventParser()
    _ = try parser.feed(Array("data: half".utf8))
    #expect(parser.hasPartialEvent)
  }
}
